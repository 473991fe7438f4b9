#include "api/JsonText.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace cabinet::api {

QByteArray jsonString(const QString &text)
{
    // QJsonDocument escapes exactly as RFC 8259 asks; wrap the string in an
    // array and drop the brackets.
    const QByteArray array = QJsonDocument(QJsonArray { text }).toJson(QJsonDocument::Compact);
    return array.mid(1, array.size() - 2);
}

QByteArray writeJson(const JsonValue &value)
{
    switch (value.type) {
    case JsonValue::Type::Null:
        return QByteArrayLiteral("null");
    case JsonValue::Type::Bool:
        return value.boolean ? QByteArrayLiteral("true") : QByteArrayLiteral("false");
    case JsonValue::Type::Number:
        return value.text.toLatin1();
    case JsonValue::Type::String:
        return jsonString(value.text);
    case JsonValue::Type::Array: {
        QByteArray out = "[";
        for (size_t i = 0; i < value.items.size(); ++i) {
            if (i)
                out += ',';
            out += writeJson(value.items[i]);
        }
        return out + ']';
    }
    case JsonValue::Type::Object: {
        QByteArray out = "{";
        for (size_t i = 0; i < value.items.size(); ++i) {
            if (i)
                out += ',';
            out += jsonString(value.keys[qsizetype(i)]) + ':' + writeJson(value.items[i]);
        }
        return out + '}';
    }
    }
    return QByteArrayLiteral("null");
}

const JsonValue *member(const JsonValue &object, const QString &key)
{
    if (!object.isObject())
        return nullptr;
    const qsizetype index = object.keys.indexOf(key);
    return index < 0 ? nullptr : &object.items[size_t(index)];
}

Result<QJsonObject> paramsObject(const QByteArray &params)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(params, &error);
    if (error.error != QJsonParseError::NoError)
        return Error { ErrorCode::InvalidArgument,
                       QStringLiteral("params are not valid JSON (at offset %1: %2)").arg(error.offset).arg(error.errorString()),
                       QStringLiteral("params") };
    if (!document.isObject())
        return Error { ErrorCode::InvalidArgument, QStringLiteral("params must be a JSON object"), QStringLiteral("params") };
    return document.object();
}

Status onlyKnownMembers(const QJsonObject &params, std::initializer_list<const char *> known)
{
    for (auto it = params.begin(); it != params.end(); ++it) {
        bool found = false;
        for (const char *name : known)
            found = found || it.key() == QLatin1StringView(name);
        if (!found)
            return Error { ErrorCode::InvalidArgument, QStringLiteral("unknown field '%1'").arg(it.key().left(64)), it.key().left(64) };
    }
    return {};
}

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

QByteArray compact(const QJsonArray &array)
{
    return QJsonDocument(array).toJson(QJsonDocument::Compact);
}

} // namespace cabinet::api

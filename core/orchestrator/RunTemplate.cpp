#include "orchestrator/RunTemplate.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace cabinet::orchestrator {

QJsonValue valueAt(const QJsonValue &root, QStringView path)
{
    QJsonValue value = root;
    if (path.isEmpty())
        return value;
    for (QStringView part : path.split(u'.')) {
        if (!value.isObject())
            return QJsonValue(QJsonValue::Undefined);
        value = value.toObject().value(part);
    }
    return value;
}

QString valueText(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Undefined:
    case QJsonValue::Null: return {};
    case QJsonValue::String: return value.toString();
    case QJsonValue::Object: return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    case QJsonValue::Array: return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    case QJsonValue::Bool: return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double: {
        // Through an array so the number is written as JSON writes it.
        const QByteArray text = QJsonDocument(QJsonArray { value }).toJson(QJsonDocument::Compact);
        return QString::fromUtf8(text.mid(1, text.size() - 2));
    }
    }
    return {};
}

QString fillTemplate(const Template &text, const RunValues &values)
{
    QString out;
    out.reserve(text.size());
    qsizetype from = 0;
    for (qsizetype at = text.indexOf(QLatin1StringView("{{")); at >= 0; at = text.indexOf(QLatin1StringView("{{"), from)) {
        const qsizetype end = text.indexOf(QLatin1StringView("}}"), at + 2);
        if (end < 0)
            break;
        out += QStringView(text).mid(from, at - from);
        const QString path = text.mid(at + 2, end - at - 2).trimmed();
        if (path == u"input" || path.startsWith(u"input.")) {
            out += valueText(valueAt(values.input, QStringView(path).mid(qMin<qsizetype>(path.size(), 6))));
        } else if (path.startsWith(u"nodes.")) {
            // nodes.<id>.output[.a.b]
            const qsizetype dot = path.indexOf(u'.', 6);
            const QString node = path.mid(6, dot - 6);
            const qsizetype rest = dot + qsizetype(sizeof(".output") - 1);
            const auto found = values.outputs.constFind(node);
            if (found != values.outputs.constEnd())
                out += valueText(valueAt(*found, QStringView(path).mid(qMin(path.size(), rest + 1))));
        }
        from = end + 2;
    }
    out += QStringView(text).mid(from);
    return out;
}

bool edgeHolds(const Edge &edge, Outcome outcome, const QJsonValue &output)
{
    if (edge.on && *edge.on != outcome)
        return false;
    if (!edge.test)
        return true;
    const QJsonValue value = valueAt(output, edge.test->field);
    switch (edge.test->op) {
    case FieldTest::Op::Equals: return valueText(value) == edge.test->value;
    case FieldTest::Op::NotEquals: return valueText(value) != edge.test->value;
    case FieldTest::Op::Above:
    case FieldTest::Op::Below: {
        bool ok = false;
        const double bound = edge.test->value.toDouble(&ok);
        if (!ok || !value.isDouble())
            return false;
        return edge.test->op == FieldTest::Op::Above ? value.toDouble() > bound : value.toDouble() < bound;
    }
    }
    return false;
}

} // namespace cabinet::orchestrator

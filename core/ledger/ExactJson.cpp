#include "ledger/ExactJson.h"

#include "QuotedInput.h"

#include <QSet>

namespace cabinet::ledger {

namespace {

// Up to this many keys a duplicate is looked for by scanning the keys read
// so far (a ledger object has at most 13, and a scan of a few beats hashing);
// past it by a hash set, so that a wide object costs n, not n^2 (100,000
// keys took 25 s scanned).
constexpr qsizetype KeysScanned = 16;

class Reader {
public:
    Reader(const QByteArray &input, const JsonLimits &limits, const JsonItemSink *take = nullptr)
        : m_data(input.constData()), m_size(input.size()), m_limits(limits), m_take(take)
    {
    }

    Result<JsonValue> document()
    {
        JsonValue value;
        // Refused before a byte is parsed: the size alone says it is too much.
        if (m_size > m_limits.bytesMax)
            return Error { ErrorCode::InvalidArgument,
                           QStringLiteral("the JSON text is %1 bytes; at most %2 are read").arg(m_size).arg(m_limits.bytesMax) };
        skipSpace();
        if (!parseValue(value, 0))
            return m_takeError ? *m_takeError : error();
        skipSpace();
        if (m_pos != m_size) {
            fail(QStringLiteral("unexpected text after the JSON value"));
            return error();
        }
        return value;
    }

private:
    Error error() const
    {
        int line = 1, column = 1;
        for (qsizetype i = 0; i < m_errorPos && i < m_size; ++i) {
            if (m_data[i] == '\n') {
                ++line;
                column = 1;
            } else {
                ++column;
            }
        }
        // Input past a limit may be well-formed: it is not called malformed.
        return Error { ErrorCode::InvalidArgument,
                       QStringLiteral("%1 at line %2, column %3: %4")
                               .arg(m_overLimit ? QStringLiteral("JSON over a limit") : QStringLiteral("malformed JSON"))
                               .arg(line)
                               .arg(column)
                               .arg(m_error) };
    }

    bool overLimit(const QString &message)
    {
        if (m_error.isEmpty())
            m_overLimit = true;
        return fail(message);
    }

    bool fail(const QString &message)
    {
        if (m_error.isEmpty()) {
            m_error = message;
            m_errorPos = m_pos;
        }
        return false;
    }

    bool atEnd() const { return m_pos >= m_size; }
    char peek() const { return atEnd() ? '\0' : m_data[m_pos]; }

    void skipSpace()
    {
        while (!atEnd() && (peek() == ' ' || peek() == '\t' || peek() == '\n' || peek() == '\r'))
            ++m_pos;
    }

    bool literal(const char *word)
    {
        for (const char *c = word; *c; ++c, ++m_pos) {
            if (atEnd() || m_data[m_pos] != *c)
                return fail(QStringLiteral("expected '%1'").arg(QLatin1StringView(word)));
        }
        return true;
    }

    // `depth`: the objects and arrays around the value.
    bool parseValue(JsonValue &value, int depth)
    {
        if (++m_values > m_limits.valuesMax)
            return overLimit(QStringLiteral("more than %1 values in one document").arg(m_limits.valuesMax));
        switch (peek()) {
        case '{':
            if (depth >= m_limits.depthMax)
                return overLimit(QStringLiteral("nested more than %1 deep").arg(m_limits.depthMax));
            return parseObject(value, depth);
        case '[':
            if (depth >= m_limits.depthMax)
                return overLimit(QStringLiteral("nested more than %1 deep").arg(m_limits.depthMax));
            return parseArray(value, depth);
        case '"':
            value.type = JsonValue::Type::String;
            return parseString(value.text);
        case 't':
            value.type = JsonValue::Type::Bool;
            value.boolean = true;
            return literal("true");
        case 'f':
            value.type = JsonValue::Type::Bool;
            return literal("false");
        case 'n':
            value.type = JsonValue::Type::Null;
            return literal("null");
        default:
            if (peek() == '-' || (peek() >= '0' && peek() <= '9'))
                return parseNumber(value);
            return fail(atEnd() ? QStringLiteral("unexpected end of input") : QStringLiteral("expected a value"));
        }
    }

    bool parseObject(JsonValue &value, int depth)
    {
        value.type = JsonValue::Type::Object;
        ++m_pos; // {
        skipSpace();
        if (peek() == '}') {
            ++m_pos;
            return true;
        }
        QSet<QString> seen; // filled once the object has more than KeysScanned keys
        for (;;) {
            skipSpace();
            if (peek() != '"')
                return fail(QStringLiteral("expected a quoted key"));
            if (value.keys.size() >= m_limits.keysPerObjectMax)
                return overLimit(QStringLiteral("an object holds at most %1 keys").arg(m_limits.keysPerObjectMax));
            QString key;
            if (!parseString(key))
                return false;
            if (value.keys.size() == KeysScanned)
                seen = QSet<QString>(value.keys.cbegin(), value.keys.cend());
            const bool duplicate = value.keys.size() < KeysScanned ? value.keys.contains(key) : seen.contains(key);
            if (duplicate)
                return fail(QStringLiteral("duplicate key %1").arg(quoteInput(key, u'"')));
            if (value.keys.size() >= KeysScanned)
                seen.insert(key);
            skipSpace();
            if (peek() != ':')
                return fail(QStringLiteral("expected ':'"));
            ++m_pos;
            skipSpace();
            JsonValue item;
            if (!parseValue(item, depth + 1))
                return false;
            value.keys.append(key);
            value.items.push_back(std::move(item));
            skipSpace();
            if (peek() == ',') {
                ++m_pos;
                continue;
            }
            if (peek() == '}') {
                ++m_pos;
                return true;
            }
            return fail(QStringLiteral("expected ',' or '}'"));
        }
    }

    bool parseArray(JsonValue &value, int depth)
    {
        value.type = JsonValue::Type::Array;
        // Only the document's own array goes to the sink.
        const JsonItemSink *take = depth == 0 ? m_take : nullptr;
        ++m_pos; // [
        skipSpace();
        if (peek() == ']') {
            ++m_pos;
            return true;
        }
        for (qsizetype index = 0;; ++index) {
            skipSpace();
            JsonValue item;
            if (!parseValue(item, depth + 1))
                return false;
            if (take) {
                if (Status taken = (*take)(index, item); !taken) {
                    m_takeError = taken.error();
                    return false;
                }
            } else {
                value.items.push_back(std::move(item));
            }
            skipSpace();
            if (peek() == ',') {
                ++m_pos;
                continue;
            }
            if (peek() == ']') {
                ++m_pos;
                return true;
            }
            return fail(QStringLiteral("expected ',' or ']'"));
        }
    }

    // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, kept as text.
    bool parseNumber(JsonValue &value)
    {
        const qsizetype start = m_pos;
        auto digits = [&] {
            const qsizetype from = m_pos;
            while (!atEnd() && peek() >= '0' && peek() <= '9')
                ++m_pos;
            return m_pos > from;
        };
        if (peek() == '-')
            ++m_pos;
        if (peek() == '0') {
            ++m_pos;
            if (peek() >= '0' && peek() <= '9')
                return fail(QStringLiteral("a number must not have leading zeros"));
        } else if (!digits()) {
            return fail(QStringLiteral("expected digits"));
        }
        if (peek() == '.') {
            ++m_pos;
            if (!digits())
                return fail(QStringLiteral("expected digits after '.'"));
        }
        if (peek() == 'e' || peek() == 'E') {
            ++m_pos;
            if (peek() == '+' || peek() == '-')
                ++m_pos;
            if (!digits())
                return fail(QStringLiteral("expected digits in the exponent"));
        }
        value.type = JsonValue::Type::Number;
        value.text = QString::fromLatin1(m_data + start, m_pos - start);
        return true;
    }

    bool hex4(char32_t &unit)
    {
        unit = 0;
        for (int i = 0; i < 4; ++i, ++m_pos) {
            const char c = peek();
            unit <<= 4;
            if (c >= '0' && c <= '9')
                unit |= char32_t(c - '0');
            else if (c >= 'a' && c <= 'f')
                unit |= char32_t(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                unit |= char32_t(c - 'A' + 10);
            else
                return fail(QStringLiteral("expected four hex digits after \\u"));
        }
        return true;
    }

    bool parseString(QString &out)
    {
        ++m_pos; // "
        QByteArray utf8;
        for (;;) {
            if (atEnd())
                return fail(QStringLiteral("unterminated string"));
            const char c = m_data[m_pos];
            if (c == '"') {
                ++m_pos;
                out = QString::fromUtf8(utf8);
                return true;
            }
            if (static_cast<unsigned char>(c) < 0x20)
                return fail(QStringLiteral("control character in a string"));
            if (c != '\\') {
                utf8.append(c);
                ++m_pos;
                continue;
            }
            ++m_pos;
            const char escape = peek();
            ++m_pos;
            switch (escape) {
            case '"': utf8.append('"'); break;
            case '\\': utf8.append('\\'); break;
            case '/': utf8.append('/'); break;
            case 'b': utf8.append('\b'); break;
            case 'f': utf8.append('\f'); break;
            case 'n': utf8.append('\n'); break;
            case 'r': utf8.append('\r'); break;
            case 't': utf8.append('\t'); break;
            case 'u': {
                char32_t unit = 0;
                if (!hex4(unit))
                    return false;
                if (unit >= 0xD800 && unit <= 0xDBFF) {
                    char32_t low = 0;
                    if (peek() != '\\' || m_pos + 1 >= m_size || m_data[m_pos + 1] != 'u')
                        return fail(QStringLiteral("unpaired surrogate in \\u escape"));
                    m_pos += 2;
                    if (!hex4(low))
                        return false;
                    if (low < 0xDC00 || low > 0xDFFF)
                        return fail(QStringLiteral("unpaired surrogate in \\u escape"));
                    unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
                    return fail(QStringLiteral("unpaired surrogate in \\u escape"));
                }
                utf8.append(QString::fromUcs4(&unit, 1).toUtf8());
                break;
            }
            default:
                --m_pos;
                return fail(QStringLiteral("unknown escape in a string"));
            }
        }
    }

    const char *m_data;
    qsizetype m_size;
    const JsonLimits m_limits;
    const JsonItemSink *m_take;
    qsizetype m_pos = 0;
    qsizetype m_values = 0;
    QString m_error;
    qsizetype m_errorPos = 0;
    bool m_overLimit = false;
    std::optional<Error> m_takeError;
};

} // namespace

QString JsonValue::typeName() const
{
    switch (type) {
    case Type::Null: return QStringLiteral("null");
    case Type::Bool: return QStringLiteral("a boolean");
    case Type::Number: return QStringLiteral("a number");
    case Type::String: return QStringLiteral("a string");
    case Type::Array: return QStringLiteral("an array");
    case Type::Object: return QStringLiteral("an object");
    }
    return {};
}

Result<JsonValue> parseExactJson(const QByteArray &utf8, const JsonLimits &limits)
{
    return Reader(utf8, limits).document();
}

Result<JsonValue> parseExactJsonArray(const QByteArray &utf8, const JsonItemSink &take, const JsonLimits &limits)
{
    return Reader(utf8, limits, &take).document();
}

void JsonWriter::separate()
{
    if (m_afterKey) {
        m_afterKey = false;
        return;
    }
    if (!m_first)
        m_out.append(',');
    m_first = false;
}

void JsonWriter::beginObject()
{
    separate();
    m_out.append('{');
    m_first = true;
}

void JsonWriter::endObject()
{
    m_out.append('}');
    m_first = false;
}

void JsonWriter::beginArray()
{
    separate();
    m_out.append('[');
    m_first = true;
}

void JsonWriter::endArray()
{
    m_out.append(']');
    m_first = false;
}

void JsonWriter::key(const char *name)
{
    separate();
    m_out.append('"').append(name).append("\":");
    m_afterKey = true;
}

void JsonWriter::string(const QString &value)
{
    separate();
    m_out.append('"');
    for (const char c : value.toUtf8()) {
        switch (c) {
        case '"': m_out.append("\\\""); break;
        case '\\': m_out.append("\\\\"); break;
        case '\n': m_out.append("\\n"); break;
        case '\r': m_out.append("\\r"); break;
        case '\t': m_out.append("\\t"); break;
        default:
            if (static_cast<unsigned char>(c) < 0x20)
                m_out.append(QStringLiteral("\\u%1").arg(int(c), 4, 16, QLatin1Char('0')).toLatin1());
            else
                m_out.append(c);
        }
    }
    m_out.append('"');
}

void JsonWriter::number(qint64 value)
{
    separate();
    m_out.append(QByteArray::number(value));
}

void JsonWriter::boolean(bool value)
{
    separate();
    m_out.append(value ? "true" : "false");
}

void JsonWriter::raw(const QByteArray &json)
{
    separate();
    m_out.append(json);
}

} // namespace cabinet::ledger

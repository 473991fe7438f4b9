#pragma once

#include "Result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <vector>

namespace cabinet::ledger {

// A strict JSON (RFC 8259) reader that keeps every number as the text it was
// written as. QJsonDocument reads numbers as doubles, which silently rounds
// a 128-bit id or amount; the ledger needs the exact digits, and to say
// which value was out of range.
struct JsonValue {
    enum class Type { Null, Bool, Number, String, Array, Object };
    Type type = Type::Null;
    bool boolean = false;
    QString text;                 // a string's value, or a number's literal text
    std::vector<JsonValue> items; // array items, or object values
    QStringList keys;             // object keys, in order, parallel to items

    bool isObject() const { return type == Type::Object; }
    bool isArray() const { return type == Type::Array; }
    QString typeName() const;
};

// Parses a whole document; the error names the line and column.
Result<JsonValue> parseExactJson(const QByteArray &utf8);

// Writes JSON text without reordering keys (QJsonObject sorts them).
class JsonWriter {
public:
    void beginObject();
    void endObject();
    void beginArray();
    void endArray();
    void key(const char *name);
    void string(const QString &value);
    void number(qint64 value);
    void boolean(bool value);
    void raw(const QByteArray &json); // an already-encoded value
    const QByteArray &data() const { return m_out; }

private:
    void separate();
    QByteArray m_out;
    bool m_first = true;
    bool m_afterKey = false;
};

} // namespace cabinet::ledger

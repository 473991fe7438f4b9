#pragma once

#include "Result.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <functional>
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

// What one document may hold (TigerBeetle: a limit on everything), so that
// no input costs more time or memory than its size allows. Each is checked
// while reading, before the work it would cost; going past one is an
// ErrorCode::InvalidArgument error that names the limit. A full ledger
// batch (8,189 transfers, every field at its widest, pretty-printed) is
// about 7.5 MB, 190,000 values and 13 keys an object: every default leaves
// room for that and stops input that is nothing like it.
inline constexpr qsizetype JsonBytesMax = 16 * 1024 * 1024;
// Objects and arrays inside one another.
inline constexpr int JsonDepthMax = 64;
inline constexpr qsizetype JsonKeysPerObjectMax = 256;
// Values of every kind in the document, containers included: the tree
// costs about 100 bytes a value, so this caps the memory too (~26 MB).
inline constexpr qsizetype JsonValuesMax = 262'144;

struct JsonLimits {
    qsizetype bytesMax = JsonBytesMax;
    int depthMax = JsonDepthMax;
    qsizetype keysPerObjectMax = JsonKeysPerObjectMax;
    qsizetype valuesMax = JsonValuesMax;
};

// Parses a whole document; the error names the line and column.
Result<JsonValue> parseExactJson(const QByteArray &utf8, const JsonLimits &limits = {});

// Parses a document that should be an array, handing each item to `take`
// as soon as it is read and then dropping it, so a caller can convert items
// one by one and stop at a limit of its own without reading the rest: an
// error from `take` ends the parse and is returned as it is. For an array
// the value returned is the array without its items; a document that is not
// an array is parsed whole and returned, for the caller to refuse by type.
using JsonItemSink = std::function<Status(qsizetype index, const JsonValue &item)>;
Result<JsonValue> parseExactJsonArray(const QByteArray &utf8, const JsonItemSink &take, const JsonLimits &limits = {});

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

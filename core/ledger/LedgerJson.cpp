#include "ledger/LedgerJson.h"

#include "QuotedInput.h"
#include "ledger/ExactJson.h"
#include "ledger/U128.h"

#include <algorithm>
#include <functional>

namespace cabinet::ledger::json {

namespace {

// Reads a non-negative whole number up to `max` from a JSON number or a
// decimal string; the error text says what is wrong with the value.
std::optional<QString> readUnsigned(const JsonValue &value, u128 max, u128 &out)
{
    if (value.type != JsonValue::Type::Number && value.type != JsonValue::Type::String)
        return QStringLiteral("must be a number or a decimal string, not %1").arg(value.typeName());
    const QString &text = value.text;
    if (text.startsWith(u'-'))
        return QStringLiteral("must not be negative (got %1)").arg(quoteInput(text, u'"'));
    if (value.type == JsonValue::Type::Number && (text.contains(u'.') || text.contains(u'e') || text.contains(u'E')))
        return QStringLiteral("must be a whole number (got %1)").arg(quoteInput(text, u'"'));
    const QByteArray latin1 = text.toLatin1();
    const bool allDigits = !latin1.isEmpty() && std::all_of(latin1.begin(), latin1.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (!allDigits)
        return QStringLiteral("is not a decimal number (got %1)").arg(quoteInput(text, u'"'));
    const auto parsed = parseDecimal(std::string_view(latin1.constData(), size_t(latin1.size())), max);
    if (!parsed)
        return QStringLiteral("is out of range (got %1, the most is %2)").arg(quoteInput(text, u'"'), toDecimal(max));
    out = *parsed;
    return std::nullopt;
}

using FlagName = QLatin1StringView (*)(int bit);

std::optional<QString> readFlags(const JsonValue &value, u32 max, FlagName nameOf, u32 &out)
{
    if (value.type != JsonValue::Type::Array) {
        u128 number = 0;
        if (auto problem = readUnsigned(value, max, number))
            return *problem + QStringLiteral("; give a list of flag names or an integer");
        out = u32(number);
        return std::nullopt;
    }
    out = 0;
    for (const JsonValue &item : value.items) {
        if (item.type != JsonValue::Type::String)
            return QStringLiteral("lists flag names as strings, not %1").arg(item.typeName());
        int bit = 0;
        while (!nameOf(bit).isEmpty() && nameOf(bit) != item.text)
            ++bit;
        if (nameOf(bit).isEmpty()) {
            QStringList known;
            for (int b = 0; !nameOf(b).isEmpty(); ++b)
                known.append(QString(nameOf(b)));
            return QStringLiteral("has an unknown flag %1 (known: %2)").arg(quoteInput(item.text, u'"'), known.join(QStringLiteral(", ")));
        }
        out |= u32(1) << bit;
    }
    return std::nullopt;
}

template <typename Object>
struct Field {
    const char *name;
    u128 max;
    std::function<void(Object &, u128)> set;
    FlagName flagNames = nullptr; // a flags field
};

constexpr u128 U64Max = ~u64(0);
constexpr u128 U32Max = ~u32(0);
constexpr u128 U16Max = u16(~u16(0));

template <typename Object>
std::optional<QString> readObject(const JsonValue &value, const std::vector<Field<Object>> &fields, Object &out)
{
    if (!value.isObject())
        return QStringLiteral("expected an object, got %1").arg(value.typeName());
    for (size_t i = 0; i < value.items.size(); ++i) {
        const QString &key = value.keys[qsizetype(i)];
        const auto field = std::find_if(fields.begin(), fields.end(), [&](const Field<Object> &f) { return key == QLatin1StringView(f.name); });
        if (field == fields.end())
            return QStringLiteral("unknown field %1").arg(quoteInput(key, u'"'));
        u128 number = 0;
        std::optional<QString> problem;
        if (field->flagNames) {
            u32 flags = 0;
            problem = readFlags(value.items[i], u32(field->max), field->flagNames, flags);
            number = flags;
        } else {
            problem = readUnsigned(value.items[i], field->max, number);
        }
        if (problem)
            return QStringLiteral("field \"%1\" %2").arg(key, *problem);
        field->set(out, number);
    }
    return std::nullopt;
}

#define CABINET_FIELD(Type, name, max) Field<Type> { #name, max, [](Type &o, u128 v) { o.name = decltype(o.name)(v); } }

const std::vector<Field<Account>> &accountFields()
{
    static const std::vector<Field<Account>> fields = {
        CABINET_FIELD(Account, id, U128Max),
        CABINET_FIELD(Account, debits_pending, U128Max),
        CABINET_FIELD(Account, debits_posted, U128Max),
        CABINET_FIELD(Account, credits_pending, U128Max),
        CABINET_FIELD(Account, credits_posted, U128Max),
        CABINET_FIELD(Account, user_data_128, U128Max),
        CABINET_FIELD(Account, user_data_64, U64Max),
        CABINET_FIELD(Account, user_data_32, U32Max),
        CABINET_FIELD(Account, reserved, U32Max),
        CABINET_FIELD(Account, ledger, U32Max),
        CABINET_FIELD(Account, code, U16Max),
        Field<Account> { "flags", U16Max, [](Account &o, u128 v) { o.flags = u16(v); }, accountFlagName },
        CABINET_FIELD(Account, timestamp, U64Max),
    };
    return fields;
}

const std::vector<Field<Transfer>> &transferFields()
{
    static const std::vector<Field<Transfer>> fields = {
        CABINET_FIELD(Transfer, id, U128Max),
        CABINET_FIELD(Transfer, debit_account_id, U128Max),
        CABINET_FIELD(Transfer, credit_account_id, U128Max),
        CABINET_FIELD(Transfer, amount, U128Max),
        CABINET_FIELD(Transfer, pending_id, U128Max),
        CABINET_FIELD(Transfer, user_data_128, U128Max),
        CABINET_FIELD(Transfer, user_data_64, U64Max),
        CABINET_FIELD(Transfer, user_data_32, U32Max),
        CABINET_FIELD(Transfer, timeout, U32Max),
        CABINET_FIELD(Transfer, ledger, U32Max),
        CABINET_FIELD(Transfer, code, U16Max),
        Field<Transfer> { "flags", U16Max, [](Transfer &o, u128 v) { o.flags = u16(v); }, transferFlagName },
        CABINET_FIELD(Transfer, timestamp, U64Max),
    };
    return fields;
}

const std::vector<Field<AccountFilter>> &accountFilterFields()
{
    static const std::vector<Field<AccountFilter>> fields = {
        CABINET_FIELD(AccountFilter, account_id, U128Max),
        CABINET_FIELD(AccountFilter, user_data_128, U128Max),
        CABINET_FIELD(AccountFilter, user_data_64, U64Max),
        CABINET_FIELD(AccountFilter, user_data_32, U32Max),
        CABINET_FIELD(AccountFilter, code, U16Max),
        CABINET_FIELD(AccountFilter, timestamp_min, U64Max),
        CABINET_FIELD(AccountFilter, timestamp_max, U64Max),
        CABINET_FIELD(AccountFilter, limit, U32Max),
        Field<AccountFilter> { "flags", U32Max, [](AccountFilter &o, u128 v) { o.flags = u32(v); }, accountFilterFlagName },
    };
    return fields;
}

const std::vector<Field<QueryFilter>> &queryFilterFields()
{
    static const std::vector<Field<QueryFilter>> fields = {
        CABINET_FIELD(QueryFilter, user_data_128, U128Max),
        CABINET_FIELD(QueryFilter, user_data_64, U64Max),
        CABINET_FIELD(QueryFilter, user_data_32, U32Max),
        CABINET_FIELD(QueryFilter, ledger, U32Max),
        CABINET_FIELD(QueryFilter, code, U16Max),
        CABINET_FIELD(QueryFilter, timestamp_min, U64Max),
        CABINET_FIELD(QueryFilter, timestamp_max, U64Max),
        CABINET_FIELD(QueryFilter, limit, U32Max),
        Field<QueryFilter> { "flags", U32Max, [](QueryFilter &o, u128 v) { o.flags = u32(v); }, queryFilterFlagName },
    };
    return fields;
}

#undef CABINET_FIELD

// Each event is converted as soon as it is read and its JSON dropped, and
// reading stops at the first event past BatchMax: a batch of a million
// events costs no more than a full one before it is refused.
template <typename Object>
Result<std::vector<Object>> parseBatch(const QByteArray &text, const std::vector<Field<Object>> &fields, const char *what)
{
    std::vector<Object> batch;
    auto document = parseExactJsonArray(text, [&](qsizetype index, const JsonValue &item) -> Status {
        if (index >= qsizetype(BatchMax))
            return Error { ErrorCode::InvalidArgument, QStringLiteral("a batch holds at most %1 %2; reading stopped at event %3, one past it")
                                                               .arg(BatchMax)
                                                               .arg(QLatin1StringView(what))
                                                               .arg(index) };
        Object object {};
        if (auto problem = readObject(item, fields, object))
            return Error { ErrorCode::InvalidArgument, QStringLiteral("event %1: %2").arg(index).arg(*problem) };
        batch.push_back(object);
        return {};
    });
    if (!document)
        return document.error();
    if (!document->isArray())
        return Error { ErrorCode::InvalidArgument, QStringLiteral("expected a JSON array of %1, got %2").arg(QLatin1StringView(what), document->typeName()) };
    return batch;
}

template <typename Object>
Result<Object> parseOne(const QByteArray &text, const std::vector<Field<Object>> &fields)
{
    auto document = parseExactJson(text);
    if (!document)
        return document.error();
    Object object;
    if (auto problem = readObject(*document, fields, object))
        return Error { ErrorCode::InvalidArgument, QStringLiteral("filter: %1").arg(*problem) };
    return object;
}

void writeFlags(JsonWriter &out, u32 flags, FlagName nameOf)
{
    out.beginArray();
    for (int bit = 0; bit < 32; ++bit) {
        if (!(flags & (u32(1) << bit)))
            continue;
        const QLatin1StringView name = nameOf(bit);
        // A stored object never has reserved bits; show one as its number if it did.
        out.string(name.isEmpty() ? QString::number(u32(1) << bit) : QString(name));
    }
    out.endArray();
}

void writeU128(JsonWriter &out, const char *key, u128 value)
{
    out.key(key);
    out.string(toDecimal(value));
}

void writeAccount(JsonWriter &out, const Account &a)
{
    out.beginObject();
    writeU128(out, "id", a.id);
    writeU128(out, "debits_pending", a.debits_pending);
    writeU128(out, "debits_posted", a.debits_posted);
    writeU128(out, "credits_pending", a.credits_pending);
    writeU128(out, "credits_posted", a.credits_posted);
    writeU128(out, "user_data_128", a.user_data_128);
    writeU128(out, "user_data_64", a.user_data_64);
    out.key("user_data_32");
    out.number(a.user_data_32);
    out.key("ledger");
    out.number(a.ledger);
    out.key("code");
    out.number(a.code);
    out.key("flags");
    writeFlags(out, a.flags, accountFlagName);
    writeU128(out, "timestamp", a.timestamp);
    out.endObject();
}

void writeTransfer(JsonWriter &out, const Transfer &t)
{
    out.beginObject();
    writeU128(out, "id", t.id);
    writeU128(out, "debit_account_id", t.debit_account_id);
    writeU128(out, "credit_account_id", t.credit_account_id);
    writeU128(out, "amount", t.amount);
    writeU128(out, "pending_id", t.pending_id);
    writeU128(out, "user_data_128", t.user_data_128);
    writeU128(out, "user_data_64", t.user_data_64);
    out.key("user_data_32");
    out.number(t.user_data_32);
    out.key("timeout");
    out.number(t.timeout);
    out.key("ledger");
    out.number(t.ledger);
    out.key("code");
    out.number(t.code);
    out.key("flags");
    writeFlags(out, t.flags, transferFlagName);
    writeU128(out, "timestamp", t.timestamp);
    out.endObject();
}

template <typename Item, typename WriteItem>
QByteArray writeArray(std::span<const Item> items, WriteItem writeItem)
{
    JsonWriter out;
    out.beginArray();
    for (const Item &item : items)
        writeItem(out, item);
    out.endArray();
    return out.data();
}

template <typename ResultType>
void writeResult(JsonWriter &out, const ResultType &result)
{
    out.beginObject();
    out.key("index");
    out.number(result.index);
    writeU128(out, "timestamp", result.timestamp);
    out.key("status");
    out.string(QString(statusName(result.status)));
    out.endObject();
}

} // namespace

Result<std::vector<Account>> parseAccounts(const QByteArray &json) { return parseBatch(json, accountFields(), "accounts"); }
Result<std::vector<Transfer>> parseTransfers(const QByteArray &json) { return parseBatch(json, transferFields(), "transfers"); }
Result<AccountFilter> parseAccountFilter(const QByteArray &json) { return parseOne(json, accountFilterFields()); }
Result<QueryFilter> parseQueryFilter(const QByteArray &json) { return parseOne(json, queryFilterFields()); }

Result<u128> parseId(const QString &text)
{
    JsonValue value;
    value.type = JsonValue::Type::String;
    value.text = text;
    u128 id = 0;
    if (auto problem = readUnsigned(value, U128Max, id))
        return Error { ErrorCode::InvalidArgument, QStringLiteral("id %1 %2").arg(quoteInput(text, u'"'), *problem) };
    return id;
}

QByteArray write(std::span<const CreateAccountResult> results)
{
    return writeArray(results, writeResult<CreateAccountResult>);
}

QByteArray write(std::span<const CreateTransferResult> results)
{
    return writeArray(results, writeResult<CreateTransferResult>);
}

QByteArray write(std::span<const Account> accounts) { return writeArray(accounts, writeAccount); }
QByteArray write(std::span<const Transfer> transfers) { return writeArray(transfers, writeTransfer); }

QByteArray write(std::span<const AccountBalance> balances)
{
    return writeArray(balances, [](JsonWriter &out, const AccountBalance &b) {
        out.beginObject();
        writeU128(out, "debits_pending", b.debits_pending);
        writeU128(out, "debits_posted", b.debits_posted);
        writeU128(out, "credits_pending", b.credits_pending);
        writeU128(out, "credits_posted", b.credits_posted);
        writeU128(out, "timestamp", b.timestamp);
        out.endObject();
    });
}

QByteArray write(const JournalRecord &record)
{
    JsonWriter out;
    out.beginObject();
    writeU128(out, "timestamp", record.timestamp);
    out.key("kind");
    switch (record.kind) {
    case JournalRecord::Kind::AccountCreated:
        out.string(QStringLiteral("account_created"));
        out.key("account");
        writeAccount(out, record.account);
        break;
    case JournalRecord::Kind::Transfer:
        out.string(QStringLiteral("transfer"));
        out.key("transfer");
        writeTransfer(out, record.transfer);
        break;
    case JournalRecord::Kind::Expiry:
        out.string(QStringLiteral("expiry"));
        out.key("pending_transfer");
        writeTransfer(out, record.transfer);
        break;
    }
    out.endObject();
    return out.data();
}

} // namespace cabinet::ledger::json

// The exact JSON reader and the ledger's JSON mapping. (No raw string
// holds a \" here: moc loses track of such a literal and skips the class.)
#include "LedgerTestSupport.h"
#include "ResourceUsage.h"
#include "ledger/ExactJson.h"
#include "ledger/LedgerJson.h"

#include <QJsonDocument>
#include <QTest>

using namespace cabinet;
using namespace cabinet::ledger;
using cabinet::test::Usage;

namespace {

// Guards against blow-ups, far above what the work costs when bounded (a
// few milliseconds, a few MiB) and far below the cost unbounded (seconds,
// gigabytes: see docs/performance.md).
constexpr double CpuSecondsMax = cabinet::test::boundCpuSeconds(2.0);
constexpr double PeakMiBMax = cabinet::test::boundMiB(512);

#define VERIFY_SMALL(before)                                                                                           \
    do {                                                                                                               \
        const Usage spent = Usage::self() - (before);                                                                  \
        QVERIFY2(spent.cpuSeconds < CpuSecondsMax, qPrintable(QStringLiteral("%1 s of CPU").arg(spent.cpuSeconds)));   \
        QVERIFY2(spent.peakMiB < PeakMiBMax, qPrintable(QStringLiteral("peak %1 MiB").arg(spent.peakMiB)));            \
    } while (false)

// "[" + count copies of `item` joined by commas + "]".
QByteArray arrayOf(qsizetype count, const QByteArray &item)
{
    QByteArray out;
    out.reserve(2 + count * (item.size() + 1));
    out += '[';
    for (qsizetype i = 0; i < count; ++i) {
        if (i > 0)
            out += ',';
        out += item;
    }
    out += ']';
    return out;
}

// An object of `count` distinct keys ("k0": 0, ...), then `extra` (a key of its own, or nothing).
QByteArray objectOf(qsizetype count, const QByteArray &extra = {})
{
    QByteArray out = "{";
    for (qsizetype i = 0; i < count; ++i) {
        if (i > 0)
            out += ',';
        out += "\"k" + QByteArray::number(i) + "\":0";
    }
    if (!extra.isEmpty())
        out += (count > 0 ? "," : "") + extra;
    out += '}';
    return out;
}

QByteArray nested(int depth)
{
    return QByteArray(depth, '[') + QByteArray(depth, ']');
}

} // namespace

class TestLedgerJson : public QObject {
    Q_OBJECT

    static QString errorOf(const QByteArray &json)
    {
        auto parsed = parseExactJson(json);
        return parsed ? QString() : parsed.error().message;
    }

private Q_SLOTS:
    void numbersKeepTheirDigits()
    {
        auto value = parseExactJson(R"([340282366920938463463374607431768211455, -0, 1.5e3, "x"])");
        QVERIFY(value);
        QCOMPARE(value->items.size(), size_t(4));
        QCOMPARE(value->items[0].text, QStringLiteral("340282366920938463463374607431768211455"));
        QCOMPARE(value->items[1].text, QStringLiteral("-0"));
        QCOMPARE(value->items[2].text, QStringLiteral("1.5e3"));
        QCOMPARE(value->items[3].type, JsonValue::Type::String);
    }

    void stringsAndEscapes()
    {
        auto value = parseExactJson("{\"a\": \"tab\\there \\\"q\\\" \\u00e9 \\ud83d\\ude00 \\/\", \"b\": [true, false, null]}");
        QVERIFY2(value, value ? "" : qPrintable(value.error().message));
        QCOMPARE(value->keys, QStringList({ QStringLiteral("a"), QStringLiteral("b") }));
        QCOMPARE(value->items[0].text, QString::fromUtf8("tab\there \"q\" \xC3\xA9 \xF0\x9F\x98\x80 /"));
        QCOMPARE(value->items[1].items[0].boolean, true);
        QCOMPARE(value->items[1].items[2].type, JsonValue::Type::Null);
    }

    void malformedDocumentsNameTheSpot_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("message");
        QTest::newRow("empty") << QByteArray() << QStringLiteral("line 1, column 1: unexpected end of input");
        QTest::newRow("trailing comma") << QByteArray("[1,]") << QStringLiteral("column 4: expected a value");
        QTest::newRow("leading zero") << QByteArray("[01]") << QStringLiteral("leading zeros");
        QTest::newRow("bare dot") << QByteArray("[1.]") << QStringLiteral("digits after '.'");
        QTest::newRow("second line") << QByteArray("[1,\n  2 3]") << QStringLiteral("line 2, column 5: expected ',' or ']'");
        QTest::newRow("duplicate key") << QByteArray(R"({"a":1,"a":2})") << QStringLiteral("duplicate key \"a\"");
        QTest::newRow("unquoted key") << QByteArray("{a:1}") << QStringLiteral("expected a quoted key");
        QTest::newRow("lone surrogate") << QByteArray(R"(["\ud800"])") << QStringLiteral("unpaired surrogate");
        QTest::newRow("raw newline") << QByteArray("[\"a\nb\"]") << QStringLiteral("control character");
        QTest::newRow("bad escape") << QByteArray(R"(["\x"])") << QStringLiteral("unknown escape");
        QTest::newRow("trailing text") << QByteArray("[] x") << QStringLiteral("unexpected text after");
        QTest::newRow("truncated literal") << QByteArray("[tru]") << QStringLiteral("expected 'true'");
    }
    void malformedDocumentsNameTheSpot()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, message);
        const QString error = errorOf(json);
        QVERIFY2(error.startsWith(QStringLiteral("malformed JSON at line")), qPrintable(error));
        QVERIFY2(error.contains(message), qPrintable(error));
    }

    void writerKeepsKeyOrder()
    {
        JsonWriter out;
        out.beginArray();
        out.beginObject();
        out.key("z");
        out.number(1);
        out.key("a");
        out.beginArray();
        out.string(QStringLiteral("q\"\n"));
        out.boolean(true);
        out.endArray();
        out.endObject();
        out.beginObject();
        out.endObject();
        out.endArray();
        QCOMPARE(out.data(), QByteArray("[{\"z\":1,\"a\":[\"q\\\"\\n\",true]},{}]"));
        QVERIFY(!QJsonDocument::fromJson(out.data()).isNull());
    }

    void accountsAndTransfersRoundTrip()
    {
        Account a = ledger::test::account(U128Max - 1, AccountFlag::History | AccountFlag::Closed | AccountFlag::Linked, ~u32(0), u16(~u16(0)));
        a.debits_pending = U128Max;
        a.credits_posted = u128(1) << 100;
        a.user_data_128 = 42;
        a.user_data_64 = ~u64(0);
        a.user_data_32 = 7;
        a.timestamp = TimestampMax;
        const std::vector<Account> accounts { a, ledger::test::account(1) };
        auto parsedAccounts = json::parseAccounts(json::write(std::span<const Account>(accounts)));
        QVERIFY2(parsedAccounts, parsedAccounts ? "" : qPrintable(parsedAccounts.error().message));
        QVERIFY(*parsedAccounts == accounts);

        Transfer t = ledger::test::pending(5, 6, 7, AmountMax, ~u32(0), TransferFlag::Imported | TransferFlag::ClosingCredit);
        t.pending_id = 9;
        t.user_data_64 = 1ull << 63;
        t.timestamp = 12345;
        const std::vector<Transfer> transfers { t };
        const QByteArray text = json::write(std::span<const Transfer>(transfers));
        QVERIFY2(text.contains(R"("flags":["pending","closing_credit","imported"])"), text.constData());
        QVERIFY2(text.contains(R"("amount":"340282366920938463463374607431768211455")"), text.constData());
        auto parsedTransfers = json::parseTransfers(text);
        QVERIFY(parsedTransfers);
        QVERIFY(*parsedTransfers == transfers);
    }

    void inputForms()
    {
        auto transfers = json::parseTransfers(R"([{"id": "12", "amount": 340282366920938463463374607431768211455, "flags": 6,
                                                  "timeout": 4294967295, "code": 65535}, {}])");
        QVERIFY2(transfers, transfers ? "" : qPrintable(transfers.error().message));
        QCOMPARE(transfers->size(), size_t(2));
        QCOMPARE((*transfers)[0].id, u128(12));
        QCOMPARE((*transfers)[0].amount, AmountMax);
        QCOMPARE((*transfers)[0].flags, u16(TransferFlag::Pending | TransferFlag::PostPendingTransfer));
        QCOMPARE((*transfers)[0].timeout, ~u32(0));
        QVERIFY((*transfers)[1] == Transfer {}); // omitted fields are zero

        auto filter = json::parseAccountFilter(R"({"account_id": 3, "flags": ["credits", "reversed"], "limit": 5, "timestamp_max": "99"})");
        QVERIFY(filter);
        QCOMPARE(filter->account_id, u128(3));
        QCOMPARE(filter->flags, u32(AccountFilterFlag::Credits | AccountFilterFlag::Reversed));
        QCOMPARE(filter->timestamp_max, u64(99));
        auto query = json::parseQueryFilter(R"({"ledger": 2, "flags": ["reversed"], "limit": 1})");
        QVERIFY(query);
        QCOMPARE(query->ledger, 2u);
        QCOMPARE(query->flags, u32(QueryFilterFlag::Reversed));
        QCOMPARE(json::parseId(QStringLiteral("340282366920938463463374607431768211455")).value(), U128Max);
    }

    void badValuesAreNamed_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("message");
        QTest::newRow("2^128") << QByteArray(R"([{}, {"amount": "340282366920938463463374607431768211456"}])")
                               << QStringLiteral("event 1: field \"amount\" is out of range");
        QTest::newRow("u64") << QByteArray(R"([{"user_data_64": 18446744073709551616}])") << QStringLiteral("event 0: field \"user_data_64\" is out of range");
        QTest::newRow("u32") << QByteArray(R"([{"timeout": 4294967296}])") << QStringLiteral("field \"timeout\" is out of range");
        QTest::newRow("negative") << QByteArray(R"([{"id": -1}])") << QStringLiteral("field \"id\" must not be negative");
        QTest::newRow("negative text") << QByteArray(R"([{"id": "-1"}])") << QStringLiteral("field \"id\" must not be negative");
        QTest::newRow("exponent") << QByteArray(R"([{"id": 1e3}])") << QStringLiteral("field \"id\" must be a whole number");
        QTest::newRow("empty text") << QByteArray(R"([{"id": ""}])") << QStringLiteral("field \"id\" is not a decimal number");
        QTest::newRow("spaces") << QByteArray(R"([{"id": " 1"}])") << QStringLiteral("field \"id\" is not a decimal number");
        QTest::newRow("null") << QByteArray(R"([{"id": null}])") << QStringLiteral("field \"id\" must be a number or a decimal string, not null");
        QTest::newRow("flag type") << QByteArray(R"([{"flags": [1]}])") << QStringLiteral("field \"flags\" lists flag names as strings");
        QTest::newRow("account flag") << QByteArray(R"([{"flags": ["pending"]}])") << QStringLiteral("unknown flag \"pending\"");
        QTest::newRow("unknown") << QByteArray(R"([{"ammount": 1}])") << QStringLiteral("event 0: unknown field \"ammount\"");
        QTest::newRow("object") << QByteArray(R"({})") << QStringLiteral("expected a JSON array");
    }
    void badValuesAreNamed()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, message);
        // The account flag case is read as accounts, the rest as transfers.
        const bool asAccounts = qstrcmp(QTest::currentDataTag(), "account flag") == 0;
        const QString error = asAccounts ? json::parseAccounts(R"([{"flags": ["pending"]}])").error().message
                                         : json::parseTransfers(json).error().message;
        QVERIFY2(error.contains(message), qPrintable(error));
    }

    // A full batch at its widest: 8,189 transfers, every field at its
    // longest and every flag named, pretty-printed. Every limit must leave
    // room for it (the figures in ExactJson.h's comment).
    void theWidestFullBatchFitsEveryLimit()
    {
        Transfer widest;
        widest.id = widest.debit_account_id = widest.credit_account_id = widest.amount = widest.pending_id = widest.user_data_128 = U128Max;
        widest.user_data_64 = ~u64(0);
        widest.user_data_32 = widest.timeout = widest.ledger = ~u32(0);
        widest.code = u16(~u16(0));
        widest.flags = u16((1u << 9) - 1); // every named flag
        widest.timestamp = TimestampMax;
        const std::vector<Transfer> batch(BatchMax, widest);
        const QByteArray pretty = QJsonDocument::fromJson(json::write(std::span<const Transfer>(batch))).toJson(QJsonDocument::Indented);
        QVERIFY2(pretty.size() < JsonBytesMax / 2, qPrintable(QString::number(pretty.size())));
        const Usage before = Usage::self();
        auto parsed = json::parseTransfers(pretty);
        QVERIFY2(parsed, parsed ? "" : qPrintable(parsed.error().message));
        QCOMPARE(parsed->size(), size_t(BatchMax));
        QVERIFY(parsed->back() == widest);
        VERIFY_SMALL(before);
    }

    void batchReadingStopsAtTheEventPastBatchMax()
    {
        auto full = json::parseTransfers(arrayOf(BatchMax, "{}"));
        QVERIFY2(full, full ? "" : qPrintable(full.error().message));
        QCOMPARE(full->size(), size_t(BatchMax));

        // One past: refused at event 8189, before the malformed text after it is read.
        const QByteArray past = arrayOf(BatchMax + 1, "{}").chopped(1) + ",{\"id\": nonsense";
        auto refused = json::parseTransfers(past);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(refused.error().message.contains(QStringLiteral("at most 8189 transfers; reading stopped at event 8189")),
                 qPrintable(refused.error().message));

        // A million events (3 MB): 11 s and 1.6 GB when all were parsed first.
        const QByteArray million = arrayOf(1'000'000, "{}");
        const Usage before = Usage::self();
        auto huge = json::parseAccounts(million);
        QVERIFY(!huge);
        QCOMPARE(huge.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(huge.error().message.contains(QStringLiteral("at most 8189 accounts")), qPrintable(huge.error().message));
        VERIFY_SMALL(before);
    }

    void inputBytesAtTheBoundAndOnePast()
    {
        QByteArray atBound = "[{}]";
        atBound += QByteArray(JsonBytesMax - atBound.size(), ' ');
        QCOMPARE(atBound.size(), JsonBytesMax);
        const Usage before = Usage::self();
        auto parsed = json::parseTransfers(atBound);
        QVERIFY2(parsed, parsed ? "" : qPrintable(parsed.error().message));
        QCOMPARE(parsed->size(), size_t(1));

        auto refused = json::parseTransfers(atBound + ' ');
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(refused.error().message.contains(QStringLiteral("at most 16777216 are read")), qPrintable(refused.error().message));
        QVERIFY(!parseExactJson(atBound + ' '));
        VERIFY_SMALL(before);
    }

    void keysPerObjectAtTheBoundAndOnePast()
    {
        auto atBound = parseExactJson(objectOf(JsonKeysPerObjectMax));
        QVERIFY2(atBound, atBound ? "" : qPrintable(atBound.error().message));
        QCOMPARE(atBound->keys.size(), JsonKeysPerObjectMax);
        auto past = parseExactJson(objectOf(JsonKeysPerObjectMax + 1));
        QVERIFY(!past);
        QCOMPARE(past.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(past.error().message.contains(QStringLiteral("JSON over a limit at line 1")), qPrintable(past.error().message));
        QVERIFY2(past.error().message.contains(QStringLiteral("an object holds at most 256 keys")), qPrintable(past.error().message));

        // 100,000 keys (1 MB) took 25 s before there was a cap.
        const QByteArray wide = objectOf(100'000);
        const Usage before = Usage::self();
        QVERIFY(!parseExactJson(wide));
        QVERIFY(!json::parseAccountFilter(wide));
        VERIFY_SMALL(before);
    }

    // With the cap lifted, a duplicate is still found, and 100,000 keys cost
    // n, not n^2 (25 s, scanning every key before each new one).
    void duplicateKeysAreFoundInLinearTime()
    {
        JsonLimits wide;
        wide.keysPerObjectMax = 200'000;
        wide.valuesMax = 1'000'000;
        const Usage before = Usage::self();
        auto distinct = parseExactJson(objectOf(100'000), wide);
        QVERIFY2(distinct, distinct ? "" : qPrintable(distinct.error().message));
        QCOMPARE(distinct->keys.size(), qsizetype(100'000));
        auto repeated = parseExactJson(objectOf(100'000, "\"k0\":1"), wide);
        QVERIFY(!repeated);
        QVERIFY2(repeated.error().message.contains(QStringLiteral("duplicate key \"k0\"")), qPrintable(repeated.error().message));
        VERIFY_SMALL(before);
        // Either side of where the scan gives way to the hash set.
        for (const qsizetype keys : { 1, 15, 16, 17, 40 }) {
            for (const qsizetype again : { qsizetype(0), keys - 1 }) {
                auto found = parseExactJson(objectOf(keys, "\"k" + QByteArray::number(again) + "\":1"));
                QVERIFY2(!found && found.error().message.contains(QStringLiteral("duplicate key")), qPrintable(QString::number(keys)));
            }
            QVERIFY(parseExactJson(objectOf(keys, "\"other\":1")));
        }
    }

    void depthAtTheBoundAndOnePast()
    {
        auto atBound = parseExactJson(nested(JsonDepthMax));
        QVERIFY2(atBound, atBound ? "" : qPrintable(atBound.error().message));
        const QByteArray objects = QByteArray("{\"a\":").repeated(JsonDepthMax) + "[]" + QByteArray(JsonDepthMax, '}');
        for (const QByteArray &past : { nested(JsonDepthMax + 1), QByteArray(100'000, '['), objects }) {
            auto refused = parseExactJson(past);
            QVERIFY(!refused);
            QCOMPARE(refused.error().code, ErrorCode::InvalidArgument);
            QVERIFY2(refused.error().message.contains(QStringLiteral("nested more than 64 deep")), qPrintable(refused.error().message));
        }
        QVERIFY(parseExactJson(QByteArray("{\"a\":").repeated(JsonDepthMax - 1) + "[]" + QByteArray(JsonDepthMax - 1, '}')));
    }

    // Values of any kind, counted across the document: the tree's memory.
    void valuesAtTheBoundAndOnePast()
    {
        const Usage before = Usage::self();
        auto atBound = parseExactJson(arrayOf(JsonValuesMax - 1, "0")); // and the array itself
        QVERIFY2(atBound, atBound ? "" : qPrintable(atBound.error().message));
        auto past = parseExactJson(arrayOf(JsonValuesMax, "0"));
        QVERIFY(!past);
        QCOMPARE(past.error().code, ErrorCode::InvalidArgument);
        QVERIFY2(past.error().message.contains(QStringLiteral("more than 262144 values")), qPrintable(past.error().message));
        // A filter is not read item by item: the cap is what bounds it.
        auto filter = json::parseQueryFilter("{\"flags\":" + arrayOf(4'000'000, "0") + "}");
        QVERIFY(!filter);
        QVERIFY2(filter.error().message.contains(QStringLiteral("more than 262144 values")), qPrintable(filter.error().message));
        VERIFY_SMALL(before);
    }

    void batchesAreLimited()
    {
        QByteArray big = "[";
        for (u32 i = 0; i <= BatchMax; ++i)
            big += i == 0 ? "{}" : ",{}";
        big += "]";
        auto refused = json::parseTransfers(big);
        QVERIFY(!refused);
        QVERIFY2(refused.error().message.contains(QStringLiteral("at most 8189")), qPrintable(refused.error().message));
        auto filter = json::parseAccountFilter(R"({"reserved": 1})");
        QVERIFY(!filter);
        QVERIFY(filter.error().message.contains(QStringLiteral("unknown field \"reserved\"")));
    }
};

QTEST_GUILESS_MAIN(TestLedgerJson)
#include "tst_ledgerjson.moc"

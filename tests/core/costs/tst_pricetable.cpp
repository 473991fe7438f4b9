// The price table and money text: decimal text to integer micro-USD
// exactly, costs rounded up, every bad line named, the shipped table sound.
#include "costs/Money.h"
#include "costs/PriceTable.h"

#include <QTest>

using namespace cabinet;
using namespace cabinet::costs;

class TestPriceTable : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void usdTextIsExact()
    {
        QCOMPARE(parseUsd(QStringLiteral("0.1")).value(), 100'000);
        QCOMPARE(parseUsd(QStringLiteral("12.5")).value(), 12'500'000);
        QCOMPARE(parseUsd(QStringLiteral("0.000001")).value(), 1);
        QCOMPARE(parseUsd(QStringLiteral("7")).value(), 7'000'000);
        QCOMPARE(parseUsd(QStringLiteral(".5")).value(), 500'000);
        QCOMPARE(parseUsd(QStringLiteral("1000000000")).value(), AmountMaxMicros);
        for (const char *bad : { "", "-1", "1e3", "1.2.3", "0.0000001", "1000000000.000001", "abc", "1,5", " 1", ".", "+1" })
            QCOMPARE(parseUsd(QLatin1String(bad), QStringLiteral("amount")).error().code, ErrorCode::InvalidArgument);
        QCOMPARE(parseUsd(QStringLiteral("x"), QStringLiteral("amount")).error().field, QStringLiteral("amount"));
        QCOMPARE(formatUsd(12'500'000), QStringLiteral("12.500000"));
        QCOMPARE(formatUsd(1), QStringLiteral("0.000001"));
        QCOMPARE(formatUsd(-1'000'001), QStringLiteral("-1.000001"));
    }

    void costsRoundUpToTheMicroDollar()
    {
        const ModelPrice price { 150'000, 600'000, 75'000 }; // 0.15 / 0.60 / 0.075 USD per million
        QCOMPARE(PriceTable::cost(price, 0, 0, 0), 0);
        QCOMPARE(PriceTable::cost(price, 1, 0, 0), 1);       // 0.15 micro-USD rounds up to 1
        QCOMPARE(PriceTable::cost(price, 1'000'000, 0, 0), 150'000);
        QCOMPARE(PriceTable::cost(price, 1'000, 0, 1'000), 750); // 150 + 600
        QCOMPARE(PriceTable::cost(price, 1'000, 400, 0), 120);   // 600 × 0.15 + 400 × 0.075 = 90 + 30
        QCOMPARE(PriceTable::cost(price, 7, 0, 3), 3);           // 1.05 + 1.8 = 2.85 -> 3, one rounding for the sum
        QCOMPARE(PriceTable::cost(price, 10, 50, 0), 1);         // cached beyond input counts as input's
    }

    void parsesTheFormat()
    {
        auto table = PriceTable::parse("# comment\nversion: \"v1\"\neffective: 2026-12-01\nmodels:\n"
                                       "  sim/a: { input: 0.50, output: \"1.50\", cached_input: 0.25 }  # trailing\n"
                                       "\n  openai/gpt-x: {input: 3, output: 15}\n",
                                       QStringLiteral("prices.yaml"));
        QVERIFY2(table.ok(), qPrintable(table ? QString() : table.error().message));
        QCOMPARE(table->version(), QStringLiteral("v1"));
        QCOMPARE(table->effective(), QDate(2026, 12, 1));
        QCOMPARE(table->price(QStringLiteral("sim"), QStringLiteral("a"))->outputMicrosPerMillion, 1'500'000);
        QCOMPARE(table->price(QStringLiteral("sim"), QStringLiteral("a"))->cachedInputMicrosPerMillion, 250'000);
        // No cached price given: cached input is billed as input.
        QCOMPARE(table->price(QStringLiteral("openai"), QStringLiteral("gpt-x"))->cachedInputMicrosPerMillion, 3'000'000);
        QVERIFY(!table->price(QStringLiteral("sim"), QStringLiteral("b")));
    }

    void badTablesNameTheLine_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("where");
        const QByteArray head = "version: v1\neffective: 2026-12-01\nmodels:\n";
        QTest::newRow("float noise") << head + "  sim/a: { input: 0.1e-3, output: 1 }\n" << "p.yaml:4";
        QTest::newRow("seven decimals") << head + "  sim/a: { input: 0.0000001, output: 1 }\n" << "p.yaml:4";
        QTest::newRow("negative") << head + "  sim/a: { input: -1, output: 1 }\n" << "p.yaml:4";
        QTest::newRow("no output") << head + "  sim/a: { input: 1 }\n" << "p.yaml:4";
        QTest::newRow("unknown price") << head + "  sim/a: { input: 1, output: 1, extra: 2 }\n" << "p.yaml:4";
        QTest::newRow("twice") << head + "  sim/a: { input: 1, output: 1 }\n  sim/a: { input: 1, output: 1 }\n" << "p.yaml:5";
        QTest::newRow("no slash") << head + "  gpt: { input: 1, output: 1 }\n" << "p.yaml:4";
        QTest::newRow("bad date") << QByteArray("version: v1\neffective: 2026-13-01\n") << "p.yaml:2";
        QTest::newRow("unknown key") << QByteArray("version: v1\ncolour: red\n") << "p.yaml:2";
        QTest::newRow("tab") << head + "\tsim/a: { input: 1, output: 1 }\n" << "p.yaml:4";
        QTest::newRow("no version") << QByteArray("effective: 2026-12-01\n") << "p.yaml:1";
        QTest::newRow("too dear") << head + "  sim/a: { input: 10000.000001, output: 1 }\n" << "p.yaml:4";
    }
    void badTablesNameTheLine()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, where);
        auto table = PriceTable::parse(text, QStringLiteral("p.yaml"));
        QVERIFY(!table);
        QCOMPARE(table.error().code, ErrorCode::InvalidArgument);
        QCOMPARE(table.error().field, where);
    }

    void tooBigIsRefusedUnread()
    {
        const QByteArray text = "version: v1\neffective: 2026-12-01\n" + QByteArray(PriceFileMaxBytes, '#');
        QCOMPARE(PriceTable::parse(text, QStringLiteral("p.yaml")).error().code, ErrorCode::InvalidArgument);
    }

    void theShippedTablePricesTheSimModels()
    {
        const PriceTable table = PriceTable::builtIn();
        QVERIFY(!table.version().isEmpty());
        for (const char *model : { "local-fast", "local-quality", "cloud-fast", "cloud-mid", "cloud-frontier" }) {
            auto price = table.price(QStringLiteral("sim"), QLatin1String(model));
            QVERIFY2(price, model);
            QVERIFY(price->inputMicrosPerMillion > 0 && price->outputMicrosPerMillion > 0);
        }
    }
};

QTEST_GUILESS_MAIN(TestPriceTable)
#include "tst_pricetable.moc"

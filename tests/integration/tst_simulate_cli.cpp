#include "CabinetProcess.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryFile>
#include <QTest>

using namespace cabinet::test;

class TestSimulateCli : public QObject {
    Q_OBJECT

    static QJsonObject runJson(const QStringList &args)
    {
        const Run run = runCabinet(QStringList { QStringLiteral("simulate"), QStringLiteral("--json") } + args);
        if (run.exitCode != 0)
            qWarning("simulate failed: %s", qPrintable(run.err));
        return QJsonDocument::fromJson(run.out.toUtf8()).object();
    }

private Q_SLOTS:
    void jsonResultIsReproducible()
    {
        const QStringList args { QStringLiteral("--scenarios"), QStringLiteral("2000"), QStringLiteral("--horizon"), QStringLiteral("60"),
                                 QStringLiteral("--seed"), QStringLiteral("42"), QStringLiteral("--backend"), QStringLiteral("cpu") };
        const QJsonObject first = runJson(args);
        const QJsonObject second = runJson(args);
        QCOMPARE(first.value(QStringLiteral("backend")).toString(), QStringLiteral("cpu"));
        QCOMPARE(first.value(QStringLiteral("scenarios")).toInt(), 2000);
        QCOMPARE(first.value(QStringLiteral("horizon_days")).toInt(), 60);
        for (const char *key : { "mean", "std_dev", "p5", "p50", "p95", "probability_of_loss", "expected_shortfall_95" })
            QCOMPARE(first.value(QLatin1String(key)).toDouble(), second.value(QLatin1String(key)).toDouble());
        QVERIFY(first.value(QStringLiteral("elapsed_ms")).toDouble() > 0);
        const QJsonObject other = runJson({ QStringLiteral("--scenarios"), QStringLiteral("2000"), QStringLiteral("--horizon"), QStringLiteral("60"),
                                            QStringLiteral("--seed"), QStringLiteral("43"), QStringLiteral("--backend"), QStringLiteral("cpu") });
        QVERIFY(other.value(QStringLiteral("mean")).toDouble() != first.value(QStringLiteral("mean")).toDouble());
    }

    void paramsFileAndOverrides()
    {
        QTemporaryFile file;
        QVERIFY(file.open());
        file.write(R"({"scenarios": 300, "horizon_days": 10, "budget": 1, "cost_log_mean": 5})");
        file.close();
        const QJsonObject result = runJson({ QStringLiteral("--params"), file.fileName(), QStringLiteral("--horizon"), QStringLiteral("20") });
        QCOMPARE(result.value(QStringLiteral("scenarios")).toInt(), 300);
        QCOMPARE(result.value(QStringLiteral("horizon_days")).toInt(), 20);
        // Costs of e^5 a day against a budget of 1: every scenario breaches.
        QCOMPARE(result.value(QStringLiteral("probability_of_budget_breach")).toDouble(), 1.0);
    }

    void humanSummary()
    {
        const Run run = runCabinet({ QStringLiteral("simulate"), QStringLiteral("--scenarios"), QStringLiteral("500"), QStringLiteral("--horizon"), QStringLiteral("30") });
        QCOMPARE(run.exitCode, 0);
        QVERIFY(run.out.contains(QStringLiteral("backend")));
        QVERIFY(run.out.contains(QStringLiteral("P95")));
        QVERIFY(run.out.contains(QStringLiteral("histogram")));
        QVERIFY2(run.out.contains(QStringLiteral("P(budget breach) - (no budget set)")), qPrintable(run.out));

        QTemporaryFile file;
        QVERIFY(file.open());
        file.write(R"({"budget": 1, "cost_log_mean": 5})");
        file.close();
        const Run budgeted = runCabinet({ QStringLiteral("simulate"), QStringLiteral("--scenarios"), QStringLiteral("100"),
                                          QStringLiteral("--horizon"), QStringLiteral("5"), QStringLiteral("--params"), file.fileName() });
        QCOMPARE(budgeted.exitCode, 0);
        QVERIFY2(budgeted.out.contains(QStringLiteral("P(budget breach) 100.00 % of 1 ")), qPrintable(budgeted.out));
    }

    void badParametersExitTwo_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QString>("message");
        QTest::newRow("zero scenarios") << QStringList { QStringLiteral("--scenarios"), QStringLiteral("0") } << QByteArray() << QStringLiteral("scenarios");
        QTest::newRow("unknown backend") << QStringList { QStringLiteral("--backend"), QStringLiteral("tpu") } << QByteArray() << QStringLiteral("unknown scenario backend");
        QTest::newRow("negative volatility") << QStringList { QStringLiteral("--params"), QStringLiteral("-") } << QByteArray(R"({"value_volatility_daily": -0.2})")
                                             << QStringLiteral("value_volatility_daily");
        QTest::newRow("malformed json") << QStringList { QStringLiteral("--params"), QStringLiteral("-") } << QByteArray("{nope") << QStringLiteral("malformed JSON");
        QTest::newRow("unknown field") << QStringList { QStringLiteral("--params"), QStringLiteral("-") } << QByteArray(R"({"volatility": 1})") << QStringLiteral("unknown field 'volatility'");
        QTest::newRow("bad horizon") << QStringList { QStringLiteral("--horizon"), QStringLiteral("soon") } << QByteArray() << QStringLiteral("horizon_days");
    }
    void badParametersExitTwo()
    {
        QFETCH(QStringList, args);
        QFETCH(QByteArray, input);
        QFETCH(QString, message);
        const Run run = runCabinet(QStringList { QStringLiteral("simulate") } + args, input);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(message), qPrintable(run.err));
    }

    void cudaWithoutADeviceExitsTwo()
    {
        const Run probe = runCabinet({ QStringLiteral("simulate"), QStringLiteral("--backend"), QStringLiteral("cuda"), QStringLiteral("--scenarios"), QStringLiteral("100") });
        if (probe.exitCode == 0)
            QSKIP("a CUDA device is present here");
        QCOMPARE(probe.exitCode, 2);
        QVERIFY2(probe.err.contains(QStringLiteral("cuda")), qPrintable(probe.err));
    }
};

QTEST_GUILESS_MAIN(TestSimulateCli)
#include "tst_simulate_cli.moc"

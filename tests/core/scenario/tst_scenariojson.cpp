#include "scenario/ScenarioJson.h"

#include <QJsonArray>
#include <QTest>

using namespace cabinet;

class TestScenarioJson : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void omittedFieldsKeepDefaults()
    {
        auto params = scenario::paramsFromJson({ { QStringLiteral("scenarios"), 500 }, { QStringLiteral("seed"), QStringLiteral("18446744073709551615") } });
        QVERIFY2(params, params ? "" : qPrintable(params.error().message));
        QCOMPARE(params->scenarios, 500u);
        QCOMPARE(params->seed, std::numeric_limits<quint64>::max());
        QCOMPARE(params->horizon_days, gpu::ScenarioParams {}.horizon_days);
        QVERIFY(std::isinf(params->budget));
    }

    void roundTrip()
    {
        gpu::ScenarioParams in;
        in.scenarios = 1234;
        in.horizon_days = 90;
        in.seed = 99;
        in.budget = 5e5;
        in.failure_probability_daily = 0.001;
        in.failure_cost = 2500;
        in.cost_log_sd_per_scenario = std::vector<float>(1234, 0.25f);
        auto out = scenario::paramsFromJson(scenario::paramsToJson(in));
        QVERIFY2(out, out ? "" : qPrintable(out.error().message));
        QCOMPARE(out->scenarios, in.scenarios);
        QCOMPARE(out->horizon_days, in.horizon_days);
        QCOMPARE(out->seed, in.seed);
        QCOMPARE(out->budget, in.budget);
        QCOMPARE(out->failure_cost, in.failure_cost);
        QCOMPARE(out->cost_log_sd_per_scenario, in.cost_log_sd_per_scenario);
    }

    void badInputNamesTheField_data()
    {
        QTest::addColumn<QJsonObject>("json");
        QTest::addColumn<QString>("field");
        QTest::newRow("unknown") << QJsonObject { { QStringLiteral("volatility"), 0.1 } } << QStringLiteral("unknown field 'volatility'");
        QTest::newRow("negative volatility") << QJsonObject { { QStringLiteral("value_volatility_daily"), -0.1 } } << QStringLiteral("value_volatility_daily");
        QTest::newRow("zero scenarios") << QJsonObject { { QStringLiteral("scenarios"), 0 } } << QStringLiteral("scenarios");
        QTest::newRow("fractional scenarios") << QJsonObject { { QStringLiteral("scenarios"), 1.5 } } << QStringLiteral("scenarios: expected a non-negative integer");
        QTest::newRow("string volatility") << QJsonObject { { QStringLiteral("value_volatility_daily"), QStringLiteral("high") } } << QStringLiteral("value_volatility_daily: expected a number");
        QTest::newRow("probability") << QJsonObject { { QStringLiteral("failure_probability_daily"), 1.5 } } << QStringLiteral("failure_probability_daily");
        QTest::newRow("series type") << QJsonObject { { QStringLiteral("cost_log_mean_per_scenario"), QJsonArray { 1, QStringLiteral("x") } } } << QStringLiteral("cost_log_mean_per_scenario[1]");
        QTest::newRow("series length") << QJsonObject { { QStringLiteral("scenarios"), 3 }, { QStringLiteral("cost_log_mean_per_scenario"), QJsonArray { 1, 2 } } } << QStringLiteral("cost_log_mean_per_scenario");
    }
    void badInputNamesTheField()
    {
        QFETCH(QJsonObject, json);
        QFETCH(QString, field);
        auto params = scenario::paramsFromJson(json);
        QVERIFY(!params);
        QVERIFY2(params.error().message.startsWith(field), qPrintable(params.error().message));
    }

    void resultCarriesTheStatistics()
    {
        gpu::ScenarioParams params;
        params.scenarios = 2000;
        params.horizon_days = 30;
        auto engine = gpu::makeEngine("cpu");
        QVERIFY(engine);
        gpu::RunOptions options;
        options.histogram_bins = 7;
        options.sample_paths = 2;
        auto result = (*engine)->run(params, options);
        QVERIFY(result);
        const QJsonObject json = scenario::resultToJson(*result);
        QCOMPARE(json.value(QStringLiteral("backend")).toString(), QStringLiteral("cpu"));
        QCOMPARE(json.value(QStringLiteral("mean")).toDouble(), result->mean);
        QVERIFY(json.value(QStringLiteral("p5")).toDouble() <= json.value(QStringLiteral("p95")).toDouble());
        QCOMPARE(json.value(QStringLiteral("histogram")).toObject().value(QStringLiteral("counts")).toArray().size(), 7);
        const QJsonArray paths = json.value(QStringLiteral("sample_paths")).toArray();
        QCOMPARE(paths.size(), 2);
        QCOMPARE(paths.at(0).toObject().value(QStringLiteral("value")).toArray().size(), 31);
    }
};

QTEST_GUILESS_MAIN(TestScenarioJson)
#include "tst_scenariojson.moc"

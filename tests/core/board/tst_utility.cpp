// Each board utility (docs/board.md) against hand-computed cases, its
// normalized score, and every bad kind or parameter refused with the field.
#include "board/Utility.h"

#include <QTest>

#include <cmath>

using namespace cabinet;
using namespace cabinet::board;

namespace {

// Round numbers, so each value below is worked out by hand.
OutcomeSummary summary()
{
    OutcomeSummary s;
    s.meanGain = 100;
    s.stdDev = 50;
    s.p5Gain = -20;
    s.p50Gain = 90;
    s.p95Gain = 200;
    s.cvar95Gain = -40;
    s.probabilityOfLoss = 0.2;
    s.probabilityOfBreach = 0.1;
    s.probabilityOfFailure = 0.25;
    s.scaleUsd = 100;
    return s;
}

Utility made(const char *kind, const QMap<QString, double> &params)
{
    auto u = makeUtility(QLatin1String(kind), params);
    if (!u)
        qFatal("%s: %s", kind, qPrintable(u.error().message));
    return *u;
}

} // namespace

class TestUtility : public QObject {
    Q_OBJECT

private slots:
    void handComputed_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("param");
        QTest::addColumn<double>("paramValue");
        QTest::addColumn<double>("value");
        QTest::addColumn<double>("score");
        // downside: w P5 + (1 - w) CVaR95 = 0.5 (-20) + 0.5 (-40) = -30; / scale 100
        QTest::newRow("downside even") << QStringLiteral("downside") << QStringLiteral("weight_p5") << 0.5 << -30.0 << std::tanh(-0.3);
        QTest::newRow("downside P5 only") << QStringLiteral("downside") << QStringLiteral("weight_p5") << 1.0 << -20.0 << std::tanh(-0.2);
        QTest::newRow("downside CVaR only") << QStringLiteral("downside") << QStringLiteral("weight_p5") << 0.0 << -40.0 << std::tanh(-0.4);
        QTest::newRow("upside") << QStringLiteral("upside") << QString() << 0.0 << 200.0 << std::tanh(2.0);
        QTest::newRow("median") << QStringLiteral("median") << QString() << 0.0 << 90.0 << std::tanh(0.9);
        // mean - lambda sd = 100 - 0.5 x 50
        QTest::newRow("mean_risk") << QStringLiteral("mean_risk") << QStringLiteral("risk_aversion") << 0.5 << 75.0 << std::tanh(0.75);
        QTest::newRow("mean_risk neutral") << QStringLiteral("mean_risk") << QStringLiteral("risk_aversion") << 0.0 << 100.0 << std::tanh(1.0);
        QTest::newRow("mean_risk averse") << QStringLiteral("mean_risk") << QStringLiteral("risk_aversion") << 4.0 << -100.0 << std::tanh(-1.0);
        // tolerance - P: scaled by the tolerance itself
        QTest::newRow("loss_risk") << QStringLiteral("loss_risk") << QStringLiteral("tolerance") << 0.25 << 0.05 << std::tanh(0.2);
        QTest::newRow("breach_risk") << QStringLiteral("breach_risk") << QStringLiteral("tolerance") << 0.05 << -0.05 << std::tanh(-1.0);
        QTest::newRow("failure_risk") << QStringLiteral("failure_risk") << QStringLiteral("tolerance") << 0.5 << 0.25 << std::tanh(0.5);
    }
    void handComputed()
    {
        QFETCH(QString, kind);
        QFETCH(QString, param);
        QFETCH(double, paramValue);
        QFETCH(double, value);
        QFETCH(double, score);
        QMap<QString, double> params;
        if (!param.isEmpty())
            params.insert(param, paramValue);
        const Utility u = made(qPrintable(kind), params);
        QCOMPARE(utilityKindName(u.kind), kind);
        QVERIFY(qAbs(utilityValue(u, summary()) - value) < 1e-12);
        QVERIFY(qAbs(normalizedScore(u, summary()) - score) < 1e-12);
        QVERIFY(!utilityFormula(u).isEmpty());
    }

    void everyKindNamedAndRoundTrips()
    {
        const QStringList names = utilityKindNames();
        QCOMPARE(names.size(), int(UtilityKind::FailureRisk) + 1);
        for (int i = 0; i < names.size(); ++i) {
            const auto kind = UtilityKind(i);
            QMap<QString, double> params; // each parameter at a valid value
            for (const QString &p : utilityParamNames(kind))
                params.insert(p, 0.5);
            auto u = makeUtility(utilityKindName(kind), params);
            QVERIFY2(u.ok(), qPrintable(names[i]));
            QCOMPARE(u->kind, kind);
        }
    }

    void badUtilityRefused_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("param");
        QTest::addColumn<double>("paramValue");
        QTest::addColumn<QString>("field");
        QTest::newRow("unknown kind") << QStringLiteral("vibes") << QString() << 0.0 << QStringLiteral("kind");
        QTest::newRow("missing parameter") << QStringLiteral("downside") << QString() << 0.0 << QStringLiteral("weight_p5");
        QTest::newRow("foreign parameter") << QStringLiteral("upside") << QStringLiteral("tolerance") << 0.1 << QStringLiteral("tolerance");
        QTest::newRow("weight above 1") << QStringLiteral("downside") << QStringLiteral("weight_p5") << 1.5 << QStringLiteral("weight_p5");
        QTest::newRow("weight negative") << QStringLiteral("downside") << QStringLiteral("weight_p5") << -0.1 << QStringLiteral("weight_p5");
        QTest::newRow("weight nan") << QStringLiteral("downside") << QStringLiteral("weight_p5") << std::nan("") << QStringLiteral("weight_p5");
        QTest::newRow("risk aversion negative") << QStringLiteral("mean_risk") << QStringLiteral("risk_aversion") << -1.0 << QStringLiteral("risk_aversion");
        QTest::newRow("risk aversion over the limit") << QStringLiteral("mean_risk") << QStringLiteral("risk_aversion") << RiskAversionMax + 1
                                                      << QStringLiteral("risk_aversion");
        QTest::newRow("tolerance zero") << QStringLiteral("loss_risk") << QStringLiteral("tolerance") << 0.0 << QStringLiteral("tolerance");
        QTest::newRow("tolerance above 1") << QStringLiteral("breach_risk") << QStringLiteral("tolerance") << 1.1 << QStringLiteral("tolerance");
        QTest::newRow("tolerance infinite") << QStringLiteral("failure_risk") << QStringLiteral("tolerance") << qInf() << QStringLiteral("tolerance");
    }
    void badUtilityRefused()
    {
        QFETCH(QString, kind);
        QFETCH(QString, param);
        QFETCH(double, paramValue);
        QFETCH(QString, field);
        QMap<QString, double> params;
        if (!param.isEmpty())
            params.insert(param, paramValue);
        auto u = makeUtility(kind, params);
        QVERIFY(!u);
        QCOMPARE(u.error().code, ErrorCode::InvalidArgument);
        QCOMPARE(u.error().field, field);
    }
};

QTEST_GUILESS_MAIN(TestUtility)
#include "tst_utility.moc"

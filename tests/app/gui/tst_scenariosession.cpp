#include "GuiTestSupport.h"
#include "gui/ScenarioSession.h"
#include "scenario/ScenarioRunner.h"

#include <ScenarioEngine.h>
#include <ScenarioParams.h>

#include <QSignalSpy>
#include <cmath>
#include <numeric>

using namespace cabinet;
using namespace cabinet::gui;
using namespace cabinet::test;

class TestScenarioSession : public QObject {
    Q_OBJECT

    RunningCore m_core;

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_core.start()); }

    void defaultsAreTheEngines()
    {
        ScenarioSession session;
        const QJsonObject json = session.parameters();
        const gpu::ScenarioParams defaults;
        QCOMPARE(json.value(u"scenarios").toInt(), int(defaults.scenarios));
        QCOMPARE(json.value(u"horizon_days").toInt(), int(defaults.horizon_days));
        QCOMPARE(json.value(u"seed").toString(), QString::number(defaults.seed));
        QVERIFY(qFuzzyCompare(json.value(u"cost_log_mean").toDouble(), defaults.cost_log_mean));
        QCOMPARE(json.value(u"shock_log_mean").toDouble(), 0.0);
        QVERIFY(!json.contains(u"budget")); // none
        QVERIFY(std::isinf(session.property("budget").toDouble()));
        QCOMPARE(session.property("backend").toString(), QStringLiteral("auto"));

        session.setProperty("dailyCostMedian", 1000.0);
        session.setProperty("shockDrop", 0.2);
        session.setProperty("budget", 5000.0);
        const QJsonObject changed = session.parameters();
        QVERIFY(qFuzzyCompare(changed.value(u"cost_log_mean").toDouble(), std::log(1000.0)));
        QVERIFY(qFuzzyCompare(changed.value(u"shock_log_mean").toDouble(), std::log(0.8)));
        QCOMPARE(changed.value(u"budget").toDouble(), 5000.0);
        session.resetParameters();
        QVERIFY(!session.parameters().contains(u"budget"));
    }

    void runsOnTheCpuToTheEnd()
    {
        ScenarioSession session;
        session.setConnection(&m_core.connection);
        session.setProperty("scenarios", 20'000);
        session.setProperty("horizonDays", 90);
        session.setProperty("backend", QStringLiteral("cpu"));
        session.setProperty("budget", 110'000.0);
        session.setProperty("initialCapital", 900'000.0);
        QSignalSpy finished(&session, &ScenarioSession::finished);
        QSignalSpy progress(&session, &ScenarioSession::progressChanged);
        session.run();
        QVERIFY(session.running());
        session.run(); // ignored while one runs
        QVERIFY(finished.wait(60'000));
        QCOMPARE(finished.count(), 1);
        QVERIFY2(session.errorMessage().isEmpty(), qPrintable(session.errorMessage()));
        QVERIFY(!session.running());
        QVERIFY(session.hasResult());
        QCOMPARE(session.progress(), 1.0);
        QVERIFY(progress.count() >= 1);

        QCOMPARE(session.backendUsed(), QStringLiteral("cpu"));
        QVERIFY(!session.device().isEmpty());
        QVERIFY(session.elapsedMs() > 0);
        QCOMPARE(session.resultScenarios(), 20'000);
        QCOMPARE(session.resultHorizonDays(), 90);
        QVERIFY(session.p5() < session.p50() && session.p50() < session.p95());
        QVERIFY(session.stdDev() > 0);
        QVERIFY(session.expectedShortfall95() < session.p5());
        QVERIFY(session.costP5() < session.costP50() && session.costP50() < session.costP95());
        QVERIFY(session.probabilityOfLoss() > 0 && session.probabilityOfLoss() < 1);
        QVERIFY(session.probabilityOfBreach() > 0 && session.probabilityOfBreach() < 1);
        QCOMPARE(session.resultBudget(), 110'000.0);
        QCOMPARE(session.resultInitialCapital(), 900'000.0);

        const QList<qreal> counts = session.histogramCounts();
        QCOMPARE(counts.size(), qsizetype(gpu::kDefaultHistogramBins));
        QCOMPARE(std::accumulate(counts.cbegin(), counts.cend(), 0.0), 20'000.0);
        QVERIFY(session.histogramMin() < session.p5());
        QVERIFY(session.histogramMax() > session.p95());

        // The same seed, the same answer; without a budget, no breach and no budget in the result.
        const double p50 = session.p50();
        session.setProperty("budget", std::numeric_limits<double>::infinity());
        session.run();
        QVERIFY(finished.wait(60'000));
        QCOMPARE(session.p50(), p50);
        QCOMPARE(session.probabilityOfBreach(), 0.0);
        QVERIFY(std::isinf(session.resultBudget()));
    }

    void badParametersNameTheField()
    {
        ScenarioSession session;
        session.setConnection(&m_core.connection);
        QSignalSpy finished(&session, &ScenarioSession::finished);
        session.setProperty("valueVolatilityDaily", -0.1);
        session.run();
        QTRY_COMPARE(finished.count(), 1);
        QVERIFY(!session.running());
        QVERIFY(!session.hasResult());
        QVERIFY2(session.errorMessage().startsWith(QStringLiteral("value_volatility_daily")), qPrintable(session.errorMessage()));
        QCOMPARE(session.errorField(), QStringLiteral("value_volatility_daily"));

        session.resetParameters();
        session.setProperty("seed", QStringLiteral("twelve"));
        session.run();
        QTRY_COMPARE(finished.count(), 2);
        QCOMPARE(session.errorField(), QStringLiteral("seed"));

        session.resetParameters();
        session.setProperty("budget", -5.0);
        session.run();
        QTRY_COMPARE(finished.count(), 3);
        QCOMPARE(session.errorField(), QStringLiteral("budget"));

        // Checked by the session itself, under the engine's name for the field.
        session.resetParameters();
        session.setProperty("dailyCostMedian", 0.0);
        session.run();
        QCOMPARE(finished.count(), 4);
        QCOMPARE(session.errorField(), QStringLiteral("cost_log_mean"));
        QVERIFY(!session.errorMessage().isEmpty());
        session.resetParameters();
        session.setProperty("shockDrop", 1.0);
        session.run();
        QCOMPARE(session.errorField(), QStringLiteral("shock_log_mean"));

        // A backend this build lacks: the engine's message, no field.
        session.resetParameters();
        session.setProperty("backend", QStringLiteral("abacus"));
        session.run();
        QTRY_COMPARE(finished.count(), 6);
        QVERIFY(session.errorMessage().contains(QStringLiteral("abacus")));
        QVERIFY(session.errorField().isEmpty());

        // A good run clears the error.
        session.resetParameters();
        session.setProperty("scenarios", 1000);
        session.setProperty("horizonDays", 10);
        session.run();
        QVERIFY(session.errorMessage().isEmpty());
        QTRY_COMPARE(finished.count(), 7);
        QVERIFY(session.hasResult());
        QVERIFY(session.errorMessage().isEmpty());
    }

    void cancelStopsTheRun()
    {
        ScenarioSession session;
        session.setConnection(&m_core.connection);
        // Seconds of work, so it is cancelled midway (minutes under the sanitizers).
        session.setProperty("scenarios", 200'000);
        session.setProperty("horizonDays", 3650);
        session.setProperty("backend", QStringLiteral("cpu"));
        QSignalSpy finished(&session, &ScenarioSession::finished);
        session.run();
        QTRY_VERIFY_WITH_TIMEOUT(session.progress() > 0, 30'000);
        session.cancel();
        QVERIFY(finished.wait(60'000));
        QVERIFY(!session.running());
        QVERIFY(session.cancelled());
        QVERIFY(session.errorMessage().isEmpty());
        QVERIFY(!session.hasResult());
    }

    void oneRunAtATimeAcrossSessions()
    {
        ScenarioSession first;
        ScenarioSession second;
        first.setConnection(&m_core.connection);
        second.setConnection(&m_core.connection);
        first.setProperty("scenarios", 5'000'000);
        first.setProperty("horizonDays", 3650);
        first.setProperty("backend", QStringLiteral("cpu"));
        QSignalSpy firstFinished(&first, &ScenarioSession::finished);
        QSignalSpy secondFinished(&second, &ScenarioSession::finished);
        first.run();
        second.run();
        QVERIFY(secondFinished.wait(10'000));
        QVERIFY(!second.errorMessage().isEmpty());
        // The refusal is the second session's alone.
        QVERIFY(first.running());
        QVERIFY(first.errorMessage().isEmpty());
        // Cancelling a session that is not running touches nobody else's run.
        second.cancel();
        QTest::qWait(100);
        QVERIFY(first.running());
        first.cancel();
        QVERIFY(firstFinished.wait(60'000));
        QVERIFY(first.cancelled());
    }

    void destroyedMidRunFreesTheRunner()
    {
        {
            ScenarioSession doomed;
            doomed.setConnection(&m_core.connection);
            doomed.setProperty("scenarios", 5'000'000);
            doomed.setProperty("horizonDays", 3650);
            doomed.setProperty("backend", QStringLiteral("cpu"));
            doomed.run();
            QTRY_VERIFY(m_core.call([](Cabinet &cabinet) { return cabinet.service<ScenarioRunner>().busy(); }).value_or(false));
        }
        QTRY_VERIFY_WITH_TIMEOUT(!m_core.call([](Cabinet &cabinet) { return cabinet.service<ScenarioRunner>().busy(); }).value_or(true), 30'000);
    }

    void withoutACore()
    {
        ScenarioSession session;
        QSignalSpy finished(&session, &ScenarioSession::finished);
        session.run();
        QCOMPARE(finished.count(), 1);
        QVERIFY(!session.errorMessage().isEmpty());
        QVERIFY(!session.running());
    }
};

QTEST_GUILESS_MAIN(TestScenarioSession)
#include "tst_scenariosession.moc"

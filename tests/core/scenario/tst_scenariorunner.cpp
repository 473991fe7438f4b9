#include "TestSupport.h"
#include "events/EventBus.h"
#include "scenario/ScenarioRunner.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QThreadPool>

using namespace cabinet;
using namespace cabinet::test;

class TestScenarioRunner : public QObject {
    Q_OBJECT

    TestCabinet m_cabinet;

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_cabinet.open()); }

    void runsOffThreadAndReports()
    {
        ScenarioRunner &runner = m_cabinet->scenarios();
        QSignalSpy progress(&runner, &ScenarioRunner::progress);
        QSignalSpy finished(&runner, &ScenarioRunner::finished);
        QSignalSpy failed(&runner, &ScenarioRunner::failed);
        runner.start({ { QStringLiteral("scenarios"), 20000 }, { QStringLiteral("horizon_days"), 100 } }, QStringLiteral("cpu"), 10, 2);
        QVERIFY(runner.busy());
        QVERIFY(finished.wait(30000));
        QCOMPARE(failed.count(), 0);
        QVERIFY(!runner.busy());
        const QJsonObject result = finished.at(0).at(0).toJsonObject();
        QCOMPARE(result.value(QStringLiteral("backend")).toString(), QStringLiteral("cpu"));
        QCOMPARE(result.value(QStringLiteral("scenarios")).toInt(), 20000);
        QCOMPARE(result.value(QStringLiteral("params")).toObject().value(QStringLiteral("horizon_days")).toInt(), 100);
        QVERIFY(progress.count() >= 1);
        double last = 0;
        for (const auto &args : progress) {
            QVERIFY(args.at(0).toDouble() >= last);
            last = args.at(0).toDouble();
        }
        QCOMPARE(last, 1.0);
    }

    void progressEventsAreThrottled()
    {
        // Progress reaches the event stream ten times a second at most, and
        // its end only as scenario.finished; the panel still gets the end.
        ScenarioRunner &runner = m_cabinet->scenarios();
        QList<Event> progressEvents;
        auto subscription = connect(&m_cabinet->events(), &EventBus::published, this, [&](const Event &event) {
            if (event.type == QStringLiteral("scenario.progress"))
                progressEvents.append(event);
        });
        QSignalSpy progress(&runner, &ScenarioRunner::progress);
        QSignalSpy finished(&runner, &ScenarioRunner::finished);
        QElapsedTimer timer;
        timer.start();
        runner.start({ { QStringLiteral("scenarios"), 400000 }, { QStringLiteral("horizon_days"), 365 } }, QStringLiteral("cpu"), 10, 0);
        QVERIFY(finished.wait(60000));
        const qint64 elapsedMs = timer.elapsed();
        disconnect(subscription);
        QCOMPARE(progress.last().at(0).toDouble(), 1.0);
        QVERIFY(!progressEvents.isEmpty());
        QVERIFY2(progressEvents.size() <= 1 + elapsedMs / 100,
                 qPrintable(QStringLiteral("%1 events in %2 ms").arg(progressEvents.size()).arg(elapsedMs)));
        for (const Event &event : progressEvents)
            QVERIFY(event.payload.value(QStringLiteral("fraction")).toDouble() < 1.0);
    }

    void destroyedMidRunReportsNothing()
    {
        // The console closing during a simulation: the worker finishes (or
        // sees the cancel) after the runner is gone and must not touch it.
        // A use after free shows as a crash here, or as a report under the
        // asan preset.
        for (int i = 0; i < 20; ++i) {
            auto runner = std::make_unique<ScenarioRunner>(m_cabinet->events());
            runner->start({ { QStringLiteral("scenarios"), 200000 }, { QStringLiteral("horizon_days"), 365 } }, QStringLiteral("cpu"));
            QVERIFY(runner->busy());
            QTest::qWait(i); // die at a different moment each time
            runner.reset();
            QTest::qWait(5);
        }
        QThreadPool::globalInstance()->waitForDone();
        QCoreApplication::processEvents();
    }

    void badParametersFailAtOnce()
    {
        ScenarioRunner &runner = m_cabinet->scenarios();
        QSignalSpy failed(&runner, &ScenarioRunner::failed);
        runner.start({ { QStringLiteral("value_volatility_daily"), -1 } }, QStringLiteral("cpu"));
        QCOMPARE(failed.count(), 1);
        QVERIFY(failed.at(0).at(0).toString().contains(QStringLiteral("value_volatility_daily")));
        QVERIFY(!runner.busy());
    }

    void unknownBackendFails()
    {
        ScenarioRunner &runner = m_cabinet->scenarios();
        QSignalSpy failed(&runner, &ScenarioRunner::failed);
        runner.start({ { QStringLiteral("scenarios"), 10 } }, QStringLiteral("abacus"));
        QVERIFY(failed.wait(10000));
        QVERIFY(failed.at(0).at(0).toString().contains(QStringLiteral("abacus")));
        QVERIFY(!runner.busy());
    }

    void oneRunAtATimeAndCancel()
    {
        ScenarioRunner &runner = m_cabinet->scenarios();
        QSignalSpy failed(&runner, &ScenarioRunner::failed);
        QSignalSpy finished(&runner, &ScenarioRunner::finished);
        runner.start({ { QStringLiteral("scenarios"), 5000000 }, { QStringLiteral("horizon_days"), 3650 } }, QStringLiteral("cpu"));
        runner.start({ { QStringLiteral("scenarios"), 10 } }, QStringLiteral("cpu"));
        QCOMPARE(failed.count(), 1);
        QVERIFY(failed.at(0).at(0).toString().contains(QStringLiteral("already running")));
        runner.cancel();
        QVERIFY(failed.wait(30000));
        QCOMPARE(finished.count(), 0);
        QVERIFY(!runner.busy());
    }
};

QTEST_GUILESS_MAIN(TestScenarioRunner)
#include "tst_scenariorunner.moc"

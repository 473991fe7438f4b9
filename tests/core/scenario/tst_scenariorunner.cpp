#include "TestSupport.h"
#include "events/EventBus.h"
#include "scenario/ScenarioRunner.h"

#include <QElapsedTimer>
#include <QThreadPool>

#include <optional>

using namespace cabinet;
using namespace cabinet::test;

class TestScenarioRunner : public QObject {
    Q_OBJECT

    TestCabinet m_cabinet;

    ScenarioRunner &runner() { return m_cabinet->service<ScenarioRunner>(); }

    // Every job.* event of the run, in order.
    struct JobEvents {
        QList<Event> events;
        QMetaObject::Connection connection;
        int count(const QString &type) const
        {
            return int(std::count_if(events.begin(), events.end(), [&](const Event &e) { return e.type == type; }));
        }
    };
    void record(JobEvents &into)
    {
        into.connection = connect(&m_cabinet->events(), &EventBus::published, this, [&into](const Event &event) {
            if (event.type.startsWith(QStringLiteral("job.")))
                into.events.append(event);
        });
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_cabinet.open()); }

    void runsOffThreadAndReportsByJobId()
    {
        JobEvents seen;
        record(seen);
        std::optional<Result<QJsonObject>> done;
        auto job = runner().start({ { QStringLiteral("scenarios"), 20000 }, { QStringLiteral("horizon_days"), 100 } },
                                  QStringLiteral("cpu"), 10, 2, [&done](Result<QJsonObject> r) { done = std::move(r); });
        QVERIFY(job);
        QVERIFY(runner().busy());
        QCOMPARE(runner().currentJob(), *job);
        QTRY_VERIFY_WITH_TIMEOUT(done.has_value(), 30000);
        disconnect(seen.connection);
        QVERIFY(done->ok());
        QVERIFY(!runner().busy());
        const QJsonObject &result = done->value();
        QCOMPARE(result.value(QStringLiteral("backend")).toString(), QStringLiteral("cpu"));
        QCOMPARE(result.value(QStringLiteral("scenarios")).toInt(), 20000);
        QCOMPARE(result.value(QStringLiteral("params")).toObject().value(QStringLiteral("horizon_days")).toInt(), 100);
        QCOMPARE(seen.events.first().type, events::JobStarted);
        QCOMPARE(seen.events.last().type, events::JobFinished);
        QCOMPARE(seen.count(events::JobFailed), 0);
        for (const Event &event : seen.events)
            QCOMPARE(quint64(event.payload.value(QStringLiteral("job")).toInteger()), *job);
        QCOMPARE(seen.events.last().payload.value(QStringLiteral("result")).toObject(), result);
    }

    void progressEventsAreThrottled()
    {
        // Progress reaches the event stream ten times a second at most, never
        // at 1 (job.finished says the end).
        JobEvents seen;
        record(seen);
        bool finished = false;
        QElapsedTimer timer;
        timer.start();
        QVERIFY(runner().start({ { QStringLiteral("scenarios"), 400000 }, { QStringLiteral("horizon_days"), 365 } },
                               QStringLiteral("cpu"), 10, 0, [&](Result<QJsonObject> r) { finished = r.ok(); }));
        QTRY_VERIFY_WITH_TIMEOUT(finished, 60000);
        const qint64 elapsedMs = timer.elapsed();
        disconnect(seen.connection);
        const int progress = seen.count(events::JobProgress);
        QVERIFY(progress >= 1);
        QVERIFY2(progress <= 1 + elapsedMs / 100, qPrintable(QStringLiteral("%1 events in %2 ms").arg(progress).arg(elapsedMs)));
        double last = 0;
        for (const Event &event : seen.events) {
            if (event.type != events::JobProgress)
                continue;
            const double fraction = event.payload.value(QStringLiteral("fraction")).toDouble();
            QVERIFY(fraction >= last && fraction < 1.0);
            last = fraction;
        }
    }

    void destroyedMidRunReportsNothing()
    {
        // The console closing during a simulation: the worker finishes (or
        // sees the cancel) after the runner is gone and must not touch it.
        // A use after free shows as a crash here, or under the sanitizers.
        for (int i = 0; i < 20; ++i) {
            bool called = false;
            auto runner = std::make_unique<ScenarioRunner>(m_cabinet->events());
            QVERIFY(runner->start({ { QStringLiteral("scenarios"), 200000 }, { QStringLiteral("horizon_days"), 365 } },
                                  QStringLiteral("cpu"), 20, 0, [&called](Result<QJsonObject>) { called = true; }));
            QVERIFY(runner->busy());
            QTest::qWait(i); // die at a different moment each time
            const bool calledBefore = called;
            runner.reset();
            QTest::qWait(5);
            QCOMPARE(called, calledBefore);
        }
        QThreadPool::globalInstance()->waitForDone();
        QCoreApplication::processEvents();
    }

    void badParametersFailAtOnceNamingTheField()
    {
        auto job = runner().start({ { QStringLiteral("value_volatility_daily"), -1 } }, QStringLiteral("cpu"), 20, 0);
        QVERIFY(!job);
        QCOMPARE(job.error().code, ErrorCode::InvalidArgument);
        QCOMPARE(job.error().field, QStringLiteral("value_volatility_daily"));
        QVERIFY(!runner().busy());
    }

    void unknownBackendFails()
    {
        std::optional<Result<QJsonObject>> done;
        QVERIFY(runner().start({ { QStringLiteral("scenarios"), 10 } }, QStringLiteral("abacus"), 20, 0,
                               [&done](Result<QJsonObject> r) { done = std::move(r); }));
        QTRY_VERIFY_WITH_TIMEOUT(done.has_value(), 10000);
        QVERIFY(!done->ok());
        QCOMPARE(done->error().code, ErrorCode::InvalidArgument);
        QVERIFY(!runner().busy());
    }

    void oneRunAtATimeAndCancel()
    {
        JobEvents seen;
        record(seen);
        std::optional<Result<QJsonObject>> done;
        auto job = runner().start({ { QStringLiteral("scenarios"), 5000000 }, { QStringLiteral("horizon_days"), 3650 } },
                                  QStringLiteral("cpu"), 20, 0, [&done](Result<QJsonObject> r) { done = std::move(r); });
        QVERIFY(job);
        auto second = runner().start({ { QStringLiteral("scenarios"), 10 } }, QStringLiteral("cpu"), 20, 0);
        QVERIFY(!second);
        QCOMPARE(second.error().code, ErrorCode::ResourceExhausted);
        QVERIFY(!runner().cancel(*job + 1)); // not that job
        QVERIFY(runner().cancel(*job));
        QTRY_VERIFY_WITH_TIMEOUT(done.has_value(), 30000);
        disconnect(seen.connection);
        QCOMPARE(done->error().code, ErrorCode::Cancelled);
        QCOMPARE(seen.events.last().type, events::JobFailed);
        QCOMPARE(seen.events.last().payload.value(QStringLiteral("code")).toString(), QStringLiteral("cancelled"));
        QVERIFY(!runner().busy());
    }
};

QTEST_GUILESS_MAIN(TestScenarioRunner)
#include "tst_scenariorunner.moc"

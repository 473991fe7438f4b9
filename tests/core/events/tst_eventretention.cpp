// EventRetention on the scheduler with a ManualClock: it prunes once at
// start and then every PruneIntervalNs, none early, with the limit read
// afresh at each pass.
#include "TestSupport.h"
#include "events/EventBus.h"
#include "events/EventRetention.h"
#include "service/Scheduler.h"
#include "store/Database.h"

using namespace cabinet;
using namespace cabinet::test;

class TestEventRetention : public QObject {
    Q_OBJECT

    static void append(Cabinet &cabinet, int count)
    {
        auto tx = cabinet.database().begin();
        QVERIFY(tx);
        for (int i = 0; i < count; ++i)
            QVERIFY(cabinet.events().append(*tx, QStringLiteral("test.kept"), { { QStringLiteral("n"), i } }));
        QVERIFY(tx->commit());
    }

private Q_SLOTS:
    void prunesAtStartThenHourly()
    {
        TestCabinet c;
        QVERIFY(c.open());
        EventBus &bus = c->events();
        append(*c.cabinet, 1500);
        qint64 keep = 1000;
        EventRetention retention(bus, *c.clock, [&keep] { return keep; });
        Scheduler scheduler(*c.clock);
        QCOMPARE(retention.nextDeadlineNs(), std::nullopt); // not started
        QVERIFY(retention.start());
        scheduler.add(retention);
        // At start, at once.
        QCOMPARE(bus.firstRetainedSequence().value(), bus.lastSequence() - keep + 1);
        const qint64 next = c.clock->nowNs() + EventRetention::PruneIntervalNs;
        QCOMPARE(retention.nextDeadlineNs(), std::optional<qint64>(next));

        append(*c.cabinet, 10);
        keep = 1005; // read at the next pass
        const qint64 floor = bus.firstRetainedSequence().value();
        c.clock->setNs(next - 1);
        QCOMPARE(bus.firstRetainedSequence().value(), floor);
        c.clock->advanceNs(1);
        QCOMPARE(bus.firstRetainedSequence().value(), bus.lastSequence() - 1005 + 1);
        QCOMPARE(retention.nextDeadlineNs(), std::optional<qint64>(next + EventRetention::PruneIntervalNs));

        // Stopped, it prunes no more.
        scheduler.remove(retention);
        retention.stop();
        QCOMPARE(retention.nextDeadlineNs(), std::nullopt);
        append(*c.cabinet, 10);
        const qint64 stoppedFloor = bus.firstRetainedSequence().value();
        c.clock->advanceMs(10 * 3600 * 1000);
        QCOMPARE(bus.firstRetainedSequence().value(), stoppedFloor);
    }

    // The limit as the core reads it from config.yaml: a value that is not a
    // whole number keeps the default instead of reading as 0 (which pruned
    // all but the last RetentionMin events).
    void configValueThatIsNoNumberKeepsTheDefault()
    {
        TestCabinet c;
        QVERIFY(c.open());
        append(*c.cabinet, 1500);
        c.cabinet.reset();
        QFile config(c.dir.filePath(QStringLiteral("config.yaml")));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write("events:\n  retention: lots\n");
        config.close();
        QVERIFY(c.open());
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("events.retention.*not a whole number")));
        QVERIFY(c->start());
        QCOMPARE(c->events().firstRetainedSequence().value(), 1);
        c->stop();
    }
};

QTEST_GUILESS_MAIN(TestEventRetention)
#include "tst_eventretention.moc"

// The Scheduler runs every service's deadlines from one Clock: with a
// ManualClock the moment the clock passes them (in deadline order, none
// early, no real waiting), with the SystemClock on its one timer.
#include "Clock.h"
#include "service/Scheduler.h"
#include "service/Service.h"

#include <QTest>
#include <QThread>

#include <algorithm>
#include <functional>
#include <thread>
#include <vector>

using namespace cabinet;

namespace {

// Which service ran, when the scheduler said it was, and the deadline it ran for.
struct Run {
    QString service;
    qint64 nowNs;
    qint64 deadlineNs;
    bool operator==(const Run &) const = default;
};

// A service with a list of deadlines: each run takes the earliest one off.
class FakeService final : public Service {
public:
    FakeService(QString name, std::vector<Run> &log) : m_name(std::move(name)), m_log(log) { }

    QString name() const override { return m_name; }
    std::optional<qint64> nextDeadlineNs() override
    {
        ++asked;
        if (m_deadlines.empty())
            return std::nullopt;
        return *std::min_element(m_deadlines.begin(), m_deadlines.end());
    }
    void runDue(qint64 nowNs) override
    {
        const auto earliest = std::min_element(m_deadlines.begin(), m_deadlines.end());
        QVERIFY2(earliest != m_deadlines.end(), "run with no deadline");
        const qint64 deadline = *earliest;
        m_deadlines.erase(earliest);
        m_log.push_back({ m_name, nowNs, deadline });
        thread = QThread::currentThread();
        if (onRun)
            onRun(nowNs);
    }

    void addDeadline(qint64 ns) { m_deadlines.push_back(ns); }
    void clearDeadlines() { m_deadlines.clear(); }

    std::function<void(qint64)> onRun;
    int asked = 0;
    QThread *thread = nullptr;

private:
    QString m_name;
    std::vector<Run> &m_log;
    std::vector<qint64> m_deadlines;
};

// A service that is always due: a bug the scheduler must not spin on.
class StuckService final : public Service {
public:
    QString name() const override { return QStringLiteral("stuck"); }
    std::optional<qint64> nextDeadlineNs() override { return 0; }
    void runDue(qint64) override { ++runs; }
    int runs = 0;
};

constexpr qint64 Ms = 1'000'000;

} // namespace

class TestScheduler : public QObject {
    Q_OBJECT

    std::vector<Run> m_log;

private Q_SLOTS:
    void init() { m_log.clear(); }

    void deadlinesFireInDeadlineOrderAcrossServicesNoneEarly()
    {
        ManualClock clock;
        const qint64 t0 = clock.nowNs();
        FakeService a(QStringLiteral("a"), m_log);
        FakeService b(QStringLiteral("b"), m_log);
        a.addDeadline(t0 + 30 * Ms);
        a.addDeadline(t0 + 10 * Ms);
        b.addDeadline(t0 + 20 * Ms);
        Scheduler scheduler(clock);
        scheduler.add(a);
        scheduler.add(b);
        QVERIFY(m_log.empty());
        QCOMPARE(scheduler.nextDeadlineNs(), std::optional<qint64>(t0 + 10 * Ms));

        // One nanosecond before the first deadline: nothing.
        clock.setNs(t0 + 10 * Ms - 1);
        QVERIFY(m_log.empty());
        // On it: that one only, at once (no event loop, no waiting).
        clock.advanceNs(1);
        QCOMPARE(m_log, (std::vector<Run> { { QStringLiteral("a"), t0 + 10 * Ms, t0 + 10 * Ms } }));

        clock.setNs(t0 + 20 * Ms - 1);
        QCOMPARE(m_log.size(), size_t(1));
        clock.advanceNs(1);
        QCOMPARE(m_log.size(), size_t(2));
        QCOMPARE(m_log.back(), (Run { QStringLiteral("b"), t0 + 20 * Ms, t0 + 20 * Ms }));

        clock.setNs(t0 + 30 * Ms - 1);
        QCOMPARE(m_log.size(), size_t(2));
        clock.advanceNs(1);
        QCOMPARE(m_log.back(), (Run { QStringLiteral("a"), t0 + 30 * Ms, t0 + 30 * Ms }));
        QCOMPARE(scheduler.nextDeadlineNs(), std::nullopt);
    }

    void severalDueAtOnceRunInDeadlineOrder()
    {
        ManualClock clock;
        const qint64 t0 = clock.nowNs();
        FakeService a(QStringLiteral("a"), m_log);
        FakeService b(QStringLiteral("b"), m_log);
        FakeService c(QStringLiteral("c"), m_log);
        a.addDeadline(t0 + 5 * Ms);
        a.addDeadline(t0 + 1 * Ms);
        b.addDeadline(t0 + 3 * Ms);
        c.addDeadline(t0 + 4 * Ms);
        c.addDeadline(t0 + 2 * Ms);
        b.addDeadline(t0 + 60 * Ms); // not yet due
        Scheduler scheduler(clock);
        scheduler.add(a);
        scheduler.add(b);
        scheduler.add(c);

        clock.advanceMs(10); // four hours would be no different
        const qint64 now = t0 + 10 * Ms;
        const std::vector<Run> expected { { QStringLiteral("a"), now, t0 + 1 * Ms }, { QStringLiteral("c"), now, t0 + 2 * Ms },
                                          { QStringLiteral("b"), now, t0 + 3 * Ms }, { QStringLiteral("c"), now, t0 + 4 * Ms },
                                          { QStringLiteral("a"), now, t0 + 5 * Ms } };
        QCOMPARE(m_log, expected);
        QCOMPARE(scheduler.nextDeadlineNs(), std::optional<qint64>(t0 + 60 * Ms));
    }

    void serviceAddedWhileRunning()
    {
        ManualClock clock;
        const qint64 t0 = clock.nowNs();
        FakeService a(QStringLiteral("a"), m_log);
        FakeService late(QStringLiteral("late"), m_log);
        FakeService inner(QStringLiteral("inner"), m_log);
        a.addDeadline(t0 + 10 * Ms);
        Scheduler scheduler(clock);
        scheduler.add(a);
        clock.advanceMs(5);

        // Its deadline passed before it joined: it runs as it is added.
        late.addDeadline(t0 + 1 * Ms);
        late.addDeadline(t0 + 7 * Ms);
        scheduler.add(late);
        QCOMPARE(m_log, (std::vector<Run> { { QStringLiteral("late"), t0 + 5 * Ms, t0 + 1 * Ms } }));

        clock.advanceMs(5);
        QCOMPARE(m_log.size(), size_t(3));
        QCOMPARE(m_log[1], (Run { QStringLiteral("late"), t0 + 10 * Ms, t0 + 7 * Ms }));
        QCOMPARE(m_log[2], (Run { QStringLiteral("a"), t0 + 10 * Ms, t0 + 10 * Ms }));

        // Added from inside another service's run: the pass in progress runs it.
        inner.addDeadline(t0 + 11 * Ms);
        a.addDeadline(t0 + 12 * Ms);
        a.onRun = [&](qint64) { scheduler.add(inner); };
        clock.advanceMs(5);
        QCOMPARE(m_log.size(), size_t(5));
        QCOMPARE(m_log[3].service, QStringLiteral("a"));
        QCOMPARE(m_log[4], (Run { QStringLiteral("inner"), t0 + 15 * Ms, t0 + 11 * Ms }));
    }

    void serviceThatWakesWithAnEarlierDeadline()
    {
        ManualClock clock;
        const qint64 t0 = clock.nowNs();
        FakeService a(QStringLiteral("a"), m_log);
        FakeService b(QStringLiteral("b"), m_log);
        a.addDeadline(t0 + 3600'000 * Ms);
        Scheduler scheduler(clock);
        scheduler.add(a);

        // Work arrives that is due now: wake() runs it with no clock move.
        a.addDeadline(t0);
        QVERIFY(m_log.empty());
        a.wake();
        QCOMPARE(m_log, (std::vector<Run> { { QStringLiteral("a"), t0, t0 } }));

        // Work due a little later fires when the clock gets there, long
        // before the hour-away deadline.
        a.addDeadline(t0 + 2 * Ms);
        a.wake();
        QCOMPARE(m_log.size(), size_t(1));
        QCOMPARE(scheduler.nextDeadlineNs(), std::optional<qint64>(t0 + 2 * Ms));
        clock.advanceMs(2);
        QCOMPARE(m_log.size(), size_t(2));
        QCOMPARE(m_log.back(), (Run { QStringLiteral("a"), t0 + 2 * Ms, t0 + 2 * Ms }));

        // A service that creates due work for another in its own run: the
        // same pass runs it.
        scheduler.add(b);
        a.addDeadline(t0 + 3 * Ms);
        a.onRun = [&](qint64 now) {
            b.addDeadline(now);
            b.wake();
        };
        clock.advanceMs(1);
        QCOMPARE(m_log.size(), size_t(4));
        QCOMPARE(m_log[2].service, QStringLiteral("a"));
        QCOMPARE(m_log[3], (Run { QStringLiteral("b"), t0 + 3 * Ms, t0 + 3 * Ms }));
    }

    // A clock moved during a pass (a test's service that takes "time"):
    // what fell due by the new time runs too, with no further move.
    void clockMovedDuringAPass()
    {
        ManualClock clock;
        const qint64 t0 = clock.nowNs();
        FakeService a(QStringLiteral("a"), m_log);
        FakeService b(QStringLiteral("b"), m_log);
        a.addDeadline(t0 + 1 * Ms);
        b.addDeadline(t0 + 5 * Ms);
        a.onRun = [&](qint64) { clock.advanceMs(9); };
        Scheduler scheduler(clock);
        scheduler.add(a);
        scheduler.add(b);
        clock.advanceMs(1);
        QCOMPARE(m_log.size(), size_t(2));
        QCOMPARE(m_log[0], (Run { QStringLiteral("a"), t0 + 1 * Ms, t0 + 1 * Ms }));
        QCOMPARE(m_log[1], (Run { QStringLiteral("b"), t0 + 10 * Ms, t0 + 5 * Ms }));
    }

    void removedServiceNeitherRunsNorWakes()
    {
        ManualClock clock;
        const qint64 t0 = clock.nowNs();
        FakeService a(QStringLiteral("a"), m_log);
        FakeService b(QStringLiteral("b"), m_log);
        FakeService c(QStringLiteral("c"), m_log);
        a.addDeadline(t0 + 1 * Ms);
        b.addDeadline(t0 + 2 * Ms);
        Scheduler scheduler(clock);
        scheduler.add(a);
        scheduler.add(b);
        scheduler.remove(a);
        QCOMPARE(scheduler.nextDeadlineNs(), std::optional<qint64>(t0 + 2 * Ms));
        clock.advanceMs(5);
        QCOMPARE(m_log, (std::vector<Run> { { QStringLiteral("b"), t0 + 5 * Ms, t0 + 2 * Ms } }));
        a.addDeadline(t0);
        const int asked = a.asked;
        a.wake(); // no scheduler behind it any more
        QCOMPARE(a.asked, asked);
        QCOMPARE(m_log.size(), size_t(1));

        // Removed by another service while both are due: it does not run.
        b.addDeadline(t0 + 6 * Ms);
        c.addDeadline(t0 + 7 * Ms);
        scheduler.add(c);
        b.onRun = [&](qint64) { scheduler.remove(c); };
        clock.advanceMs(5);
        QCOMPARE(m_log.size(), size_t(2));
        QCOMPARE(m_log.back().service, QStringLiteral("b"));
    }

    void servicesOutliveTheScheduler()
    {
        ManualClock clock;
        FakeService a(QStringLiteral("a"), m_log);
        {
            Scheduler scheduler(clock);
            scheduler.add(a);
        }
        a.addDeadline(clock.nowNs());
        a.wake();
        clock.advanceMs(1); // the scheduler's listener went with it
        QVERIFY(m_log.empty());
    }

    void clockMovedOnAnotherThreadRunsOnTheSchedulersThread()
    {
        ManualClock clock;
        const qint64 t0 = clock.nowNs();
        FakeService a(QStringLiteral("a"), m_log);
        a.addDeadline(t0 + 1 * Ms);
        Scheduler scheduler(clock);
        scheduler.add(a);
        std::thread mover([&] {
            for (int i = 0; i < 100; ++i)
                clock.advanceNs(Ms / 10);
        });
        mover.join();
        QVERIFY(m_log.empty()); // queued to the scheduler's thread
        QTRY_COMPARE(m_log.size(), size_t(1));
        QCOMPARE(a.thread, QThread::currentThread());
        QCOMPARE(m_log[0].deadlineNs, t0 + 1 * Ms);
        QVERIFY(m_log[0].nowNs >= t0 + 1 * Ms);
    }

    void stuckServiceDoesNotSpinThePass()
    {
        ManualClock clock;
        StuckService stuck;
        FakeService other(QStringLiteral("other"), m_log);
        Scheduler scheduler(clock);
        scheduler.add(other);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("stuck.*still due.*held back 10 ms")));
        scheduler.add(stuck);
        QCOMPARE(stuck.runs, Scheduler::RunsPerPassMax);
        // Held back, not asked again until its back-off ends; the others
        // still run meanwhile.
        const qint64 t0 = clock.nowNs();
        QCOMPARE(scheduler.nextDeadlineNs(), std::optional<qint64>(t0 + Scheduler::StuckBackoffMinNs));
        other.addDeadline(t0 + 1 * Ms);
        clock.advanceMs(1);
        QCOMPARE(m_log.size(), size_t(1));
        QCOMPARE(stuck.runs, Scheduler::RunsPerPassMax);

        // Still stuck when the back-off ends: held back twice as long.
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("stuck.*held back 20 ms")));
        clock.advanceMs(9);
        QCOMPARE(stuck.runs, 2 * Scheduler::RunsPerPassMax);
        QCOMPARE(scheduler.nextDeadlineNs(), std::optional<qint64>(clock.nowNs() + 2 * Scheduler::StuckBackoffMinNs));

        // A service that keeps failing for hours is asked at most once a
        // StuckBackoffMaxNs once its back-off has grown.
        for (int i = 0; i < 40; ++i) {
            QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("stuck.*held back")));
            clock.advanceNs(*scheduler.nextDeadlineNs() - clock.nowNs());
        }
        QCOMPARE(*scheduler.nextDeadlineNs() - clock.nowNs(), Scheduler::StuckBackoffMaxNs);
    }

    void systemClockFiresOnItsTimer()
    {
        SystemClock clock;
        FakeService a(QStringLiteral("a"), m_log);
        Scheduler scheduler(clock);
        const qint64 deadline = clock.nowNs() + 30 * Ms;
        a.addDeadline(deadline);
        scheduler.add(a);
        QVERIFY(m_log.empty());
        QTRY_COMPARE_WITH_TIMEOUT(m_log.size(), size_t(1), 5000);
        QCOMPARE(m_log[0].deadlineNs, deadline);
        QVERIFY2(m_log[0].nowNs >= deadline, "ran before its deadline");
        QVERIFY(clock.nowNs() >= deadline);

        // An hour away, then woken with a deadline a few ms ahead: the
        // timer is set again for the earlier one.
        a.addDeadline(clock.nowNs() + 3600'000 * Ms);
        a.wake();
        const qint64 sooner = clock.nowNs() + 20 * Ms;
        a.addDeadline(sooner);
        a.wake();
        QTRY_COMPARE_WITH_TIMEOUT(m_log.size(), size_t(2), 5000);
        QCOMPARE(m_log[1].deadlineNs, sooner);
        QVERIFY2(m_log[1].nowNs >= sooner, "ran before its deadline");
    }
};

QTEST_GUILESS_MAIN(TestScheduler)
#include "tst_scheduler.moc"

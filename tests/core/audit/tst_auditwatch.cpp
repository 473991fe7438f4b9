// The audit watch (core/audit/AuditWatch): a service on the core's scheduler
// that verifies new entries a moment after they arrive and walks the whole
// trail shortly after start and then every minute or more. Every deadline is
// on the Clock, so moving a ManualClock fires the checks at once.
#include "RawSqlite.h"
#include "TestSupport.h"
#include "api/Dispatcher.h"
#include "audit/AuditLog.h"
#include "audit/AuditWatch.h"
#include "events/EventBus.h"
#include "store/DataDirectory.h"

#include <QJsonDocument>

#include <atomic>

using namespace cabinet;
using namespace cabinet::test;

namespace {

constexpr qint64 NsPerMs = AuditWatch::NsPerMs;

// A clock that moves on by `step` each time it is read: a walk between two
// reads takes `step`, so how the watch spaces its walks by their cost shows.
class SteppingClock final : public Clock {
public:
    explicit SteppingClock(qint64 startNs, qint64 stepNs) : m_nowNs(startNs), m_stepNs(stepNs) { }
    qint64 nowNs() const override { return m_nowNs.fetch_add(m_stepNs) + m_stepNs; }
    bool movesOnItsOwn() const override { return false; }

private:
    mutable std::atomic<qint64> m_nowNs;
    qint64 m_stepNs;
};

// A started core with its service.state events of the audit watch collected.
// `started` counts the entries start() wrote: core.start and the bookkeeping
// of the services (the costs' ledger accounts and first refill).
struct WatchedCore {
    TestCabinet core;
    QList<QJsonObject> states;
    qint64 started = 0;

    bool start()
    {
        if (!core.open())
            return false;
        core->events().subscribe({ events::ServiceState }, [this](const Event &event) {
            if (event.payload.value(u"service").toString() == u"audit.watch")
                states.append(event.payload);
        });
        if (!core->start())
            return false;
        const auto tail = core->audit().tail(1);
        started = tail && !tail->isEmpty() ? tail->last().seq : 0;
        return started > 0;
    }
    AuditWatch &watch() { return core->service<AuditWatch>(); }
    QJsonObject status() { return watch().status(); }
    QString state() { return status().value(u"state").toString(); }
    qint64 entries() { return status().value(u"entries").toInteger(); }
    bool record(const QString &subject)
    {
        return bool(core->audit().record(QStringLiteral("operator:test"), QStringLiteral("test.act"), subject));
    }
    bool tamper(int seq)
    {
        return rawExec(DataDirectory::databasePath(core.dir.path()),
                       QStringLiteral("DROP TRIGGER IF EXISTS audit_log_no_update; UPDATE audit_log SET subject = 'forged' WHERE seq = %1;")
                               .arg(seq)
                               .toUtf8()
                               .constData());
    }
    // Runs an operation through the catalogue, as the console does.
    QJsonObject call(const QString &name)
    {
        QJsonObject answer;
        core->api().call(name, Actor::person(QStringLiteral("test")), "{}", [&answer](Result<QByteArray> reply) {
            answer = reply ? QJsonDocument::fromJson(*reply).object()
                           : QJsonObject { { QStringLiteral("error"), errorCodeName(reply.error().code) } };
        });
        return answer;
    }
};

} // namespace

class TestAuditWatch : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void firstWalkShortlyAfterStart()
    {
        WatchedCore c;
        QVERIFY(c.start());
        // Not inside start(): a long trail must not hold the core's start up.
        QCOMPARE(c.state(), QStringLiteral("unknown"));
        QVERIFY(c.states.isEmpty());
        c.core.clock->advanceNs(AuditWatch::FirstWalkDelayNs - 1);
        QCOMPARE(c.state(), QStringLiteral("unknown"));

        c.core.clock->advanceNs(1);
        QCOMPARE(c.state(), QStringLiteral("intact"));
        QCOMPARE(c.entries(), c.started); // core.start and the services' bookkeeping
        const QJsonObject status = c.status();
        QCOMPARE(status.value(u"running").toBool(), true);
        QCOMPARE(status.value(u"last_whole_walk_ms").toInteger(), c.core.clock->nowMs());
        QCOMPARE(status.value(u"next_whole_walk_ms").toInteger(), c.core.clock->nowMs() + AuditWatch::WholeWalkIntervalNs / NsPerMs);
        // Published: "checking" while it walks, then the verdict.
        QCOMPARE(c.states.size(), 2);
        QCOMPARE(c.states[0].value(u"state").toString(), QStringLiteral("checking"));
        QCOMPARE(c.states[1].value(u"state").toString(), QStringLiteral("intact"));
        QVERIFY(c.states[1].value(u"revision").toInteger() > c.states[0].value(u"revision").toInteger());
        QCOMPARE(c.states[1], status);
    }

    void newEntriesAreCheckedAfterTheirDelay()
    {
        WatchedCore c;
        QVERIFY(c.start());
        c.core.clock->advanceNs(AuditWatch::FirstWalkDelayNs);
        QCOMPARE(c.state(), QStringLiteral("intact"));
        const qsizetype published = c.states.size();

        for (int i = 0; i < 3; ++i)
            QVERIFY(c.record(QString::number(i)));
        QCOMPARE(c.entries(), c.started); // not yet: a burst costs one check
        c.core.clock->advanceNs(AuditWatch::NewEntriesDelayNs - 1);
        QCOMPARE(c.entries(), c.started);
        c.core.clock->advanceNs(1);
        QCOMPARE(c.entries(), c.started + 3);
        QCOMPARE(c.states.size(), published + 1); // the new count, no "checking" for a small check
        QCOMPARE(c.states.last().value(u"entries").toInteger(), c.started + 3);

        // A steady stream is verified while it flows: entries keep coming,
        // the check still falls due NewEntriesDelayNs after the first.
        QVERIFY(c.record(QStringLiteral("a")));
        c.core.clock->advanceNs(AuditWatch::NewEntriesDelayNs / 2);
        QVERIFY(c.record(QStringLiteral("b")));
        c.core.clock->advanceNs(AuditWatch::NewEntriesDelayNs / 2);
        QCOMPARE(c.entries(), c.started + 5);
    }

    void changeToAnOldEntryIsFoundByTheNextWholeWalk()
    {
        WatchedCore c;
        QVERIFY(c.start());
        c.core.clock->advanceNs(AuditWatch::FirstWalkDelayNs);
        QVERIFY(c.record(QStringLiteral("2")));
        c.core.clock->advanceNs(AuditWatch::NewEntriesDelayNs);
        QCOMPARE(c.entries(), c.started + 1);

        // Checks of new entries go on from the last sound entry and do not
        // re-read entry 1...
        QVERIFY(c.tamper(1));
        QVERIFY(c.record(QStringLiteral("3")));
        c.core.clock->advanceNs(AuditWatch::NewEntriesDelayNs);
        QCOMPARE(c.entries(), c.started + 2);
        QCOMPARE(c.state(), QStringLiteral("intact"));

        // ...the whole walk, on its own a minute after the last, does.
        const qint64 next = c.status().value(u"next_whole_walk_ms").toInteger();
        c.core.clock->setNs(next * NsPerMs - 1);
        QCOMPARE(c.state(), QStringLiteral("intact"));
        c.core.clock->setNs(next * NsPerMs);
        const QJsonObject broken = c.status();
        QCOMPARE(broken.value(u"state").toString(), QStringLiteral("broken"));
        QCOMPARE(broken.value(u"first_broken_seq").toInteger(), 1);
        QVERIFY2(broken.value(u"reason").toString().contains(u"entry 1"), qPrintable(broken.value(u"reason").toString()));
        QCOMPARE(c.states.last(), broken);
    }

    void brokenTrailIsCheckedOnlyByWholeWalks()
    {
        WatchedCore c;
        QVERIFY(c.start());
        c.core.clock->advanceNs(AuditWatch::FirstWalkDelayNs);
        for (int i = 0; i < 3; ++i)
            QVERIFY(c.record(QString::number(i)));
        const qint64 forged = c.started + 2; // the entry recorded as "1"
        QVERIFY(c.tamper(int(forged)));

        // Verify (the audit.verify operation) walks now.
        const QJsonObject verified = c.call(QStringLiteral("audit.verify"));
        QCOMPARE(verified.value(u"intact").toBool(true), false);
        QCOMPARE(verified.value(u"first_broken_seq").toInteger(), forged);
        QCOMPARE(c.state(), QStringLiteral("broken"));
        QCOMPARE(c.status().value(u"first_broken_seq").toInteger(), forged);
        QCOMPARE(c.states.last().value(u"state").toString(), QStringLiteral("broken"));
        QCOMPARE(c.states[c.states.size() - 2].value(u"state").toString(), QStringLiteral("checking"));
        QCOMPARE(c.call(QStringLiteral("audit.watch_status")), c.status());

        // New entries start no check of their own: the one deadline left is
        // the next whole walk.
        const qsizetype published = c.states.size();
        QVERIFY(c.record(QStringLiteral("after")));
        const qint64 nextWalkNs = c.status().value(u"next_whole_walk_ms").toInteger() * NsPerMs;
        QCOMPARE(c.watch().nextDeadlineNs().value_or(0), nextWalkNs);
        c.core.clock->advanceNs(AuditWatch::NewEntriesDelayNs);
        QCOMPARE(c.states.size(), published);

        // Repaired: the next whole walk finds it intact again, new entries
        // included, and checks of new entries resume.
        QVERIFY(rawExec(DataDirectory::databasePath(c.core.dir.path()),
                        QStringLiteral("UPDATE audit_log SET subject = '1' WHERE seq = %1;").arg(forged).toUtf8().constData()));
        c.core.clock->setNs(nextWalkNs);
        QCOMPARE(c.state(), QStringLiteral("intact"));
        QCOMPARE(c.entries(), c.started + 4);
        QVERIFY(c.record(QStringLiteral("later")));
        c.core.clock->advanceNs(AuditWatch::NewEntriesDelayNs);
        QCOMPARE(c.entries(), c.started + 5);
    }

    void unreadableTrailIsReported()
    {
        WatchedCore c;
        QVERIFY(c.start());
        c.core.clock->advanceNs(AuditWatch::FirstWalkDelayNs);
        QVERIFY(rawExec(DataDirectory::databasePath(c.core.dir.path()), "ALTER TABLE audit_log RENAME TO audit_log_gone;"));
        const QJsonObject answer = c.call(QStringLiteral("audit.verify"));
        QVERIFY2(answer.contains(u"error"), QJsonDocument(answer).toJson().constData());
        const QJsonObject status = c.status();
        QCOMPARE(status.value(u"state").toString(), QStringLiteral("unreadable"));
        QVERIFY(!status.value(u"reason").toString().isEmpty());
        QCOMPARE(c.states.last(), status);
        QVERIFY(rawExec(DataDirectory::databasePath(c.core.dir.path()), "ALTER TABLE audit_log_gone RENAME TO audit_log;"));
    }

    void wholeWalksTakeATenthOfTheCoreAtMost()
    {
        // A walk that takes 7 s on the clock is followed by the next one 70 s
        // later, not after the minute.
        TestCabinet c;
        QVERIFY(c.open());
        const qint64 stepNs = 7'000 * NsPerMs;
        SteppingClock clock(c.clock->nowNs(), stepNs);
        AuditWatch watch(c->audit(), c->events(), clock);
        QVERIFY(watch.start());
        const auto first = watch.nextDeadlineNs();
        QVERIFY(first);
        watch.runDue(*first);
        const QJsonObject status = watch.status();
        QCOMPARE(status.value(u"state").toString(), QStringLiteral("intact"));
        const qint64 gapMs = status.value(u"next_whole_walk_ms").toInteger() - status.value(u"last_whole_walk_ms").toInteger();
        QVERIFY2(gapMs >= AuditWatch::CoreShareDivisor * stepNs / NsPerMs, qPrintable(QString::number(gapMs)));
        QVERIFY(gapMs > AuditWatch::WholeWalkIntervalNs / NsPerMs);
        watch.stop();
    }

    void stoppedWatchPlansNothing()
    {
        WatchedCore c;
        QVERIFY(c.start());
        c.core.clock->advanceNs(AuditWatch::FirstWalkDelayNs);
        QVERIFY(c.watch().nextDeadlineNs());
        c.core->stop();
        QVERIFY(!c.watch().nextDeadlineNs());
        QCOMPARE(c.status().value(u"running").toBool(true), false);
        QCOMPARE(c.status().value(u"next_whole_walk_ms").toInteger(), 0);
        // On a core that is not running a Verify is only the walk.
        const qsizetype published = c.states.size();
        QCOMPARE(c.call(QStringLiteral("audit.verify")).value(u"intact").toBool(), true);
        QCOMPARE(c.states.size(), published);
    }
};

QTEST_GUILESS_MAIN(TestAuditWatch)
#include "tst_auditwatch.moc"

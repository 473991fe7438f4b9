// The operating mode in the store: seeded once, switched by set() with its
// audit entry and event, switched by switchIn() inside an approval's
// transaction, a bad mode refused with nothing changed, and a store that
// cannot be read reading as paused, never as the (maybe laxer) seed.
#include "Clock.h"
#include "audit/AuditLog.h"
#include "costs/ModeStore.h"
#include "events/EventBus.h"
#include "events/EventTypes.h"
#include "store/Database.h"

#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace cabinet;
using namespace cabinet::costs;

namespace {

const Actor Alice = Actor::person(QStringLiteral("alice"));

struct Store {
    QTemporaryDir dir;
    ManualClock clock;
    std::unique_ptr<Database> db;
    std::unique_ptr<EventBus> events;
    std::unique_ptr<AuditLog> audit;
    std::unique_ptr<ModeStore> modes;

    // Opens (or reopens) the store with `seed` as the configured mode.
    void open(const QString &seed, bool start = true)
    {
        modes.reset();
        audit.reset();
        events.reset();
        db.reset();
        auto opened = Database::open(dir.filePath(QStringLiteral("cabinet.db")));
        QVERIFY(opened.ok());
        db = std::move(*opened);
        events = std::make_unique<EventBus>(*db, clock);
        audit = std::make_unique<AuditLog>(*db, *events, clock);
        modes = std::make_unique<ModeStore>(*db, *events, *audit, clock, seed);
        if (start)
            QVERIFY(modes->start().ok());
    }
    QList<Event> changes() const
    {
        QList<Event> found;
        for (const Event &event : events->replay(0, EventBus::ReplayLimitMax).value())
            if (event.type == events::ModeChanged)
                found << event;
        return found;
    }
    qint64 auditHead() const
    {
        auto tail = audit->tail(1);
        return tail.value().isEmpty() ? 0 : tail.value().first().seq;
    }
};

} // namespace

class TestModeStore : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void seedsOnceThenTheStoreWins()
    {
        Store s;
        s.open(QStringLiteral("manual"));
        QCOMPARE(s.modes->mode(), QStringLiteral("manual"));
        QCOMPARE(s.changes().size(), 1);
        QVERIFY(s.changes().first().payload.value(QStringLiteral("from")).isNull());
        // A later configuration does not override the store.
        s.open(QStringLiteral("autonomous"));
        QCOMPARE(s.modes->mode(), QStringLiteral("manual"));
        QCOMPARE(s.changes().size(), 1);
    }

    void setSwitchesWithItsAuditEntryAndEvent()
    {
        Store s;
        s.open(QStringLiteral("supervised"));
        const qint64 before = s.auditHead();
        auto change = s.modes->set(QStringLiteral("paused"), Alice);
        QVERIFY(change.ok());
        QCOMPARE(change->from, QStringLiteral("supervised"));
        QCOMPARE(change->to, QStringLiteral("paused"));
        QVERIFY(change->changed);
        QCOMPARE(s.modes->mode(), QStringLiteral("paused"));
        QCOMPARE(s.auditHead(), before + 1);
        QCOMPARE(s.audit->tail(1).value().first().actor, QStringLiteral("operator:alice"));
        QCOMPARE(s.audit->tail(1).value().first().action, QStringLiteral("mode.set"));
        QCOMPARE(s.changes().size(), 2);
        QCOMPARE(s.changes().last().payload.value(QStringLiteral("by")).toString(), QStringLiteral("operator:alice"));
        // The same mode again: audited, no event.
        auto again = s.modes->set(QStringLiteral("paused"), Alice);
        QVERIFY(again.ok());
        QVERIFY(!again->changed);
        QCOMPARE(s.auditHead(), before + 2);
        QCOMPARE(s.changes().size(), 2);
    }

    void aBadModeChangesNothing()
    {
        Store s;
        s.open(QStringLiteral("supervised"));
        const qint64 before = s.auditHead();
        auto change = s.modes->set(QStringLiteral("turbo"), Alice);
        QVERIFY(!change.ok());
        QCOMPARE(change.error().code, ErrorCode::InvalidArgument);
        QCOMPARE(change.error().field, QStringLiteral("mode"));
        QCOMPARE(s.modes->mode(), QStringLiteral("supervised"));
        QCOMPARE(s.auditHead(), before);
        QCOMPARE(s.changes().size(), 1);
    }

    void switchInCommitsWithTheCallersTransaction()
    {
        Store s;
        s.open(QStringLiteral("supervised"));
        const qint64 before = s.auditHead();
        {
            auto tx = s.db->begin();
            QVERIFY(tx.ok());
            QVERIFY(s.modes->switchIn(*tx, QStringLiteral("autonomous"), QStringLiteral("operator:bob"), QStringLiteral("01APPROVAL")).ok());
            // Not committed: rolled back here.
        }
        QCOMPARE(s.modes->mode(), QStringLiteral("supervised"));
        QCOMPARE(s.changes().size(), 1);
        auto tx = s.db->begin();
        QVERIFY(tx.ok());
        QVERIFY(s.modes->switchIn(*tx, QStringLiteral("autonomous"), QStringLiteral("operator:bob"), QStringLiteral("01APPROVAL")).ok());
        QVERIFY(tx->commit().ok());
        QCOMPARE(s.modes->mode(), QStringLiteral("autonomous"));
        const Event changed = s.changes().last();
        QCOMPARE(changed.payload.value(QStringLiteral("approval_id")).toString(), QStringLiteral("01APPROVAL"));
        QCOMPARE(changed.payload.value(QStringLiteral("by")).toString(), QStringLiteral("operator:bob"));
        // The decision that switched carries the audit entry, not the switch.
        QCOMPARE(s.auditHead(), before);
        auto bad = s.db->begin();
        QVERIFY(bad.ok());
        QCOMPARE(s.modes->switchIn(*bad, QStringLiteral("turbo"), QStringLiteral("operator:bob"), QStringLiteral("01APPROVAL")).error().code,
                 ErrorCode::InvalidArgument);
    }

    // The seed here is autonomous: a read error must not put it in force.
    void aReadErrorIsPausedNotTheSeed()
    {
        Store s;
        s.open(QStringLiteral("autonomous"), false);
        // No row yet, not started: the seed.
        QCOMPARE(s.modes->mode(), QStringLiteral("autonomous"));
        QVERIFY(s.db->execScript(QStringLiteral("DROP TABLE operating_mode")).ok());
        QCOMPARE(s.modes->mode(), QStringLiteral("paused"));
    }
};

QTEST_GUILESS_MAIN(TestModeStore)
#include "tst_modestore.moc"

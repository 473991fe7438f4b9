#include "RawSqlite.h"
#include "TestSupport.h"
#include "audit/AuditLog.h"
#include "events/EventBus.h"
#include "store/DataDirectory.h"
#include "store/Database.h"

#include <QSignalSpy>

using namespace cabinet;
using namespace cabinet::test;

class TestAuditLog : public QObject {
    Q_OBJECT

    // A Cabinet with `count` entries, closed again so the file can be edited.
    static void writeEntries(TestCabinet &c, int count)
    {
        QVERIFY(c.open());
        for (int i = 1; i <= count; ++i) {
            c.clock->advanceMs(1000);
            QVERIFY(c->audit().record(QStringLiteral("operator:test"), QStringLiteral("test.act"), QStringLiteral("thing-%1").arg(i),
                                      { { QStringLiteral("i"), i } }));
        }
        c.cabinet.reset();
    }
    static QString dbPath(TestCabinet &c) { return DataDirectory::databasePath(c.dir.path()); }
    static AuditLog::Verification verifyOf(TestCabinet &c)
    {
        if (!c.open())
            return {};
        auto result = c->audit().verify();
        return result ? *result : AuditLog::Verification { false, -1, -1, result.error().message, {} };
    }

private Q_SLOTS:
    void chainLinksAndVerifies()
    {
        TestCabinet c;
        QVERIFY(c.open());
        QSignalSpy spy(&c->events(), &EventBus::published);
        auto first = c->audit().record(QStringLiteral("system"), QStringLiteral("a"), QStringLiteral("s"));
        auto second = c->audit().record(QStringLiteral("system"), QStringLiteral("b"), QStringLiteral("s"),
                                        { { QStringLiteral("k"), QStringLiteral("v") } });
        QVERIFY(first && second);
        QCOMPARE(first->seq, 1);
        QCOMPARE(first->prevHash, QByteArray(32, '\0'));
        QCOMPARE(second->prevHash, first->hash);
        QCOMPARE(second->hash, second->computeHash());
        QCOMPARE(spy.count(), 2);
        QCOMPARE(spy.at(1).at(0).value<Event>().type, events::AuditAppended);
        QCOMPARE(AuditLog::fromEvent(spy.at(1).at(0).value<Event>().payload).hash, second->hash);
        auto verified = c->audit().verify();
        QVERIFY(verified && verified->intact);
        QCOMPARE(verified->entries, 2);
    }

    void entryAndItsEventShareTheTransaction()
    {
        TestCabinet c;
        QVERIFY(c.open());
        {
            auto tx = c->database().begin();
            QVERIFY(c->audit().append(*tx, QStringLiteral("system"), QStringLiteral("x"), QStringLiteral("y")));
        } // rolled back
        auto tail = c->audit().tail(10);
        QVERIFY(tail && tail->isEmpty());
        QCOMPARE(c->events().lastSequence(), 0);
    }

    void triggersRefuseUpdateAndDelete()
    {
        TestCabinet c;
        writeEntries(c, 2);
        QVERIFY(!rawExec(dbPath(c), "UPDATE audit_log SET actor = 'mallory' WHERE seq = 1"));
        QVERIFY(!rawExec(dbPath(c), "DELETE FROM audit_log WHERE seq = 2"));
        QVERIFY(verifyOf(c).intact);
    }

    void alteredPayloadIsDetected()
    {
        TestCabinet c;
        writeEntries(c, 5);
        QVERIFY(rawExec(dbPath(c), "DROP TRIGGER audit_log_no_update;"
                                   "UPDATE audit_log SET payload = '{\"i\":99}' WHERE seq = 3;"));
        const auto v = verifyOf(c);
        QVERIFY(!v.intact);
        QCOMPARE(v.firstBrokenSeq, 3);
        QCOMPARE(v.entries, 2);
        QVERIFY2(v.reason.contains(QStringLiteral("altered")), qPrintable(v.reason));
    }

    void deletedRowIsDetected()
    {
        TestCabinet c;
        writeEntries(c, 5);
        QVERIFY(rawExec(dbPath(c), "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 2;"));
        const auto v = verifyOf(c);
        QVERIFY(!v.intact);
        QCOMPARE(v.firstBrokenSeq, 2);
    }

    void truncatedTailIsDetected()
    {
        TestCabinet c;
        writeEntries(c, 4);
        QVERIFY(rawExec(dbPath(c), "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 4;"));
        const auto v = verifyOf(c);
        QVERIFY(!v.intact);
        QCOMPARE(v.firstBrokenSeq, 4);
    }

    void swappedRowsAreDetected()
    {
        TestCabinet c;
        writeEntries(c, 5);
        // Swap the contents of entries 2 and 4, hashes included.
        QVERIFY(rawExec(dbPath(c), "DROP TRIGGER audit_log_no_update;"
                                   "UPDATE audit_log SET seq = -2 WHERE seq = 2;"
                                   "UPDATE audit_log SET seq = 2 WHERE seq = 4;"
                                   "UPDATE audit_log SET seq = 4 WHERE seq = -2;"));
        const auto v = verifyOf(c);
        QVERIFY(!v.intact);
        QCOMPARE(v.firstBrokenSeq, 2);
    }

    void rehashedForgeryStillBreaksTheNextLink()
    {
        // Even a forger who recomputes the altered entry's own hash breaks
        // the link from the entry after it.
        TestCabinet c;
        writeEntries(c, 3);
        QVERIFY(c.open());
        auto entries = c->audit().tail(3);
        QVERIFY(entries);
        AuditEntry forged = entries->at(1);
        forged.payloadJson = "{\"i\":42}";
        const QByteArray hash = forged.computeHash().toHex();
        c.cabinet.reset();
        const QByteArray sql = "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET payload = '{\"i\":42}', hash = x'" + hash
                + "' WHERE seq = 2;";
        QVERIFY(rawExec(dbPath(c), sql.constData()));
        const auto v = verifyOf(c);
        QVERIFY(!v.intact);
        QCOMPARE(v.firstBrokenSeq, 3);
    }

    void rehashedNewestEntryIsDetected()
    {
        // The newest entry has no successor to break; the hash published in
        // its audit.appended event still gives it away.
        TestCabinet c;
        writeEntries(c, 3);
        QVERIFY(c.open());
        AuditEntry forged = c->audit().tail(1)->at(0);
        forged.payloadJson = "{\"i\":42}";
        const QByteArray hash = forged.computeHash().toHex();
        c.cabinet.reset();
        const QByteArray sql = "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET payload = '{\"i\":42}', hash = x'" + hash
                + "' WHERE seq = 3;";
        QVERIFY(rawExec(dbPath(c), sql.constData()));
        const auto v = verifyOf(c);
        QVERIFY(!v.intact);
        QCOMPARE(v.firstBrokenSeq, 3);
        QCOMPARE(v.entries, 2);
    }

    void verifyAfterWalksOnlyWhatIsNew()
    {
        TestCabinet c;
        writeEntries(c, 4);
        QVERIFY(c.open());
        auto whole = c->audit().verify();
        QVERIFY(whole && whole->intact);
        QCOMPARE(whole->last.seq, 4);
        QCOMPARE(whole->last.hash, c->audit().tail(1)->at(0).hash);

        // Nothing new: the same answer.
        auto same = c->audit().verifyAfter(whole->last);
        QVERIFY(same && same->intact);
        QCOMPARE(same->entries, 4);
        QCOMPARE(same->last.seq, 4);

        for (int i = 0; i < 3; ++i)
            QVERIFY(c->audit().record(QStringLiteral("system"), QStringLiteral("more"), QString::number(i)));
        auto grown = c->audit().verifyAfter(whole->last);
        QVERIFY(grown && grown->intact);
        QCOMPARE(grown->entries, 7);
        QCOMPARE(grown->last.seq, 7);
        QCOMPARE(grown->last.hash, c->audit().tail(1)->at(0).hash);

        // A checkpoint that is not what the trail holds is a break, not a pass.
        auto wrong = c->audit().verifyAfter({ 4, QByteArray(32, 'x') });
        QVERIFY(wrong && !wrong->intact);
        QCOMPARE(wrong->firstBrokenSeq, 4);
        QVERIFY2(wrong->reason.contains(QStringLiteral("rewritten")), qPrintable(wrong->reason));
        auto beyond = c->audit().verifyAfter({ 9, QByteArray(32, 'x') });
        QVERIFY(beyond && !beyond->intact);
        QCOMPARE(beyond->firstBrokenSeq, 9);
    }

    void verifyAfterSeesChangesFromTheCheckpointOn()
    {
        TestCabinet c;
        writeEntries(c, 6);
        QVERIFY(c.open());
        auto at3 = c->audit().entriesAfter(2, 1);
        QVERIFY(at3 && at3->size() == 1);
        const AuditLog::Checkpoint checkpoint { 3, at3->at(0).hash };
        c.cabinet.reset();

        // After the checkpoint: found.
        QVERIFY(rawExec(dbPath(c), "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET payload = '{\"i\":99}' WHERE seq = 5;"));
        QVERIFY(c.open());
        auto after = c->audit().verifyAfter(checkpoint);
        QVERIFY(after && !after->intact);
        QCOMPARE(after->firstBrokenSeq, 5);
        QCOMPARE(after->entries, 4);
        c.cabinet.reset();

        // The checkpoint itself: found. Before it: only the whole walk sees it.
        QVERIFY(rawExec(dbPath(c), "UPDATE audit_log SET payload = '{\"i\":5}' WHERE seq = 5;"
                                   "UPDATE audit_log SET payload = '{\"i\":98}' WHERE seq = 3;"));
        QVERIFY(c.open());
        auto at = c->audit().verifyAfter(checkpoint);
        QVERIFY(at && !at->intact);
        QCOMPARE(at->firstBrokenSeq, 3);
        c.cabinet.reset();
        QVERIFY(rawExec(dbPath(c), "UPDATE audit_log SET payload = '{\"i\":3}' WHERE seq = 3;"
                                   "UPDATE audit_log SET payload = '{\"i\":97}' WHERE seq = 2;"));
        QVERIFY(c.open());
        auto before = c->audit().verifyAfter(checkpoint);
        QVERIFY(before && before->intact);
        auto whole = c->audit().verify();
        QVERIFY(whole && !whole->intact);
        QCOMPARE(whole->firstBrokenSeq, 2);
    }

    void tailAndEntriesAfter()
    {
        TestCabinet c;
        writeEntries(c, 6);
        QVERIFY(c.open());
        auto tail = c->audit().tail(2);
        QVERIFY(tail);
        QCOMPARE(tail->size(), 2);
        QCOMPARE(tail->at(0).seq, 5);
        QCOMPARE(tail->at(1).seq, 6);
        auto after = c->audit().entriesAfter(4, 100);
        QCOMPARE(after->size(), 2);
        QCOMPARE(after->at(0).subject, QStringLiteral("thing-5"));
    }

    void startAndStopAreAudited()
    {
        TestCabinet c;
        QVERIFY(c.open());
        QVERIFY(c->start());
        c->stop();
        // First and last: between them, the services' own bookkeeping (the
        // costs' ledger accounts and first refill, each audited).
        auto tail = c->audit().tail(100);
        QVERIFY(tail && tail->size() >= 2);
        QCOMPARE(tail->first().seq, 1);
        QCOMPARE(tail->first().action, QStringLiteral("core.start"));
        QCOMPARE(tail->last().action, QStringLiteral("core.stop"));
        QCOMPARE(std::count_if(tail->begin(), tail->end(), [](const AuditEntry &e) { return e.action.startsWith(u"core."); }), 2);
    }
};

QTEST_GUILESS_MAIN(TestAuditLog)
#include "tst_auditlog.moc"

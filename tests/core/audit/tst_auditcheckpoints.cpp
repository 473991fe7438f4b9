// Issue 9, defect 1: a trail replaced wholesale by another valid chain, cut
// below what was once there, or rewritten from its first entry verified as
// intact. Signed checkpoints outside the database tell.
#include "RawSqlite.h"
#include "TestSupport.h"
#include "audit/AuditCheckpointer.h"
#include "audit/AuditCheckpoints.h"
#include "audit/AuditLog.h"
#include "events/EventBus.h"
#include "store/DataDirectory.h"
#include "store/Database.h"
#include "store/DirectoryIdentity.h"

#include <QFile>
#include <QFileInfo>

#include <sys/stat.h>

using namespace cabinet;
using namespace cabinet::test;

class TestAuditCheckpoints : public QObject {
    Q_OBJECT

    static QString dbPath(TestCabinet &c) { return DataDirectory::databasePath(c.dir.path()); }

    static bool record(TestCabinet &c, int count, const QString &subject = QStringLiteral("thing-"))
    {
        for (int i = 1; i <= count; ++i) {
            c.clock->advanceMs(1000);
            if (!c->audit().record(QStringLiteral("operator:test"), QStringLiteral("test.act"), subject + QString::number(i),
                                   { { QStringLiteral("i"), i } }))
                return false;
        }
        return true;
    }

    // `count` entries, then a start and a stop of the core, whose stop signs
    // the head (its seq in `head`: the entries, core.start, the services'
    // bookkeeping and core.stop); closed again so the files can be edited.
    static bool entriesThenStop(TestCabinet &c, int count, const QString &subject = QStringLiteral("thing-"), qint64 *head = nullptr)
    {
        if (!c.open() || !record(c, count, subject) || !c->start())
            return false;
        c->stop();
        const auto tail = c->audit().tail(1);
        if (!tail || tail->isEmpty())
            return false;
        if (head)
            *head = tail->last().seq;
        c.cabinet.reset();
        return true;
    }

    static std::optional<SignedCheckpoint> newest(TestCabinet &c)
    {
        auto id = DirectoryIdentity::read(c.dir.path());
        if (!id || !*id)
            return std::nullopt;
        auto checkpoints = AuditCheckpoints::open(c.dir.path(), **id, AuditCheckpoints::Mode::Verify);
        if (!checkpoints)
            return std::nullopt;
        auto found = (*checkpoints)->newest();
        return found ? *found : std::nullopt;
    }

    static AuditLog::Verification verifyOf(TestCabinet &c)
    {
        if (!c.open())
            return {};
        auto result = c->audit().verify();
        return result ? *result : AuditLog::Verification { false, -1, -1, result.error().message, {} };
    }

    // Runs SQL with the bound text values, as a forger's tool would.
    static bool rawExecBound(const QString &path, const char *sql, const QList<QByteArray> &values)
    {
        sqlite3 *db = nullptr;
        if (sqlite3_open(QFile::encodeName(path).constData(), &db) != SQLITE_OK)
            return false;
        sqlite3_stmt *stmt = nullptr;
        bool ok = sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK;
        for (int i = 0; ok && i < values.size(); ++i)
            ok = sqlite3_bind_blob(stmt, i + 1, values[i].constData(), int(values[i].size()), SQLITE_TRANSIENT) == SQLITE_OK;
        ok = ok && sqlite3_step(stmt) == SQLITE_DONE;
        if (!ok)
            qWarning("raw sqlite: %s", sqlite3_errmsg(db));
        sqlite3_finalize(stmt);
        sqlite3_close(db);
        return ok;
    }

private Q_SLOTS:
    void stopSignsTheHeadWithAnOwnerOnlyKey()
    {
        TestCabinet c;
        QVERIFY(entriesThenStop(c, 3));
        struct stat info = {};
        QCOMPARE(::stat(QFile::encodeName(DirectoryIdentity::signingKeyPath(c.dir.path())).constData(), &info), 0);
        QCOMPARE(int(info.st_mode & 0777), 0600);

        const auto signedHead = newest(c);
        QVERIFY(signedHead);
        QVERIFY(c.open());
        auto head = c->audit().tail(1);
        QVERIFY(head && head->size() == 1);
        QCOMPARE(head->constFirst().action, QStringLiteral("core.stop"));
        QCOMPARE(signedHead->seq, head->constFirst().seq);
        QCOMPARE(signedHead->hash, head->constFirst().hash);
        QCOMPARE(signedHead->directoryId, c->database().identity());
        auto v = c->audit().verify();
        QVERIFY(v && v->intact);
        QCOMPARE(v->signedSeq, head->constFirst().seq);
        QVERIFY(v->signedHeld);
    }

    void everyNEntriesAreSigned()
    {
        TestCabinet c;
        QVERIFY(c.open());
        {
            auto tx = c->database().begin();
            QVERIFY(tx);
            for (qint64 i = 0; i < AuditCheckpointer::EveryEntries - 1; ++i)
                QVERIFY(c->audit().append(*tx, QStringLiteral("system"), QStringLiteral("bulk"), QString::number(i)));
            QVERIFY(tx->commit());
        }
        QCoreApplication::processEvents();
        QVERIFY(!newest(c)); // one short of the count
        QVERIFY(c->audit().record(QStringLiteral("system"), QStringLiteral("bulk"), QStringLiteral("last")));
        QTRY_VERIFY(newest(c).has_value());
        QCOMPARE(newest(c)->seq, AuditCheckpointer::EveryEntries);
    }

    void timeRuleFallsDueOnTheClock()
    {
        TestCabinet c;
        QVERIFY(c.open());
        const qint64 openedNs = c.clock->nowNs();
        // A checkpointer of the test's own, to call as the scheduler will.
        auto checkpointer = AuditCheckpointer::attach(c.dir.path(), c->database(), c->audit(), c->events(), *c.clock, false);
        QCOMPARE(checkpointer->nextDueNs(), openedNs + AuditCheckpointer::EveryNs);
        QVERIFY(record(c, 1));
        auto early = checkpointer->checkpointIfDue(c.clock->nowNs());
        QVERIFY(early && !*early);
        QVERIFY(!newest(c));

        c.clock->setNs(openedNs + AuditCheckpointer::EveryNs);
        auto due = checkpointer->checkpointIfDue(c.clock->nowNs());
        QVERIFY2(due, due ? "" : qPrintable(due.error().message));
        QVERIFY(*due);
        QCOMPARE(newest(c)->seq, 1);
        QCOMPARE(checkpointer->nextDueNs(), c.clock->nowNs() + AuditCheckpointer::EveryNs);
        // Due again by time, with nothing new: nothing is signed.
        c.clock->advanceNs(AuditCheckpointer::EveryNs);
        auto idle = checkpointer->checkpointIfDue(c.clock->nowNs());
        QVERIFY(idle && !*idle);
    }

    void intactTrailCountsTheEntriesAfterTheCheckpoint()
    {
        TestCabinet c;
        qint64 head = 0;
        QVERIFY(entriesThenStop(c, 3, QStringLiteral("thing-"), &head));
        QVERIFY(c.open());
        QVERIFY(record(c, 2));
        auto v = c->audit().verify();
        QVERIFY(v && v->intact);
        QCOMPARE(v->signedSeq, head);
        QCOMPARE(v->entries, head + 2);
    }

    void trailReplacedByAnotherValidChainIsReported()
    {
        TestCabinet mine, theirs;
        qint64 head = 0;
        QVERIFY(entriesThenStop(mine, 4, QStringLiteral("mine-"), &head));
        QVERIFY(theirs.open());
        QVERIFY(record(theirs, int(head), QStringLiteral("theirs-"))); // as long as mine
        theirs.cabinet.reset();
        // Their whole trail and outbox in place of mine: a chain sound in
        // itself, its events agreeing with it.
        const QByteArray sql = "ATTACH '" + QFile::encodeName(dbPath(theirs)) + "' AS t;"
                "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log; INSERT INTO audit_log SELECT * FROM t.audit_log;"
                "DELETE FROM events; INSERT INTO events SELECT * FROM t.events;";
        QVERIFY(rawExec(dbPath(mine), sql.constData()));
        const auto v = verifyOf(mine);
        QVERIFY(!v.intact);
        QVERIFY(!v.signedHeld);
        QCOMPARE(v.signedSeq, head);
        QCOMPARE(v.firstBrokenSeq, head);
    }

    void trailCutBelowACheckpointIsReported()
    {
        TestCabinet c;
        qint64 head = 0;
        QVERIFY(entriesThenStop(c, 4, QStringLiteral("thing-"), &head));
        // Entries 4 to the head and the events that announced them, gone together:
        // chain and outbox agree on a trail of 3.
        QVERIFY(rawExec(dbPath(c), "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq > 3;"
                                   "DELETE FROM events WHERE type = 'audit.appended' AND json_extract(payload, '$.seq') > 3;"));
        const auto v = verifyOf(c);
        QVERIFY(!v.intact);
        QVERIFY(!v.signedHeld);
        QCOMPARE(v.signedSeq, head);
        QCOMPARE(v.firstBrokenSeq, 4);
    }

    void trailRewrittenFromTheStartIsReported()
    {
        TestCabinet c;
        qint64 head = 0;
        QVERIFY(entriesThenStop(c, 3, QStringLiteral("thing-"), &head));
        QVERIFY(c.open());
        auto entries = c->audit().tail(100);
        QVERIFY(entries && entries->size() == head);
        c.cabinet.reset();
        QVERIFY(rawExec(dbPath(c), "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log;"));
        // Every entry rebuilt with another payload and the chain recomputed
        // from the first, the outbox's hashes forged to match.
        QByteArray prev(32, '\0');
        for (AuditEntry entry : *entries) {
            entry.payloadJson = "{\"forged\":" + QByteArray::number(entry.seq) + '}';
            entry.prevHash = prev;
            entry.hash = entry.computeHash();
            prev = entry.hash;
            QVERIFY(rawExecBound(dbPath(c),
                                 "INSERT INTO audit_log(seq, time_ms, actor, action, subject, payload, prev_hash, hash)"
                                 " VALUES (CAST(?1 AS INTEGER), CAST(?2 AS INTEGER), CAST(?3 AS TEXT), CAST(?4 AS TEXT),"
                                 " CAST(?5 AS TEXT), CAST(?6 AS TEXT), ?7, ?8)",
                                 { QByteArray::number(entry.seq), QByteArray::number(entry.timeMs), entry.actor.toUtf8(),
                                   entry.action.toUtf8(), entry.subject.toUtf8(), entry.payloadJson, entry.prevHash, entry.hash }));
            QVERIFY(rawExecBound(dbPath(c),
                                 "UPDATE events SET payload = json_set(payload, '$.hash', CAST(?1 AS TEXT))"
                                 " WHERE type = 'audit.appended' AND json_extract(payload, '$.seq') = CAST(?2 AS INTEGER)",
                                 { entry.hash.toHex(), QByteArray::number(entry.seq) }));
        }
        QVERIFY(c.open());
        auto walk = c->audit().verifyAfter({}); // the chain and the outbox alone are fooled
        QVERIFY(walk && walk->intact);
        c.cabinet.reset();
        const auto v = verifyOf(c);
        QVERIFY(!v.intact);
        QVERIFY(!v.signedHeld);
        QCOMPARE(v.signedSeq, head);
        QCOMPARE(v.firstBrokenSeq, head);
    }

    void brokenTrailIsNotSignedOver()
    {
        TestCabinet c;
        qint64 head = 0;
        QVERIFY(entriesThenStop(c, 4, QStringLiteral("thing-"), &head));
        QVERIFY(rawExec(dbPath(c), "DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq > 3;"
                                   "DELETE FROM events WHERE type = 'audit.appended' AND json_extract(payload, '$.seq') > 3;"));
        // More entries and a stop: a fresh signature would hide the cut.
        QVERIFY(entriesThenStop(c, 5));
        QCOMPARE(newest(c)->seq, head);
        const auto v = verifyOf(c);
        QVERIFY(!v.intact);
        QVERIFY(!v.signedHeld);
    }

    void forgedCheckpointIsAnError()
    {
        TestCabinet c;
        QVERIFY(entriesThenStop(c, 2));
        const QString log = DirectoryIdentity::checkpointLogPath(c.dir.path());
        QFile file(log);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QByteArray text = file.readAll();
        file.close();
        const auto signedHead = newest(c);
        QVERIFY(signedHead);
        // Another seq under the same signature.
        const QByteArray seqField = "\"seq\":" + QByteArray::number(signedHead->seq);
        const QByteArray otherSeq = "\"seq\":" + QByteArray::number(signedHead->seq - 1);
        QVERIFY(text.contains(seqField));
        text.replace(seqField, otherSeq);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(text);
        file.close();
        QVERIFY(c.open());
        auto v = c->audit().verify();
        QVERIFY(!v);
        QCOMPARE(v.error().code, ErrorCode::DataLoss);
    }

    void checkpointOfAnotherDirectoryIsAnError()
    {
        TestCabinet mine, theirs;
        QVERIFY(entriesThenStop(mine, 1));
        QVERIFY(entriesThenStop(theirs, 1));
        // Their log (signed with their key, for their id) beside my key.
        const QString log = DirectoryIdentity::checkpointLogPath(mine.dir.path());
        QFile::remove(log);
        QVERIFY(QFile::copy(DirectoryIdentity::checkpointLogPath(theirs.dir.path()), log));
        QVERIFY(mine.open());
        auto v = mine->audit().verify();
        QVERIFY(!v);
        QCOMPARE(v.error().code, ErrorCode::DataLoss);
    }

    void keyOthersCanReadSignsNothing()
    {
        TestCabinet c;
        qint64 head = 0;
        QVERIFY(entriesThenStop(c, 1, QStringLiteral("thing-"), &head));
        QVERIFY(QFile::setPermissions(DirectoryIdentity::signingKeyPath(c.dir.path()),
                                      QFile::ReadOwner | QFile::WriteOwner | QFile::ReadOther));
        QVERIFY(entriesThenStop(c, 2));
        QCOMPARE(newest(c)->seq, head);
    }
};

QTEST_GUILESS_MAIN(TestAuditCheckpoints)
#include "tst_auditcheckpoints.moc"

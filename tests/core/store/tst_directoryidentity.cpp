// Issue 9, defect 1: a database or a WAL from another data directory was
// taken for this one's. These tests fail on a build without identities.
#include "RawSqlite.h"
#include "TestSupport.h"
#include "audit/AuditLog.h"
#include "store/DataDirectory.h"
#include "store/Database.h"
#include "store/DirectoryIdentity.h"
#include "store/WalFile.h"

#include <QDir>
#include <QFile>
#include <QMap>

using namespace cabinet;
using namespace cabinet::test;

class TestDirectoryIdentity : public QObject {
    Q_OBJECT

    static QString db(const QString &dir) { return DataDirectory::databasePath(dir); }
    static QString wal(const QString &dir) { return WalFile::pathFor(db(dir)); }

    // A data directory with `count` audit entries, closed again.
    static bool writeEntries(TestCabinet &c, int count, const QString &subject = QStringLiteral("thing"))
    {
        if (!c.open())
            return false;
        for (int i = 1; i <= count; ++i) {
            c.clock->advanceMs(1000);
            if (!c->audit().record(QStringLiteral("operator:test"), QStringLiteral("test.act"), subject + QString::number(i)))
                return false;
        }
        c.cabinet.reset();
        return true;
    }

    static Result<std::unique_ptr<Cabinet>> openAt(const QString &dir, bool readOnly)
    {
        Cabinet::Options options;
        options.dataDir = dir;
        options.readOnly = readOnly;
        options.clock = std::make_shared<ManualClock>();
        return Cabinet::open(options);
    }

    // Every file that holds data, by name: what "nothing was written" is
    // checked against. The lock file names its owner and the -shm is an
    // index SQLite rebuilds; neither holds data.
    static QMap<QString, QByteArray> snapshot(const QString &dir)
    {
        QMap<QString, QByteArray> files;
        for (const QString &name : QDir(dir).entryList(QDir::Files)) {
            if (name == QLatin1String("cabinet.lock") || name.endsWith(QLatin1String("-shm")))
                continue;
            files.insert(name, fileDigest(dir + u'/' + name));
        }
        return files;
    }

    static void copyFile(const QString &from, const QString &to)
    {
        QFile::remove(to);
        QVERIFY2(QFile::copy(from, to), qPrintable(from));
    }

    // Opening `dir` either way is refused as data_loss, blaming `culprit`,
    // and leaves every file as it was.
    static void refusedUntouched(const QString &dir, const QString &culprit)
    {
        const auto before = snapshot(dir);
        for (const bool readOnly : { false, true }) {
            auto opened = openAt(dir, readOnly);
            QVERIFY2(!opened, readOnly ? "read-only open accepted it" : "read-write open accepted it");
            QCOMPARE(opened.error().code, ErrorCode::DataLoss);
            QCOMPARE(opened.error().field, culprit);
        }
        QCOMPARE(snapshot(dir), before);
    }

    static QString subjectOfNewest(Cabinet &cabinet)
    {
        auto tail = cabinet.audit().tail(1);
        return tail && !tail->isEmpty() ? tail->constFirst().subject : QString();
    }

private Q_SLOTS:
    void identityIsKeptInTheDatabaseAndBesideIt()
    {
        TestCabinet c;
        QVERIFY(c.open());
        const QString id = c->database().identity();
        QCOMPARE(id.size(), 32);
        auto recorded = DirectoryIdentity::read(c.dir.path());
        QVERIFY(recorded && *recorded);
        QCOMPARE(**recorded, id);
        TestCabinet other;
        QVERIFY(other.open());
        QVERIFY(other->database().identity() != id);
    }

    void databaseOfAnotherDataDirectoryIsRefused()
    {
        TestCabinet mine, theirs;
        QVERIFY(writeEntries(mine, 3, QStringLiteral("mine-")));
        QVERIFY(writeEntries(theirs, 2, QStringLiteral("theirs-")));
        copyFile(db(theirs.dir.path()), db(mine.dir.path()));
        refusedUntouched(mine.dir.path(), db(mine.dir.path()));
    }

    void walOfAnotherDataDirectoryIsRefused()
    {
        // The report: their core killed (its WAL left), the WAL copied into
        // my folder; `audit tail` showed their entries and mine were lost at
        // the next checkpoint.
        TestCabinet mine, theirs;
        QVERIFY(writeEntries(mine, 3, QStringLiteral("mine-")));
        QVERIFY(!QFile::exists(wal(mine.dir.path())));
        QVERIFY(writeEntries(theirs, 1));
        QVERIFY(theirs.open());
        QVERIFY(theirs->audit().record(QStringLiteral("operator:test"), QStringLiteral("test.act"), QStringLiteral("theirs-wal")));
        copyFile(wal(theirs.dir.path()), wal(mine.dir.path())); // while theirs runs: as SIGKILL leaves it
        theirs.cabinet.reset();
        refusedUntouched(mine.dir.path(), wal(mine.dir.path()));
    }

    void walTouchingOnlyAuditPagesIsRefused()
    {
        // A WAL whose frames write only the audit trail's pages: the
        // identity row the database holds is its own, so checking that row
        // alone would let the foreign trail in.
        TestCabinet mine, theirs;
        QVERIFY(writeEntries(mine, 3, QStringLiteral("mine-")));
        QVERIFY(writeEntries(theirs, 3, QStringLiteral("theirs-")));
        const QString other = theirs.dir.filePath(QStringLiteral("copy.db"));
        copyFile(db(theirs.dir.path()), other);
        sqlite3 *writer = nullptr;
        QCOMPARE(sqlite3_open(QFile::encodeName(other).constData(), &writer), SQLITE_OK);
        QCOMPARE(sqlite3_exec(writer,
                              "PRAGMA wal_autocheckpoint=0;"
                              "INSERT INTO audit_log(seq, time_ms, actor, action, subject, payload, prev_hash, hash)"
                              " VALUES (4, 1, 'mallory', 'test.act', 'theirs-4', '{}', zeroblob(32), zeroblob(32));",
                              nullptr, nullptr, nullptr),
                 SQLITE_OK);
        copyFile(other + QStringLiteral("-wal"), wal(mine.dir.path()));
        sqlite3_close(writer);

        // The precondition that makes this case: the WAL writes the audit
        // trail's page and not the identity's.
        auto summary = WalFile::read(wal(mine.dir.path()));
        QVERIFY(summary && summary->replays());
        sqlite3 *reader = nullptr;
        const QByteArray uri = "file:" + QFile::encodeName(db(mine.dir.path())) + "?immutable=1";
        QCOMPARE(sqlite3_open_v2(uri.constData(), &reader, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr), SQLITE_OK);
        const auto rootOf = [reader](const char *table) {
            sqlite3_stmt *stmt = nullptr;
            sqlite3_prepare_v2(reader, "SELECT rootpage FROM sqlite_schema WHERE name = ?1", -1, &stmt, nullptr);
            sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC);
            const quint32 root = sqlite3_step(stmt) == SQLITE_ROW ? quint32(sqlite3_column_int64(stmt, 0)) : 0;
            sqlite3_finalize(stmt);
            return root;
        };
        const quint32 auditRoot = rootOf("audit_log");
        const quint32 identityRoot = rootOf("data_directory");
        sqlite3_close(reader);
        QVERIFY(auditRoot > 0 && identityRoot > 0);
        QVERIFY(summary->pages.contains(auditRoot));
        QVERIFY(!summary->pages.contains(identityRoot));

        refusedUntouched(mine.dir.path(), wal(mine.dir.path()));
    }

    void ownWalAfterACrashIsAccepted()
    {
        // The folder copied while its core runs: what a crash leaves.
        TestCabinet running;
        QVERIFY(writeEntries(running, 2));
        QVERIFY(running.open());
        QVERIFY(running->audit().record(QStringLiteral("operator:test"), QStringLiteral("test.act"), QStringLiteral("in-the-wal")));
        QTemporaryDir crashed;
        for (const QString &name : QDir(running.dir.path()).entryList(QDir::Files)) {
            if (!name.endsWith(QLatin1String("-shm")) && name != QLatin1String("cabinet.lock"))
                copyFile(running.dir.filePath(name), crashed.filePath(name));
        }
        QVERIFY(QFile::exists(wal(crashed.path())));
        running.cabinet.reset();
        for (const bool readOnly : { true, false }) {
            auto opened = openAt(crashed.path(), readOnly);
            QVERIFY2(opened, opened ? "" : qPrintable(opened.error().message));
            QCOMPARE(subjectOfNewest(**opened), QStringLiteral("in-the-wal"));
        }
    }

    void restoredBackupIsAccepted()
    {
        TestCabinet c;
        QVERIFY(writeEntries(c, 3, QStringLiteral("backed-up-")));
        const QString backup = c.dir.filePath(QStringLiteral("backup.db"));
        copyFile(db(c.dir.path()), backup);
        QVERIFY(writeEntries(c, 2, QStringLiteral("after-")));
        QFile::remove(wal(c.dir.path()));
        copyFile(backup, db(c.dir.path()));
        QVERIFY(c.open());
        QCOMPARE(subjectOfNewest(*c.cabinet), QStringLiteral("backed-up-3"));
        QVERIFY(c->audit().record(QStringLiteral("operator:test"), QStringLiteral("test.act"), QStringLiteral("after-restore")));
    }

    void directoryFromBeforeIdentitiesGetsOne()
    {
        // Schema 2 as an older Cabinet left it: no identity, no cabinet.id.
        QTemporaryDir dir;
        QString script;
        for (const char *migration : { ":/sql/0001_foundation.sql", ":/sql/0002_ledger.sql" }) {
            QFile file(QString::fromLatin1(migration));
            QVERIFY(file.open(QIODevice::ReadOnly));
            script += QString::fromUtf8(file.readAll());
        }
        script += QStringLiteral("INSERT INTO schema_migrations VALUES (1, 'foundation', 0), (2, 'ledger', 0);"
                                 "INSERT INTO audit_log VALUES (1, 5, 'system', 'core.start', 'old', '{}', zeroblob(32), zeroblob(32));"
                                 "PRAGMA application_id=%1; PRAGMA user_version=2; PRAGMA journal_mode=WAL;")
                          .arg(Database::ApplicationId);
        QVERIFY(rawExec(db(dir.path()), script.toUtf8().constData()));

        {
            auto reader = openAt(dir.path(), true);
            QVERIFY2(reader, reader ? "" : qPrintable(reader.error().message));
            QVERIFY((*reader)->database().identity().isEmpty());
        }
        QVERIFY(!QFile::exists(DirectoryIdentity::filePath(dir.path()))); // a reader writes nothing

        QString id;
        {
            auto owner = openAt(dir.path(), false);
            QVERIFY2(owner, owner ? "" : qPrintable(owner.error().message));
            id = (*owner)->database().identity();
            QCOMPARE(id.size(), 32);
            QCOMPARE((*owner)->database().schemaVersion(), Database::latestSchemaVersion());
            QCOMPARE(subjectOfNewest(**owner), QStringLiteral("old"));
        }
        auto recorded = DirectoryIdentity::read(dir.path());
        QVERIFY(recorded && *recorded);
        QCOMPARE(**recorded, id);
        auto again = openAt(dir.path(), false);
        QVERIFY(again);
        QCOMPARE((*again)->database().identity(), id);
    }

    void missingDatabaseIsNotRecreatedWhereTheFolderHasAnIdentity()
    {
        TestCabinet c;
        QVERIFY(writeEntries(c, 2));
        QVERIFY(QFile::remove(db(c.dir.path())));
        auto opened = openAt(c.dir.path(), false);
        QVERIFY(!opened);
        QCOMPARE(opened.error().code, ErrorCode::DataLoss);
        QVERIFY(!QFile::exists(db(c.dir.path())));
    }

    void zeroLengthDatabaseIsRefused()
    {
        TestCabinet c;
        QVERIFY(writeEntries(c, 2));
        QFile file(db(c.dir.path()));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.close();
        refusedUntouched(c.dir.path(), db(c.dir.path()));
        QCOMPARE(QFileInfo(db(c.dir.path())).size(), 0);
    }

    void lostIdentityFileIsNotTakenFromTheDatabase()
    {
        // With a signing key beside it, the folder had an identity: the
        // database's word is not enough to restore it.
        TestCabinet c;
        QVERIFY(writeEntries(c, 1));
        QVERIFY(QFile::exists(DirectoryIdentity::signingKeyPath(c.dir.path())));
        QVERIFY(QFile::remove(DirectoryIdentity::filePath(c.dir.path())));
        auto opened = openAt(c.dir.path(), false);
        QVERIFY(!opened);
        QCOMPARE(opened.error().code, ErrorCode::DataLoss);
        QCOMPARE(opened.error().field, DirectoryIdentity::filePath(c.dir.path()));
        QVERIFY(!QFile::exists(DirectoryIdentity::filePath(c.dir.path())));

        // A database alone moved into an empty folder becomes its own.
        QTemporaryDir moved;
        copyFile(db(c.dir.path()), db(moved.path()));
        auto adopted = openAt(moved.path(), false);
        QVERIFY2(adopted, adopted ? "" : qPrintable(adopted.error().message));
        auto recorded = DirectoryIdentity::read(moved.path());
        QVERIFY(recorded && *recorded);
        QCOMPARE(**recorded, (*adopted)->database().identity());
    }
};

QTEST_GUILESS_MAIN(TestDirectoryIdentity)
#include "tst_directoryidentity.moc"

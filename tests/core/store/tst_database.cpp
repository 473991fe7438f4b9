#include "FilePermissions.h"
#include "RawSqlite.h"
#include "store/Database.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

using namespace cabinet;
using namespace cabinet::test;

class TestDatabase : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString path(const char *name) const { return m_dir.filePath(QString::fromLatin1(name)); }

    static qint64 scalar(Database &db, const char *sql)
    {
        auto &statement = db.statement(sql);
        auto row = statement.step();
        return (row && *row) ? statement.int64(0) : -1;
    }

private Q_SLOTS:
    void freshDatabaseIsMigratedAndConfigured()
    {
        auto db = Database::open(path("fresh.db"));
        QVERIFY2(db, db ? "" : qPrintable(db.error().message));
        QVERIFY(Database::latestSchemaVersion() >= 1);
        QCOMPARE((*db)->schemaVersion(), Database::latestSchemaVersion());
        QCOMPARE(scalar(**db, "PRAGMA user_version"), qint64(Database::latestSchemaVersion()));
        QCOMPARE(scalar(**db, "PRAGMA application_id"), qint64(Database::ApplicationId));
        QCOMPARE(scalar(**db, "PRAGMA foreign_keys"), 1);
        QCOMPARE(scalar(**db, "PRAGMA synchronous"), 2); // FULL
        auto &mode = (*db)->statement("PRAGMA journal_mode");
        QVERIFY(*mode.step());
        QCOMPARE(mode.text(0), QStringLiteral("wal"));
        QCOMPARE(scalar(**db, "SELECT count(*) FROM schema_migrations"), qint64(Database::latestSchemaVersion()));
    }

    void reopeningDoesNotMigrateAgain()
    {
        { QVERIFY(Database::open(path("again.db"))); }
        auto db = Database::open(path("again.db"));
        QVERIFY(db);
        QCOMPARE(scalar(**db, "SELECT count(*) FROM schema_migrations"), qint64(Database::latestSchemaVersion()));
    }

    void newerSchemaIsRefusedAndLeftUntouched()
    {
        { QVERIFY(Database::open(path("newer.db"))); }
        const QByteArray pragma = "PRAGMA user_version=" + QByteArray::number(Database::latestSchemaVersion() + 1);
        QVERIFY(rawExec(path("newer.db"), pragma.constData()));
        const QByteArray before = fileDigest(path("newer.db"));
        auto db = Database::open(path("newer.db"));
        QVERIFY(!db);
        QVERIFY2(db.error().message.contains(QStringLiteral("newer Cabinet")), qPrintable(db.error().message));
        QCOMPARE(fileDigest(path("newer.db")), before);
    }

    void foreignDatabaseIsRefusedAndLeftUntouched()
    {
        QVERIFY(rawExec(path("foreign.db"), "CREATE TABLE photos(id INTEGER PRIMARY KEY); INSERT INTO photos VALUES (1);"));
        const QByteArray before = fileDigest(path("foreign.db"));
        auto db = Database::open(path("foreign.db"));
        QVERIFY(!db);
        QVERIFY2(db.error().message.contains(QStringLiteral("not a Cabinet database")), qPrintable(db.error().message));
        QCOMPARE(fileDigest(path("foreign.db")), before);
        QVERIFY(!QFile::exists(path("foreign.db-wal")));
    }

    void garbageFileIsRefusedAndLeftUntouched()
    {
        QFile file(path("garbage.db"));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(8192, 'x'));
        file.close();
        const QByteArray before = fileDigest(path("garbage.db"));
        auto db = Database::open(path("garbage.db"));
        QVERIFY(!db);
        QVERIFY2(db.error().message.contains(QStringLiteral("corrupt")), qPrintable(db.error().message));
        QCOMPARE(fileDigest(path("garbage.db")), before);
    }

    void corruptCabinetDatabaseIsRefusedAndLeftUntouched()
    {
        { QVERIFY(Database::open(path("corrupt.db"))); }
        QVERIFY(rawExec(path("corrupt.db"), "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE;"));
        QFile file(path("corrupt.db"));
        QVERIFY(file.open(QIODevice::ReadWrite));
        // Keep the 100-byte header, scramble the schema page behind it.
        file.seek(100);
        file.write(QByteArray(1000, '\xA5'));
        file.close();
        const QByteArray before = fileDigest(path("corrupt.db"));
        auto db = Database::open(path("corrupt.db"));
        QVERIFY(!db);
        QVERIFY2(db.error().message.contains(QStringLiteral("corrupt")), qPrintable(db.error().message));
        QCOMPARE(fileDigest(path("corrupt.db")), before);
    }

    void readOnlyNeedsAnExistingFileAndRefusesWrites()
    {
        auto missing = Database::open(path("missing.db"), Database::Access::ReadOnly);
        QVERIFY(!missing);
        QVERIFY(!QFile::exists(path("missing.db")));
        { QVERIFY(Database::open(path("ro.db"))); }
        auto db = Database::open(path("ro.db"), Database::Access::ReadOnly);
        QVERIFY(db);
        QVERIFY(!(*db)->begin());
    }

    void transactionRollsBackUnlessCommitted()
    {
        auto db = Database::open(path("tx.db"));
        QVERIFY(db);
        QVERIFY((*db)->execScript(QStringLiteral("CREATE TABLE t(x INTEGER)")));
        int committedCallbacks = 0;
        {
            auto tx = (*db)->begin();
            QVERIFY(tx);
            tx->onCommit([&] { ++committedCallbacks; });
            QVERIFY((*db)->statement("INSERT INTO t VALUES (1)").exec());
        } // dropped: rolled back
        QCOMPARE(committedCallbacks, 0);
        QCOMPARE(scalar(**db, "SELECT count(*) FROM t"), 0);
        {
            auto tx = (*db)->begin();
            tx->onCommit([&] { ++committedCallbacks; });
            QVERIFY((*db)->statement("INSERT INTO t VALUES (2)").exec());
            QCOMPARE(committedCallbacks, 0);
            QVERIFY(tx->commit());
        }
        QCOMPARE(committedCallbacks, 1);
        QCOMPARE(scalar(**db, "SELECT count(*) FROM t"), 1);
    }

    void nothingIsWrittenAfterSqliteRolledBackTheTransaction()
    {
        auto db = Database::open(path("autorollback.db"));
        QVERIFY(db);
        // RAISE(ROLLBACK) ends the whole transaction, as disk full does.
        QVERIFY((*db)->execScript(QStringLiteral("CREATE TABLE t(x INTEGER);"
                                                 "CREATE TRIGGER t_full BEFORE INSERT ON t WHEN NEW.x = 2"
                                                 " BEGIN SELECT RAISE(ROLLBACK, 'disk full'); END;")));
        int committedCallbacks = 0;
        {
            auto tx = (*db)->begin();
            QVERIFY(tx);
            tx->onCommit([&] { ++committedCallbacks; });
            QVERIFY((*db)->statement("INSERT INTO t VALUES (1)").exec());
            QVERIFY(!(*db)->statement("INSERT INTO t VALUES (2)").exec());
            auto later = (*db)->statement("INSERT INTO t VALUES (3)").exec();
            QVERIFY(!later);
            QVERIFY2(later.error().message.contains(QStringLiteral("rolled back")), qPrintable(later.error().message));
            QVERIFY(!tx->commit());
        }
        QCOMPARE(committedCallbacks, 0);
        QVERIFY(!(*db)->inTransaction());
        QCOMPARE(scalar(**db, "SELECT count(*) FROM t"), 0);
        // The connection is usable again.
        auto tx = (*db)->begin();
        QVERIFY(tx);
        QVERIFY((*db)->statement("INSERT INTO t VALUES (5)").exec());
        QVERIFY(tx->commit());
        QCOMPARE(scalar(**db, "SELECT count(*) FROM t"), 1);
    }

    void foreignWalDatabaseIsNotCheckpointed()
    {
        // A foreign database whose latest data is still in its WAL: a
        // read-write connection would fold the WAL into the file on close.
        const QString source = path("foreign-wal-src.db");
        sqlite3 *writer = nullptr;
        QCOMPARE(sqlite3_open(QFile::encodeName(source).constData(), &writer), SQLITE_OK);
        QCOMPARE(sqlite3_exec(writer, "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;"
                                      "CREATE TABLE notes(t TEXT); INSERT INTO notes VALUES ('only in the wal');",
                              nullptr, nullptr, nullptr),
                 SQLITE_OK);
        const QString target = path("foreign-wal.db");
        QVERIFY(QFile::copy(source, target));
        QVERIFY(QFile::copy(source + QStringLiteral("-wal"), target + QStringLiteral("-wal")));
        sqlite3_close(writer);
        const QByteArray before = fileDigest(target);
        const QByteArray walBefore = fileDigest(target + QStringLiteral("-wal"));
        auto db = Database::open(target);
        QVERIFY(!db);
        QVERIFY2(db.error().message.contains(QStringLiteral("not a Cabinet database")), qPrintable(db.error().message));
        QCOMPARE(fileDigest(target), before);
        QCOMPARE(fileDigest(target + QStringLiteral("-wal")), walBefore);
    }

    void failedPrepareIsNotCachedForever()
    {
        auto db = Database::open(path("later.db"));
        QVERIFY(db);
        QVERIFY(!(*db)->statement("SELECT count(*) FROM later_table").exec());
        QVERIFY((*db)->execScript(QStringLiteral("CREATE TABLE later_table(x)")));
        QVERIFY((*db)->statement("SELECT count(*) FROM later_table").exec());
    }

    void badSqlIsAnErrorNotACrash()
    {
        auto db = Database::open(path("bad.db"));
        QVERIFY(db);
        auto status = (*db)->statement("SELEKT nonsense").exec();
        QVERIFY(!status);
        QVERIFY(status.error().message.contains(QStringLiteral("SELEKT")));
        QVERIFY(!(*db)->execScript(QStringLiteral("INSERT INTO nowhere VALUES (1)")));
    }

    // Defect 5 (issue 9): an empty file was read as a new database, so reads
    // failed with "no such table" and the first write started a ledger in it.
    void zeroLengthFileIsRefusedNotInitialised()
    {
        const QString file = path("zero.db");
        {
            QFile f(file);
            QVERIFY(f.open(QIODevice::WriteOnly));
        }
        for (const auto access : { Database::Access::ReadOnly, Database::Access::ReadWrite }) {
            auto db = Database::open(file, access);
            QVERIFY(!db);
            QCOMPARE(db.error().code, ErrorCode::DataLoss);
            QCOMPARE(db.error().field, file);
            QCOMPARE(QFileInfo(file).size(), 0);
            QVERIFY(!QFile::exists(file + QStringLiteral("-wal")));
        }
    }

    void tablelessSqliteFileIsRefusedNotInitialised()
    {
        const QString file = path("tableless.db");
        QVERIFY(rawExec(file, "CREATE TABLE scratch(x); DROP TABLE scratch;"));
        QVERIFY(QFileInfo(file).size() > 0);
        const QByteArray before = fileDigest(file);
        auto db = Database::open(file);
        QVERIFY(!db);
        QCOMPARE(db.error().code, ErrorCode::DataLoss);
        QCOMPARE(fileDigest(file), before);
    }

    void creationCutShortLeavesNoDatabase()
    {
        // What a creation killed half-way leaves is under another name: the
        // next open starts over instead of finding a half-made cabinet.db.
        const QString file = path("created.db");
        QFile leftover(file + QStringLiteral(".creating"));
        QVERIFY(leftover.open(QIODevice::WriteOnly));
        leftover.write("half a database");
        leftover.close();
        auto db = Database::open(file);
        QVERIFY2(db, db ? "" : qPrintable(db.error().message));
        QVERIFY(!QFile::exists(file + QStringLiteral(".creating")));
        QCOMPARE((*db)->schemaVersion(), Database::latestSchemaVersion());
        QVERIFY(!(*db)->identity().isEmpty());
    }

    // Defect 5: a sound database in a folder this user cannot write was
    // reported as "not a Cabinet database, or it is corrupt", reads too.
    void unwritableFolderIsAPermissionProblem()
    {
        QTemporaryDir top;
        QVERIFY(::chmod(QFile::encodeName(top.path()).constData(), 0755) == 0);
        const QString folder = top.filePath(QStringLiteral("data"));
        QVERIFY(QDir().mkpath(folder));
        const QString file = folder + QStringLiteral("/cabinet.db");
        { QVERIFY(Database::open(file)); }
        QVERIFY(!QFile::exists(file + QStringLiteral("-shm")));
        const QByteArray before = fileDigest(file);
        QVERIFY(makeFolderReadOnly(folder));
        {
            const ActAsNobody nobody;
            for (const auto access : { Database::Access::ReadOnly, Database::Access::ReadWrite }) {
                auto db = Database::open(file, access);
                QVERIFY(!db);
                QCOMPARE(db.error().code, ErrorCode::PermissionDenied);
                QCOMPARE(db.error().field, file);
            }
        }
        QVERIFY(::chmod(QFile::encodeName(folder).constData(), 0755) == 0);
        QCOMPARE(fileDigest(file), before);
    }

    void unwritableFileIsAPermissionProblemForWritesOnly()
    {
        QTemporaryDir top;
        QVERIFY(::chmod(QFile::encodeName(top.path()).constData(), 0755) == 0);
        const QString folder = top.filePath(QStringLiteral("data"));
        QVERIFY(QDir().mkpath(folder));
        const QString file = folder + QStringLiteral("/cabinet.db");
        { QVERIFY(Database::open(file)); }
        QVERIFY(makeFileReadOnly(file, folder));
        const ActAsNobody nobody;
        auto reader = Database::open(file, Database::Access::ReadOnly);
        QVERIFY2(reader, reader ? "" : qPrintable(reader.error().message));
        reader->reset();
        auto writer = Database::open(file);
        QVERIFY(!writer);
        QCOMPARE(writer.error().code, ErrorCode::PermissionDenied);
        QCOMPARE(writer.error().field, file);
    }

    // Defect 5: a WAL of another Cabinet database was replayed onto this
    // one, and a foreign WAL was blamed on the database.
    void walOfAnotherCabinetDatabaseIsRefusedAndBlamed()
    {
        const QString mine = path("mine.db");
        const QString theirs = path("theirs.db");
        { QVERIFY(Database::open(mine)); } // closed: its WAL folded in and removed
        auto other = Database::open(theirs);
        QVERIFY(other);
        {
            auto tx = (*other)->begin();
            QVERIFY(tx);
            QVERIFY((*other)->execScript(QStringLiteral("INSERT INTO events(time_ms, type, payload) VALUES (1, 'theirs', '{}')")));
            QVERIFY(tx->commit());
        }
        // A copy of their WAL as a crash leaves it, put beside my database.
        QVERIFY(QFile::copy(theirs + QStringLiteral("-wal"), mine + QStringLiteral("-wal")));
        other->reset();
        const QByteArray before = fileDigest(mine);
        const QByteArray walBefore = fileDigest(mine + QStringLiteral("-wal"));
        for (const auto access : { Database::Access::ReadOnly, Database::Access::ReadWrite }) {
            auto db = Database::open(mine, access);
            QVERIFY(!db);
            QCOMPARE(db.error().code, ErrorCode::DataLoss);
            QCOMPARE(db.error().field, mine + QStringLiteral("-wal"));
        }
        QCOMPARE(fileDigest(mine), before);
        QCOMPARE(fileDigest(mine + QStringLiteral("-wal")), walBefore);
    }

    void ownWalIsReplayed()
    {
        // The same database and its own WAL, as a crash leaves them.
        const QString source = path("crashed-src.db");
        auto db = Database::open(source);
        QVERIFY(db);
        {
            auto tx = (*db)->begin();
            QVERIFY((*db)->execScript(QStringLiteral("INSERT INTO events(time_ms, type, payload) VALUES (1, 'kept', '{}')")));
            QVERIFY(tx->commit());
        }
        const QString copy = path("crashed.db");
        QVERIFY(QFile::copy(source, copy));
        QVERIFY(QFile::copy(source + QStringLiteral("-wal"), copy + QStringLiteral("-wal")));
        db->reset();
        auto reopened = Database::open(copy);
        QVERIFY2(reopened, reopened ? "" : qPrintable(reopened.error().message));
        QCOMPARE(scalar(**reopened, "SELECT count(*) FROM events WHERE type = 'kept'"), 1);
    }
};

QTEST_GUILESS_MAIN(TestDatabase)
#include "tst_database.moc"

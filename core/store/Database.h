#pragma once

#include "Result.h"
#include "store/Statement.h"

#include <QString>

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

struct sqlite3;

namespace cabinet {

class Database;

// The closed error code that fits an SQLite result code (busy: unavailable,
// full: resource_exhausted, corrupt: data_loss, ...).
ErrorCode sqliteErrorCode(int resultCode);

// One write transaction (BEGIN IMMEDIATE). Rolled back when it goes out of
// scope uncommitted. Work queued with onCommit() runs only after a successful
// COMMIT, so nothing is published for a change that did not happen.
class Transaction {
public:
    Transaction(Transaction &&other) noexcept;
    Transaction &operator=(Transaction &&) = delete;
    Transaction(const Transaction &) = delete;
    ~Transaction();

    Status commit();
    void rollback();
    void onCommit(std::function<void()> callback) { m_onCommit.push_back(std::move(callback)); }
    Database &database() const { return *m_db; }

private:
    friend class Database;
    explicit Transaction(Database *db) : m_db(db) { }

    Database *m_db;
    bool m_open = true;
    std::vector<std::function<void()>> m_onCommit;
};

// The SQLite connection: WAL, foreign keys, synchronous=FULL (money and audit
// are written here), numbered migrations from resources/sql, prepared
// statements only. Opening refuses, with a message and without writing a byte,
// a file that is not a Cabinet database, is corrupt, or was made by a newer
// version.
//
// A connection belongs to the thread that opened it. It is opened with
// SQLITE_OPEN_NOMUTEX (SQLite takes no lock of its own) and the statement
// cache and the transaction flag are unguarded, so a second thread would
// corrupt them silently; statement(), execScript(), begin(), commit and
// rollback stop the process instead (CABINET_ASSERT), naming both threads.
// The owner is fixed by open(), not by the first use after it: open() already
// migrates on its thread, and a first-use rule would hand the connection to
// whichever thread happened to touch it first. There is no hand-over; open
// the connection on the thread that will use it. The console does: its
// CoreHost is moved to the core thread before CoreHost::open
// (app/gui/CoreHost.cpp), which calls Cabinet::open, runs there; the command
// line and headless mode open and use it on the main thread.
class Database {
public:
    enum class Access { ReadWrite, ReadOnly };

    // 'CBNT': marks a file as ours in the SQLite header.
    static constexpr int ApplicationId = 0x43424E54;
    // From this schema version on (0003_identity.sql) a database names the
    // data directory it belongs to, and every write transaction writes that
    // row's page.
    static constexpr int IdentitySchemaVersion = 3;

    // The data directory a database must belong to: its id, and the file
    // that id was read from (for the messages).
    struct Owner {
        QString directoryId;  // empty: no identity known yet
        QString identityFile;
    };

    // Opens `path`, creating it (fully migrated, under a temporary name
    // first) only where no file exists. An existing file is checked on a
    // read-only connection before anything may write, and refused, left as
    // it was, when it is empty, not Cabinet's, corrupt, newer, or not
    // `owner`'s; a WAL beside it is replayed only when it was written for it
    // (docs/data-directory.md). An error about one file names it in
    // Error::field (the database, or its -wal when the WAL is at fault).
    static Result<std::unique_ptr<Database>> open(const QString &path, Access access = Access::ReadWrite, const Owner &owner = {});
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    const QString &path() const { return m_path; }
    bool readOnly() const { return m_access == Access::ReadOnly; }
    int schemaVersion() const { return m_schemaVersion; }
    // The id of the data directory this database belongs to; empty before
    // schema version IdentitySchemaVersion.
    const QString &identity() const { return m_identity; }
    // The newest schema version this build knows (its highest migration).
    static int latestSchemaVersion();

    // A cached prepared statement, reset and ready to bind.
    Statement &statement(std::string_view sql);
    // Runs SQL text that may hold several statements (migrations, pragmas).
    Status execScript(const QString &sql);

    Result<Transaction> begin();
    bool inTransaction() const { return m_inTransaction; }
    // Runs when a transaction ends: after a commit once its onCommit()
    // callbacks have run, and after a rollback. The event bus delivers from
    // here, outside any transaction.
    void setAfterTransaction(std::function<void()> hook) { m_afterTransaction = std::move(hook); }
    // Rows changed by the last INSERT, UPDATE or DELETE.
    qint64 changes() const;

    sqlite3 *handle() const { return m_db; }
    QString lastError() const;
    // The closed code that fits SQLite's last result on this connection.
    ErrorCode lastErrorCode() const;

private:
    friend class Transaction;
    Database(sqlite3 *db, QString path, Access access) : m_db(db), m_path(std::move(path)), m_access(access) { }
    Status checkIdentity();
    // Wraps a connection just opened: the one place a Database is made.
    static std::unique_ptr<Database> adopt(sqlite3 *handle, const QString &path, Access access);
    // DatabaseOwnership.cpp: whose database and WAL these are.
    static Status create(const QString &path);
    static Result<std::unique_ptr<Database>> openAlone(const QString &path);
    Status checkOwnership(const Owner &owner);
    Status readDirectoryIdentity();
    // The error for a database that failed its checks: the WAL's when the
    // file alone passes them and a WAL beside it would be replayed.
    static Error blameWal(const QString &path, Error databaseError);
    // Stops the process unless called on the owning thread; `use` names the call.
    void checkThread(const char *use) const;
    Status migrate();

    sqlite3 *m_db;
    QString m_path;
    Access m_access;
    int m_schemaVersion = 0;
    QString m_identity;
    bool m_inTransaction = false;
    Qt::HANDLE m_ownerThread = nullptr; // the thread that ran open()
    std::function<void()> m_afterTransaction;
    std::unordered_map<std::string, Statement> m_statements;
    Statement m_failedStatement; // the last SQL that did not prepare
};

} // namespace cabinet

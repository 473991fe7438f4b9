#include "store/Database.h"

#include "Assert.h"
#include "store/WalFile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QThread>

#include <sqlite3.h>

Q_LOGGING_CATEGORY(lcStore, "cabinet.store")

namespace cabinet {

namespace {

struct Migration {
    int version;
    QString name;
    QString path;
};

// Migrations are compiled in as resources named NNNN_name.sql.
std::vector<Migration> migrations()
{
    static const QRegularExpression pattern(QStringLiteral("^(\\d{4})_(\\w+)\\.sql$"));
    std::vector<Migration> result;
    const QDir dir(QStringLiteral(":/sql"));
    for (const QString &file : dir.entryList(QDir::Files, QDir::Name)) {
        const auto match = pattern.match(file);
        if (match.hasMatch())
            result.push_back({ match.captured(1).toInt(), match.captured(2), dir.filePath(file) });
    }
    return result;
}

} // namespace

Transaction::Transaction(Transaction &&other) noexcept
    : m_db(other.m_db), m_open(std::exchange(other.m_open, false)), m_onCommit(std::move(other.m_onCommit))
{
}

Transaction::~Transaction()
{
    rollback();
}

Status Transaction::commit()
{
    CABINET_ASSERT_MSG(m_open && m_db->m_inTransaction, "transaction open %d, database in a transaction %d", int(m_open),
                       int(m_db->m_inTransaction));
    m_db->checkThread("commit");
    if (auto status = m_db->statement("COMMIT").exec(); !status) {
        rollback();
        return Error { ErrorCode::Internal, QStringLiteral("commit failed: ") + status.error().message };
    }
    m_open = false;
    m_db->m_inTransaction = false;
    const auto callbacks = std::move(m_onCommit);
    for (const auto &callback : callbacks)
        callback();
    if (m_db->m_afterTransaction)
        m_db->m_afterTransaction();
    return {};
}

void Transaction::rollback()
{
    if (!m_open)
        return;
    m_db->checkThread("rollback");
    m_open = false;
    m_onCommit.clear();
    // ROLLBACK fails only when SQLite already rolled back on its own (disk
    // full, I/O error); either way nothing of the transaction remains.
    (void)m_db->statement("ROLLBACK").exec();
    m_db->m_inTransaction = false;
    // Ephemeral events published meanwhile still go out.
    if (m_db->m_afterTransaction)
        m_db->m_afterTransaction();
}

Result<std::unique_ptr<Database>> Database::open(const QString &path, Access access, const Owner &owner)
{
    const QFileInfo info(path);
    if (access == Access::ReadOnly && !info.exists())
        return Error { ErrorCode::NotFound, QStringLiteral("no Cabinet database at %1").arg(path) };
    if (info.exists() && !info.isFile())
        return Error { ErrorCode::InvalidArgument, QStringLiteral("%1 is not a file").arg(path) };
    // Before SQLite sees it: it would read an empty file as a new database
    // (and delete a WAL beside it), and a write would start a fresh ledger
    // over whatever this file was meant to hold.
    if (info.exists() && info.size() == 0)
        return Error { ErrorCode::DataLoss, QStringLiteral("%1 is empty (0 bytes): it holds no Cabinet database, and Cabinet does not "
                                                           "start a new one over an existing file. Nothing was changed. If it should "
                                                           "hold your data, restore it from a backup; to start afresh, move it out of "
                                                           "the way (or use another --data-dir).")
                                                            .arg(path),
                       path };
    if (!info.exists()) {
        if (auto created = create(path); !created)
            return created.error();
    }

    // With no WAL beside it the file alone is all there is: it is checked
    // through a connection that creates nothing (SQLite's read-only one
    // would leave an empty -wal and a -shm beside a file it then refuses).
    if (access == Access::ReadOnly && !QFileInfo::exists(WalFile::pathFor(path))) {
        auto alone = openAlone(path);
        if (!alone)
            return alone.error();
        if (auto status = (*alone)->checkOwnership(owner); !status)
            return status.error();
    }
    // An existing file is checked on a read-only connection: closing a
    // read-write one would checkpoint a foreign WAL or replay a foreign
    // journal into a file that is not ours.
    if (access == Access::ReadWrite) {
        auto probe = open(path, Access::ReadOnly, owner);
        if (!probe)
            return probe.error();
    }
    sqlite3 *handle = nullptr;
    const int flags = access == Access::ReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    const int rc = sqlite3_open_v2(QFile::encodeName(path).constData(), &handle, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        const QString message = handle ? QString::fromUtf8(sqlite3_errmsg(handle)) : QString::fromUtf8(sqlite3_errstr(rc));
        const int code = handle ? sqlite3_extended_errcode(handle) : rc;
        sqlite3_close(handle);
        const ErrorCode errorCode = sqliteErrorCode(code);
        return Error { errorCode == ErrorCode::PermissionDenied ? errorCode : ErrorCode::Unavailable,
                       QStringLiteral("cannot open database %1: %2").arg(path, message) };
    }
    std::unique_ptr<Database> db = adopt(handle, path, access);
    // SQLite quietly opens a file it may not write read-only; every write
    // would then fail with "attempt to write a readonly database".
    if (access == Access::ReadWrite && sqlite3_db_readonly(handle, "main") == 1)
        return Error { ErrorCode::PermissionDenied, QStringLiteral("cannot write %1: permission denied. Cabinet needs to write the database "
                                                                   "and the folder it is in; read-only commands (audit verify, "
                                                                   "audit tail) work without.")
                                                            .arg(path),
                       path };

    if (auto status = db->checkIdentity(); !status)
        return access == Access::ReadOnly ? blameWal(path, status.error()) : status.error();
    if (access == Access::ReadOnly) {
        if (auto status = db->checkOwnership(owner); !status)
            return status.error();
    }
    if (access == Access::ReadWrite) {
        if (auto status = db->execScript(QStringLiteral("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                                                        "PRAGMA foreign_keys=ON;"));
            !status)
            return Error { ErrorCode::Internal, QStringLiteral("cannot configure database %1: %2").arg(path, status.error().message) };
        if (auto status = db->migrate(); !status)
            return status.error();
        if (auto status = db->readDirectoryIdentity(); !status)
            return status.error();
    } else {
        (void)db->execScript(QStringLiteral("PRAGMA foreign_keys=ON;"));
    }
    return db;
}

std::unique_ptr<Database> Database::adopt(sqlite3 *handle, const QString &path, Access access)
{
    std::unique_ptr<Database> db(new Database(handle, path, access));
    db->m_ownerThread = QThread::currentThreadId();
    sqlite3_busy_timeout(handle, 5000);
    sqlite3_extended_result_codes(handle, 1);
    return db;
}

Database::~Database()
{
    m_statements.clear(); // finalize before close
    sqlite3_close(m_db);
}

int Database::latestSchemaVersion()
{
    const auto all = migrations();
    return all.empty() ? 0 : all.back().version;
}

// Reads, never writes: a foreign or damaged file must stay exactly as it was.
Status Database::checkIdentity()
{
    auto &probe = statement("SELECT count(*) FROM sqlite_schema");
    auto row = probe.step();
    if (!row) {
        probe.reset();
        // A sound file that cannot be read, or whose -shm and -wal cannot be
        // made beside it (a WAL database needs them even to read), is a
        // matter of permissions, not of what the file holds.
        // (The first statement fails to prepare, reading the schema, so the
        // connection's own last result has the cause.)
        if (row.error().code == ErrorCode::PermissionDenied || lastErrorCode() == ErrorCode::PermissionDenied)
            return Error { ErrorCode::PermissionDenied,
                           QStringLiteral("cannot read %1: permission denied (%2). Cabinet needs to read it and, because it keeps "
                                          "a write-ahead log, to create or write %1-shm and %1-wal in %3: check the permissions "
                                          "of that folder and those files.")
                                   .arg(m_path, row.error().message, QFileInfo(m_path).absolutePath()),
                           m_path };
        return Error { ErrorCode::DataLoss, QStringLiteral("%1 is not a Cabinet database, or it is corrupt (%2); it was left untouched")
                               .arg(m_path, row.error().message) };
    }
    const qint64 objects = probe.int64(0);
    probe.reset();

    auto &ids = statement("SELECT (SELECT application_id FROM pragma_application_id),"
                          " (SELECT user_version FROM pragma_user_version)");
    if (auto r = ids.step(); !r || !*r)
        return Error { ErrorCode::DataLoss, QStringLiteral("cannot read the header of %1: %2").arg(m_path, lastError()) };
    const qint64 applicationId = ids.int64(0);
    m_schemaVersion = int(ids.int64(1));
    ids.reset();

    // Cabinet creates a database under another name and moves it here only
    // once it is migrated (create()), so an existing file without tables was
    // not made by us: starting a ledger in it would hide whatever went wrong.
    if (objects == 0 && applicationId == 0)
        return Error { ErrorCode::DataLoss, QStringLiteral("%1 is an empty SQLite file, not a Cabinet database, and Cabinet does not "
                                                           "start a new one over an existing file; it was left untouched. To start "
                                                           "afresh, move it out of the way (or use another --data-dir).")
                                                            .arg(m_path),
                       m_path };
    if (applicationId != ApplicationId)
        return Error { ErrorCode::DataLoss, QStringLiteral("%1 is not a Cabinet database (it belongs to another program); it was left untouched")
                               .arg(m_path) };
    const int latest = latestSchemaVersion();
    if (m_schemaVersion > latest)
        return Error { ErrorCode::FailedPrecondition, QStringLiteral("%1 was written by a newer Cabinet (schema version %2; this build knows up to %3). "
                                      "Upgrade Cabinet to open it.")
                               .arg(m_path)
                               .arg(m_schemaVersion)
                               .arg(latest) };
    return {};
}

Status Database::migrate()
{
    for (const Migration &migration : migrations()) {
        if (migration.version <= m_schemaVersion)
            continue;
        QFile file(migration.path);
        if (!file.open(QIODevice::ReadOnly))
            return Error { ErrorCode::Internal, QStringLiteral("cannot read migration %1").arg(migration.path) };
        const QString sql = QString::fromUtf8(file.readAll());

        auto tx = begin();
        if (!tx)
            return tx.error();
        Status applied = execScript(sql);
        if (applied)
            applied = execScript(QStringLiteral("PRAGMA application_id=%1; PRAGMA user_version=%2;")
                                         .arg(ApplicationId)
                                         .arg(migration.version));
        if (applied) {
            auto &record = statement("INSERT INTO schema_migrations(version, name, applied_at_ms)"
                                     " VALUES (?1, ?2, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))");
            applied = record.bind(1, migration.version).bind(2, migration.name).exec();
        }
        if (applied)
            applied = tx->commit();
        if (!applied)
            return Error { ErrorCode::Internal, QStringLiteral("migration %1 (%2) failed: %3")
                                   .arg(migration.version)
                                   .arg(migration.name, applied.error().message) };
        qCInfo(lcStore) << "applied migration" << migration.version << migration.name;
        m_schemaVersion = migration.version;
    }
    return {};
}

void Database::checkThread(const char *use) const
{
    CABINET_ASSERT_MSG(QThread::currentThreadId() == m_ownerThread,
                       "%s on %s from thread %p (\"%s\"), but the connection belongs to thread %p, which opened it", use,
                       qPrintable(m_path), QThread::currentThreadId(), qPrintable(QThread::currentThread()->objectName()),
                       m_ownerThread);
}

Statement &Database::statement(std::string_view sql)
{
    checkThread("a statement");
    auto it = m_statements.find(std::string(sql));
    if (it != m_statements.end()) {
        it->second.reset();
        return it->second;
    }
    sqlite3_stmt *stmt = nullptr;
    if (sqlite3_prepare_v3(m_db, sql.data(), int(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr) != SQLITE_OK) {
        // Not cached: the cause (a busy schema lock, an older schema) may pass.
        m_failedStatement = Statement(nullptr, QStringLiteral("cannot prepare \"%1\": %2")
                                                       .arg(QString::fromUtf8(sql.data(), qsizetype(sql.size())), lastError()));
        return m_failedStatement;
    }
    return m_statements.emplace(std::string(sql), Statement(stmt, {}, &m_inTransaction)).first->second;
}

Status Database::execScript(const QString &sql)
{
    checkThread("a script");
    char *message = nullptr;
    if (sqlite3_exec(m_db, sql.toUtf8().constData(), nullptr, nullptr, &message) != SQLITE_OK) {
        Error error { sqliteErrorCode(sqlite3_extended_errcode(m_db)), QString::fromUtf8(message ? message : sqlite3_errmsg(m_db)) };
        sqlite3_free(message);
        return error;
    }
    return {};
}

Result<Transaction> Database::begin()
{
    if (m_access == Access::ReadOnly)
        return Error { ErrorCode::FailedPrecondition, QStringLiteral("the database %1 is open read-only").arg(m_path) };
    checkThread("a transaction");
    CABINET_ASSERT_MSG(!m_inTransaction, "a transaction is already open on %s: transactions do not nest", qPrintable(m_path));
    if (auto status = statement("BEGIN IMMEDIATE").exec(); !status)
        return Error { ErrorCode::Internal, QStringLiteral("cannot start a transaction: ") + status.error().message };
    m_inTransaction = true;
    Transaction tx(this);
    // Every commit writes the identity row's page, so every WAL this
    // database writes holds it: how a WAL is known to be this database's
    // (checkOwnership, docs/data-directory.md).
    if (m_schemaVersion >= IdentitySchemaVersion) {
        if (auto status = statement("UPDATE data_directory SET write_count = write_count + 1 WHERE id = 1").exec(); !status)
            return Error { status.error().code, QStringLiteral("cannot start a transaction on %1: %2").arg(m_path, status.error().message) };
    }
    return Result<Transaction>(std::move(tx));
}

QString Database::lastError() const
{
    return QString::fromUtf8(sqlite3_errmsg(m_db));
}

qint64 Database::changes() const
{
    return sqlite3_changes64(m_db);
}

ErrorCode Database::lastErrorCode() const
{
    return sqliteErrorCode(sqlite3_extended_errcode(m_db));
}

ErrorCode sqliteErrorCode(int resultCode)
{
    switch (resultCode & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return ErrorCode::Unavailable;
    case SQLITE_FULL:
    case SQLITE_NOMEM:
    case SQLITE_TOOBIG:
        return ErrorCode::ResourceExhausted;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_AUTH:
    case SQLITE_CANTOPEN:
        return ErrorCode::PermissionDenied;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return ErrorCode::DataLoss;
    case SQLITE_CONSTRAINT:
        return ErrorCode::Conflict;
    case SQLITE_INTERRUPT:
        return ErrorCode::Cancelled;
    default:
        return ErrorCode::Internal;
    }
}

} // namespace cabinet

#include "store/Database.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QRegularExpression>

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
    Q_ASSERT(m_open);
    if (auto status = m_db->statement("COMMIT").exec(); !status) {
        rollback();
        return Error { ErrorCode::Internal, QStringLiteral("commit failed: ") + status.error().message };
    }
    m_open = false;
    m_db->m_inTransaction = false;
    const auto callbacks = std::move(m_onCommit);
    for (const auto &callback : callbacks)
        callback();
    return {};
}

void Transaction::rollback()
{
    if (!m_open)
        return;
    m_open = false;
    m_onCommit.clear();
    // ROLLBACK fails only when SQLite already rolled back on its own (disk
    // full, I/O error); either way nothing of the transaction remains.
    (void)m_db->statement("ROLLBACK").exec();
    m_db->m_inTransaction = false;
}

Result<std::unique_ptr<Database>> Database::open(const QString &path, Access access)
{
    const QFileInfo info(path);
    if (access == Access::ReadOnly && !info.exists())
        return Error { ErrorCode::NotFound, QStringLiteral("no Cabinet database at %1").arg(path) };
    if (info.exists() && !info.isFile())
        return Error { ErrorCode::InvalidArgument, QStringLiteral("%1 is not a file").arg(path) };

    // The identity of an existing file is checked on a read-only connection:
    // closing a read-write one would checkpoint a foreign WAL or replay a
    // foreign journal into a file that is not ours.
    if (access == Access::ReadWrite && info.exists()) {
        auto probe = open(path, Access::ReadOnly);
        if (!probe)
            return probe.error();
    }
    sqlite3 *handle = nullptr;
    const int flags = access == Access::ReadOnly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    const int rc = sqlite3_open_v2(QFile::encodeName(path).constData(), &handle, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        const QString message = handle ? QString::fromUtf8(sqlite3_errmsg(handle)) : QString::fromUtf8(sqlite3_errstr(rc));
        sqlite3_close(handle);
        return Error { ErrorCode::Unavailable, QStringLiteral("cannot open database %1: %2").arg(path, message) };
    }
    std::unique_ptr<Database> db(new Database(handle, path, access));
    sqlite3_busy_timeout(handle, 5000);
    sqlite3_extended_result_codes(handle, 1);

    if (auto status = db->checkIdentity(); !status)
        return status.error();
    if (access == Access::ReadWrite) {
        if (auto status = db->execScript(QStringLiteral("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
                                                        "PRAGMA foreign_keys=ON;"));
            !status)
            return Error { ErrorCode::Internal, QStringLiteral("cannot configure database %1: %2").arg(path, status.error().message) };
        if (auto status = db->migrate(); !status)
            return status.error();
    } else {
        (void)db->execScript(QStringLiteral("PRAGMA foreign_keys=ON;"));
    }
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

    if (objects == 0 && applicationId == 0)
        return {}; // a new, empty database
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

Statement &Database::statement(std::string_view sql)
{
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
    Q_ASSERT_X(!m_inTransaction, "Database::begin", "transactions do not nest");
    if (m_inTransaction)
        return Error { ErrorCode::Internal, QStringLiteral("a transaction is already open on %1").arg(m_path) };
    if (auto status = statement("BEGIN IMMEDIATE").exec(); !status)
        return Error { ErrorCode::Internal, QStringLiteral("cannot start a transaction: ") + status.error().message };
    m_inTransaction = true;
    return Transaction(this);
}

QString Database::lastError() const
{
    return QString::fromUtf8(sqlite3_errmsg(m_db));
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

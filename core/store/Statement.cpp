#include "store/Statement.h"

#include "store/Database.h"

#include <sqlite3.h>

namespace cabinet {

Statement::Statement(sqlite3_stmt *stmt, QString prepareError, const bool *inTransaction)
    : m_stmt(stmt), m_prepareError(std::move(prepareError)), m_inTransaction(inTransaction)
{
}

Statement::Statement(Statement &&other) noexcept
    : m_stmt(std::exchange(other.m_stmt, nullptr)), m_prepareError(std::move(other.m_prepareError)), m_inTransaction(other.m_inTransaction)
{
}

Statement &Statement::operator=(Statement &&other) noexcept
{
    if (this != &other) {
        sqlite3_finalize(m_stmt);
        m_stmt = std::exchange(other.m_stmt, nullptr);
        m_prepareError = std::move(other.m_prepareError);
        m_inTransaction = other.m_inTransaction;
    }
    return *this;
}

Statement::~Statement()
{
    sqlite3_finalize(m_stmt);
}

Statement &Statement::bind(int index, qint64 value)
{
    sqlite3_bind_int64(m_stmt, index, value);
    return *this;
}

Statement &Statement::bind(int index, double value)
{
    sqlite3_bind_double(m_stmt, index, value);
    return *this;
}

Statement &Statement::bind(int index, const QString &value)
{
    const QByteArray utf8 = value.toUtf8();
    sqlite3_bind_text(m_stmt, index, utf8.constData(), int(utf8.size()), SQLITE_TRANSIENT);
    return *this;
}

Statement &Statement::bindText(int index, std::string_view utf8)
{
    sqlite3_bind_text(m_stmt, index, utf8.data(), int(utf8.size()), SQLITE_TRANSIENT);
    return *this;
}

Statement &Statement::bindBlob(int index, const void *data, int size)
{
    sqlite3_bind_blob(m_stmt, index, data, size, SQLITE_TRANSIENT);
    return *this;
}

Statement &Statement::bindNull(int index)
{
    sqlite3_bind_null(m_stmt, index);
    return *this;
}

QString Statement::lastError() const
{
    return QString::fromUtf8(sqlite3_errmsg(sqlite3_db_handle(m_stmt)));
}

Result<bool> Statement::step()
{
    if (!m_stmt)
        return Error { ErrorCode::Internal, m_prepareError };
    // Some errors make SQLite roll the whole transaction back; every later
    // write would then commit on its own, half a change. Refuse them.
    if (m_inTransaction && *m_inTransaction && !sqlite3_stmt_readonly(m_stmt) && sqlite3_get_autocommit(sqlite3_db_handle(m_stmt)))
        return Error { ErrorCode::Internal, QStringLiteral("the transaction was rolled back by SQLite after an earlier error; nothing more is written") };
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    Error error { sqliteErrorCode(sqlite3_extended_errcode(sqlite3_db_handle(m_stmt))), lastError() };
    sqlite3_reset(m_stmt);
    return error;
}

Status Statement::exec()
{
    for (;;) {
        auto row = step();
        if (!row) {
            reset();
            return row.error();
        }
        if (!*row)
            break;
    }
    reset();
    return {};
}

void Statement::reset()
{
    if (!m_stmt)
        return;
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

qint64 Statement::int64(int column) const
{
    return sqlite3_column_int64(m_stmt, column);
}

double Statement::real(int column) const
{
    return sqlite3_column_double(m_stmt, column);
}

QString Statement::text(int column) const
{
    const auto *data = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column));
    return QString::fromUtf8(data, sqlite3_column_bytes(m_stmt, column));
}

QByteArray Statement::blob(int column) const
{
    const auto *data = static_cast<const char *>(sqlite3_column_blob(m_stmt, column));
    return QByteArray(data, sqlite3_column_bytes(m_stmt, column));
}

const void *Statement::blobData(int column) const
{
    return sqlite3_column_blob(m_stmt, column);
}

int Statement::bytes(int column) const
{
    return sqlite3_column_bytes(m_stmt, column);
}

bool Statement::isNull(int column) const
{
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

} // namespace cabinet

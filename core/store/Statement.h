#pragma once

#include "Result.h"

#include <QByteArray>
#include <QString>

#include <string_view>

struct sqlite3_stmt;

namespace cabinet {

// A prepared statement. Database::statement() hands out cached ones, so a hot
// path prepares its SQL once. Binding indexes are 1-based, columns 0-based, as
// in SQLite. A statement whose SQL failed to prepare reports that error from
// step() and exec() instead of crashing.
class Statement {
public:
    Statement() = default;
    // `inTransaction` is the owning Database's flag: a write that finds SQLite
    // has already rolled that transaction back (disk full, I/O error) is
    // refused instead of committing on its own.
    Statement(sqlite3_stmt *stmt, QString prepareError, const bool *inTransaction = nullptr);
    Statement(Statement &&other) noexcept;
    Statement &operator=(Statement &&other) noexcept;
    Statement(const Statement &) = delete;
    Statement &operator=(const Statement &) = delete;
    ~Statement();

    Statement &bind(int index, qint64 value);
    Statement &bind(int index, int value) { return bind(index, qint64(value)); }
    Statement &bind(int index, double value);
    Statement &bind(int index, const QString &value);
    Statement &bindText(int index, std::string_view utf8);
    Statement &bindBlob(int index, const void *data, int size);
    Statement &bindBlob(int index, const QByteArray &value) { return bindBlob(index, value.constData(), int(value.size())); }
    Statement &bindNull(int index);

    // Advances one row: true when a row is ready, false when done.
    Result<bool> step();
    // Runs to completion and resets, for statements that return no rows.
    Status exec();
    // Makes the statement ready to run again and clears its bindings.
    void reset();

    qint64 int64(int column) const;
    double real(int column) const;
    QString text(int column) const;
    QByteArray blob(int column) const;
    const void *blobData(int column) const;
    int bytes(int column) const;
    bool isNull(int column) const;

    sqlite3_stmt *handle() const { return m_stmt; }

private:
    QString lastError() const;

    sqlite3_stmt *m_stmt = nullptr;
    QString m_prepareError;
    const bool *m_inTransaction = nullptr;
};

} // namespace cabinet

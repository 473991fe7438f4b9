// Database: creating a file, and deciding whether an existing one and the
// WAL beside it belong to the data directory that opens them
// (docs/data-directory.md).
#include "store/Database.h"

#include "store/DurableFile.h"
#include "store/WalFile.h"

#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QUrl>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include <sqlite3.h>

namespace cabinet {

namespace {

bool isDirectoryId(const QString &id)
{
    static const QRegularExpression pattern(QStringLiteral("^[0-9a-f]{32}$"));
    return pattern.match(id).hasMatch();
}

Error foreignWal(const QString &databasePath, const QString &why)
{
    return Error { ErrorCode::DataLoss,
                   QStringLiteral("%1-wal was not written for %1: %2. It comes from another data directory or another database, "
                                  "and replaying it would put that one's pages into this database. Nothing was replayed and "
                                  "nothing was written. Move %1-wal out of the folder to open the database as it was at its last "
                                  "checkpoint (the changes in that WAL are then not applied); if the WAL is the one you want, "
                                  "put back the database it was written for.")
                           .arg(databasePath, why),
                   WalFile::pathFor(databasePath) };
}

// No rename over an existing file: a database that appeared meanwhile is
// judged by open()'s checks, never replaced.
int renameNoReplace(const QByteArray &from, const QByteArray &to)
{
    if (::renameat2(AT_FDCWD, from.constData(), AT_FDCWD, to.constData(), RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS)
        return -1;
    // A file system without RENAME_NOREPLACE: a hard link fails as well when
    // the name is taken.
    if (::link(from.constData(), to.constData()) != 0)
        return -1;
    ::unlink(from.constData());
    return 0;
}

} // namespace

Status Database::create(const QString &path)
{
    // Built under another name and moved into place once migrated, so a
    // cabinet.db that exists is always a whole one: open() can then refuse
    // any empty or table-less file instead of taking it for a new database.
    const QString staging = path + QStringLiteral(".creating");
    for (const char *suffix : { "", "-journal", "-wal", "-shm" })
        QFile::remove(staging + QLatin1String(suffix)); // a creation cut short; only ever ours, by its name

    sqlite3 *handle = nullptr;
    const int rc = sqlite3_open_v2(QFile::encodeName(staging).constData(), &handle,
                                   SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        const QString message = handle ? QString::fromUtf8(sqlite3_errmsg(handle)) : QString::fromUtf8(sqlite3_errstr(rc));
        const ErrorCode code = sqliteErrorCode(handle ? sqlite3_extended_errcode(handle) : rc);
        sqlite3_close(handle);
        return Error { code == ErrorCode::PermissionDenied ? code : ErrorCode::Unavailable,
                       QStringLiteral("cannot create database %1: %2").arg(path, message) };
    }
    {
        std::unique_ptr<Database> db = adopt(handle, staging, Access::ReadWrite);
        // A rollback journal while it is built: the finished file holds
        // everything, with no WAL to carry along when it is moved.
        Status built = db->execScript(QStringLiteral("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"));
        if (built)
            built = db->migrate();
        if (built)
            built = db->execScript(QStringLiteral("PRAGMA journal_mode=WAL;"));
        if (!built) {
            db.reset();
            QFile::remove(staging);
            return Error { built.error().code, QStringLiteral("cannot create database %1: %2").arg(path, built.error().message) };
        }
    } // closed: the last connection folds and removes its (empty) WAL
    for (const char *suffix : { "-wal", "-shm" })
        QFile::remove(staging + QLatin1String(suffix));

    if (renameNoReplace(QFile::encodeName(staging), QFile::encodeName(path)) != 0) {
        const int error = errno;
        QFile::remove(staging);
        if (error == EEXIST)
            return {};
        return Error { error == EACCES || error == EPERM || error == EROFS ? ErrorCode::PermissionDenied : ErrorCode::Internal,
                       QStringLiteral("cannot move the new database into place as %1: %2")
                               .arg(path, QString::fromLocal8Bit(std::strerror(error))) };
    }
    return durable::syncFolderOf(path);
}

Result<std::unique_ptr<Database>> Database::openAlone(const QString &path)
{
    // immutable=1: SQLite reads the main file only, without the WAL, the
    // -shm or any lock. Only for deciding whom to blame, and with no writer:
    // a checkpoint running beside it could show it a torn page.
    const QByteArray uri = QUrl::fromLocalFile(QFileInfo(path).absoluteFilePath()).toEncoded() + "?immutable=1";
    sqlite3 *handle = nullptr;
    const int rc = sqlite3_open_v2(uri.constData(), &handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        const QString message = handle ? QString::fromUtf8(sqlite3_errmsg(handle)) : QString::fromUtf8(sqlite3_errstr(rc));
        sqlite3_close(handle);
        return Error { ErrorCode::Unavailable, QStringLiteral("cannot open database %1: %2").arg(path, message) };
    }
    std::unique_ptr<Database> db = adopt(handle, path, Access::ReadOnly);
    if (auto status = db->checkIdentity(); !status)
        return status.error();
    if (auto status = db->readDirectoryIdentity(); !status)
        return status.error();
    return db;
}

Error Database::blameWal(const QString &path, Error databaseError)
{
    if (databaseError.code == ErrorCode::PermissionDenied)
        return databaseError;
    auto wal = WalFile::read(WalFile::pathFor(path));
    if (!wal)
        return wal.error();
    if (!wal->replays() || !openAlone(path))
        return databaseError;
    return foreignWal(path, QStringLiteral("the database alone is sound, but with it replayed it reads as this: ") + databaseError.message);
}

Status Database::readDirectoryIdentity()
{
    m_identity.clear();
    if (m_schemaVersion < IdentitySchemaVersion)
        return {};
    auto &select = statement("SELECT directory_id FROM data_directory WHERE id = 1");
    auto row = select.step();
    const bool found = row && *row;
    const QString id = found ? select.text(0) : QString();
    select.reset();
    if (!found || !isDirectoryId(id))
        return Error { ErrorCode::DataLoss, QStringLiteral("%1 is at schema version %2 but holds no readable data-directory identity (%3); "
                                                           "it was left untouched")
                                                    .arg(m_path)
                                                    .arg(m_schemaVersion)
                                                    .arg(!row ? row.error().message : found ? QStringLiteral("malformed id") : QStringLiteral("no row")) };
    m_identity = id;
    return {};
}

// On the read-only probe, which sees the database as it is with the WAL
// replayed, while nothing is written.
Status Database::checkOwnership(const Owner &owner)
{
    auto wal = WalFile::read(WalFile::pathFor(m_path));
    if (!wal)
        return wal.error();
    if (auto status = readDirectoryIdentity(); !status)
        return blameWal(m_path, status.error());

    // Every write transaction of this database writes the identity row's
    // page (Database::begin), so every commit in a WAL of its own does. A
    // WAL that does not write that page was written for another database,
    // whichever pages it holds: an identity check alone would pass one that
    // touches only audit or ledger pages.
    if (wal->replays() && m_schemaVersion >= IdentitySchemaVersion) {
        auto &root = statement("SELECT rootpage FROM sqlite_schema WHERE type = 'table' AND name = 'data_directory'");
        auto row = root.step();
        const qint64 identityPage = row && *row ? root.int64(0) : 0;
        root.reset();
        auto &size = statement("PRAGMA page_size");
        auto sized = size.step();
        const qint64 pageSize = sized && *sized ? size.int64(0) : 0;
        size.reset();
        if (wal->pageSize != pageSize)
            return foreignWal(m_path, QStringLiteral("its pages are %1 bytes, the database's %2").arg(wal->pageSize).arg(pageSize));
        if (identityPage <= 0 || !wal->pages.contains(quint32(identityPage)))
            return foreignWal(m_path, QStringLiteral("none of its commits writes the database's identity page, as every commit "
                                                     "Cabinet makes does"));
    }

    if (!owner.directoryId.isEmpty()) {
        if (m_identity == owner.directoryId)
            return {};
        // Whose fault: the file itself, or the WAL replayed onto it.
        if (wal->replays()) {
            auto alone = openAlone(m_path);
            if (alone && (*alone)->identity() == owner.directoryId)
                return foreignWal(m_path, m_identity.isEmpty()
                                          ? QStringLiteral("replayed, it turns the database into one without a data-directory identity")
                                          : QStringLiteral("it belongs to data directory %1, but %2 says this folder is %3")
                                                    .arg(m_identity, owner.identityFile, owner.directoryId));
        }
        if (m_identity.isEmpty())
            return Error { ErrorCode::DataLoss,
                           QStringLiteral("%1 has no data-directory identity, but %2 says this folder is data directory %3: the "
                                          "database was copied in from elsewhere, or restored from a backup made before Cabinet kept "
                                          "identities. Nothing was written. Put back this folder's own database; to adopt this one "
                                          "instead, move %2 and the audit-signing.key and audit-checkpoints.jsonl beside it out "
                                          "of the folder.")
                                   .arg(m_path, owner.identityFile, owner.directoryId),
                           m_path };
        return Error { ErrorCode::DataLoss,
                       QStringLiteral("%1 belongs to data directory %4, but %2 says this folder is data directory %3: the database "
                                      "was copied from another data directory. Nothing was written. Put back this folder's own "
                                      "cabinet.db, or open the folder it came from with --data-dir.")
                               .arg(m_path, owner.identityFile, owner.directoryId, m_identity),
                       m_path };
    }

    // No identity file to compare with: the database file's own identity is
    // all there is (a folder from before identities, or Database used alone).
    if (wal->replays()) {
        auto alone = openAlone(m_path);
        if (!alone)
            return alone.error();
        const QString &own = (*alone)->identity();
        if (!own.isEmpty() && own != m_identity)
            return foreignWal(m_path, m_identity.isEmpty() ? QStringLiteral("replayed, it removes the database's identity (%1)").arg(own)
                                                           : QStringLiteral("it belongs to data directory %1, the database to %2").arg(m_identity, own));
    }
    return {};
}

} // namespace cabinet

#include "store/DirectoryIdentity.h"

#include "store/DataDirectory.h"
#include "store/DurableFile.h"

#include <QFileInfo>
#include <QRegularExpression>
#include <QStringList>

namespace cabinet {

namespace {

// What to move aside to start afresh in `dir`: the files that tie a folder
// to the database it had.
QString startAfresh(const QString &dir)
{
    QStringList present;
    for (const QString &path : { DataDirectory::databasePath(dir), DirectoryIdentity::filePath(dir), DirectoryIdentity::signingKeyPath(dir),
                                 DirectoryIdentity::checkpointLogPath(dir) }) {
        if (QFileInfo::exists(path))
            present.append(QFileInfo(path).fileName());
    }
    return QStringLiteral("to start afresh, use another --data-dir, or move %1 out of %2 (keep them if the audit trail may be "
                          "asked for)")
            .arg(present.join(QStringLiteral(", ")), dir);
}

} // namespace

QString DirectoryIdentity::filePath(const QString &dir)
{
    return dir + QStringLiteral("/cabinet.id");
}

QString DirectoryIdentity::signingKeyPath(const QString &dir)
{
    return dir + QStringLiteral("/audit-signing.key");
}

QString DirectoryIdentity::checkpointLogPath(const QString &dir)
{
    return dir + QStringLiteral("/audit-checkpoints.jsonl");
}

Result<std::optional<QString>> DirectoryIdentity::read(const QString &dir)
{
    const QString path = filePath(dir);
    if (!QFileInfo::exists(path))
        return std::optional<QString>();
    auto bytes = durable::read(path, FileBytesMax);
    if (!bytes)
        return bytes.error();
    static const QRegularExpression pattern(QStringLiteral("^[0-9a-f]{32}$"));
    const QString id = QString::fromLatin1(bytes->trimmed());
    if (!pattern.match(id).hasMatch())
        return Error { ErrorCode::DataLoss, QStringLiteral("%1 does not hold a data-directory id (one line of 32 hex digits); it was left "
                                                           "untouched")
                                                    .arg(path),
                       path };
    return std::optional<QString>(id);
}

Result<std::unique_ptr<Database>> DirectoryIdentity::openDatabase(const QString &dir, Database::Access access)
{
    const QString databasePath = DataDirectory::databasePath(dir);
    const QString identityPath = filePath(dir);
    auto recorded = read(dir);
    if (!recorded)
        return recorded.error();

    const QFileInfo database(databasePath);
    if (database.isFile() && database.size() == 0)
        return Error { ErrorCode::DataLoss, QStringLiteral("%1 is empty (0 bytes): it holds no Cabinet database, and Cabinet does not start "
                                                           "a new one over an existing file. Nothing was changed. If it should hold your "
                                                           "data, restore it from a backup; %2.")
                                                    .arg(databasePath, startAfresh(dir)),
                       databasePath };
    if (!database.exists() && *recorded)
        return Error { ErrorCode::DataLoss, QStringLiteral("%1 is missing, but %2 says this folder is data directory %3: its database was "
                                                           "moved or deleted. Nothing was created. Restore cabinet.db from a backup of "
                                                           "this folder; %4.")
                                                    .arg(databasePath, identityPath, **recorded, startAfresh(dir)),
                       databasePath };

    auto opened = Database::open(databasePath, access, { recorded->value_or(QString()), identityPath });
    if (!opened)
        return opened;
    const QString &id = (*opened)->identity();
    if (!*recorded && !id.isEmpty() && access == Database::Access::ReadWrite) {
        // A folder from before identities (just upgraded), or one whose
        // database was made but whose cabinet.id was not yet written. With
        // a signing key or checkpoints here it is neither: cabinet.id went
        // missing, and taking the database's word for it would let any
        // database copied in become this folder's.
        for (const QString &path : { signingKeyPath(dir), checkpointLogPath(dir) }) {
            if (QFileInfo::exists(path))
                return Error { ErrorCode::DataLoss,
                               QStringLiteral("%1 is missing, though %2 shows this folder had an identity. Nothing was written. "
                                              "Restore %1 from a backup; if %3 is this folder's own database, its id is %4: write "
                                              "that line into %1.")
                                       .arg(identityPath, path, databasePath, id),
                               identityPath };
        }
        if (auto written = durable::createFile(identityPath, id.toLatin1() + '\n', 0644); !written)
            return written.error();
    }
    return opened;
}

} // namespace cabinet

#include "store/DataDirectory.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace cabinet {

QString DataDirectory::defaultPath()
{
    // GenericDataLocation is $XDG_DATA_HOME (~/.local/share) on Linux.
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) + QStringLiteral("/cabinet");
}

QString DataDirectory::resolve(const QString &commandLinePath)
{
    if (!commandLinePath.isEmpty())
        return QDir::cleanPath(QFileInfo(commandLinePath).absoluteFilePath());
    const QString fromEnv = qEnvironmentVariable("CABINET_DATA_DIR");
    if (!fromEnv.isEmpty())
        return QDir::cleanPath(QFileInfo(fromEnv).absoluteFilePath());
    return defaultPath();
}

QString DataDirectory::databasePath(const QString &dir)
{
    return dir + QStringLiteral("/cabinet.db");
}

QString DataDirectory::configPath(const QString &dir)
{
    return dir + QStringLiteral("/config.yaml");
}

Result<std::unique_ptr<DataDirectory>> DataDirectory::acquire(const QString &path)
{
    if (QFileInfo(path).exists() && !QFileInfo(path).isDir())
        return Error { ErrorCode::InvalidArgument, QStringLiteral("data directory %1 is not a folder").arg(path) };
    if (!QDir().mkpath(path))
        return Error { ErrorCode::PermissionDenied, QStringLiteral("cannot create data directory %1").arg(path) };

    auto lock = std::make_unique<QLockFile>(path + QStringLiteral("/cabinet.lock"));
    // Only a live owner keeps the lock: QLockFile removes the file of a dead
    // process (same host), so age must not matter.
    lock->setStaleLockTime(0);
    if (!lock->tryLock(0)) {
        if (lock->error() == QLockFile::LockFailedError) {
            qint64 pid = 0;
            QString host, app;
            lock->getLockInfo(&pid, &host, &app);
            return Error { ErrorCode::Unavailable, QStringLiteral("data directory %1 is in use by another Cabinet process (pid %2 on %3); "
                                          "stop it, or pass another --data-dir")
                                   .arg(path)
                                   .arg(pid)
                                   .arg(host.isEmpty() ? QStringLiteral("this host") : host) };
        }
        return Error { ErrorCode::PermissionDenied, QStringLiteral("cannot lock data directory %1 (permission denied?)").arg(path) };
    }
    return std::unique_ptr<DataDirectory>(new DataDirectory(path, std::move(lock)));
}

Result<QString> DataDirectory::existing(const QString &path)
{
    if (!QFileInfo(path).isDir())
        return Error { ErrorCode::NotFound, QStringLiteral("no data directory at %1 (pass --data-dir)").arg(path) };
    return path;
}

} // namespace cabinet

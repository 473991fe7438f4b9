#include "store/DataDirectory.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>
#include <QSysInfo>
#include <QThread>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

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

QString DataDirectory::lockPath(const QString &dir)
{
    return dir + QStringLiteral("/cabinet.lock");
}

namespace {

// How long a refused process waits for the owner's pid to appear. The owner
// writes it just after taking the lock, so a refusal in between reads an
// empty file, or the pid of an owner before it; this is that moment, never
// a wait for the lock itself.
constexpr int OwnerNamedWithinMs = 500;

struct Owner {
    qint64 pid = 0;
    QString host;
};

// The lock file's text, as QLockFile writes it: pid, application, host, a
// line each (so an older Cabinet, which used QLockFile, and a person read it
// alike). Anything else reads as pid 0.
Owner readOwner(int fd)
{
    char buffer[512];
    const ssize_t size = ::pread(fd, buffer, sizeof buffer, 0);
    Owner owner;
    if (size <= 0)
        return owner;
    const QList<QByteArray> lines = QByteArray(buffer, size).split('\n');
    bool ok = false;
    const qint64 pid = lines.value(0).toLongLong(&ok);
    if (ok && pid > 0)
        owner.pid = pid;
    owner.host = QString::fromUtf8(lines.value(2));
    return owner;
}

bool named(const Owner &owner)
{
    if (owner.pid <= 0)
        return false;
    // A pid on another host cannot be checked from here; one on this host
    // must be alive (EPERM: alive, someone else's).
    if (!owner.host.isEmpty() && owner.host != QSysInfo::machineHostName())
        return true;
    return ::kill(pid_t(owner.pid), 0) == 0 || errno == EPERM;
}

// true: locked; false with errno EWOULDBLOCK: another process holds it.
bool tryLock(int fd)
{
    int result = 0;
    do {
        result = ::flock(fd, LOCK_EX | LOCK_NB);
    } while (result != 0 && errno == EINTR);
    return result == 0;
}

} // namespace

Result<std::unique_ptr<DataDirectory>> DataDirectory::acquire(const QString &path)
{
    if (QFileInfo(path).exists() && !QFileInfo(path).isDir())
        return Error { ErrorCode::InvalidArgument, QStringLiteral("data directory %1 is not a folder").arg(path) };
    if (!QDir().mkpath(path))
        return Error { ErrorCode::PermissionDenied, QStringLiteral("cannot create data directory %1").arg(path) };

    const QString file = lockPath(path);
    const int fd = ::open(QFile::encodeName(file).constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        const int error = errno;
        return Error { error == EACCES || error == EPERM || error == EROFS ? ErrorCode::PermissionDenied : ErrorCode::Internal,
                       QStringLiteral("cannot open the lock file %1: %2").arg(file, QString::fromLocal8Bit(::strerror(error))) };
    }

    bool locked = tryLock(fd);
    if (!locked && errno == EWOULDBLOCK) {
        const QDeadlineTimer deadline(OwnerNamedWithinMs);
        Owner owner = readOwner(fd);
        while (!named(owner) && !deadline.hasExpired()) {
            QThread::msleep(5);
            // The owner may have ended meanwhile (the file still naming it).
            if ((locked = tryLock(fd)))
                break;
            owner = readOwner(fd);
        }
        if (!locked) {
            ::close(fd);
            const QString who = owner.pid > 0 ? QStringLiteral("pid %1 on %2")
                                                        .arg(owner.pid)
                                                        .arg(owner.host.isEmpty() ? QStringLiteral("this host") : owner.host)
                                              : QStringLiteral("its pid not written yet");
            return Error { ErrorCode::Unavailable, QStringLiteral("data directory %1 is in use by another Cabinet process (%2); "
                                                                  "stop it, or pass another --data-dir")
                                                           .arg(path, who) };
        }
    }
    if (!locked) {
        const int error = errno;
        ::close(fd);
        return Error { ErrorCode::FailedPrecondition, QStringLiteral("cannot lock data directory %1: %2 (does its file system support locks?)")
                                                              .arg(path, QString::fromLocal8Bit(::strerror(error))) };
    }

    // Ours now: name ourselves. Whatever was there (nothing, garbage, a dead
    // owner's pid) is replaced. A failed write leaves the lock held; only the
    // name in another process's refusal is missing.
    const QString application = QCoreApplication::applicationName().isEmpty() ? QStringLiteral("cabinet") : QCoreApplication::applicationName();
    const QByteArray text = QByteArray::number(QCoreApplication::applicationPid()) + '\n' + application.toUtf8() + '\n'
            + QSysInfo::machineHostName().toUtf8() + '\n';
    if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, text.constData(), size_t(text.size()), 0) != text.size())
        qWarning("cannot write the owner into %s: %s", qPrintable(file), ::strerror(errno));
    return std::unique_ptr<DataDirectory>(new DataDirectory(path, fd));
}

DataDirectory::~DataDirectory()
{
    // Empty while nobody owns it; the lock goes with the close. Not removed
    // (see the header).
    (void)::ftruncate(m_lockFd, 0);
    ::close(m_lockFd);
}

Result<QString> DataDirectory::existing(const QString &path)
{
    if (!QFileInfo(path).isDir())
        return Error { ErrorCode::NotFound, QStringLiteral("no data directory at %1 (pass --data-dir)").arg(path) };
    return path;
}

} // namespace cabinet

#include "store/DurableFile.h"

#include <QFile>
#include <QFileInfo>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace cabinet::durable {

namespace {

ErrorCode codeOf(int error)
{
    switch (error) {
    case EACCES:
    case EPERM:
    case EROFS:
        return ErrorCode::PermissionDenied;
    case EEXIST:
        return ErrorCode::AlreadyExists;
    case ENOSPC:
    case EDQUOT:
        return ErrorCode::ResourceExhausted;
    default:
        return ErrorCode::Internal;
    }
}

Error failure(const char *what, const QString &path, int error)
{
    return Error { codeOf(error), QStringLiteral("cannot %1 %2: %3").arg(QLatin1String(what), path, QString::fromLocal8Bit(std::strerror(error))) };
}

Status writeAll(int fd, const QByteArray &bytes, const QString &path)
{
    qsizetype done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.constData() + done, size_t(bytes.size() - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return failure("write", path, errno);
        done += n;
    }
    if (::fsync(fd) != 0)
        return failure("flush", path, errno);
    return {};
}

} // namespace

// A new name in a folder is durable only once the folder itself is flushed.
Status syncFolderOf(const QString &path)
{
    const QByteArray folder = QFile::encodeName(QFileInfo(path).absolutePath());
    const int fd = ::open(folder.constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return failure("open the folder of", path, errno);
    const int rc = ::fsync(fd);
    const int error = errno;
    ::close(fd);
    if (rc != 0)
        return failure("flush the folder of", path, error);
    return {};
}

Status createFile(const QString &path, const QByteArray &contents, int mode)
{
    const QByteArray name = QFile::encodeName(path);
    const int fd = ::open(name.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(mode));
    if (fd < 0)
        return failure("create", path, errno);
    // The mode given to open() is narrowed by the umask; a secret's must not
    // be widened by it either, so set it exactly.
    Status status = ::fchmod(fd, mode_t(mode)) == 0 ? Status() : Status(failure("set the permissions of", path, errno));
    if (status)
        status = writeAll(fd, contents, path);
    ::close(fd);
    if (!status) {
        ::unlink(name.constData()); // a half-written key or identity must not stay behind
        return status;
    }
    return syncFolderOf(path);
}

Status append(const QString &path, const QByteArray &bytes, int mode)
{
    const QByteArray name = QFile::encodeName(path);
    const bool existed = QFileInfo::exists(path);
    const int fd = ::open(name.constData(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, mode_t(mode));
    if (fd < 0)
        return failure("open", path, errno);
    const Status status = writeAll(fd, bytes, path);
    ::close(fd);
    if (!status)
        return status;
    return existed ? Status() : syncFolderOf(path);
}

Result<QByteArray> read(const QString &path, qint64 maxBytes)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error { file.error() == QFileDevice::OpenError && !QFileInfo::exists(path) ? ErrorCode::NotFound : ErrorCode::PermissionDenied,
                       QStringLiteral("cannot read %1: %2").arg(path, file.errorString()) };
    if (file.size() > maxBytes)
        return Error { ErrorCode::DataLoss, QStringLiteral("%1 is %2 bytes, more than the %3 it can hold; it was left untouched")
                                                    .arg(path)
                                                    .arg(file.size())
                                                    .arg(maxBytes) };
    const QByteArray bytes = file.read(maxBytes + 1);
    if (file.error() != QFileDevice::NoError)
        return Error { ErrorCode::PermissionDenied, QStringLiteral("cannot read %1: %2").arg(path, file.errorString()) };
    return bytes;
}

} // namespace cabinet::durable

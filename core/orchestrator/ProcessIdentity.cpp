#include "orchestrator/ProcessIdentity.h"

#include <QCoreApplication>
#include <QFile>
#include <QStringList>

#include <unistd.h>

namespace cabinet::orchestrator::ProcessIdentity {

namespace {

QString bootId()
{
    QFile file(QStringLiteral("/proc/sys/kernel/random/boot_id"));
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("unknown-boot");
    return QString::fromLatin1(file.readAll().trimmed());
}

// Field 22 of /proc/<pid>/stat: when the process started, in clock ticks
// since boot. The command name (field 2) may hold spaces and parentheses,
// so the fields are counted from the last ')'.
QString startTicks(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray stat = file.readAll();
    const qsizetype end = stat.lastIndexOf(')');
    if (end < 0)
        return {};
    const QList<QByteArray> fields = stat.mid(end + 2).split(' ');
    // fields[0] is field 3 (state); field 22 is fields[19].
    if (fields.size() < 20)
        return {};
    return QString::fromLatin1(fields[19]);
}

} // namespace

QString current()
{
    static const QString identity = [] {
        const qint64 pid = qint64(::getpid());
        return QStringLiteral("%1/%2/%3").arg(bootId()).arg(pid).arg(startTicks(pid));
    }();
    return identity;
}

qint64 pidOf(const QString &identity)
{
    const QStringList parts = identity.split(u'/');
    if (parts.size() != 3)
        return 0;
    bool ok = false;
    const qint64 pid = parts[1].toLongLong(&ok);
    return ok && pid > 0 ? pid : 0;
}

bool alive(const QString &identity)
{
    const QStringList parts = identity.split(u'/');
    const qint64 pid = pidOf(identity);
    if (pid == 0 || parts[0] != bootId())
        return false;
    const QString ticks = startTicks(pid);
    return !ticks.isEmpty() && ticks == parts[2];
}

} // namespace cabinet::orchestrator::ProcessIdentity

#pragma once

// Takes write access away from the test, so permission errors can be
// tested. Root ignores file modes, and tests often run as root (containers,
// CI): there the test acts as the user nobody (seteuid, undone at the end of
// the scope); anyone else simply loses the write bit.
#include <QFile>
#include <QString>

#include <sys/stat.h>
#include <unistd.h>

namespace cabinet::test {

constexpr uid_t NobodyUid = 65534;

// Acts as nobody for as long as it lives, when the process is root.
class ActAsNobody {
public:
    ActAsNobody()
    {
        if (::geteuid() == 0)
            m_switched = ::seteuid(NobodyUid) == 0;
    }
    ~ActAsNobody()
    {
        if (m_switched)
            (void)!::seteuid(0);
    }
    ActAsNobody(const ActAsNobody &) = delete;
    ActAsNobody &operator=(const ActAsNobody &) = delete;
    // Whether the process now lacks write access it had: as nobody, or as a
    // user whose write bits were removed.
    bool switched() const { return m_switched; }

private:
    bool m_switched = false;
};

inline bool runningAsRoot()
{
    return ::geteuid() == 0;
}

// `folder` readable by everyone and writable by nobody but root; with
// ActAsNobody (as root) or alone (as anyone else) the test cannot write in it.
inline bool makeFolderReadOnly(const QString &folder)
{
    return ::chmod(QFile::encodeName(folder).constData(), runningAsRoot() ? 0755 : 0555) == 0;
}

// `file` readable by everyone; `folder` (its folder) writable by whoever
// the test runs as while it cannot write `file`.
inline bool makeFileReadOnly(const QString &file, const QString &folder)
{
    if (runningAsRoot())
        return ::chmod(QFile::encodeName(folder).constData(), 0755) == 0
                && ::chown(QFile::encodeName(folder).constData(), NobodyUid, gid_t(-1)) == 0
                && ::chmod(QFile::encodeName(file).constData(), 0644) == 0;
    return ::chmod(QFile::encodeName(file).constData(), 0444) == 0;
}

} // namespace cabinet::test

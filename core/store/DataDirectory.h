#pragma once

#include "Result.h"

#include <QString>

#include <memory>

namespace cabinet {

// The folder that holds one Cabinet: its database and configuration. One
// process owns it at a time; read-only commands open the database without
// owning it.
//
// Ownership is a kernel lock (flock) on `cabinet.lock`, held as long as the
// file stays open: the kernel drops it when the process ends, however it
// ends (SIGKILL included), so no file left behind can lock anyone out. The
// file's text (pid, application, host) only names the owner in the refusal;
// empty, garbled or naming a dead process, it is simply taken over. The file
// is never removed: a process that opened it just before a removal would
// lock a file nobody else can see and a second owner could start beside it.
class DataDirectory {
public:
    // --data-dir when given, else $CABINET_DATA_DIR, else the XDG data location.
    static QString resolve(const QString &commandLinePath);
    static QString defaultPath();

    // Creates the folder when needed and takes the lock. While another live
    // process owns it: ErrorCode::Unavailable, naming that process's pid.
    static Result<std::unique_ptr<DataDirectory>> acquire(const QString &path);
    // Checks the folder exists, without locking.
    static Result<QString> existing(const QString &path);

    const QString &path() const { return m_path; }
    QString databasePath() const { return databasePath(m_path); }
    static QString databasePath(const QString &dir);
    static QString configPath(const QString &dir);
    static QString lockPath(const QString &dir);

    ~DataDirectory();
    DataDirectory(const DataDirectory &) = delete;
    DataDirectory &operator=(const DataDirectory &) = delete;

private:
    DataDirectory(QString path, int lockFd) : m_path(std::move(path)), m_lockFd(lockFd) { }

    QString m_path;
    int m_lockFd; // open for as long as this object lives: closing it releases the lock
};

} // namespace cabinet

#pragma once

#include "Result.h"

#include <QLockFile>
#include <QString>

#include <memory>

namespace cabinet {

// The folder that holds one Cabinet: its database and configuration. One
// process owns it at a time through a lock file; read-only commands open the
// database without the lock.
class DataDirectory {
public:
    // --data-dir when given, else $CABINET_DATA_DIR, else the XDG data location.
    static QString resolve(const QString &commandLinePath);
    static QString defaultPath();

    // Creates the folder when needed and takes the lock.
    static Result<std::unique_ptr<DataDirectory>> acquire(const QString &path);
    // Checks the folder exists, without locking.
    static Result<QString> existing(const QString &path);

    const QString &path() const { return m_path; }
    QString databasePath() const { return databasePath(m_path); }
    static QString databasePath(const QString &dir);
    static QString configPath(const QString &dir);

private:
    DataDirectory(QString path, std::unique_ptr<QLockFile> lock) : m_path(std::move(path)), m_lock(std::move(lock)) { }

    QString m_path;
    std::unique_ptr<QLockFile> m_lock;
};

} // namespace cabinet

#pragma once

#include "Result.h"
#include "store/Database.h"

#include <QString>

#include <memory>
#include <optional>

namespace cabinet {

// The identity of a data directory: a random id made with its database,
// kept in the database (the data_directory table) and in cabinet.id beside
// it, so a database or a WAL from another data directory is never taken for
// this one's. The audit trail's signing key and signed checkpoints live
// beside them (core/audit/AuditCheckpoints.h). docs/data-directory.md has
// the whole picture.
class DirectoryIdentity {
public:
    // cabinet.id holds one line; anything larger is not one.
    static constexpr qint64 FileBytesMax = 4096;

    static QString filePath(const QString &dir);          // <dir>/cabinet.id
    static QString signingKeyPath(const QString &dir);    // <dir>/audit-signing.key
    static QString checkpointLogPath(const QString &dir); // <dir>/audit-checkpoints.jsonl

    // The id recorded in <dir>/cabinet.id, nothing when there is no such file.
    static Result<std::optional<QString>> read(const QString &dir);

    // Opens the database of `dir`, checked against the folder's identity:
    // refused, and nothing written, when it or the WAL beside it belongs to
    // another data directory, when it is empty, or when it is missing while
    // the folder has an identity (it was moved or deleted). A folder made
    // before identities gets its cabinet.id on its first read-write open.
    static Result<std::unique_ptr<Database>> openDatabase(const QString &dir, Database::Access access);
};

} // namespace cabinet

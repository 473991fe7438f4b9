#pragma once

#include "Result.h"

#include <QByteArray>
#include <QString>

namespace cabinet {

// Small files beside the database that must survive a power cut as written:
// the data directory's identity, the audit signing key and the signed
// checkpoints (docs/data-directory.md). Each write is flushed with fsync, and
// so is the folder when a file appears in it.
namespace durable {

// Creates `path` with `contents` and the POSIX `mode` (0600 for a secret). It
// fails (already_exists) rather than replace a file that is there: what
// these files hold must not be overwritten by accident.
Status createFile(const QString &path, const QByteArray &contents, int mode);
// Appends `bytes` in one write (O_APPEND), creating the file with `mode` when
// it is missing.
Status append(const QString &path, const QByteArray &bytes, int mode);
// Flushes the folder `path` is in, so a name just made or moved there stays.
Status syncFolderOf(const QString &path);
// Reads the whole file, refusing one larger than `maxBytes` before reading.
Result<QByteArray> read(const QString &path, qint64 maxBytes);

} // namespace durable
} // namespace cabinet

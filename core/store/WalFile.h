#pragma once

#include "Result.h"

#include <QSet>
#include <QString>

namespace cabinet {

// What SQLite would replay from a write-ahead log, read without SQLite: the
// pages of every frame up to the last commit frame that is valid (salts equal
// to the header's, the running checksum sound), by the rules of the WAL
// format (https://www.sqlite.org/fileformat2.html#walformat). SQLite itself
// never asks whether a WAL belongs to the database beside it; the store
// does, from this summary, before it lets a connection replay one
// (docs/data-directory.md).
struct WalSummary {
    bool exists = false;
    quint32 pageSize = 0;      // from the header; 0 when there is no valid header
    qint64 committedFrames = 0; // frames SQLite would replay
    QSet<quint32> pages;       // page numbers those frames write
    bool replays() const { return committedFrames > 0; }
};

class WalFile {
public:
    // A WAL this large is refused rather than read: with the default
    // autocheckpoint a Cabinet WAL stays near 4 MiB, and only a reader that
    // blocks checkpoints for a long time grows one far beyond it.
    static constexpr qint64 BytesMax = qint64(4) << 30;

    // The -wal file beside `databasePath`.
    static QString pathFor(const QString &databasePath) { return databasePath + QStringLiteral("-wal"); }
    // Reads `walPath`. A missing file is a summary with exists = false; one
    // that cannot be read is an error (permission_denied), so the caller
    // refuses instead of guessing.
    static Result<WalSummary> read(const QString &walPath);
};

} // namespace cabinet

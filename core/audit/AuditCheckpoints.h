#pragma once

#include "Result.h"

#include <QByteArray>
#include <QString>

#include <memory>
#include <optional>

namespace cabinet {

// The audit trail's head (an entry's seq and hash) at one moment, signed
// with the data directory's Ed25519 key. A hash chain proves only that it is
// consistent in itself; a signed head kept outside the database (and, by an
// outside witness, outside the machine) proves which chain it was, so a trail
// swapped for another valid one, cut below a checkpoint or rewritten from
// its first entry no longer verifies (docs/data-directory.md).
struct SignedCheckpoint {
    QString directoryId;  // the data directory's id (cabinet.id)
    qint64 seq = 0;       // the entry signed
    QByteArray hash;      // its hash, 32 bytes
    qint64 timeMs = 0;    // when it was signed, on the core's clock
    QByteArray publicKey; // 32 bytes
    QByteArray signature; // 64 bytes, over signedMessage()

    // What the signature covers: a fixed tag, then the fields in order, a
    // line each, so no other message reads alike.
    QByteArray signedMessage() const;
    // One JSON object without a line break: a line of the checkpoint log and
    // what `cabinet audit checkpoint --export` prints.
    QByteArray toJson() const;
    static Result<SignedCheckpoint> fromJson(const QByteArray &line);
};

// A data directory's signing key (audit-signing.key, owner-only) and its
// checkpoint log (audit-checkpoints.jsonl, one signed checkpoint a line,
// append-only).
class AuditCheckpoints {
public:
    // A line of the log is about 330 bytes; a longer one is not ours.
    static constexpr qint64 LineBytesMax = 1024;
    // audit-signing.key: "ed25519-seed <64 hex digits>\n".
    static constexpr qint64 KeyFileBytesMax = 256;

    enum class Mode {
        Sign,   // creates the key when the folder has none yet
        Verify, // reads only; no key needed unless there are checkpoints to check
    };
    static Result<std::unique_ptr<AuditCheckpoints>> open(const QString &dataDir, const QString &directoryId, Mode mode);

    // The newest checkpoint in the log, checked: well formed, of this data
    // directory, signed with its key. Nothing when the log holds none. A
    // damaged or forged newest line is an error (data_loss), as is a log
    // whose key is missing (failed_precondition).
    Result<std::optional<SignedCheckpoint>> newest() const;
    // Signs seq/hash and appends it to the log (fsync'd before it returns).
    Result<SignedCheckpoint> sign(qint64 seq, const QByteArray &hash, qint64 timeMs);

    const QString &directoryId() const { return m_directoryId; }
    const QString &logPath() const { return m_logPath; }
    const QString &keyPath() const { return m_keyPath; }
    QByteArray publicKey() const { return m_publicKey; }
    bool canSign() const { return m_secretKey.size() > 0; }

private:
    AuditCheckpoints() = default;
    Status loadKey(bool checkPermissions);
    Status createKey();

    QString m_directoryId;
    QString m_logPath;
    QString m_keyPath;
    QByteArray m_publicKey;
    QByteArray m_secretKey; // libsodium's 64-byte form; empty in Verify mode
};

} // namespace cabinet

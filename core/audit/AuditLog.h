#pragma once

#include "Clock.h"
#include "Result.h"
#include "audit/AuditEntry.h"

#include <QList>
#include <QObject>

#include <functional>

namespace cabinet {

class AuditCheckpointer;
class Database;
class EventBus;
class Transaction;

// The append-only, hash-chained audit trail. Each entry holds the hash of the
// one before; triggers refuse UPDATE and DELETE; verify() recomputes the chain
// and names the first broken entry. Every append also emits audit.appended
// in the same transaction.
class AuditLog : public QObject {
    Q_OBJECT
public:
    AuditLog(Database &db, EventBus &events, const Clock &clock, QObject *parent = nullptr);

    // Appends inside the caller's transaction, beside the change it records.
    Result<AuditEntry> append(Transaction &tx, const QString &actor, const QString &action, const QString &subject,
                              const QJsonObject &payload = {});
    // Appends in a transaction of its own.
    Result<AuditEntry> record(const QString &actor, const QString &action, const QString &subject,
                              const QJsonObject &payload = {});

    // An entry a verification found sound, to go on from; seq 0 is the
    // start of the trail.
    struct Checkpoint {
        qint64 seq = 0;
        QByteArray hash;
    };
    struct Verification {
        bool intact = true;
        qint64 entries = 0;
        qint64 firstBrokenSeq = 0; // 0 when intact
        QString reason;
        Checkpoint last; // the newest entry, when intact
        // The newest signed checkpoint verify() checked the trail against
        // (docs/data-directory.md); signedSeq 0 when there was none.
        qint64 signedSeq = 0;
        qint64 signedTimeMs = 0;
        bool signedHeld = true; // false: that entry is missing or is not the one signed
    };
    // Walks the whole trail, then checks it holds the newest signed
    // checkpoint's entry with the hash that was signed: a chain that is sound
    // in itself but was swapped for another, cut below the checkpoint or
    // rewritten from its start is reported broken, naming the checkpoint. A
    // checkpoint log that is damaged or forged is an error (data_loss).
    Result<Verification> verify() const;
    // Walks only what was appended after `from`: checks that entry is still
    // there with the hash it had, then every entry after it. A change before
    // `from` is not seen (verify() sees it), so this serves the frequent
    // checks of a growing trail, at a cost that grows with what is new.
    Result<Verification> verifyAfter(const Checkpoint &from) const;

    // Entries with seq > afterSeq, oldest first.
    Result<QList<AuditEntry>> entriesAfter(qint64 afterSeq, int limit) const;
    // The newest `count` entries, oldest first.
    Result<QList<AuditEntry>> tail(int count) const;
    // Calls `sink` for every entry in order, without holding them all.
    Status forEach(const std::function<void(const AuditEntry &)> &sink) const;

    static AuditEntry fromEvent(const QJsonObject &payload);

    // Where verify() finds the signed checkpoints (AuditCheckpointer::attach
    // sets it; null: none are checked).
    void setCheckpoints(const AuditCheckpointer *checkpoints) { m_checkpoints = checkpoints; }

private:
    Database &m_db;
    EventBus &m_events;
    const Clock &m_clock;
    const AuditCheckpointer *m_checkpoints = nullptr;
};

} // namespace cabinet

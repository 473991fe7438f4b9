#pragma once

#include "Clock.h"
#include "Result.h"
#include "audit/AuditCheckpoints.h"

#include <QObject>

#include <memory>
#include <optional>

namespace cabinet {

class AuditLog;
class Database;
class EventBus;

// When the audit trail's head is signed: at every stop of the core, once
// EveryEntries entries have been appended since the last checkpoint, and
// once EveryNs has passed with entries not yet signed. The entry count is
// followed from audit.appended events, so a checkpoint is only ever signed
// for entries already committed. It owns no timer: "every M minutes" is
// nextDueNs() for the core's scheduler, which calls checkpointIfDue(); an
// append past the interval also checkpoints (docs/data-directory.md).
//
// Before it signs a new head it checks that the newest checkpoint's entry is
// still on the chain and that the chain links from it to the head: a trail
// that was swapped, cut or rewritten is not blessed with a fresh signature,
// so `audit verify` keeps reporting it.
class AuditCheckpointer : public QObject {
    Q_OBJECT
public:
    static constexpr qint64 EveryEntries = 1000;
    static constexpr qint64 EveryNs = qint64(10) * 60 * 1'000'000'000; // 10 minutes

    // Opens the data directory's key and checkpoint log and hands them to
    // `audit` for verify(). Read-only: checks only, never signs. A key or log
    // that cannot be used does not stop the core from opening: it is logged,
    // every checkpoint attempt and verify() report it.
    static std::unique_ptr<AuditCheckpointer> attach(const QString &dataDir, const Database &db, AuditLog &audit, EventBus &events,
                                                     const Clock &clock, bool readOnly);
    ~AuditCheckpointer() override;

    // Signs the head now unless the newest checkpoint already holds it.
    // Returns the checkpoint made, or nothing when none was needed.
    Result<std::optional<SignedCheckpoint>> checkpointNow();
    // Signs when a checkpoint is due by entries or by nowNs; true when one
    // was made. After a failure it waits for the next due point instead of
    // retrying on every append.
    Result<bool> checkpointIfDue(qint64 nowNs);
    // When the time rule next falls due, on the Clock (ns since the epoch);
    // never for a read-only one.
    qint64 nextDueNs() const { return m_nextDueNs; }
    // checkpointNow() for Cabinet::stop(), which logs instead of failing.
    void checkpointAtStop();

    // The newest checkpoint, checked (AuditCheckpoints::newest()), or why the
    // checkpoints cannot be used.
    Result<std::optional<SignedCheckpoint>> newest() const;
    const AuditCheckpoints *checkpoints() const { return m_checkpoints.get(); }

private:
    AuditCheckpointer(AuditLog &audit, const Clock &clock) : m_audit(audit), m_clock(clock) { }
    void appended(qint64 seq);
    void scheduleAfter(qint64 headSeq, qint64 nowNs);

    AuditLog &m_audit;
    const Clock &m_clock;
    std::unique_ptr<AuditCheckpoints> m_checkpoints;
    std::optional<Error> m_unusable;   // why m_checkpoints is missing
    std::optional<Error> m_cannotSign; // why m_checkpoints only checks
    bool m_readOnly = true;
    qint64 m_headSeq = 0;     // the newest entry known to be committed
    qint64 m_nextDueSeq = 0;  // the count rule falls due at this head
    qint64 m_nextDueNs = 0;   // the time rule falls due at this time
};

} // namespace cabinet

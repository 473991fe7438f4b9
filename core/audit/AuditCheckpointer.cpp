#include "audit/AuditCheckpointer.h"

#include "audit/AuditLog.h"
#include "events/EventBus.h"
#include "store/Database.h"

#include <QLoggingCategory>

#include <limits>

Q_LOGGING_CATEGORY(lcCheckpoints, "cabinet.audit.checkpoints")

namespace cabinet {

std::unique_ptr<AuditCheckpointer> AuditCheckpointer::attach(const QString &dataDir, const Database &db, AuditLog &audit,
                                                             EventBus &events, const Clock &clock, bool readOnly)
{
    std::unique_ptr<AuditCheckpointer> checkpointer(new AuditCheckpointer(audit, clock));
    checkpointer->m_readOnly = readOnly;
    auto opened = AuditCheckpoints::open(dataDir, db.identity(), readOnly ? AuditCheckpoints::Mode::Verify : AuditCheckpoints::Mode::Sign);
    if (!opened && !readOnly) {
        // Nothing is signed with a key that is missing or others can read,
        // but the checkpoints already made are still checked.
        checkpointer->m_cannotSign = opened.error();
        qCWarning(lcCheckpoints).noquote() << "audit checkpoints will not be signed:" << opened.error().message;
        opened = AuditCheckpoints::open(dataDir, db.identity(), AuditCheckpoints::Mode::Verify);
    }
    if (opened) {
        checkpointer->m_checkpoints = std::move(*opened);
    } else {
        checkpointer->m_unusable = opened.error();
        // A reader hears of it from verify(), which fails with it; every
        // other read-only command would only print it as noise.
        if (!readOnly)
            qCWarning(lcCheckpoints).noquote() << "audit checkpoints unavailable:" << opened.error().message;
    }
    audit.setCheckpoints(checkpointer.get());
    if (readOnly) {
        checkpointer->m_nextDueNs = std::numeric_limits<qint64>::max(); // never due: it signs nothing
        return checkpointer;
    }

    auto head = audit.tail(1);
    checkpointer->m_headSeq = head && !head->isEmpty() ? head->constFirst().seq : 0;
    qint64 signedSeq = 0;
    if (checkpointer->m_checkpoints) {
        if (auto newest = checkpointer->m_checkpoints->newest(); newest && *newest)
            signedSeq = (*newest)->seq;
    }
    checkpointer->scheduleAfter(signedSeq, clock.nowNs());
    // After the commit, never inside it: only committed entries are signed.
    connect(&events, &EventBus::published, checkpointer.get(), [raw = checkpointer.get()](const Event &event) {
        if (event.type == events::AuditAppended)
            raw->appended(event.payload.value(QStringLiteral("seq")).toInteger());
    });
    return checkpointer;
}

AuditCheckpointer::~AuditCheckpointer()
{
    m_audit.setCheckpoints(nullptr);
}

void AuditCheckpointer::scheduleAfter(qint64 headSeq, qint64 nowNs)
{
    m_nextDueSeq = headSeq + EveryEntries;
    m_nextDueNs = nowNs + EveryNs;
}

void AuditCheckpointer::appended(qint64 seq)
{
    m_headSeq = std::max(m_headSeq, seq);
    if (auto made = checkpointIfDue(m_clock.nowNs()); !made)
        qCWarning(lcCheckpoints).noquote() << "audit checkpoint not signed:" << made.error().message;
}

Result<std::optional<SignedCheckpoint>> AuditCheckpointer::newest() const
{
    if (m_unusable)
        return *m_unusable;
    return m_checkpoints->newest();
}

Result<bool> AuditCheckpointer::checkpointIfDue(qint64 nowNs)
{
    if (m_readOnly)
        return false;
    if (m_headSeq < m_nextDueSeq && nowNs < m_nextDueNs)
        return false;
    auto made = checkpointNow();
    // Success or not, the next try is at the next due point: a checkpoint
    // that cannot be signed must not be retried on every append.
    scheduleAfter(m_headSeq, nowNs);
    if (!made)
        return made.error();
    return made->has_value();
}

Result<std::optional<SignedCheckpoint>> AuditCheckpointer::checkpointNow()
{
    if (m_readOnly)
        return Error { ErrorCode::FailedPrecondition, QStringLiteral("audit checkpoints are signed only by the process that owns the data directory") };
    if (m_unusable)
        return *m_unusable;
    if (m_cannotSign)
        return *m_cannotSign;
    auto newest = m_checkpoints->newest();
    if (!newest)
        return newest.error();
    // Verify from the newest checkpoint on (the whole trail before the
    // first one) and sign the head that walk ends at: what is signed is
    // always what was just checked.
    AuditLog::Checkpoint from;
    if (*newest)
        from = { (*newest)->seq, (*newest)->hash };
    auto verified = m_audit.verifyAfter(from);
    if (!verified)
        return verified.error();
    if (!verified->intact)
        return Error { ErrorCode::FailedPrecondition,
                       QStringLiteral("not signing the audit trail's head: %1 (checked from %2). Run 'cabinet audit verify'.")
                               .arg(verified->reason,
                                    from.seq > 0 ? QStringLiteral("the signed checkpoint of entry %1").arg(from.seq) : QStringLiteral("its first entry")) };
    m_headSeq = std::max(m_headSeq, verified->last.seq);
    if (verified->last.seq == 0 || verified->last.seq == from.seq)
        return std::optional<SignedCheckpoint>(); // nothing new to sign
    auto signedCheckpoint = m_checkpoints->sign(verified->last.seq, verified->last.hash, m_clock.nowMs());
    if (!signedCheckpoint)
        return signedCheckpoint.error();
    qCInfo(lcCheckpoints) << "signed audit checkpoint at entry" << signedCheckpoint->seq;
    return std::optional<SignedCheckpoint>(*signedCheckpoint);
}

void AuditCheckpointer::checkpointAtStop()
{
    if (m_readOnly)
        return;
    if (auto made = checkpointNow(); !made)
        qCWarning(lcCheckpoints).noquote() << "audit checkpoint at stop not signed:" << made.error().message;
    scheduleAfter(m_headSeq, m_clock.nowNs());
}

} // namespace cabinet

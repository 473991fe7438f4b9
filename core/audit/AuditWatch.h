#pragma once

#include "Clock.h"
#include "Result.h"
#include "audit/AuditLog.h"
#include "service/Service.h"

#include <QJsonObject>

#include <optional>

namespace cabinet {

class EventBus;

// Watches the audit chain while the core runs, headless or under the console.
//
// A moment after new entries arrive (a burst costs one check) only what was
// appended since the last sound entry is verified (AuditLog::verifyAfter), so
// that check costs what is new, not the trail's length. The whole trail is
// walked (AuditLog::verify, signed checkpoint included) shortly after start,
// when asked (walkNow(), the audit.verify operation), and again every
// WholeWalkIntervalNs or CoreShareDivisor times as long as the last walk
// took, whichever is longer: a change to an old entry is found within that
// time, and whole walks never take more than a tenth of the core thread's
// time. While the trail is broken or unreadable only whole walks check it.
//
// Every deadline is on the Clock and runs on the Scheduler (no timer of its
// own), and a walk's cost is measured on the same Clock, so a ManualClock
// fires the checks as soon as it is moved. Each change of state is published
// as a service.state event (status() is its payload) and answered by the
// audit.watch_status operation.
class AuditWatch final : public Service {
public:
    static constexpr qint64 NsPerMs = 1'000'000;
    // The first whole walk waits this long after start, so a long trail
    // (about 4 s a million entries) holds up neither start() nor the first
    // requests of the console's panels.
    static constexpr qint64 FirstWalkDelayNs = 250 * NsPerMs;
    // The shortest wait between new entries and their verification.
    static constexpr qint64 NewEntriesDelayNs = 2'000 * NsPerMs;
    // The shortest wait between two whole walks.
    static constexpr qint64 WholeWalkIntervalNs = 60'000 * NsPerMs;
    static constexpr qint64 CoreShareDivisor = 10; // checks take at most 1/10 of the core's time

    enum class Verdict { Unknown, Intact, Broken, Unreadable };

    AuditWatch(AuditLog &audit, EventBus &events, const Clock &clock);
    ~AuditWatch() override;

    QString name() const override { return QStringLiteral("audit.watch"); }
    Status start() override;
    void stop() override;
    std::optional<qint64> nextDeadlineNs() override;
    void runDue(qint64 nowNs) override;

    // Walks the whole trail now and returns what AuditLog::verify() found.
    // While the watch runs the result becomes its state (published) and the
    // next whole walk is counted from now; on a core that is not running
    // (a read-only `cabinet audit verify`) it is only the walk.
    Result<AuditLog::Verification> walkNow();

    Verdict verdict() const { return m_verdict; }
    // The state, as service.state events carry it:
    // {service, state: "unknown"|"checking"|"intact"|"broken"|"unreadable",
    //  verdict (the last finished check's; state is "checking" during a whole
    //  walk), running, entries, first_broken_seq, reason, last_whole_walk_ms,
    //  next_whole_walk_ms (0: none yet / none planned), revision (grows with
    //  every change, so a reader can drop an older copy)}.
    QJsonObject status() const;
    static QString verdictName(Verdict verdict);

private:
    void onAppended();
    Result<AuditLog::Verification> walkWhole();
    void checkNew();
    // Takes a check's result; true when anything a reader sees changed.
    bool apply(const Result<AuditLog::Verification> &result);
    void publish();

    AuditLog &m_audit;
    EventBus &m_events;
    const Clock &m_clock;
    bool m_running = false;
    int m_subscription = 0;
    std::optional<qint64> m_wholeDueNs;
    std::optional<qint64> m_newDueNs;
    qint64 m_lastNewCheckNs = 0; // how long the last check of new entries took
    qint64 m_lastWholeWalkEndNs = 0;

    Verdict m_verdict = Verdict::Unknown;
    bool m_checking = false;
    qint64 m_entries = 0;
    qint64 m_firstBrokenSeq = 0;
    QString m_reason;
    AuditLog::Checkpoint m_sound; // the newest entry found sound
    qint64 m_revision = 0;
};

} // namespace cabinet

#pragma once

#include "approvals/Action.h"

#include <QByteArray>
#include <QString>

#include <vector>

// An approval request as stored, and the limits on what goes into one
// (docs/approvals.md).
namespace cabinet::approvals {

enum class ApprovalState { Pending, Approved, Denied, Expired };
// "pending", "approved", "denied", "expired".
QString approvalStateName(ApprovalState state);
std::optional<ApprovalState> approvalStateFromName(const QString &name);

// Limits, each checked before the work it would cost.
inline constexpr qsizetype EvidenceBytesMax = 64 * 1024;  // the evidence JSON object, compact
inline constexpr qint64 PendingMax = 50'000;              // requests waiting at once
inline constexpr qsizetype ReasonBytesMax = 1'024;        // an operator's reason, UTF-8
inline constexpr int BulkMax = 1'000;                     // requests in one decision
inline constexpr qsizetype NodeBytesMax = 128;            // a gate node's name
inline constexpr qsizetype TaskIdBytesMax = 64;
inline constexpr int SweepMax = 1'000;                    // reminders and expiries in one transaction
inline constexpr int ListLimitDefault = 100;
inline constexpr int ListLimitMax = 1'000;
// Tier 3: approvals from this many different operators.
inline constexpr int Tier3ApprovalsNeeded = 2;

// Which requests a list holds: every one (newest first), those waiting (by
// deadline, none last), or the decided and expired ones (newest first).
enum class ApprovalFilter { All, Pending, Decided };

// One operator's verdict.
struct Vote {
    QString operatorName;
    bool approve = false;
    QString reason;
    qint64 atNs = 0;
    QString actor; // the caller's Actor::toString(): one caller votes once, whatever name it gives
};

struct ApprovalRequest {
    QString id; // ULID
    ApprovalState state = ApprovalState::Pending;
    int tier = 2;
    QString rule;
    Action action;
    QString taskId; // empty: no task waits on it
    // The task's claim (Task::claims) when the request was made: which of
    // the task's trips to a gate it belongs to. 0: no task.
    int taskClaim = 0;
    QString node;
    QString requestedBy; // the Actor
    QByteArray evidence; // a JSON object, compact, numbers as given
    qint64 createdNs = 0;
    qint64 deadlineNs = 0; // 0: none (tier 3)
    int reminders = 0;     // sent so far: 1 after the 50 % one, 2 after the 90 % one
    qint64 nextDueNs = 0;  // the next reminder or the deadline; 0: nothing due
    qint64 decidedNs = 0;
    QString reason;
    std::vector<Vote> votes; // in the order given

    // The reminders' times: 50 % and 90 % of the way to the deadline.
    qint64 reminderNs(int which) const
    {
        const qint64 span = deadlineNs - createdNs;
        return createdNs + (which == 1 ? span / 2 : span / 10 * 9);
    }
};

// The request as JSON, the form every face shows: times in ms (0 → null),
// the reminders' times, the votes, the evidence as it was given.
QByteArray approvalJson(const ApprovalRequest &request);

} // namespace cabinet::approvals

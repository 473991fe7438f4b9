#pragma once

#include "Result.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringView>

#include <array>
#include <optional>
#include <span>

// The task queue's vocabulary: states, the actions that move a task, the
// one table of allowed transitions, the limits, and the task itself
// (docs/orchestrator.md).
namespace cabinet::orchestrator {

enum class TaskState { Pending, Claimed, Running, AwaitingApproval, Review, Done, Failed, Cancelled };
inline constexpr int TaskStateCount = 8;
inline constexpr TaskState AllTaskStates[TaskStateCount] = {
    TaskState::Pending, TaskState::Claimed, TaskState::Running, TaskState::AwaitingApproval,
    TaskState::Review,  TaskState::Done,    TaskState::Failed,  TaskState::Cancelled,
};
// "pending", "claimed", "running", "awaiting_approval", "review", "done", "failed", "cancelled".
const char *stateName(TaskState state);
QString stateText(TaskState state);
std::optional<TaskState> stateFromName(QStringView name);
// Done, failed and cancelled: nothing happens to the task unless an
// operator retries it.
bool isFinished(TaskState state);

// What moves a task. Workers claim, start and report; the system takes a
// lease back; operators (and, later, workflows and approvals) act on the
// rest.
enum class TaskAction {
    Claim,           // a worker takes a pending task under a lease
    Start,           // the worker begins the work
    Release,         // the worker gives it back undone (shutting down): no attempt counted
    LeaseLost,       // the lease expired or its worker's process is gone: no attempt counted
    AwaitApproval,   // the work waits for an approval (a gate); the lease ends
    Approve,         // the approval was given: back to the queue to go on
    Deny,            // the approval was refused
    SubmitForReview, // the work is finished and waits for a review
    Complete,        // the work is finished and needs no review
    Accept,          // the review accepted the work
    Reject,          // the review rejected it: another attempt, or failed after the last
    Fail,            // the work reported a failure: another attempt after a backoff, or failed after the last
    Cancel,          // an operator stopped it
    Retry,           // an operator runs a failed or cancelled task again, attempts from zero
};
const char *actionName(TaskAction action); // "claim", "lease_lost", "submit_for_review", ...

struct Transition {
    TaskState from;
    TaskAction action;
    TaskState to;
};

// THE table: every allowed transition, and nothing else moves a task. An
// action from a state not listed with it is refused (ErrorCode::Conflict,
// naming both states) and changes nothing.
inline constexpr Transition Transitions[] = {
    { TaskState::Pending, TaskAction::Claim, TaskState::Claimed },
    { TaskState::Pending, TaskAction::Cancel, TaskState::Cancelled },

    { TaskState::Claimed, TaskAction::Start, TaskState::Running },
    { TaskState::Claimed, TaskAction::Release, TaskState::Pending },
    { TaskState::Claimed, TaskAction::LeaseLost, TaskState::Pending },
    { TaskState::Claimed, TaskAction::LeaseLost, TaskState::Failed }, // lost LeaseLossesMax times
    { TaskState::Claimed, TaskAction::Cancel, TaskState::Cancelled },

    { TaskState::Running, TaskAction::AwaitApproval, TaskState::AwaitingApproval },
    { TaskState::Running, TaskAction::SubmitForReview, TaskState::Review },
    { TaskState::Running, TaskAction::Complete, TaskState::Done },
    { TaskState::Running, TaskAction::Fail, TaskState::Pending }, // attempts left: after a backoff
    { TaskState::Running, TaskAction::Fail, TaskState::Failed },  // the last attempt, or not retryable
    { TaskState::Running, TaskAction::Release, TaskState::Pending },
    { TaskState::Running, TaskAction::LeaseLost, TaskState::Pending },
    { TaskState::Running, TaskAction::LeaseLost, TaskState::Failed },
    { TaskState::Running, TaskAction::Cancel, TaskState::Cancelled },

    { TaskState::AwaitingApproval, TaskAction::Approve, TaskState::Pending },
    { TaskState::AwaitingApproval, TaskAction::Deny, TaskState::Failed },
    { TaskState::AwaitingApproval, TaskAction::Cancel, TaskState::Cancelled },

    { TaskState::Review, TaskAction::Accept, TaskState::Done },
    { TaskState::Review, TaskAction::Reject, TaskState::Pending },
    { TaskState::Review, TaskAction::Reject, TaskState::Failed },
    { TaskState::Review, TaskAction::Cancel, TaskState::Cancelled },

    { TaskState::Failed, TaskAction::Retry, TaskState::Pending },
    { TaskState::Cancelled, TaskAction::Retry, TaskState::Pending },
};

inline constexpr std::span<const Transition> transitionTable() { return Transitions; }
// Whether the table has (from, action, to).
bool transitionAllowed(TaskState from, TaskAction action, TaskState to);
// Whether the table lets `action` act on a task in `from` at all.
bool actionApplies(TaskState from, TaskAction action);
// The states `action` moves a task from, in table order ("'running'",
// "'failed' or 'cancelled'"), for messages.
QString statesFor(TaskAction action);
// The refusal of an action the table does not allow: ErrorCode::Conflict,
// naming the task, the action and both states.
Error illegalTransition(const QString &taskId, TaskState from, TaskAction action, TaskState to);

// Limits (TigerBeetle's rule: a limit on everything). Each is checked before
// the work it would cost; going past one is refused with a message that
// names it: invalid_argument for a request that is too big, resource_exhausted
// for a queue that is full.
inline constexpr qsizetype TitleBytesMax = 512;            // UTF-8, at least 1
inline constexpr qsizetype WorkflowNameLengthMax = 64;     // [a-z0-9][a-z0-9_.-]*
inline constexpr qsizetype InputBytesMax = 64 * 1024;      // the input JSON object, compact
inline constexpr qsizetype IdempotencyKeyBytesMax = 200;   // printable, no spaces
inline constexpr qsizetype ResultBytesMax = 256 * 1024;    // a worker's result JSON
inline constexpr qsizetype ErrorTextBytesMax = 4 * 1024;   // a reported failure: longer text is cut, never refused
inline constexpr qsizetype ReasonBytesMax = 1024;          // an operator's reason
inline constexpr qsizetype WorkerIdLengthMax = 128;
inline constexpr int AttemptsDefault = 3;
inline constexpr int AttemptsMax = 10;
inline constexpr qint64 BackoffBaseMsDefault = 1'000;      // the first retry waits about this long
inline constexpr qint64 BackoffBaseMsMax = 3'600'000;
inline constexpr qint64 BackoffDelayMsMax = 3'600'000;     // no retry waits longer than an hour
inline constexpr qint64 LeaseMsDefault = 30'000;
inline constexpr qint64 LeaseMsMin = 100;
inline constexpr qint64 LeaseMsMax = 3'600'000;
// A task whose lease is lost this many times (its worker died with it each
// time) fails instead of killing the next worker too. Lost leases are not
// attempts; this bound is separate.
inline constexpr int LeaseLossesMax = 10;
inline constexpr int ClaimBatchMax = 256;                  // tasks one claim may take
inline constexpr qint64 ClaimWaitMsMax = 60'000;           // how long a claim may wait for work
inline constexpr int ListLimitDefault = 100;
inline constexpr int ListLimitMax = 1'000;

// How many tasks may be in each state at once. Work entering a state from
// outside (a submit, a retry, a claim, a start, a wait for approval or
// review) is refused with resource_exhausted when its state is full; a task
// already in the queue that goes back to pending (a lost lease, a failure
// with attempts left, an approval, a rejected review) is never refused, so
// pending can exceed its bound by at most what is in flight. Finished
// states keep history and have no bound.
struct TaskLimits {
    std::array<qint64, TaskStateCount> depthMax { 100'000, 10'000, 10'000, 10'000, 10'000, -1, -1, -1 };
    qint64 depthFor(TaskState state) const { return depthMax[size_t(state)]; }
};

// The longest wait before attempt `attempts` + 1 after `attempts` failures:
// baseMs * 2^(attempts - 1), at most BackoffDelayMsMax. The wait itself is
// drawn from [ceiling / 2, ceiling] (jitter, so tasks that failed together
// do not all come back at once).
qint64 backoffCeilingMs(qint64 baseMs, int attempts);

// A task as stored. Times are ns on the Clock.
struct Task {
    QString id;           // ULID
    QString workflow;
    QString title;
    QByteArray input;     // a JSON object, compact, numbers exactly as given
    QString idempotencyKey; // empty: none
    TaskState state = TaskState::Pending;
    bool paused = false;
    int attempts = 0;     // failures the work reported (Fail, Reject)
    int maxAttempts = AttemptsDefault;
    qint64 backoffBaseMs = BackoffBaseMsDefault;
    int leaseLosses = 0;
    int claims = 0;       // times claimed; the current lease's token
    qint64 notBeforeNs = 0; // not claimed before this (a backoff)
    qint64 leaseExpiresNs = 0; // 0: no lease
    QString leaseWorker;
    QString leaseOwner;   // the worker's process (ProcessIdentity)
    QString lastError;
    QByteArray result;    // JSON text from the worker, or empty
    QString submittedBy;  // the Actor
    qint64 createdNs = 0;
    qint64 updatedNs = 0;

    bool hasLease() const { return leaseExpiresNs != 0; }
};

// The task as JSON, the form every face shows (docs/orchestrator.md):
// times in ms, the input and result as they were given. `withPayload`
// false leaves out input and result (lists).
QByteArray taskJson(const Task &task, bool withPayload = true);

} // namespace cabinet::orchestrator

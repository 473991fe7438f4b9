#pragma once

#include "Actor.h"
#include "Clock.h"
#include "Result.h"
#include "orchestrator/TaskStore.h"
#include "orchestrator/TaskTypes.h"
#include "orchestrator/Ulid.h"
#include "service/Service.h"

#include <QObject>

#include <functional>
#include <memory>
#include <mutex>
#include <vector>

namespace cabinet {
class AuditLog;
class Database;
class EventBus;
} // namespace cabinet

namespace cabinet::orchestrator {

struct SubmitRequest {
    QString workflow;
    QString title;
    QByteArray input;        // a JSON object; empty means {}
    QString idempotencyKey;  // empty: none
    int maxAttempts = AttemptsDefault;
    qint64 backoffBaseMs = BackoffBaseMsDefault;
};

struct Submitted {
    Task task;
    bool created = true; // false: the idempotency key named a task already there, returned as it is
};

struct ClaimRequest {
    QString worker;           // who claims, for the lease and the events
    int max = 1;              // 1..ClaimBatchMax tasks
    qint64 leaseMs = LeaseMsDefault;
    // 0: answer at once, with nothing when nothing is claimable; otherwise
    // wait up to this long (on the Clock) for work to arrive.
    qint64 waitMs = 0;
};

// A worker's hold on a task: the task and the token its claim was given.
// A report with a token that is no longer the task's (the lease expired and
// the task was claimed again, or it was cancelled) is refused.
struct Lease {
    QString taskId;
    int token = 0;
    static Lease of(const Task &task) { return { task.id, task.claims }; }
};

struct WorkerReport {
    Lease lease;
    // Start, Release, AwaitApproval, SubmitForReview, Complete or Fail.
    TaskAction action = TaskAction::Complete;
    QByteArray result;     // JSON, for AwaitApproval, SubmitForReview, Complete
    QString error;         // Fail: what went wrong (cut at ErrorTextBytesMax)
    bool retryable = true; // Fail: false fails the task without another attempt
};

struct OperatorAction {
    QString taskId;
    // Cancel, Retry, Approve, Deny, Accept or Reject.
    TaskAction action = TaskAction::Cancel;
    QString reason;
};

struct TaskFilter {
    std::optional<TaskState> state;
    QString after; // a task id: the page starts after it
    int limit = ListLimitDefault;
};

struct TaskPage {
    std::vector<Task> tasks; // by id, input and result left out
    QString next;            // pass as `after` for the next page; empty at the end
};

template <typename T> using Done = std::function<void(Result<T>)>;

// The durable task queue (docs/orchestrator.md): tasks in the store, moved
// only by the transition table (TaskTypes.h), each change committed with
// its task.* event, operator actions with their audit entry, in one
// transaction.
//
// Group commit. The Database belongs to one thread (the core's), and an
// fsync per change would cap the queue at the disk's fsync rate. So every
// request (submit, claim, report, ...) may come from any thread: it is put
// in an inbox, and the queue's thread drains the inbox into ONE transaction
// per batch: every request in it is checked and applied in order, then the
// batch commits once, and only then is each caller answered, on the queue's
// thread. While one batch commits, the next one gathers. A request that is
// refused (an illegal transition, a limit) changes nothing and does not
// affect the others; a batch whose commit fails answers every request in it
// with that error, and nothing of it happened.
//
// As a Service its deadline is the soonest lease expiry (an expired lease
// puts the task back to pending: its worker died), the soonest end of a
// wait of a parked claim, and, while claims wait, the soonest backoff end.
// start() takes back at once the leases of workers whose process is gone.
class TaskQueue : public QObject, public Service {
    Q_OBJECT
public:
    // Requests in one transaction, and task changes in one (a claim of 256
    // counts 256), so a batch and its event stay bounded.
    static constexpr int BatchRequestsMax = 1'024;
    static constexpr int BatchChangesMax = 4'096;
    // Requests waiting for the queue's thread; beyond it a request is
    // refused at once (resource_exhausted).
    static constexpr qsizetype InboxMax = 100'000;
    // Claims waiting for work at once.
    static constexpr qsizetype ParkedClaimsMax = 1'024;
    // Leases taken back in one transaction (the scheduler runs again while
    // more are due).
    static constexpr int SweepMax = 1'024;

    struct Options {
        TaskLimits limits;
        // Who holds the leases this queue grants: this process unless
        // given (tests play a dead worker).
        QString owner;
        // The jitter of a backoff: given a span in ms, a value in
        // [0, span]. Uniformly random when null.
        std::function<qint64(qint64 spanMs)> jitter;
    };

    TaskQueue(Database &db, EventBus &events, AuditLog &audit, const Clock &clock, Options options);
    TaskQueue(Database &db, EventBus &events, AuditLog &audit, const Clock &clock);
    ~TaskQueue() override;

    // From any thread. `done` runs on the queue's thread after the batch
    // holding the request has committed (or failed).
    void submit(SubmitRequest request, const Actor &actor, Done<Submitted> done);
    void claim(ClaimRequest request, Done<std::vector<Task>> done);
    void report(WorkerReport report, Done<Task> done);
    // Extends the lease to now + leaseMs. Not a transition: no event. The
    // task returned says whether an operator paused it meanwhile.
    void heartbeat(Lease lease, qint64 leaseMs, Done<Task> done);
    void act(OperatorAction action, const Actor &actor, Done<Task> done);
    // Pause is a flag, not a state: a paused task keeps its state and is
    // not claimed; pausing a paused task (or resuming one that is not)
    // changes nothing.
    void setPaused(QString taskId, bool paused, const Actor &actor, Done<Task> done);

    // The same on the queue's thread, at once: the batch runs now, with
    // whatever else waits in the inbox. A claim here cannot wait.
    Result<Submitted> submit(const SubmitRequest &request, const Actor &actor);
    Result<std::vector<Task>> claim(const ClaimRequest &request);
    Result<Task> report(const WorkerReport &report);
    Result<Task> heartbeat(const Lease &lease, qint64 leaseMs = LeaseMsDefault);
    Result<Task> act(const OperatorAction &action, const Actor &actor);
    Result<Task> setPaused(const QString &taskId, bool paused, const Actor &actor);

    // Reads, on the queue's thread.
    Result<Task> get(const QString &id) const;
    Result<TaskPage> list(const TaskFilter &filter) const;
    Result<TaskCounts> counts() const;

    // Takes back the leases of workers whose process is gone (ProcessIdentity),
    // at once; start() calls it. Returns how many.
    Result<int> reclaimDeadLeases();
    const QString &owner() const { return m_owner; }
    // Batches committed since this queue was made (each one transaction).
    quint64 batchesCommitted() const { return m_batchesCommitted; }
    const TaskLimits &limits() const { return m_limits; }

    // Service.
    QString name() const override { return QStringLiteral("orchestrator.tasks"); }
    Status start() override;
    void stop() override;
    std::optional<qint64> nextDeadlineNs() override;
    void runDue(qint64 nowNs) override;

private:
    struct Request;
    struct Batch;

    void post(Request request);
    void drainQueued();
    // Runs one batch from the inbox (and the sweep / reclaim when asked).
    void drainOnce(bool sweep = false, bool reclaim = false);
    template <typename T> Result<T> runNow(const std::function<void(Done<T>)> &postIt);
    void runBatch(std::vector<Request> &requests, bool sweep, bool reclaim);

    Status apply(Request &request, Batch &batch);
    Status applySubmit(Request &request, Batch &batch);
    Status applyClaim(Request &request, Batch &batch);
    Status applyReport(Request &request, Batch &batch);
    Status applyHeartbeat(Request &request, Batch &batch);
    Status applyAct(Request &request, Batch &batch);
    Status applyPause(Request &request, Batch &batch);
    Status sweepLeases(Batch &batch);
    Status reclaim(Batch &batch);
    Status serveParked(Batch &batch, std::vector<Request> &served);
    // Moves `task` by `action` to `to`: checks the table and the depth
    // limit, writes the row and records the change. Refusals come back as
    // an Error in `refused` (nothing written); the Status is a store failure.
    Status transition(Batch &batch, Task &task, TaskAction action, const QString &detail, std::optional<Error> &refused,
                      bool retryable = true);
    Result<std::vector<Task>> takeClaimable(Batch &batch, const ClaimRequest &request, bool *full);
    Status writeRecords(Batch &batch);
    TaskState targetOf(const Task &task, TaskAction action, bool retryable) const;
    qint64 backoffNs(const Task &task) const;
    void answer(Request &request);
    void checkThread(const char *use) const;

    Database &m_db;
    EventBus &m_events;
    AuditLog &m_audit;
    const Clock &m_clock;
    TaskStore m_store;
    TaskLimits m_limits;
    QString m_owner;
    std::function<qint64(qint64)> m_jitter;
    Ulid::Generator m_ids;
    bool m_idsSeeded = false;
    bool m_started = false;
    bool m_inBatch = false;
    qint64 m_reportedDeadlineNs = 0; // what nextDeadlineNs() last said; 0: nothing
    int m_lastBatchReclaimed = 0;
    quint64 m_batchesCommitted = 0;
    std::optional<Error> m_lastBatchError;

    std::mutex m_inboxMutex;
    std::vector<Request> m_inbox;  // guarded by m_inboxMutex
    bool m_drainQueued = false;    // guarded by m_inboxMutex
    std::vector<Request> m_parked; // claims waiting for work, oldest first; the queue's thread only
};

} // namespace cabinet::orchestrator

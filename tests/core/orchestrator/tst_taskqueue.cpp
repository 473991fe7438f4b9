// The task queue: every transition of the table, legal and illegal; the
// idempotency key, also from two connections at once; leases (expiry
// through the scheduler on a manual clock, dead workers' leases taken back
// at start); backoff; pause; each limit at and one past; group commit.
#include "TaskQueueSupport.h"
#include "TestSupport.h"
#include "api/Dispatcher.h"
#include "orchestrator/ProcessIdentity.h"
#include "orchestrator/Ulid.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QThread>

#include <atomic>
#include <set>
#include <thread>

using namespace cabinet;
using namespace cabinet::orchestrator;
using namespace cabinet::orchestrator::test;

namespace {

// A fresh task driven into `state` by the queue's own operations.
Task into(QueueFixture &q, TaskState state, int maxAttempts = AttemptsDefault)
{
    auto submitted = q->submit(work(QStringLiteral("into %1").arg(stateText(state)), maxAttempts), operatorActor());
    CABINET_ASSERT(submitted);
    Task task = submitted->task;
    auto act = [&](TaskAction action) {
        auto moved = q->act(OperatorAction { task.id, action, {} }, operatorActor());
        CABINET_ASSERT_MSG(moved, "%s", qPrintable(moved.error().message));
        task = *moved;
    };
    auto report = [&](TaskAction action) {
        auto moved = q->report(reportOf(task, action));
        CABINET_ASSERT_MSG(moved, "%s", qPrintable(moved.error().message));
        task = *moved;
    };
    if (state == TaskState::Pending)
        return task;
    if (state == TaskState::Cancelled) {
        act(TaskAction::Cancel);
        return task;
    }
    auto claimed = q->claim(claimBy());
    CABINET_ASSERT(claimed && claimed->size() == 1 && claimed->front().id == task.id);
    task = claimed->front();
    if (state == TaskState::Claimed)
        return task;
    report(TaskAction::Start);
    switch (state) {
    case TaskState::Running: break;
    case TaskState::AwaitingApproval: report(TaskAction::AwaitApproval); break;
    case TaskState::Review: report(TaskAction::SubmitForReview); break;
    case TaskState::Done: report(TaskAction::Complete); break;
    case TaskState::Failed: {
        WorkerReport fail = reportOf(task, TaskAction::Fail);
        fail.retryable = false;
        fail.error = QStringLiteral("broken");
        auto moved = q->report(fail);
        CABINET_ASSERT(moved);
        task = *moved;
        break;
    }
    default: break;
    }
    CABINET_ASSERT(task.state == state);
    return task;
}

const TaskAction TargetedActions[] = {
    TaskAction::Start,  TaskAction::Release, TaskAction::AwaitApproval, TaskAction::SubmitForReview, TaskAction::Complete,
    TaskAction::Fail,   TaskAction::Cancel,  TaskAction::Retry,         TaskAction::Approve,         TaskAction::Deny,
    TaskAction::Accept, TaskAction::Reject,
};

bool byWorker(TaskAction action)
{
    switch (action) {
    case TaskAction::Start:
    case TaskAction::Release:
    case TaskAction::AwaitApproval:
    case TaskAction::SubmitForReview:
    case TaskAction::Complete:
    case TaskAction::Fail:
        return true;
    default:
        return false;
    }
}

Result<Task> perform(QueueFixture &q, const Task &task, TaskAction action)
{
    if (byWorker(action))
        return q->report(reportOf(task, action));
    return q->act(OperatorAction { task.id, action, QStringLiteral("because") }, operatorActor());
}

qint64 eventCount(QueueFixture &q, const char *type)
{
    auto &select = q.db->statement("SELECT count(*) FROM events WHERE type = ?1");
    select.bind(1, QString::fromLatin1(type));
    auto row = select.step();
    const qint64 n = row && *row ? select.int64(0) : -1;
    select.reset();
    return n;
}

qint64 scalar(Database &db, const char *sql)
{
    auto &select = db.statement(sql);
    auto row = select.step();
    const qint64 n = row && *row ? select.int64(0) : -1;
    select.reset();
    return n;
}

QJsonObject lastEventPayload(QueueFixture &q, const char *type)
{
    auto &select = q.db->statement("SELECT payload FROM events WHERE type = ?1 ORDER BY seq DESC LIMIT 1");
    select.bind(1, QString::fromLatin1(type));
    auto row = select.step();
    const QJsonObject payload = row && *row ? QJsonDocument::fromJson(select.blob(0)).object() : QJsonObject();
    select.reset();
    return payload;
}

} // namespace

class TestTaskQueue : public QObject {
    Q_OBJECT

private Q_SLOTS:
    // Every state against every action aimed at one task: the table says
    // which are legal and where they lead; every other one is refused with
    // conflict, names both states, and changes nothing (row, events, audit).
    void everyTransitionOfTheTable()
    {
        std::set<std::tuple<int, int, int>> seen;
        for (TaskState from : AllTaskStates) {
            for (TaskAction action : TargetedActions) {
                QueueFixture q;
                QVERIFY2(q.open(), qPrintable(q.error));
                const Task task = into(q, from);
                const QByteArray before = taskJson(*q->get(task.id));
                const qint64 eventsBefore = scalar(*q.db, "SELECT count(*) FROM events");
                const qint64 auditBefore = scalar(*q.db, "SELECT count(*) FROM audit_log");
                auto result = perform(q, task, action);
                const QString label = QStringLiteral("%1 from %2").arg(QLatin1StringView(actionName(action)), stateText(from));
                if (actionApplies(from, action)) {
                    QVERIFY2(result, qPrintable(label + QStringLiteral(": ") + (result ? QString() : result.error().message)));
                    QVERIFY2(transitionAllowed(from, action, result->state), qPrintable(label));
                    QCOMPARE(q->get(task.id)->state, result->state);
                    QCOMPARE(eventCount(q, "task.state_changed") > 0, true);
                    const QJsonObject change = lastEventPayload(q, "task.state_changed").value(QStringLiteral("changes")).toArray().last().toObject();
                    QCOMPARE(change.value(QStringLiteral("from")).toString(), stateText(from));
                    QCOMPARE(change.value(QStringLiteral("to")).toString(), stateText(result->state));
                    QCOMPARE(change.value(QStringLiteral("action")).toString(), QLatin1StringView(actionName(action)));
                    // Operators' actions are audited under their actor; workers' are not.
                    QCOMPARE(scalar(*q.db, "SELECT count(*) FROM audit_log") > auditBefore, !byWorker(action));
                    seen.insert({ int(from), int(action), int(result->state) });
                } else {
                    QVERIFY2(!result, qPrintable(label + QStringLiteral(" was allowed")));
                    QCOMPARE(result.error().code, ErrorCode::Conflict);
                    QVERIFY2(result.error().message.contains(u'\'' + stateText(from) + u'\''), qPrintable(result.error().message));
                    // The state it would have led to is named too.
                    QVERIFY2(result.error().message.count(u'\'') >= 4, qPrintable(result.error().message));
                    QCOMPARE(taskJson(*q->get(task.id)), before);
                    QCOMPARE(scalar(*q.db, "SELECT count(*) FROM events"), eventsBefore);
                    QCOMPARE(scalar(*q.db, "SELECT count(*) FROM audit_log"), auditBefore);
                }
            }
        }
        // The rows reached only through attempts, leases and claims.
        {
            QueueFixture q;
            QVERIFY(q.open());
            const Task pending = into(q, TaskState::Pending);
            auto claimed = q->claim(claimBy());
            QVERIFY(claimed && claimed->size() == 1);
            QCOMPARE(claimed->front().state, TaskState::Claimed);
            seen.insert({ int(TaskState::Pending), int(TaskAction::Claim), int(TaskState::Claimed) });
            // Fail with attempts left: back to pending.
            QVERIFY(q->report(reportOf(claimed->front(), TaskAction::Start)));
            auto failed = q->report(reportOf(claimed->front(), TaskAction::Fail));
            QVERIFY(failed);
            QCOMPARE(failed->state, TaskState::Pending);
            QCOMPARE(failed->attempts, 1);
            seen.insert({ int(TaskState::Running), int(TaskAction::Fail), int(TaskState::Pending) });
            Q_UNUSED(pending);
        }
        {
            QueueFixture q;
            QVERIFY(q.open());
            const Task review = into(q, TaskState::Review, 1);
            auto rejected = q->act(OperatorAction { review.id, TaskAction::Reject, {} }, operatorActor());
            QVERIFY(rejected);
            QCOMPARE(rejected->state, TaskState::Failed); // the only attempt
            seen.insert({ int(TaskState::Review), int(TaskAction::Reject), int(TaskState::Failed) });
            const Task running = into(q, TaskState::Running, 1);
            auto last = q->report(reportOf(running, TaskAction::Fail));
            QVERIFY(last);
            QCOMPARE(last->state, TaskState::Failed);
            seen.insert({ int(TaskState::Running), int(TaskAction::Fail), int(TaskState::Failed) });
        }
        for (TaskState held : { TaskState::Claimed, TaskState::Running }) {
            QueueFixture q;
            QVERIFY(q.open());
            Task task = into(q, held);
            for (int loss = 1; loss <= LeaseLossesMax; ++loss) {
                q.clock->advanceMs(LeaseMsDefault + 1);
                auto now = q->get(task.id);
                QVERIFY(now);
                QCOMPARE(now->leaseLosses, loss);
                QCOMPARE(now->attempts, 0); // a lost lease is not an attempt
                seen.insert({ int(held), int(TaskAction::LeaseLost), int(now->state) });
                if (loss == LeaseLossesMax) {
                    QCOMPARE(now->state, TaskState::Failed);
                    QVERIFY(now->lastError.contains(QStringLiteral("lost its lease")));
                    break;
                }
                QCOMPARE(now->state, TaskState::Pending);
                auto again = q->claim(claimBy());
                QVERIFY(again && again->size() == 1);
                task = again->front();
                if (held == TaskState::Running)
                    task = *q->report(reportOf(task, TaskAction::Start));
            }
        }
        for (const Transition &t : transitionTable())
            QVERIFY2(seen.count({ int(t.from), int(t.action), int(t.to) }),
                     qPrintable(QStringLiteral("not exercised: %1 %2 -> %3").arg(stateText(t.from), QLatin1StringView(actionName(t.action)), stateText(t.to))));
    }

    void claimTakesOnlyPendingUnpausedTasksOldestFirst()
    {
        QueueFixture q;
        QVERIFY(q.open());
        for (TaskState state : AllTaskStates) {
            if (state != TaskState::Pending)
                (void)into(q, state);
        }
        auto none = q->claim(claimBy(QStringLiteral("w2"), 10));
        QVERIFY(none);
        QCOMPARE(none->size(), size_t(0));
        const Task a = into(q, TaskState::Pending);
        const Task b = into(q, TaskState::Pending);
        const Task c = into(q, TaskState::Pending);
        QVERIFY(q->setPaused(b.id, true, operatorActor()));
        auto got = q->claim(claimBy(QStringLiteral("w2"), 10));
        QVERIFY(got);
        QCOMPARE(got->size(), size_t(2));
        QCOMPARE(got->at(0).id, a.id);
        QCOMPARE(got->at(1).id, c.id);
        QCOMPARE(got->at(0).leaseWorker, QStringLiteral("w2"));
        QCOMPARE(got->at(0).leaseOwner, ProcessIdentity::current());
    }

    void staleLeaseTokenIsRefused()
    {
        QueueFixture q;
        QVERIFY(q.open());
        const Task first = into(q, TaskState::Claimed);
        q.clock->advanceMs(LeaseMsDefault + 1); // lost
        auto second = q->claim(claimBy(QStringLiteral("w2")));
        QVERIFY(second && second->size() == 1);
        QCOMPARE(second->front().claims, first.claims + 1);
        auto stale = q->report(reportOf(first, TaskAction::Start));
        QVERIFY(!stale);
        QCOMPARE(stale.error().code, ErrorCode::Conflict);
        QVERIFY(q->report(reportOf(second->front(), TaskAction::Start)));
        auto beat = q->heartbeat(Lease::of(first));
        QVERIFY(!beat);
        QCOMPARE(beat.error().code, ErrorCode::Conflict);
    }

    void idempotencyKeyReturnsTheTaskThere()
    {
        QueueFixture q;
        QVERIFY(q.open());
        SubmitRequest request = work(QStringLiteral("once"));
        request.idempotencyKey = QStringLiteral("deploy-42");
        auto first = q->submit(request, operatorActor());
        QVERIFY(first && first->created);
        request.title = QStringLiteral("another title"); // the key decides, not the rest
        auto second = q->submit(request, operatorActor());
        QVERIFY(second);
        QVERIFY(!second->created);
        QCOMPARE(second->task.id, first->task.id);
        QCOMPARE(second->task.title, QStringLiteral("once"));
        QCOMPARE(scalar(*q.db, "SELECT count(*) FROM tasks"), 1);
        QCOMPARE(q->counts()->at(size_t(TaskState::Pending)), 1);
        // Also once the task has moved on.
        QVERIFY(q->act(OperatorAction { first->task.id, TaskAction::Cancel, {} }, operatorActor()));
        auto third = q->submit(request, operatorActor());
        QVERIFY(third && !third->created && third->task.state == TaskState::Cancelled);
        // In one batch: the second sees the first.
        std::vector<Result<Submitted>> answers;
        SubmitRequest same = work(QStringLiteral("batched"));
        same.idempotencyKey = QStringLiteral("same-batch");
        for (int i = 0; i < 5; ++i)
            q->submit(same, operatorActor(), [&](Result<Submitted> r) { answers.push_back(std::move(r)); });
        QVERIFY(q->submit(work(), operatorActor())); // runs the batch
        QCOMPARE(answers.size(), size_t(5));
        QVERIFY(answers[0] && answers[0]->created);
        for (size_t i = 1; i < answers.size(); ++i)
            QVERIFY(answers[i] && !answers[i]->created && answers[i]->task.id == answers[0]->task.id);
    }

    // Two connections (as two processes would have), each with its own
    // queue on its own thread, submit the same keys at the same moment:
    // every key names one task, and both are given that task.
    void idempotencyKeyFromTwoConnectionsAtOnce()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("cabinet.db"));
        {
            auto db = Database::open(path); // migrated once
            QVERIFY(db);
        }
        constexpr int Keys = 300;
        std::array<std::vector<QString>, 2> ids;
        std::atomic<int> ready { 0 };
        auto side = [&](int which) {
            ManualClock clock;
            auto db = Database::open(path);
            CABINET_ASSERT(db);
            EventBus events(**db, clock);
            AuditLog audit(**db, events, clock);
            TaskQueue queue(**db, events, audit, clock);
            ++ready;
            while (ready.load() < 2) { }
            for (int i = 0; i < Keys; ++i) {
                SubmitRequest request = work(QStringLiteral("side %1").arg(which));
                request.idempotencyKey = QStringLiteral("key-%1").arg(which == 0 ? i : Keys - 1 - i);
                auto submitted = queue.submit(request, operatorActor());
                if (!submitted)
                    qWarning("%s", qPrintable(submitted.error().message));
                CABINET_ASSERT_MSG(submitted, "%s", qPrintable(submitted.error().message));
                ids[size_t(which)].push_back(submitted->task.id);
            }
        };
        std::thread a([&] { side(0); });
        std::thread b([&] { side(1); });
        a.join();
        b.join();
        for (int i = 0; i < Keys; ++i)
            QCOMPARE(ids[0][size_t(i)], ids[1][size_t(Keys - 1 - i)]);
        auto db = Database::open(path);
        QVERIFY(db);
        QCOMPARE(scalar(**db, "SELECT count(*) FROM tasks"), Keys);
        QCOMPARE(scalar(**db, "SELECT count FROM task_counts WHERE state = 'pending'"), Keys);
    }

    // Through Cabinet: the queue is in the list of services and its lease
    // deadline runs on the scheduler; a manual clock fires it at once.
    void expiredLeaseGoesBackToPendingThroughTheScheduler()
    {
        cabinet::test::TestCabinet cabinet;
        QVERIFY(cabinet.open());
        QVERIFY(cabinet->start());
        TaskQueue &queue = cabinet->service<TaskQueue>();
        auto submitted = queue.submit(work(), operatorActor());
        QVERIFY(submitted);
        auto claimed = queue.claim(claimBy(QStringLiteral("w1"), 1, 1000));
        QVERIFY(claimed && claimed->size() == 1);
        QVERIFY(queue.report(reportOf(claimed->front(), TaskAction::Start)));
        QCOMPARE(queue.nextDeadlineNs().value_or(0), claimed->front().leaseExpiresNs);
        cabinet.clock->advanceMs(999);
        QCOMPARE(queue.get(submitted->task.id)->state, TaskState::Running);
        // A heartbeat moves the expiry.
        QVERIFY(queue.heartbeat(Lease::of(claimed->front()), 1000));
        cabinet.clock->advanceMs(999);
        QCOMPARE(queue.get(submitted->task.id)->state, TaskState::Running);
        cabinet.clock->advanceMs(2);
        auto back = queue.get(submitted->task.id);
        QCOMPARE(back->state, TaskState::Pending);
        QCOMPARE(back->attempts, 0);
        QCOMPARE(back->leaseLosses, 1);
        QVERIFY(!back->hasLease());
        QVERIFY(back->lastError.contains(QStringLiteral("expired")));
        QVERIFY(!queue.nextDeadlineNs());
        cabinet->stop();
    }

    // A worker that starts takes back at once the leases of workers whose
    // process is gone; a live process's leases are left alone.
    void deadWorkersLeasesAreTakenBackAtStart()
    {
        QueueFixture q;
        const QString dead = QStringLiteral("%1/999999999/12345").arg(ProcessIdentity::current().section(u'/', 0, 0));
        QVERIFY(!ProcessIdentity::alive(dead));
        QVERIFY(ProcessIdentity::alive(ProcessIdentity::current()));
        TaskQueue::Options deadWorker;
        deadWorker.owner = dead;
        QVERIFY(q.open(deadWorker, false));
        const Task theirs = into(q, TaskState::Running);
        QCOMPARE(theirs.leaseOwner, dead);
        QVERIFY(q.open()); // this process, started
        auto back = q->get(theirs.id);
        QCOMPARE(back->state, TaskState::Pending);
        QCOMPARE(back->attempts, 0);
        QCOMPARE(back->leaseLosses, 1);
        QVERIFY2(back->lastError.contains(QStringLiteral("999999999")), qPrintable(back->lastError));
        // Ours stay until they expire.
        QVERIFY(q->act(OperatorAction { theirs.id, TaskAction::Cancel, {} }, operatorActor()));
        const Task ours = into(q, TaskState::Claimed);
        QVERIFY(q.open());
        QCOMPARE(q->get(ours.id)->state, TaskState::Claimed);
        auto reclaimed = q->reclaimDeadLeases();
        QVERIFY(reclaimed);
        QCOMPARE(*reclaimed, 0);
    }

    void failuresBackOffExponentiallyWithJitter()
    {
        QueueFixture q;
        TaskQueue::Options options;
        options.jitter = [](qint64 span) { return span; }; // the ceiling exactly
        QVERIFY(q.open(options));
        SubmitRequest request = work(QStringLiteral("flaky"), 3);
        request.backoffBaseMs = 1000;
        const Task task = q->submit(request, operatorActor())->task;
        for (int attempt = 1; attempt <= 3; ++attempt) {
            auto claimed = q->claim(claimBy());
            QVERIFY2(claimed && claimed->size() == 1, qPrintable(QStringLiteral("attempt %1").arg(attempt)));
            QVERIFY(q->report(reportOf(claimed->front(), TaskAction::Start)));
            WorkerReport fail = reportOf(claimed->front(), TaskAction::Fail);
            fail.error = QStringLiteral("exit code 1");
            auto failed = q->report(fail);
            QVERIFY(failed);
            QCOMPARE(failed->attempts, attempt);
            QCOMPARE(failed->lastError, QStringLiteral("exit code 1"));
            if (attempt == 3) {
                QCOMPARE(failed->state, TaskState::Failed);
                break;
            }
            QCOMPARE(failed->state, TaskState::Pending);
            const qint64 waitMs = 1000 << (attempt - 1);
            QCOMPARE(failed->notBeforeNs - q.clock->nowNs(), waitMs * 1'000'000);
            q.clock->advanceMs(waitMs - 1);
            QCOMPARE(q->claim(claimBy())->size(), size_t(0));
            q.clock->advanceMs(1);
        }
        QCOMPARE(q->get(task.id)->state, TaskState::Failed);
        // The default jitter stays within [ceiling / 2, ceiling].
        QueueFixture r;
        QVERIFY(r.open());
        for (int i = 0; i < 50; ++i) {
            SubmitRequest flaky = work(QStringLiteral("flaky %1").arg(i), 5);
            flaky.backoffBaseMs = 4000;
            (void)r->submit(flaky, operatorActor());
            auto claimed = r->claim(claimBy());
            QVERIFY(r->report(reportOf(claimed->front(), TaskAction::Start)));
            auto failed = r->report(reportOf(claimed->front(), TaskAction::Fail));
            const qint64 waitMs = (failed->notBeforeNs - r.clock->nowNs()) / 1'000'000;
            QVERIFY2(waitMs >= 2000 && waitMs <= 4000, qPrintable(QString::number(waitMs)));
            QVERIFY(r->setPaused(failed->id, true, operatorActor()));
        }
        QCOMPARE(backoffCeilingMs(1000, 1), 1000);
        QCOMPARE(backoffCeilingMs(1000, 4), 8000);
        QCOMPARE(backoffCeilingMs(BackoffBaseMsMax, AttemptsMax), BackoffDelayMsMax);
    }

    void retryStartsAttemptsAgain()
    {
        QueueFixture q;
        QVERIFY(q.open());
        const Task failed = into(q, TaskState::Failed);
        auto retried = q->act(OperatorAction { failed.id, TaskAction::Retry, QStringLiteral("fixed the disk") }, operatorActor());
        QVERIFY(retried);
        QCOMPARE(retried->state, TaskState::Pending);
        QCOMPARE(retried->attempts, 0);
        QCOMPARE(q->claim(claimBy())->size(), size_t(1));
        const QJsonObject audit = QJsonDocument::fromJson(
                                          [&] {
                                              auto &s = q.db->statement("SELECT payload FROM audit_log WHERE action = 'task.retry'");
                                              auto row = s.step();
                                              QByteArray p = row && *row ? s.blob(0) : QByteArray();
                                              s.reset();
                                              return p;
                                          }())
                                          .object();
        QCOMPARE(audit.value(QStringLiteral("tasks")).toArray().first().toObject().value(QStringLiteral("reason")).toString(),
                 QStringLiteral("fixed the disk"));
    }

    void pauseIsAFlagThatKeepsATaskFromBeingClaimed()
    {
        QueueFixture q;
        QVERIFY(q.open());
        const Task task = into(q, TaskState::Pending);
        auto paused = q->setPaused(task.id, true, operatorActor());
        QVERIFY(paused && paused->paused && paused->state == TaskState::Pending);
        QCOMPARE(q->claim(claimBy())->size(), size_t(0));
        const qint64 events = scalar(*q.db, "SELECT count(*) FROM events");
        QVERIFY(q->setPaused(task.id, true, operatorActor())); // again: nothing changes
        QCOMPARE(scalar(*q.db, "SELECT count(*) FROM events"), events);
        QVERIFY(q->setPaused(task.id, false, operatorActor()));
        auto resumed = q->claim(claimBy());
        QCOMPARE(resumed->size(), size_t(1));
        QVERIFY(q->report(reportOf(resumed->front(), TaskAction::Start)));
        QVERIFY(q->report(reportOf(resumed->front(), TaskAction::Complete)));
        QCOMPARE(eventCount(q, "task.pause_changed"), 2);
        QCOMPARE(scalar(*q.db, "SELECT count(*) FROM audit_log WHERE action IN ('task.pause', 'task.resume')"), 2);
        // A running task paused keeps running; its worker sees the flag.
        const Task running = into(q, TaskState::Running);
        QVERIFY(q->setPaused(running.id, true, operatorActor()));
        auto beat = q->heartbeat(Lease::of(running));
        QVERIFY(beat && beat->paused && beat->state == TaskState::Running);
        // A lost lease puts it back paused: not claimed.
        q.clock->advanceMs(LeaseMsDefault + 1);
        QCOMPARE(q->get(running.id)->state, TaskState::Pending);
        QCOMPARE(q->claim(claimBy())->size(), size_t(0));
        // A finished task cannot be paused.
        const Task done = into(q, TaskState::Done);
        auto refused = q->setPaused(done.id, true, operatorActor());
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::Conflict);
        QVERIFY(refused.error().message.contains(QStringLiteral("'done'")));
    }

    void limitsAtAndOnePast()
    {
        QueueFixture q;
        TaskQueue::Options options;
        options.limits.depthMax[size_t(TaskState::Pending)] = 3;
        options.limits.depthMax[size_t(TaskState::Claimed)] = 2;
        QVERIFY(q.open(options));
        auto submitWith = [&](auto change) {
            SubmitRequest request = work();
            change(request);
            return q->submit(request, operatorActor());
        };
        auto refusedWith = [&](auto change, ErrorCode code, const char *field) {
            auto r = submitWith(change);
            if (r) {
                qWarning("accepted");
                return false;
            }
            if (r.error().code != code || r.error().field != QLatin1StringView(field)) {
                qWarning("%s (%s)", qPrintable(r.error().message), qPrintable(r.error().field));
                return false;
            }
            return true;
        };
        // Sizes: at the limit accepted, one past refused. (Each accepted one
        // is cancelled so the depth limit below starts from nothing.)
        auto accepted = [&](auto change) {
            auto r = submitWith(change);
            if (!r) {
                qWarning("%s", qPrintable(r.error().message));
                return false;
            }
            return bool(q->act(OperatorAction { r->task.id, TaskAction::Cancel, {} }, operatorActor()));
        };
        QVERIFY(accepted([](SubmitRequest &r) { r.title = QString(TitleBytesMax, u'x'); }));
        QVERIFY(refusedWith([](SubmitRequest &r) { r.title = QString(TitleBytesMax + 1, u'x'); }, ErrorCode::InvalidArgument, "title"));
        QVERIFY(refusedWith([](SubmitRequest &r) { r.title = QString(TitleBytesMax / 2 + 1, QChar(0x00e9)); }, ErrorCode::InvalidArgument, "title")); // bytes, not characters
        QVERIFY(refusedWith([](SubmitRequest &r) { r.title = QStringLiteral("   "); }, ErrorCode::InvalidArgument, "title"));
        QVERIFY(refusedWith([](SubmitRequest &r) { r.title = QStringLiteral("two\nlines"); }, ErrorCode::InvalidArgument, "title"));
        auto inputOf = [](qsizetype bytes) -> QByteArray { return QByteArray("{\"a\":\"") + QByteArray(bytes - 8, 'y') + "\"}"; };
        QCOMPARE(inputOf(InputBytesMax).size(), InputBytesMax);
        QVERIFY(accepted([&](SubmitRequest &r) { r.input = inputOf(InputBytesMax); }));
        QVERIFY(refusedWith([&](SubmitRequest &r) { r.input = inputOf(InputBytesMax + 1); }, ErrorCode::InvalidArgument, "input"));
        QVERIFY(refusedWith([](SubmitRequest &r) { r.input = "[1]"; }, ErrorCode::InvalidArgument, "input"));
        QVERIFY(refusedWith([](SubmitRequest &r) { r.input = "{\"a\":"; }, ErrorCode::InvalidArgument, "input"));
        QVERIFY(accepted([](SubmitRequest &r) { r.idempotencyKey = QString(IdempotencyKeyBytesMax, u'k'); }));
        QVERIFY(refusedWith([](SubmitRequest &r) { r.idempotencyKey = QString(IdempotencyKeyBytesMax + 1, u'k'); }, ErrorCode::InvalidArgument, "idempotency_key"));
        QVERIFY(refusedWith([](SubmitRequest &r) { r.idempotencyKey = QStringLiteral("a key"); }, ErrorCode::InvalidArgument, "idempotency_key"));
        QVERIFY(accepted([](SubmitRequest &r) { r.workflow = QString(WorkflowNameLengthMax, u'w'); }));
        QVERIFY(refusedWith([](SubmitRequest &r) { r.workflow = QString(WorkflowNameLengthMax + 1, u'w'); }, ErrorCode::InvalidArgument, "workflow"));
        QVERIFY(refusedWith([](SubmitRequest &r) { r.workflow = QStringLiteral("Bad Name"); }, ErrorCode::InvalidArgument, "workflow"));
        QVERIFY(accepted([](SubmitRequest &r) { r.maxAttempts = AttemptsMax; }));
        QVERIFY(refusedWith([](SubmitRequest &r) { r.maxAttempts = AttemptsMax + 1; }, ErrorCode::InvalidArgument, "max_attempts"));
        QVERIFY(refusedWith([](SubmitRequest &r) { r.maxAttempts = 0; }, ErrorCode::InvalidArgument, "max_attempts"));
        QVERIFY(accepted([](SubmitRequest &r) { r.backoffBaseMs = BackoffBaseMsMax; }));
        QVERIFY(refusedWith([](SubmitRequest &r) { r.backoffBaseMs = BackoffBaseMsMax + 1; }, ErrorCode::InvalidArgument, "backoff_ms"));
        QCOMPARE(q->counts()->at(size_t(TaskState::Pending)), 0);

        // Depth: pending holds 3, the fourth is refused, nothing is stored.
        std::vector<Task> pending;
        for (int i = 0; i < 3; ++i)
            pending.push_back(submitWith([](SubmitRequest &) {})->task);
        const qint64 stored = scalar(*q.db, "SELECT count(*) FROM tasks");
        auto full = submitWith([](SubmitRequest &) {});
        QVERIFY(!full);
        QCOMPARE(full.error().code, ErrorCode::ResourceExhausted);
        QVERIFY(full.error().message.contains(QStringLiteral("'pending'")));
        QCOMPARE(scalar(*q.db, "SELECT count(*) FROM tasks"), stored);
        // Claimed holds 2: a claim of 3 takes 2, the next claim is refused.
        auto two = q->claim(claimBy(QStringLiteral("w1"), 3));
        QVERIFY(two);
        QCOMPARE(two->size(), size_t(2));
        auto none = q->claim(claimBy());
        QVERIFY(!none);
        QCOMPARE(none.error().code, ErrorCode::ResourceExhausted);
        // A retry into a full pending is refused; a lost lease back to pending never is.
        QVERIFY(submitWith([](SubmitRequest &) {}));
        QCOMPARE(q->counts()->at(size_t(TaskState::Pending)), 2);
        QVERIFY(submitWith([](SubmitRequest &) {}));
        auto cancelled = q->act(OperatorAction { pending[2].id, TaskAction::Cancel, {} }, operatorActor());
        QVERIFY(cancelled);
        QVERIFY(submitWith([](SubmitRequest &) {}));
        auto retry = q->act(OperatorAction { pending[2].id, TaskAction::Retry, {} }, operatorActor());
        QVERIFY(!retry);
        QCOMPARE(retry.error().code, ErrorCode::ResourceExhausted);
        q.clock->advanceMs(LeaseMsDefault + 1);
        QCOMPARE(q->counts()->at(size_t(TaskState::Pending)), 5);

        // Claims, leases and lists.
        auto claimRefused = [&](ClaimRequest request, const char *field) {
            auto r = q->claim(request);
            return !r && r.error().code == ErrorCode::InvalidArgument && r.error().field == QLatin1StringView(field);
        };
        QVERIFY(claimRefused(claimBy(QStringLiteral("w1"), ClaimBatchMax + 1), "max"));
        QVERIFY(claimRefused(claimBy(QStringLiteral("w1"), 0), "max"));
        QVERIFY(claimRefused(claimBy(QStringLiteral("w1"), 1, LeaseMsMin - 1), "lease_ms"));
        QVERIFY(claimRefused(claimBy(QStringLiteral("w1"), 1, LeaseMsMax + 1), "lease_ms"));
        QVERIFY(claimRefused(claimBy(QString(WorkerIdLengthMax + 1, u'w')), "worker"));
        QVERIFY(claimRefused(claimBy(QString()), "worker"));
        auto atMost = q->claim(claimBy(QString(WorkerIdLengthMax, u'w'), ClaimBatchMax, LeaseMsMax));
        QVERIFY(atMost);
        QCOMPARE(atMost->size(), size_t(2)); // the claimed limit
        TaskFilter filter;
        filter.limit = ListLimitMax;
        QVERIFY(q->list(filter));
        filter.limit = ListLimitMax + 1;
        QCOMPARE(q->list(filter).error().code, ErrorCode::InvalidArgument);
        QVERIFY(q->list(filter).error().message.contains(QString::number(ListLimitMax)));
        // A reason at its limit and one past.
        auto reasonOf = [&](qsizetype bytes) {
            return q->act(OperatorAction { pending[0].id, TaskAction::Cancel, QString(bytes, u'r') }, operatorActor());
        };
        QCOMPARE(reasonOf(ReasonBytesMax + 1).error().field, QStringLiteral("reason"));
        QVERIFY(reasonOf(ReasonBytesMax));
    }

    void longFailureTextIsCut()
    {
        QueueFixture q;
        QVERIFY(q.open());
        const Task running = into(q, TaskState::Running, 1);
        WorkerReport fail = reportOf(running, TaskAction::Fail);
        fail.error = QString(ErrorTextBytesMax * 2, u'e');
        auto failed = q->report(fail);
        QVERIFY(failed);
        QVERIFY(failed->lastError.toUtf8().size() <= ErrorTextBytesMax);
        QVERIFY(failed->lastError.endsWith(QStringLiteral("...")));
        WorkerReport big = reportOf(into(q, TaskState::Running), TaskAction::Complete);
        big.result = "\"" + QByteArray(ResultBytesMax, 'r') + "\"";
        auto refused = q->report(big);
        QVERIFY(!refused);
        QCOMPARE(refused.error().field, QStringLiteral("result"));
    }

    // Many callers on other threads: each answered after its batch
    // committed (a second connection sees the task then), in far fewer
    // transactions than requests.
    void groupCommitAnswersAfterTheCommit()
    {
        QueueFixture q;
        QVERIFY(q.open());
        auto reader = Database::open(q.databasePath());
        QVERIFY(reader);
        constexpr int Threads = 4, PerThread = 250;
        std::atomic<int> answered { 0 }, visible { 0 };
        std::vector<std::thread> threads;
        for (int t = 0; t < Threads; ++t) {
            threads.emplace_back([&, t] {
                for (int i = 0; i < PerThread; ++i) {
                    q->submit(work(QStringLiteral("t%1 #%2").arg(t).arg(i)), Actor::system(QStringLiteral("submitter-%1").arg(t)),
                              [&](Result<Submitted> submitted) {
                                  CABINET_ASSERT(submitted);
                                  // Answered on the queue's thread, after COMMIT.
                                  auto &select = (*reader)->statement("SELECT count(*) FROM tasks WHERE id = ?1");
                                  select.bind(1, submitted->task.id);
                                  auto row = select.step();
                                  if (row && *row && select.int64(0) == 1)
                                      ++visible;
                                  select.reset();
                                  ++answered;
                              });
                }
            });
        }
        for (auto &thread : threads)
            thread.join();
        QTRY_COMPARE_WITH_TIMEOUT(answered.load(), Threads * PerThread, 30000);
        QCOMPARE(visible.load(), Threads * PerThread);
        const qint64 batches = eventCount(q, "task.submitted");
        QVERIFY2(batches < Threads * PerThread, qPrintable(QString::number(batches)));
        QCOMPARE(scalar(*q.db, "SELECT sum(json_extract(payload, '$.count')) FROM events WHERE type = 'task.submitted'"), Threads * PerThread);
        // One audit entry per actor per batch, listing every task.
        QCOMPARE(scalar(*q.db, "SELECT sum(json_array_length(payload, '$.tasks')) FROM audit_log WHERE action = 'task.submit'"),
                 Threads * PerThread);
        QVERIFY(q.audit->verify()->intact);
    }

    void aClaimWaitsForWork()
    {
        QueueFixture q;
        QVERIFY(q.open());
        std::optional<Result<std::vector<Task>>> got;
        ClaimRequest waiting = claimBy(QStringLiteral("w1"), 4);
        waiting.waitMs = 5000;
        q->claim(waiting, [&](Result<std::vector<Task>> r) { got = std::move(r); });
        QCoreApplication::processEvents(); // the queue's thread takes the claim: it waits
        QVERIFY(!got);
        QCOMPARE(q->nextDeadlineNs().value_or(0), q.clock->nowNs() + qint64(5000) * 1'000'000);
        auto submitted = q->submit(work(), operatorActor()); // served in the same batch
        QVERIFY(got && *got);
        QCOMPARE((*got)->size(), size_t(1));
        QCOMPARE((*got)->front().id, submitted->task.id);
        // Nothing comes: the wait ends empty on time.
        got.reset();
        q->claim(waiting, [&](Result<std::vector<Task>> r) { got = std::move(r); });
        QCoreApplication::processEvents(); // the queue's thread takes the claim: it waits
        q.clock->advanceMs(4999);
        QVERIFY(!got);
        q.clock->advanceMs(1);
        QVERIFY(got && *got && (*got)->empty());
    }

    void aFailedCommitAnswersEveryoneAndChangesNothing()
    {
        QueueFixture q;
        QVERIFY(q.open());
        const Task pending = into(q, TaskState::Pending);
        QVERIFY(q.db->execScript(QStringLiteral("CREATE TEMP TRIGGER fail_events BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'disk "
                                                "trouble'); END;")));
        std::vector<Result<Submitted>> answers;
        for (int i = 0; i < 3; ++i)
            q->submit(work(), operatorActor(), [&](Result<Submitted> r) { answers.push_back(std::move(r)); });
        auto cancel = q->act(OperatorAction { pending.id, TaskAction::Cancel, {} }, operatorActor());
        QVERIFY(!cancel);
        QCOMPARE(answers.size(), size_t(3));
        for (const auto &answer : answers)
            QVERIFY(!answer && answer.error().message.contains(QStringLiteral("did not happen")));
        QCOMPARE(scalar(*q.db, "SELECT count(*) FROM tasks"), 1);
        QCOMPARE(q->get(pending.id)->state, TaskState::Pending);
        QCOMPARE(q->counts()->at(size_t(TaskState::Pending)), 1);
        QVERIFY(q.db->execScript(QStringLiteral("DROP TRIGGER fail_events")));
        QVERIFY(q->act(OperatorAction { pending.id, TaskAction::Cancel, {} }, operatorActor()));
    }

    void idsAreMonotonicUlids()
    {
        Ulid::Generator ids(42);
        QString last;
        for (int i = 0; i < 5000; ++i) {
            const QString id = ids.next(1'700'000'000'000 + i / 1000); // 1000 in each millisecond
            QVERIFY(Ulid::isValid(id));
            QVERIFY2(id > last, qPrintable(id + u' ' + last));
            QCOMPARE(Ulid::timeMs(id), 1'700'000'000'000 + i / 1000);
            last = id;
        }
        // The clock going back does not make an id sort before the last.
        const QString back = ids.next(1'600'000'000'000);
        QVERIFY(back > last);
        QVERIFY(!Ulid::isValid(QStringLiteral("01ARZ3NDEKTSV4RRFFQ69G5FAV").toLower()));
        QVERIFY(!Ulid::isValid(QStringLiteral("81ARZ3NDEKTSV4RRFFQ69G5FAV")));
        QCOMPARE(Ulid::timeMs(QStringLiteral("01ARZ3NDEKTSV4RRFFQ69G5FAV")), qint64(1469922850259)); // the spec's example: 2016-07-30T23:54:10.259Z
        // A queue reopened with its clock set back still sorts new ids after the stored ones.
        QueueFixture q;
        QVERIFY(q.open());
        const QString stored = into(q, TaskState::Pending).id;
        q.clock->setNs(q.clock->nowNs() - qint64(3600) * 1'000'000'000);
        QVERIFY(q.open());
        QVERIFY(into(q, TaskState::Pending).id > stored);
    }

    void operationsThroughTheDispatcher()
    {
        cabinet::test::TestCabinet cabinet;
        QVERIFY(cabinet.open());
        auto call = [&](const char *name, const QByteArray &params) {
            std::optional<Result<QByteArray>> answer;
            cabinet->api().call(QString::fromLatin1(name), operatorActor(), params, [&](Result<QByteArray> r) { answer = std::move(r); });
            while (!answer)
                QCoreApplication::processEvents();
            return std::move(*answer);
        };
        auto submitted = call("tasks.submit", R"({"workflow": "default", "title": "ship it", "input": {"big": 123456789012345678901234567890}, "idempotency_key": "k"})");
        QVERIFY2(submitted, submitted ? "" : qPrintable(submitted.error().message));
        QVERIFY2(submitted->contains("\"input\":{\"big\":123456789012345678901234567890}"), submitted->constData());
        QVERIFY(submitted->endsWith(",\"created\":true}"));
        const QString id = QJsonDocument::fromJson(*submitted).object().value(QStringLiteral("id")).toString();
        auto again = call("tasks.submit", R"({"workflow": "default", "title": "ship it", "idempotency_key": "k"})");
        QVERIFY(again && again->endsWith(",\"created\":false}"));
        QVERIFY(call("tasks.get", "{\"id\":\"" + id.toLatin1() + "\"}"));
        QCOMPARE(call("tasks.get", R"({"id":"nope"})").error().code, ErrorCode::InvalidArgument);
        QCOMPARE(call("tasks.get", R"({"id":"01ARZ3NDEKTSV4RRFFQ69G5FAV"})").error().code, ErrorCode::NotFound);
        QCOMPARE(call("tasks.submit", R"({"workflow": "default"})").error().code, ErrorCode::InvalidArgument);
        QCOMPARE(call("tasks.submit", R"({"workflow": "default", "title": "x", "extra": 1})").error().field, QStringLiteral("extra"));
        auto paused = call("tasks.pause", "{\"id\":\"" + id.toLatin1() + "\"}");
        QVERIFY(paused && paused->contains("\"paused\":true"));
        QVERIFY(call("tasks.resume", "{\"id\":\"" + id.toLatin1() + "\"}"));
        QVERIFY(call("tasks.cancel", "{\"id\":\"" + id.toLatin1() + "\",\"reason\":\"no\"}"));
        QCOMPARE(call("tasks.cancel", "{\"id\":\"" + id.toLatin1() + "\"}").error().code, ErrorCode::Conflict);
        QVERIFY(call("tasks.retry", "{\"id\":\"" + id.toLatin1() + "\"}"));
        auto list = call("tasks.list", R"({"state": "pending", "limit": 10})");
        QVERIFY(list);
        const QJsonObject page = QJsonDocument::fromJson(*list).object();
        QCOMPARE(page.value(QStringLiteral("tasks")).toArray().size(), 1);
        QCOMPARE(page.value(QStringLiteral("counts")).toObject().value(QStringLiteral("pending")).toInt(), 1);
        QVERIFY(!page.value(QStringLiteral("tasks")).toArray().first().toObject().contains(QStringLiteral("input")));
        QCOMPARE(call("tasks.list", R"({"state": "sleeping"})").error().code, ErrorCode::InvalidArgument);
        // Paging.
        for (int i = 0; i < 5; ++i)
            QVERIFY(call("tasks.submit", R"({"workflow": "default", "title": "more"})"));
        QStringList seen;
        QString after;
        for (int pages = 0; pages < 10; ++pages) {
            auto more = call("tasks.list", after.isEmpty() ? QByteArray(R"({"limit": 2})") : "{\"limit\":2,\"after\":\"" + after.toLatin1() + "\"}");
            QVERIFY(more);
            const QJsonObject p = QJsonDocument::fromJson(*more).object();
            for (const QJsonValue &t : p.value(QStringLiteral("tasks")).toArray())
                seen << t.toObject().value(QStringLiteral("id")).toString();
            after = p.value(QStringLiteral("next")).toString();
            if (after.isEmpty())
                break;
        }
        QCOMPARE(seen.size(), 6);
        QStringList sorted = seen;
        sorted.sort();
        QCOMPARE(seen, sorted);
    }
};

QTEST_GUILESS_MAIN(TestTaskQueue)
#include "tst_taskqueue.moc"

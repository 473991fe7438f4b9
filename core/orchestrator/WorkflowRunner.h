#pragma once

#include "Actor.h"
#include "Result.h"
#include "orchestrator/RunStore.h"
#include "orchestrator/RunTemplate.h"
#include "orchestrator/TaskQueue.h"
#include "orchestrator/WorkflowDefinition.h"
#include "service/Service.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QObject>
#include <QProcessEnvironment>
#include <QThreadPool>

#include <atomic>
#include <map>
#include <memory>

namespace cabinet {
class Cabinet;
class Config;
class Transaction;
}

namespace cabinet::orchestrator {

class ToolProcess;

// Runs the queue's tasks through their workflows, node by node, with a
// checkpoint after each (docs/workflows.md). A Service on the Scheduler:
// it claims tasks while fewer than `workers` runs are active, keeps their
// leases alive, and ends tools past their time limit.
//
// The run's state after each node commits with its workflow.* events in one
// transaction; a node that completed is never run again (its recorded
// output is used), a node that was interrupted runs again with the same
// idempotency key. Slow work never runs on the core's thread: model calls
// go through the Router, tools are processes (their own group), HTTP tools
// run on a pool thread, simulations on the ScenarioRunner's; each result
// comes back to the core's thread to commit. Every continuation runs from
// the event loop, never inside another service's callback, so the runner
// never re-enters the queue while it commits a batch.
class WorkflowRunner : public QObject, public Service {
    Q_OBJECT
public:
    static constexpr int WorkersDefault = 4; // orchestrator.workers
    static constexpr int WorkersMax = 64;
    // A stop gives running tools this long after SIGTERM before SIGKILL.
    static constexpr int StopGraceMs = 5'000;
    // Leases are renewed this often while a node runs (a third of the lease).
    static constexpr qint64 HeartbeatMs = LeaseMsDefault / 3;
    // While tasks wait in a backoff, claims are tried again this often.
    static constexpr qint64 ClaimRetryMs = 1'000;
    // A node's recorded output (a reply, a tool's output as JSON).
    static constexpr qsizetype OutputBytesMax = 1024 * 1024;
    // Node visits in one run (a loop's bounds keep it far below).
    static constexpr int VisitsMax = 1'000;
    static inline const QString Worker = QStringLiteral("workflow-runner");

    WorkflowRunner(Cabinet &cabinet, int workers);
    // orchestrator.workers, 0..WorkersMax (0: this process runs no task);
    // a value that is not one keeps the default, with a warning.
    static int workersSetting(const Config &config);
    ~WorkflowRunner() override;

    QString name() const override { return QStringLiteral("orchestrator.runner"); }
    Status start() override;
    // Ends running tools (SIGTERM, then SIGKILL after StopGraceMs), cancels
    // model calls, marks their nodes interrupted and gives the tasks back.
    void stop() override;
    std::optional<qint64> nextDeadlineNs() override;
    void runDue(qint64 nowNs) override;

    int workers() const { return m_workers; }
    int active() const { return int(m_active.size()); }
    // Nothing runs and nothing is left that could run (pending or leased,
    // not paused): `cabinet work --until-idle` ends then.
    Result<bool> idle() const;

    // The run of a task with every node visit (state, output, timing, cost),
    // or null when the task has not started a run.
    Result<QJsonValue> runJson(const QString &taskId) const;

    // tasks.step (hold = HoldStep: pause after the next node) and
    // tasks.until (pause before `hold`, a node of the workflow). The hold,
    // its event and the caller's audit entry commit together; a paused task
    // is resumed (as system:workflows) so the hold can be reached.
    void hold(const QString &taskId, const QString &hold, const Actor &actor, Done<Task> done);

private:
    struct Active;
    struct NodeResult {
        QJsonValue output;
        Outcome outcome = Outcome::Pass;
    };
    enum class Retry { Yes, No };

    void schedulePump();
    void pump();
    void claim();
    void begin(const Task &task);
    void advance(Active &active);
    void startVisit(Active &active, Visit &visit);
    void runLlm(Active &active, const Node &node, const Visit &visit);
    void runTool(Active &active, const Node &node, const Visit &visit);
    void runHttp(Active &active, const Node &node, const Visit &visit);
    void runGate(Active &active, const Node &node, Visit &visit);
    void runSimulate(Active &active, const Node &node, const Visit &visit);
    void runBoard(Active &active, const Node &node, const Visit &visit);
    // A node's work came back: commits it (and the next visit, or the
    // run's end) and goes on. Ignored when the run was left meanwhile.
    void finished(const QString &taskId, quint64 generation, Result<NodeResult> result);
    void nodeDone(Active &active, NodeResult result);
    void nodeFailed(Active &active, const Error &error, Retry retry);
    // Leaves a run: its task is no longer ours (reported, released, lost).
    void leave(const QString &taskId);
    // Stops the work in flight and marks the node interrupted.
    void interrupt(Active &active);
    void pauseAndRelease(Active &active);
    void report(Active &active, TaskAction action, const QByteArray &result = {}, const QString &error = {}, bool retryable = true);
    void onTaskEvents(const QJsonObject &payload);

    Result<const WorkflowDefinition *> workflowFor(const Task &task) const;
    Run newRun(const Task &task, const WorkflowDefinition &workflow) const;
    // The run and its first visit, pending, with workflow.run_started.
    Status insertRun(Transaction &tx, const Run &run, const WorkflowDefinition &workflow);
    Result<std::shared_ptr<const WorkflowDefinition>> definitionOf(const Run &run) const;
    RunValues valuesOf(const Active &active) const;
    Status commitVisit(Active &active, Visit &visit, const QString &eventType, QJsonObject payload);
    QProcessEnvironment toolEnvironment(const Active &active, const Visit &visit) const;

    Cabinet &m_cabinet;
    RunStore m_store;
    int m_workers;
    bool m_started = false;
    bool m_pumpQueued = false;
    bool m_claimWanted = false;
    qint64 m_claimRetryNs = 0; // 0: none
    int m_subscription = 0;
    quint64 m_generation = 0;
    std::map<QString, std::unique_ptr<Active>> m_active; // by task id
    QThreadPool m_pool;                                  // HTTP tools
};

} // namespace cabinet::orchestrator

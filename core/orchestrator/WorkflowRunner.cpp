#include "orchestrator/WorkflowRunner.h"

#include "Assert.h"
#include "Cabinet.h"
#include "QuotedInput.h"
#include "config/Config.h"
#include "approvals/ApprovalService.h"
#include "audit/AuditLog.h"
#include "board/ApprovalDeliberations.h"
#include "board/BoardService.h"
#include "events/EventBus.h"
#include "events/EventTypes.h"
#include "llm/Router.h"
#include "orchestrator/AgentRegistry.h"
#include "orchestrator/RunTool.h"
#include "orchestrator/WorkflowCatalog.h"
#include "orchestrator/WorkflowParser.h"
#include "scenario/ScenarioRunner.h"
#include "store/Database.h"

#include <ScenarioEngine.h>

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QPointer>
#include <QSet>

#include <signal.h>

Q_LOGGING_CATEGORY(lcRunner, "cabinet.orchestrator.runner")

namespace cabinet::orchestrator {

namespace {

const Actor RunnerActor = Actor::system(QStringLiteral("workflows"));

QByteArray compactJson(const QJsonValue &value)
{
    if (value.isObject())
        return QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
    if (value.isArray())
        return QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact);
    const QByteArray text = QJsonDocument(QJsonArray { value }).toJson(QJsonDocument::Compact);
    return text.mid(1, text.size() - 2);
}

QJsonValue parseJsonValue(const QByteArray &text)
{
    if (text.isEmpty())
        return QJsonValue(QJsonValue::Null);
    const QJsonDocument document = QJsonDocument::fromJson("[" + text + "]");
    return document.isArray() ? document.array().first() : QJsonValue(QJsonValue::Null);
}

QString outcomeName(Outcome outcome)
{
    return outcome == Outcome::Pass ? QStringLiteral("pass") : QStringLiteral("fail");
}

double nsToMs(qint64 ns)
{
    return double(ns / 1'000'000);
}

// A pending visit with its key: one per run, node and visit.
Visit newVisit(const QString &taskId, int seq, const QString &node, int nth, const QString &fromNode = {}, int edge = -1)
{
    Visit visit;
    visit.taskId = taskId;
    visit.seq = seq;
    visit.node = node;
    visit.visit = nth;
    visit.fromNode = fromNode;
    visit.edge = edge;
    visit.idempotencyKey = visitKey(taskId, node, nth);
    return visit;
}

} // namespace

// A run this process works on: its task under our lease, its definition
// and its visits as committed, and the work in flight for the last visit.
struct WorkflowRunner::Active {
    Task task;
    Lease lease;
    Run run;
    std::shared_ptr<const WorkflowDefinition> definition;
    std::vector<Visit> visits;
    quint64 generation = 0; // a callback of older work than this is ignored
    qint64 heartbeatDueNs = 0;
    // The work in flight (at most one).
    quint64 llmCall = 0;
    std::unique_ptr<ToolProcess> tool;
    qint64 toolDeadlineNs = 0;
    std::shared_ptr<std::atomic<bool>> httpCancel;
    quint64 scenarioJob = 0;

    Visit &last() { return visits.back(); }
    const Node *node() const { return definition->node(visits.back().node); }
};

WorkflowRunner::WorkflowRunner(Cabinet &cabinet, int workers)
    : m_cabinet(cabinet), m_store(cabinet.database()), m_workers(std::clamp(workers, 0, WorkersMax))
{
    m_pool.setMaxThreadCount(std::max(1, m_workers));
}

int WorkflowRunner::workersSetting(const Config &config)
{
    const QString text = config.value(QStringLiteral("orchestrator.workers"), QString::number(WorkersDefault));
    bool ok = false;
    const int workers = text.toInt(&ok);
    if (ok && workers >= 0 && workers <= WorkersMax)
        return workers;
    qCWarning(lcRunner).noquote() << "orchestrator.workers:" << quoteInput(text) << "is not a whole number in 0 ..." << WorkersMax
                                  << "; keeping the default" << WorkersDefault;
    return WorkersDefault;
}

WorkflowRunner::~WorkflowRunner()
{
    stop();
}

Status WorkflowRunner::start()
{
    // A worker of an earlier process that died left its tools running:
    // end their groups before anything runs again. This process holds the
    // data directory, so no group recorded is a live worker's.
    auto leftovers = m_store.visitsWithProcessGroup();
    if (!leftovers)
        return leftovers.error();
    if (!leftovers->empty()) {
        auto tx = m_cabinet.database().begin();
        if (!tx)
            return tx.error();
        for (Visit &visit : *leftovers) {
            killProcessGroup(visit.pgid);
            qCInfo(lcRunner).noquote() << "ended the process group" << visit.pgid << "left by" << visit.taskId << visit.node;
            visit.pgid = 0;
            if (visit.state == VisitState::Running)
                visit.state = VisitState::Interrupted;
            if (auto status = m_store.update(visit); !status)
                return status;
            if (auto event = m_cabinet.events().append(*tx, events::WorkflowNodeInterrupted,
                                                        { { QStringLiteral("task_id"), visit.taskId },
                                                          { QStringLiteral("node"), visit.node },
                                                          { QStringLiteral("seq"), visit.seq },
                                                          { QStringLiteral("reason"), QStringLiteral("its worker died") } });
                !event)
                return event.error();
        }
        if (auto status = tx->commit(); !status)
            return status;
    }
    m_subscription = m_cabinet.events().subscribe({ events::TaskSubmitted, events::TaskStateChanged, events::TaskPauseChanged },
                                                  [this](const Event &event) {
                                                      if (event.type == events::TaskStateChanged)
                                                          onTaskEvents(event.payload);
                                                      m_claimWanted = true;
                                                      schedulePump();
                                                  });
    m_started = true;
    m_claimWanted = true;
    schedulePump();
    return {};
}

void WorkflowRunner::stop()
{
    if (!m_started)
        return;
    m_started = false;
    m_cabinet.events().unsubscribe(m_subscription);
    // Tools get SIGTERM together, then their grace period, then SIGKILL.
    for (auto &[id, active] : m_active)
        if (active->tool)
            active->tool->signalGroup(SIGTERM);
    for (auto &[id, active] : m_active)
        if (active->tool && !active->tool->waitForFinished(StopGraceMs))
            active->tool->signalGroup(SIGKILL);
    while (!m_active.empty()) {
        Active &active = *m_active.begin()->second;
        const QString id = active.task.id;
        interrupt(active);
        report(active, TaskAction::Release);
        m_active.erase(id);
    }
    m_pool.waitForDone();
}

std::optional<qint64> WorkflowRunner::nextDeadlineNs()
{
    if (!m_started)
        return std::nullopt;
    std::optional<qint64> soonest;
    auto consider = [&](qint64 ns) {
        if (ns > 0 && (!soonest || ns < *soonest))
            soonest = ns;
    };
    for (const auto &[id, active] : m_active) {
        consider(active->heartbeatDueNs);
        if (active->tool)
            consider(active->toolDeadlineNs);
    }
    if (int(m_active.size()) < m_workers)
        consider(m_claimRetryNs);
    return soonest;
}

void WorkflowRunner::runDue(qint64 nowNs)
{
    for (auto &[id, active] : m_active) {
        if (active->tool && active->toolDeadlineNs > 0 && active->toolDeadlineNs <= nowNs) {
            active->toolDeadlineNs = 0;
            const Node *node = active->node();
            active->tool->abort(QStringLiteral("the tool ran past its time limit of %1 s (timeout_s)").arg(node ? node->timeoutSeconds : 0));
        }
    }
    if (m_claimRetryNs > 0 && m_claimRetryNs <= nowNs) {
        m_claimRetryNs = 0;
        m_claimWanted = true;
    }
    // Heartbeats and claims go through the queue: from the event loop.
    schedulePump();
}

void WorkflowRunner::schedulePump()
{
    if (m_pumpQueued || !m_started)
        return;
    m_pumpQueued = true;
    QMetaObject::invokeMethod(this, &WorkflowRunner::pump, Qt::QueuedConnection);
}

void WorkflowRunner::pump()
{
    m_pumpQueued = false;
    if (!m_started)
        return;
    const qint64 now = m_cabinet.clock().nowNs();
    std::vector<QString> due;
    for (const auto &[id, active] : m_active)
        if (active->heartbeatDueNs > 0 && active->heartbeatDueNs <= now)
            due.push_back(id);
    for (const QString &id : due) {
        auto it = m_active.find(id);
        if (it == m_active.end())
            continue;
        Active &active = *it->second;
        active.heartbeatDueNs = now + HeartbeatMs * 1'000'000;
        auto renewed = m_cabinet.service<TaskQueue>().heartbeat(active.lease);
        if (!renewed) {
            qCInfo(lcRunner).noquote() << "lost the lease of" << id << ":" << renewed.error().message;
            interrupt(active);
            leave(id);
        }
    }
    if (m_claimWanted)
        claim();
    wake();
}

void WorkflowRunner::claim()
{
    m_claimWanted = false;
    const int room = m_workers - int(m_active.size());
    if (room <= 0)
        return;
    auto claimed = m_cabinet.service<TaskQueue>().claim(ClaimRequest { Worker, std::min(room, ClaimBatchMax), LeaseMsDefault, 0 });
    if (!claimed) {
        qCWarning(lcRunner).noquote() << "cannot claim tasks:" << claimed.error().message;
        m_claimRetryNs = m_cabinet.clock().nowNs() + ClaimRetryMs * 1'000'000;
        return;
    }
    // Fewer than asked: the rest may be in a backoff; look again later.
    if (int(claimed->size()) < room)
        m_claimRetryNs = m_cabinet.clock().nowNs() + ClaimRetryMs * 1'000'000;
    else
        m_claimWanted = true;
    for (const Task &task : *claimed)
        begin(task);
}

void WorkflowRunner::begin(const Task &claimed)
{
    WorkerReport start;
    start.lease = Lease::of(claimed);
    start.action = TaskAction::Start;
    auto started = m_cabinet.service<TaskQueue>().report(start);
    if (!started) {
        qCInfo(lcRunner).noquote() << "cannot start" << claimed.id << ":" << started.error().message;
        return;
    }
    auto owned = std::make_unique<Active>();
    Active &active = *owned;
    active.task = *started;
    active.lease = Lease::of(*started);
    active.generation = ++m_generation;
    active.heartbeatDueNs = m_cabinet.clock().nowNs() + HeartbeatMs * 1'000'000;
    m_active.emplace(claimed.id, std::move(owned));

    auto stored = m_store.run(claimed.id);
    if (!stored)
        return nodeFailed(active, stored.error(), Retry::Yes);
    if (*stored) {
        active.run = **stored;
    } else {
        auto workflow = workflowFor(claimed);
        if (!workflow)
            return nodeFailed(active, workflow.error(), Retry::No);
        active.run = newRun(claimed, **workflow);
        auto tx = m_cabinet.database().begin();
        Status written = tx ? insertRun(*tx, active.run, **workflow) : Status(tx.error());
        if (written)
            written = tx->commit();
        if (!written)
            return nodeFailed(active, written.error(), Retry::Yes);
    }
    auto definition = definitionOf(active.run);
    if (!definition)
        return nodeFailed(active, definition.error(), Retry::No);
    active.definition = *definition;
    auto visits = m_store.visits(claimed.id);
    if (!visits)
        return nodeFailed(active, visits.error(), Retry::Yes);
    active.visits = std::move(*visits);
    CABINET_ASSERT_MSG(!active.visits.empty(), "the run of %s has no visit", qPrintable(claimed.id));
    advance(active);
}

Result<const WorkflowDefinition *> WorkflowRunner::workflowFor(const Task &task) const
{
    const WorkflowCatalog::Entry *entry = m_cabinet.service<WorkflowCatalog>().find(task.workflow);
    if (entry && entry->definition)
        return &*entry->definition;
    if (entry && entry->problem)
        return Error { ErrorCode::FailedPrecondition, QStringLiteral("the workflow '%1' does not load: %2").arg(task.workflow, entry->problem->text()) };
    return Error { ErrorCode::FailedPrecondition, QStringLiteral("there is no workflow '%1'").arg(task.workflow) };
}

Run WorkflowRunner::newRun(const Task &task, const WorkflowDefinition &workflow) const
{
    const qint64 now = m_cabinet.clock().nowNs();
    return Run { task.id, workflow.name, workflow.source, workflow.text, RunState::Running, {}, {}, now, now };
}

Status WorkflowRunner::insertRun(Transaction &tx, const Run &run, const WorkflowDefinition &workflow)
{
    const Visit first = newVisit(run.taskId, 1, workflow.start, 1);
    if (auto status = m_store.insert(run); !status)
        return status;
    if (auto status = m_store.insert(first); !status)
        return status;
    if (auto event = m_cabinet.events().append(tx, events::WorkflowRunStarted,
                                                { { QStringLiteral("task_id"), run.taskId },
                                                  { QStringLiteral("workflow"), workflow.name },
                                                  { QStringLiteral("source"), workflow.source },
                                                  { QStringLiteral("start"), workflow.start } });
        !event)
        return event.error();
    return {};
}

Result<std::shared_ptr<const WorkflowDefinition>> WorkflowRunner::definitionOf(const Run &run) const
{
    // The text the run started on, parsed again: the parser is a pure
    // function of the text and the agents' names, so the graph is the one
    // the run began with even when the file was edited since.
    const QStringList names = m_cabinet.agents().names();
    const WorkflowParse parse = WorkflowParser(QSet<QString>(names.begin(), names.end())).parse(run.definition, run.workflow, run.source);
    if (!parse.ok())
        return Error { ErrorCode::FailedPrecondition,
                       QStringLiteral("the workflow this run started on no longer checks against the agents in force: %1").arg(parse.problem.text()) };
    return std::make_shared<const WorkflowDefinition>(*parse.workflow);
}

void WorkflowRunner::advance(Active &active)
{
    Visit &visit = active.last();
    const qint64 now = m_cabinet.clock().nowNs();
    switch (visit.state) {
    case VisitState::Done:
        // Only the last node of a finished run stays the last visit.
        if (active.run.state == RunState::Done)
            return report(active, TaskAction::Complete, compactJson(QJsonObject { { QStringLiteral("node"), visit.node },
                                                                                   { QStringLiteral("output"), parseJsonValue(visit.output) } }));
        // A run that failed after its node (no edge held), retried: the
        // node runs again, as a new visit.
        [[fallthrough]];
    case VisitState::Failed: {
        if (int(active.visits.size()) >= VisitsMax)
            return nodeFailed(active, Error { ErrorCode::ResourceExhausted, QStringLiteral("the run has %1 node visits, its limit").arg(VisitsMax) },
                              Retry::No);
        int nth = 1;
        for (const Visit &earlier : active.visits)
            if (earlier.node == visit.node)
                nth = std::max(nth, earlier.visit + 1);
        const Visit again = newVisit(visit.taskId, visit.seq + 1, visit.node, nth);
        active.run.state = RunState::Running;
        active.run.error.clear();
        active.run.updatedNs = now;
        auto tx = m_cabinet.database().begin();
        if (!tx)
            return nodeFailed(active, tx.error(), Retry::Yes);
        Status written = m_store.update(active.run);
        if (written)
            written = m_store.insert(again);
        if (written)
            written = tx->commit();
        if (!written)
            return nodeFailed(active, written.error(), Retry::Yes);
        active.visits.push_back(again);
        return advance(active);
    }
    case VisitState::Pending:
        if (!active.run.hold.isEmpty() && active.run.hold == visit.node)
            return pauseAndRelease(active);
        return startVisit(active, visit);
    case VisitState::Running:
    case VisitState::Interrupted:
        // Back after a crash, a stop or an approval: a process group the
        // last worker left is ended first (start() did so for a dead
        // process; a lost lease in this one leaves it here).
        if (visit.pgid > 0) {
            killProcessGroup(visit.pgid);
            visit.pgid = 0;
        }
        return startVisit(active, visit);
    }
}

Status WorkflowRunner::commitVisit(Active &active, Visit &visit, const QString &eventType, QJsonObject payload)
{
    auto tx = m_cabinet.database().begin();
    if (!tx)
        return tx.error();
    if (auto status = m_store.update(visit); !status)
        return status;
    if (active.run.updatedNs != m_cabinet.clock().nowNs()) {
        active.run.updatedNs = m_cabinet.clock().nowNs();
        if (auto status = m_store.update(active.run); !status)
            return status;
    }
    payload.insert(QStringLiteral("task_id"), visit.taskId);
    payload.insert(QStringLiteral("node"), visit.node);
    payload.insert(QStringLiteral("seq"), visit.seq);
    payload.insert(QStringLiteral("visit"), visit.visit);
    if (auto event = m_cabinet.events().append(*tx, eventType, payload); !event)
        return event.error();
    return tx->commit();
}

void WorkflowRunner::startVisit(Active &active, Visit &visit)
{
    const Node *node = active.node();
    if (!node)
        return nodeFailed(active, Error { ErrorCode::FailedPrecondition, QStringLiteral("the run's workflow has no node '%1'").arg(visit.node) },
                          Retry::No);
    // A gate back from its approval goes on by the decision; it is not
    // started again.
    if (node->kind == NodeKind::Gate && !visit.approvalId.isEmpty())
        return runGate(active, *node, visit);
    const bool resumed = visit.runs > 0;
    visit.state = VisitState::Running;
    visit.runs += 1;
    visit.startedNs = m_cabinet.clock().nowNs();
    if (auto status = commitVisit(active, visit, events::WorkflowNodeStarted,
                                  { { QStringLiteral("kind"), nodeKindName(node->kind) },
                                    { QStringLiteral("idempotency_key"), visit.idempotencyKey },
                                    { QStringLiteral("resumed"), resumed } });
        !status)
        return nodeFailed(active, status.error(), Retry::Yes);
    active.generation = ++m_generation;
    switch (node->kind) {
    case NodeKind::Llm: return runLlm(active, *node, visit);
    case NodeKind::Tool: return node->http ? runHttp(active, *node, visit) : runTool(active, *node, visit);
    case NodeKind::Gate: return runGate(active, *node, visit);
    case NodeKind::Simulate: return runSimulate(active, *node, visit);
    case NodeKind::Board: return runBoard(active, *node, visit);
    }
}

RunValues WorkflowRunner::valuesOf(const Active &active) const
{
    RunValues values;
    values.input = QJsonDocument::fromJson(active.task.input.isEmpty() ? QByteArrayLiteral("{}") : active.task.input).object();
    for (const Visit &visit : active.visits)
        if (visit.state == VisitState::Done)
            values.outputs.insert(visit.node, parseJsonValue(visit.output));
    return values;
}

void WorkflowRunner::runLlm(Active &active, const Node &node, const Visit &visit)
{
    const AgentDefinition *agent = m_cabinet.agents().find(node.agent);
    if (!agent)
        return nodeFailed(active, Error { ErrorCode::FailedPrecondition, QStringLiteral("the agent '%1' is not loaded").arg(node.agent) }, Retry::No);
    llm::Router::Request request;
    request.alias = agent->model;
    // The task type names the work for the routing table and the spend
    // record: the agent's role when the table knows it ("research",
    // "deploy"), else the node's id ("build", "review" in the default
    // pipeline, whose agents' roles are builder and qa).
    const auto &routing = m_cabinet.service<llm::Router>().settings().routing;
    request.taskType = routing.count(agent->role) ? agent->role : node.id;
    request.messages = { { QStringLiteral("system"), agent->systemPrompt }, { QStringLiteral("user"), fillTemplate(node.prompt, valuesOf(active)) } };
    request.temperature = agent->temperature;
    request.stream = true;
    request.idempotencyKey = visit.idempotencyKey;
    request.agent = agent->name;
    request.task = visit.taskId;
    request.node = visit.node;
    request.attempt = visit.visit;
    const QString taskId = visit.taskId;
    const QString nodeId = visit.node;
    const int nth = visit.visit;
    const quint64 generation = active.generation;
    const bool json = node.jsonOutput;
    EventBus &events = m_cabinet.events();
    active.llmCall = m_cabinet.service<llm::Router>().call(
            std::move(request),
            [&events, taskId, nodeId, nth](const QString &token) {
                events.publishEphemeral(events::WorkflowToken, { { QStringLiteral("task_id"), taskId },
                                                                 { QStringLiteral("node"), nodeId },
                                                                 { QStringLiteral("visit"), nth },
                                                                 { QStringLiteral("text"), token } });
            },
            [self = QPointer<WorkflowRunner>(this), taskId, generation, json, nodeId](llm::RouterOutcome outcome) {
                // A call cancelled at a stop may answer after the runner is gone.
                if (!self)
                    return;
                Result<NodeResult> result = Error { ErrorCode::Internal, QString() };
                if (outcome.error) {
                    result = Error { outcome.error->code, QStringLiteral("the model call failed: %1").arg(outcome.error->message) };
                } else if (!json) {
                    result = NodeResult { outcome.reply.content, Outcome::Pass };
                } else {
                    QJsonParseError error;
                    const QJsonDocument document = QJsonDocument::fromJson(outcome.reply.content.trimmed().toUtf8(), &error);
                    if (!document.isObject()) {
                        result = Error { ErrorCode::FailedPrecondition,
                                         QStringLiteral("node '%1' wants a JSON object, and the reply is not one (%2): %3")
                                                 .arg(nodeId, error.error == QJsonParseError::NoError ? QStringLiteral("not an object") : error.errorString(),
                                                      outcome.reply.content.left(200)) };
                    } else {
                        const QJsonValue verdict = document.object().value(QStringLiteral("verdict"));
                        const Outcome pass = !verdict.isString() || verdict.toString().compare(QLatin1StringView("pass"), Qt::CaseInsensitive) == 0
                                ? Outcome::Pass
                                : Outcome::Fail;
                        result = NodeResult { document.object(), pass };
                    }
                }
                // Back on the event loop: never inside the router's own pass.
                QMetaObject::invokeMethod(self, [self, taskId, generation, result] { self->finished(taskId, generation, result); }, Qt::QueuedConnection);
            });
}

QProcessEnvironment WorkflowRunner::toolEnvironment(const Active &active, const Visit &visit) const
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    // A tool never sees the model providers' keys: each provider names its
    // variable, and the conventional *_API_KEY names go too.
    for (const auto &[name, provider] : m_cabinet.service<llm::Router>().settings().providers)
        if (!provider.apiKeyEnv.isEmpty())
            environment.remove(provider.apiKeyEnv);
    for (const QString &key : environment.keys())
        if (key.endsWith(QLatin1StringView("_API_KEY")))
            environment.remove(key);
    // Nor any secret the configuration names by its variable (a *_env key):
    // a tool holding a chat hook's signing secret could forge a button press.
    for (const Config::Item &item : m_cabinet.config().items())
        if (item.key.endsWith(QLatin1StringView("_env")))
            environment.remove(item.value);
    environment.insert(QStringLiteral("CABINET_IDEMPOTENCY_KEY"), visit.idempotencyKey);
    environment.insert(QStringLiteral("CABINET_TASK_ID"), visit.taskId);
    environment.insert(QStringLiteral("CABINET_NODE"), visit.node);
    environment.insert(QStringLiteral("CABINET_INPUT"), QString::fromUtf8(active.task.input.isEmpty() ? QByteArrayLiteral("{}") : active.task.input));
    return environment;
}

void WorkflowRunner::runTool(Active &active, const Node &node, const Visit &visit)
{
    const QString workDir = m_cabinet.dataDir() + QStringLiteral("/workspaces/") + visit.taskId;
    if (!QDir().mkpath(workDir))
        return nodeFailed(active, Error { ErrorCode::Internal, QStringLiteral("cannot make the workspace %1").arg(workDir) }, Retry::Yes);
    active.tool = std::make_unique<ToolProcess>(node.command, workDir, toolEnvironment(active, visit), node.outputBytesMax);
    active.toolDeadlineNs = m_cabinet.clock().nowNs() + qint64(node.timeoutSeconds) * 1'000'000'000;
    const QString taskId = visit.taskId;
    const quint64 generation = active.generation;
    connect(active.tool.get(), &ToolProcess::started, this, [this, taskId, generation](qint64 group) {
        auto it = m_active.find(taskId);
        if (it == m_active.end() || it->second->generation != generation)
            return;
        // Recorded before anything else happens, so a crash from here on
        // leaves the group for the next start to end.
        Visit &visit = it->second->last();
        visit.pgid = group;
        auto tx = m_cabinet.database().begin();
        Status written = tx ? m_store.update(visit) : Status(tx.error());
        if (written)
            written = tx->commit();
        if (!written)
            qCWarning(lcRunner).noquote() << "cannot record the process group of" << taskId << ":" << written.error().message;
    });
    connect(active.tool.get(), &ToolProcess::finished, this, [this, taskId, generation](Result<ToolResult> result) {
        Result<NodeResult> node = Error { ErrorCode::Internal, QString() };
        if (!result)
            node = result.error();
        else
            node = NodeResult { QJsonObject { { QStringLiteral("exit_code"), result->code },
                                              { QStringLiteral("output"), QString::fromUtf8(result->output) } },
                                result->passed ? Outcome::Pass : Outcome::Fail };
        QMetaObject::invokeMethod(this, [this, taskId, generation, node] { finished(taskId, generation, node); }, Qt::QueuedConnection);
    });
    active.tool->start();
    wake(); // the time limit is a deadline now
}

void WorkflowRunner::runHttp(Active &active, const Node &node, const Visit &visit)
{
    const RunValues values = valuesOf(active);
    HttpToolRequest request;
    request.method = node.http->method;
    request.url = fillTemplate(node.http->url, values).toUtf8();
    for (const auto &[name, value] : node.http->headers)
        request.headers.append({ name.toUtf8(), fillTemplate(value, values).toUtf8() });
    request.headers.append({ QByteArrayLiteral("Idempotency-Key"), visit.idempotencyKey.toUtf8() });
    request.body = fillTemplate(node.http->body, values).toUtf8();
    request.timeoutMs = qint64(node.timeoutSeconds) * 1'000;
    request.outputBytesMax = node.outputBytesMax;
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    active.httpCancel = cancel;
    const QString taskId = visit.taskId;
    const quint64 generation = active.generation;
    m_pool.start([this, request, cancel, taskId, generation] {
        Result<ToolResult> result = runHttpTool(request, *cancel);
        Result<NodeResult> node = Error { ErrorCode::Internal, QString() };
        if (!result)
            node = result.error();
        else
            node = NodeResult { QJsonObject { { QStringLiteral("status"), result->code }, { QStringLiteral("body"), QString::fromUtf8(result->output) } },
                                result->passed ? Outcome::Pass : Outcome::Fail };
        // stop() waits for the pool, so the runner is still there.
        QMetaObject::invokeMethod(this, [this, taskId, generation, node] { finished(taskId, generation, node); }, Qt::QueuedConnection);
    });
}

void WorkflowRunner::runGate(Active &active, const Node &node, Visit &visit)
{
    approvals::ApprovalService &approvals = m_cabinet.service<approvals::ApprovalService>();
    if (!visit.approvalId.isEmpty()) {
        auto request = approvals.get(visit.approvalId);
        if (!request)
            return nodeFailed(active, request.error(), Retry::Yes);
        switch (request->state) {
        case approvals::ApprovalState::Approved:
            return nodeDone(active, NodeResult { QJsonObject { { QStringLiteral("decision"), QStringLiteral("approved") },
                                                               { QStringLiteral("approval_id"), request->id },
                                                               { QStringLiteral("reason"), request->reason } },
                                                 Outcome::Pass });
        case approvals::ApprovalState::Pending:
            // The task came back before its approval was decided (a crash
            // between the request and the wait): it waits again.
            return report(active, TaskAction::AwaitApproval);
        case approvals::ApprovalState::Denied:
        case approvals::ApprovalState::Expired:
            return nodeFailed(active,
                              Error { ErrorCode::FailedPrecondition,
                                      QStringLiteral("the approval %1 was %2: %3").arg(request->id, approvalStateName(request->state), request->reason) },
                              Retry::No);
        }
        return;
    }
    const RunValues values = valuesOf(active);
    QJsonObject partial;
    qint64 cost = 0;
    for (const Visit &done : active.visits) {
        if (done.state == VisitState::Done)
            partial.insert(done.node, values.outputs.value(done.node));
        if (auto spent = m_store.costMicros(done.taskId, done.node, done.visit))
            cost += *spent;
    }
    approvals::NewApproval ask;
    // What follows the gate says what it guards: a deploy when a node after it
    // is an agent whose role deploys, else a tool run.
    ask.action.kind = approvals::ActionKind::ToolRun;
    for (const Edge &edge : node.next)
        if (const Node *next = active.definition->node(edge.to); next && next->kind == NodeKind::Llm)
            if (const AgentDefinition *agent = m_cabinet.agents().find(next->agent); agent && agent->role == u"deploy")
                ask.action.kind = approvals::ActionKind::Deploy;
    ask.action.agent = QStringLiteral("workflow:") + active.run.workflow;
    ask.action.target = active.run.workflow + u'/' + node.id;
    ask.taskId = visit.taskId;
    ask.node = node.id;
    ask.evidence = compactJson(QJsonObject { { QStringLiteral("evidence"), fillTemplate(node.evidence, values) },
                                             { QStringLiteral("partial_results"), partial },
                                             { QStringLiteral("cost_micros"), double(cost) },
                                             { QStringLiteral("workflow"), active.run.workflow } });
    auto requested = approvals.request(ask, RunnerActor);
    if (!requested)
        return nodeFailed(active, requested.error(), Retry::Yes);
    visit.approvalId = requested->id;
    if (auto status = commitVisit(active, visit, events::WorkflowNodeWaiting, { { QStringLiteral("approval_id"), requested->id } }); !status)
        return nodeFailed(active, status.error(), Retry::Yes);
    report(active, TaskAction::AwaitApproval, compactJson(partial));
}

void WorkflowRunner::runSimulate(Active &active, const Node &node, const Visit &visit)
{
    const RunValues values = valuesOf(active);
    QJsonObject params;
    for (const auto &[name, value] : node.params) {
        const QString text = fillTemplate(value, values).trimmed();
        bool number = false;
        const double parsed = text.toDouble(&number);
        params.insert(name, number ? QJsonValue(parsed) : QJsonValue(text));
    }
    const QString taskId = visit.taskId;
    const quint64 generation = active.generation;
    QPointer<WorkflowRunner> self(this);
    auto job = m_cabinet.service<ScenarioRunner>().start(params, QStringLiteral("auto"), int(gpu::kDefaultHistogramBins), 0,
                                                         [self, taskId, generation](Result<QJsonObject> summary) {
        Result<NodeResult> node = Error { ErrorCode::Internal, QString() };
        if (!summary)
            node = summary.error();
        else
            node = NodeResult { *summary, Outcome::Pass };
        if (self)
            QMetaObject::invokeMethod(self, [self, taskId, generation, node] { self->finished(taskId, generation, node); }, Qt::QueuedConnection);
    });
    if (!job)
        return nodeFailed(active, Error { job.error().code, QStringLiteral("the simulation did not start: %1").arg(job.error().message), job.error().field },
                          job.error().code == ErrorCode::ResourceExhausted ? Retry::Yes : Retry::No);
    active.scenarioJob = *job;
}

// The Shadow Board on the node's question, the run's cost so far as the
// estimate, seeded from the visit's key (a visit run again after a crash
// gets the same deliberation); it passes on an approving consensus and
// fails on a rejection or no consensus (the conservative side).
void WorkflowRunner::runBoard(Active &active, const Node &node, const Visit &visit)
{
    board::Proposal proposal;
    proposal.kind = board::ProposalKind::Question;
    proposal.text = fillTemplate(node.question, valuesOf(active)).trimmed().left(board::ProposalTextMax);
    qint64 cost = 0;
    for (const Visit &done : active.visits)
        if (auto spent = m_store.costMicros(done.taskId, done.node, done.visit))
            cost += *spent;
    proposal.costEstimateMicros = std::clamp<qint64>(cost, 0, board::ProposalMicrosMax);
    const QString taskId = visit.taskId;
    const quint64 generation = active.generation;
    QPointer<WorkflowRunner> self(this);
    const Status started = m_cabinet.service<board::BoardService>().deliberate(
            proposal, board::ApprovalDeliberations::seedFor(visit.idempotencyKey), QString(), RunnerActor,
            [self, taskId, generation](Result<QJsonObject> saved) {
                Result<NodeResult> node = Error { ErrorCode::Internal, QString() };
                if (!saved) {
                    node = Error { saved.error().code, QStringLiteral("the Shadow Board could not deliberate: %1").arg(saved.error().message) };
                } else {
                    const QJsonObject consensus = saved->value(QStringLiteral("consensus")).toObject();
                    const QString verdict = consensus.value(QStringLiteral("verdict")).toString();
                    node = NodeResult { QJsonObject { { QStringLiteral("deliberation"), saved->value(QStringLiteral("id")) },
                                                      { QStringLiteral("verdict"), verdict },
                                                      { QStringLiteral("approve_share"), consensus.value(QStringLiteral("approve_share")) },
                                                      { QStringLiteral("dissent"), consensus.value(QStringLiteral("dissent")) },
                                                      { QStringLiteral("recommendation"), saved->value(QStringLiteral("recommendation")) } },
                                        verdict == u"approve" ? Outcome::Pass : Outcome::Fail };
                }
                if (self)
                    QMetaObject::invokeMethod(self, [self, taskId, generation, node] { self->finished(taskId, generation, node); }, Qt::QueuedConnection);
            });
    if (!started)
        return nodeFailed(active, Error { started.error().code, QStringLiteral("the Shadow Board did not start: %1").arg(started.error().message) },
                          started.error().code == ErrorCode::ResourceExhausted ? Retry::Yes : Retry::No);
}

void WorkflowRunner::finished(const QString &taskId, quint64 generation, Result<NodeResult> result)
{
    auto it = m_active.find(taskId);
    if (it == m_active.end() || it->second->generation != generation)
        return;
    Active &active = *it->second;
    active.llmCall = 0;
    active.scenarioJob = 0;
    active.httpCancel.reset();
    if (active.tool) {
        active.tool.release()->deleteLater(); // its signal is still being delivered
        active.toolDeadlineNs = 0;
    }
    if (!result)
        return nodeFailed(active, result.error(), Retry::Yes);
    if (compactJson(result->output).size() > OutputBytesMax)
        return nodeFailed(active, Error { ErrorCode::ResourceExhausted, QStringLiteral("the node's output is over %1 bytes").arg(OutputBytesMax) },
                          Retry::Yes);
    nodeDone(active, std::move(*result));
}

void WorkflowRunner::nodeDone(Active &active, NodeResult result)
{
    Visit &visit = active.last();
    const Node *node = active.node();
    CABINET_ASSERT(node);
    const qint64 now = m_cabinet.clock().nowNs();
    visit.state = VisitState::Done;
    visit.outcome = outcomeName(result.outcome);
    visit.output = compactJson(result.output);
    visit.pgid = 0;
    visit.finishedNs = now;

    // The first edge whose `on` and test hold and whose bound is not spent.
    std::optional<Visit> next;
    for (int i = 0; i < node->next.size() && !next; ++i) {
        const Edge &edge = node->next[i];
        if (!edgeHolds(edge, result.outcome, result.output))
            continue;
        int taken = 0;
        int nth = 1;
        for (const Visit &earlier : active.visits) {
            if (earlier.fromNode == node->id && earlier.edge == i)
                ++taken;
            if (earlier.node == edge.to)
                nth = std::max(nth, earlier.visit + 1);
        }
        if (edge.maxVisits > 0 && taken >= edge.maxVisits)
            continue;
        next = newVisit(visit.taskId, visit.seq + 1, edge.to, nth, node->id, i);
    }
    const bool terminal = node->next.isEmpty();
    if (!next) {
        active.run.state = terminal && result.outcome == Outcome::Pass ? RunState::Done : RunState::Failed;
        if (active.run.state == RunState::Failed)
            active.run.error = terminal ? QStringLiteral("the last node '%1' failed: %2").arg(node->id, QString::fromUtf8(visit.output.left(2'000)))
                                        : QStringLiteral("no edge out of node '%1' holds (its loops' bounds are spent): %2")
                                                  .arg(node->id, QString::fromUtf8(visit.output.left(2'000)));
    }
    bool stepDone = active.run.hold == HoldStep;
    if (stepDone)
        active.run.hold.clear();
    active.run.updatedNs = now;

    auto tx = m_cabinet.database().begin();
    Status written = tx ? Status() : Status(tx.error());
    if (written)
        written = m_store.update(visit);
    if (written)
        written = m_store.update(active.run);
    if (written && next)
        written = m_store.insert(*next);
    if (written && node->kind == NodeKind::Tool) {
        // A tool run is the agent's act, audited with its task and node.
        const QString actor = Actor::agent(QStringLiteral("tool")).toString();
        QJsonObject details { { QStringLiteral("task_id"), visit.taskId },
                              { QStringLiteral("node"), visit.node },
                              { QStringLiteral("idempotency_key"), visit.idempotencyKey },
                              { QStringLiteral("outcome"), visit.outcome } };
        if (node->http)
            details.insert(QStringLiteral("url"), fillTemplate(node->http->url, valuesOf(active)));
        else
            details.insert(QStringLiteral("command"), node->command);
        if (auto entry = m_cabinet.audit().append(*tx, actor, QStringLiteral("workflow.tool_run"), visit.taskId, details); !entry)
            written = entry.error();
    }
    if (written) {
        QJsonObject payload { { QStringLiteral("task_id"), visit.taskId }, { QStringLiteral("node"), visit.node },
                              { QStringLiteral("seq"), visit.seq },        { QStringLiteral("visit"), visit.visit },
                              { QStringLiteral("state"), visitStateName(visit.state) }, { QStringLiteral("outcome"), visit.outcome } };
        if (next)
            payload.insert(QStringLiteral("next"), next->node);
        if (auto event = m_cabinet.events().append(*tx, events::WorkflowNodeFinished, payload); !event)
            written = event.error();
    }
    if (written && !next)
        if (auto event = m_cabinet.events().append(*tx, events::WorkflowRunFinished,
                                                    { { QStringLiteral("task_id"), visit.taskId },
                                                      { QStringLiteral("state"), runStateName(active.run.state) },
                                                      { QStringLiteral("error"), active.run.error } });
            !event)
            written = event.error();
    if (written)
        written = tx->commit();
    if (!written) {
        // Nothing of it was recorded: the node counts as interrupted and
        // runs again with its key.
        visit.state = VisitState::Running;
        return nodeFailed(active, written.error(), Retry::Yes);
    }
    if (next)
        active.visits.push_back(*next);

    if (active.run.state == RunState::Done)
        return advance(active);
    if (active.run.state == RunState::Failed)
        return report(active, TaskAction::Fail, {}, active.run.error, false);
    if (stepDone)
        return pauseAndRelease(active);
    // Between nodes: an operator's pause (or cancel) takes effect here.
    auto renewed = m_cabinet.service<TaskQueue>().heartbeat(active.lease);
    if (!renewed)
        return leave(active.task.id);
    if (renewed->paused)
        return report(active, TaskAction::Release);
    advance(active);
}

void WorkflowRunner::nodeFailed(Active &active, const Error &error, Retry retry)
{
    if (!active.visits.empty()) {
        Visit &visit = active.last();
        visit.state = VisitState::Failed;
        visit.error = error.message.left(int(ErrorTextBytesMax));
        visit.pgid = 0;
        visit.finishedNs = m_cabinet.clock().nowNs();
        if (retry == Retry::No) {
            active.run.state = RunState::Failed;
            active.run.error = visit.error;
        }
        if (auto status = commitVisit(active, visit, events::WorkflowNodeFinished,
                                      { { QStringLiteral("state"), visitStateName(visit.state) }, { QStringLiteral("error"), visit.error } });
            !status)
            qCWarning(lcRunner).noquote() << "cannot record the failure of" << visit.taskId << visit.node << ":" << status.error().message;
    }
    report(active, TaskAction::Fail, {}, QStringLiteral("node '%1': %2").arg(active.visits.empty() ? QString() : active.last().node, error.message),
           retry == Retry::Yes);
}

void WorkflowRunner::report(Active &active, TaskAction action, const QByteArray &result, const QString &error, bool retryable)
{
    const QString id = active.task.id;
    WorkerReport message;
    message.lease = active.lease;
    message.action = action;
    message.result = result;
    message.error = error;
    message.retryable = retryable;
    auto reported = m_cabinet.service<TaskQueue>().report(message);
    if (!reported)
        qCInfo(lcRunner).noquote() << "the report" << actionName(action) << "of" << id << "was refused:" << reported.error().message;
    leave(id);
}

void WorkflowRunner::leave(const QString &taskId)
{
    auto it = m_active.find(taskId);
    if (it == m_active.end())
        return;
    if (it->second->tool)
        it->second->tool.release()->deleteLater();
    m_active.erase(it);
    m_claimWanted = true;
    schedulePump();
}

void WorkflowRunner::interrupt(Active &active)
{
    if (active.llmCall)
        m_cabinet.service<llm::Router>().cancel(active.llmCall);
    if (active.scenarioJob)
        m_cabinet.service<ScenarioRunner>().cancel(active.scenarioJob);
    if (active.httpCancel)
        active.httpCancel->store(true);
    if (active.tool) {
        active.tool->signalGroup(SIGKILL);
        active.tool->waitForFinished(1'000);
    }
    active.generation = ++m_generation; // what is still in flight is ignored
    if (active.visits.empty())
        return;
    Visit &visit = active.last();
    if (visit.state != VisitState::Running)
        return;
    visit.state = VisitState::Interrupted;
    visit.pgid = 0;
    if (auto status = commitVisit(active, visit, events::WorkflowNodeInterrupted, { { QStringLiteral("reason"), QStringLiteral("stopped") } });
        !status)
        qCWarning(lcRunner).noquote() << "cannot mark" << visit.taskId << visit.node << "interrupted:" << status.error().message;
}

void WorkflowRunner::pauseAndRelease(Active &active)
{
    auto paused = m_cabinet.service<TaskQueue>().setPaused(active.task.id, true, RunnerActor);
    if (!paused)
        qCWarning(lcRunner).noquote() << "cannot pause" << active.task.id << ":" << paused.error().message;
    if (active.run.hold == active.last().node) {
        active.run.hold.clear();
        auto tx = m_cabinet.database().begin();
        Status written = tx ? m_store.update(active.run) : Status(tx.error());
        if (written)
            written = tx->commit();
        if (!written)
            qCWarning(lcRunner).noquote() << "cannot clear the hold of" << active.task.id << ":" << written.error().message;
    }
    report(active, TaskAction::Release);
}

void WorkflowRunner::onTaskEvents(const QJsonObject &payload)
{
    // A run whose task an operator cancelled, or whose lease was taken
    // back, stops at once.
    for (const QJsonValue &change : payload.value(QStringLiteral("changes")).toArray()) {
        const QJsonObject object = change.toObject();
        const QString action = object.value(QStringLiteral("action")).toString();
        if (action != u"cancel" && action != u"lease_lost")
            continue;
        const QString id = object.value(QStringLiteral("id")).toString();
        const auto it = m_active.find(id);
        if (it == m_active.end())
            continue;
        const quint64 generation = it->second->generation;
        QMetaObject::invokeMethod(this, [this, id, generation] {
            auto found = m_active.find(id);
            if (found == m_active.end() || found->second->generation != generation)
                return;
            interrupt(*found->second);
            leave(id);
        }, Qt::QueuedConnection);
    }
}

Result<bool> WorkflowRunner::idle() const
{
    if (!m_active.empty())
        return false;
    auto &select = m_cabinet.database().statement(
            "SELECT EXISTS (SELECT 1 FROM tasks WHERE state IN ('pending', 'claimed', 'running') AND paused = 0)");
    auto row = select.step();
    if (!row) {
        select.reset();
        return row.error();
    }
    const bool runnable = *row && select.int64(0) != 0;
    select.reset();
    return !runnable;
}

Result<QJsonValue> WorkflowRunner::runJson(const QString &taskId) const
{
    auto stored = m_store.run(taskId);
    if (!stored)
        return stored.error();
    if (!*stored)
        return QJsonValue(QJsonValue::Null);
    const Run &run = **stored;
    auto visits = m_store.visits(taskId);
    if (!visits)
        return visits.error();
    QJsonArray nodes;
    qint64 total = 0;
    for (const Visit &visit : *visits) {
        auto cost = m_store.costMicros(taskId, visit.node, visit.visit);
        if (!cost)
            return cost.error();
        total += *cost;
        QJsonObject node { { QStringLiteral("seq"), visit.seq },
                           { QStringLiteral("node"), visit.node },
                           { QStringLiteral("visit"), visit.visit },
                           { QStringLiteral("state"), visitStateName(visit.state) },
                           { QStringLiteral("outcome"), visit.outcome.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(visit.outcome) },
                           { QStringLiteral("output"), parseJsonValue(visit.output) },
                           { QStringLiteral("idempotency_key"), visit.idempotencyKey },
                           { QStringLiteral("runs"), visit.runs },
                           { QStringLiteral("started_ms"), visit.startedNs ? QJsonValue(nsToMs(visit.startedNs)) : QJsonValue(QJsonValue::Null) },
                           { QStringLiteral("finished_ms"), visit.finishedNs ? QJsonValue(nsToMs(visit.finishedNs)) : QJsonValue(QJsonValue::Null) },
                           { QStringLiteral("cost_micros"), double(*cost) } };
        if (!visit.error.isEmpty())
            node.insert(QStringLiteral("error"), visit.error);
        if (!visit.approvalId.isEmpty())
            node.insert(QStringLiteral("approval_id"), visit.approvalId);
        nodes.append(node);
    }
    return QJsonValue(QJsonObject { { QStringLiteral("workflow"), run.workflow },
                                    { QStringLiteral("source"), run.source },
                                    { QStringLiteral("state"), runStateName(run.state) },
                                    { QStringLiteral("hold"), run.hold.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(run.hold) },
                                    { QStringLiteral("error"), run.error.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(run.error) },
                                    { QStringLiteral("cost_micros"), double(total) },
                                    { QStringLiteral("created_ms"), nsToMs(run.createdNs) },
                                    { QStringLiteral("updated_ms"), nsToMs(run.updatedNs) },
                                    { QStringLiteral("nodes"), nodes } });
}

void WorkflowRunner::hold(const QString &taskId, const QString &hold, const Actor &actor, Done<Task> done)
{
    TaskQueue &queue = m_cabinet.service<TaskQueue>();
    auto task = queue.get(taskId);
    if (!task)
        return done(task.error());
    if (isFinished(task->state))
        return done(Error { ErrorCode::FailedPrecondition,
                            QStringLiteral("task %1 is %2: only an unfinished task can step or run until a node").arg(taskId, stateText(task->state)) });
    auto stored = m_store.run(taskId);
    if (!stored)
        return done(stored.error());
    Run run;
    const WorkflowDefinition *fresh = nullptr;
    if (*stored) {
        run = **stored;
    } else {
        // Not started yet: the run starts now, on the workflow in force.
        auto workflow = workflowFor(*task);
        if (!workflow)
            return done(workflow.error());
        fresh = *workflow;
        run = newRun(*task, *fresh);
    }
    if (hold != HoldStep) {
        auto definition = definitionOf(run);
        if (!definition)
            return done(definition.error());
        if (!(*definition)->node(hold))
            return done(Error { ErrorCode::InvalidArgument, QStringLiteral("the workflow '%1' has no node '%2'").arg(run.workflow, hold),
                                QStringLiteral("node") });
    }
    run.hold = hold;
    auto tx = m_cabinet.database().begin();
    if (!tx)
        return done(tx.error());
    Status written = fresh ? insertRun(*tx, run, *fresh) : m_store.update(run);
    if (written)
        if (auto entry = m_cabinet.audit().append(*tx, actor.toString(), hold == HoldStep ? QStringLiteral("tasks.step") : QStringLiteral("tasks.until"),
                                                  taskId, { { QStringLiteral("hold"), hold } });
            !entry)
            written = entry.error();
    if (written)
        if (auto event = m_cabinet.events().append(*tx, events::WorkflowHoldSet,
                                                    { { QStringLiteral("task_id"), taskId }, { QStringLiteral("hold"), hold }, { QStringLiteral("by"), actor.toString() } });
            !event)
            written = event.error();
    if (written)
        written = tx->commit();
    if (!written)
        return done(written.error());
    // A run in flight here reads its hold from memory at its next node.
    if (auto it = m_active.find(taskId); it != m_active.end())
        it->second->run.hold = hold;
    if (!task->paused)
        return done(*task);
    queue.setPaused(taskId, false, RunnerActor, std::move(done));
}

} // namespace cabinet::orchestrator

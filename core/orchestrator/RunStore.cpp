#include "orchestrator/RunStore.h"

#include "store/Database.h"

namespace cabinet::orchestrator {

namespace {

#define RUN_COLUMNS "task_id, workflow, source, definition, state, hold, error, created_ns, updated_ns"
#define VISIT_COLUMNS                                                                                                       \
    "task_id, seq, node, visit, from_node, edge, state, outcome, output, error, idempotency_key, pgid, approval_id, runs," \
    " started_ns, finished_ns"

Error readError(const Error &error)
{
    return Error { error.code, QStringLiteral("cannot read the workflow runs: ") + error.message };
}

Error writeError(const Error &error)
{
    return Error { error.code, QStringLiteral("cannot write the workflow runs: ") + error.message };
}

RunState runStateFrom(const QString &name)
{
    if (name == u"done")
        return RunState::Done;
    if (name == u"failed")
        return RunState::Failed;
    return RunState::Running;
}

VisitState visitStateFrom(const QString &name)
{
    static const VisitState all[] = { VisitState::Pending, VisitState::Running, VisitState::Done, VisitState::Failed, VisitState::Interrupted };
    for (VisitState state : all)
        if (visitStateName(state) == name)
            return state;
    return VisitState::Failed;
}

Visit readVisit(const Statement &row)
{
    Visit v;
    v.taskId = row.text(0);
    v.seq = int(row.int64(1));
    v.node = row.text(2);
    v.visit = int(row.int64(3));
    v.fromNode = row.text(4);
    v.edge = int(row.int64(5));
    v.state = visitStateFrom(row.text(6));
    v.outcome = row.text(7);
    v.output = row.blob(8);
    v.error = row.text(9);
    v.idempotencyKey = row.text(10);
    v.pgid = row.int64(11);
    v.approvalId = row.text(12);
    v.runs = int(row.int64(13));
    v.startedNs = row.int64(14);
    v.finishedNs = row.int64(15);
    return v;
}

Result<std::vector<Visit>> readVisits(Statement &select)
{
    std::vector<Visit> rows;
    while (true) {
        auto row = select.step();
        if (!row) {
            select.reset();
            return readError(row.error());
        }
        if (!*row)
            break;
        rows.push_back(readVisit(select));
    }
    select.reset();
    return rows;
}

} // namespace

QString runStateName(RunState state)
{
    switch (state) {
    case RunState::Running: return QStringLiteral("running");
    case RunState::Done: return QStringLiteral("done");
    case RunState::Failed: return QStringLiteral("failed");
    }
    return {};
}

QString visitStateName(VisitState state)
{
    switch (state) {
    case VisitState::Pending: return QStringLiteral("pending");
    case VisitState::Running: return QStringLiteral("running");
    case VisitState::Done: return QStringLiteral("done");
    case VisitState::Failed: return QStringLiteral("failed");
    case VisitState::Interrupted: return QStringLiteral("interrupted");
    }
    return {};
}

QString visitKey(const QString &taskId, const QString &node, int visit)
{
    return QStringLiteral("%1/%2/%3").arg(taskId, node).arg(visit);
}

Result<std::optional<Run>> RunStore::run(const QString &taskId) const
{
    auto &select = m_db.statement("SELECT " RUN_COLUMNS " FROM workflow_runs WHERE task_id = ?");
    select.bind(1, taskId);
    auto row = select.step();
    if (!row) {
        select.reset();
        return readError(row.error());
    }
    std::optional<Run> found;
    if (*row) {
        Run run;
        run.taskId = select.text(0);
        run.workflow = select.text(1);
        run.source = select.text(2);
        run.definition = select.blob(3);
        run.state = runStateFrom(select.text(4));
        run.hold = select.text(5);
        run.error = select.text(6);
        run.createdNs = select.int64(7);
        run.updatedNs = select.int64(8);
        found = std::move(run);
    }
    select.reset();
    return found;
}

Status RunStore::insert(const Run &run)
{
    auto &insert = m_db.statement("INSERT INTO workflow_runs (" RUN_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, run.taskId)
            .bind(2, run.workflow)
            .bind(3, run.source)
            .bindBlob(4, run.definition)
            .bind(5, runStateName(run.state))
            .bind(6, run.hold)
            .bind(7, run.error)
            .bind(8, run.createdNs)
            .bind(9, run.updatedNs);
    if (auto done = insert.exec(); !done)
        return writeError(done.error());
    return {};
}

Status RunStore::update(const Run &run)
{
    auto &update = m_db.statement("UPDATE workflow_runs SET state = ?, hold = ?, error = ?, updated_ns = ? WHERE task_id = ?");
    update.bind(1, runStateName(run.state)).bind(2, run.hold).bind(3, run.error).bind(4, run.updatedNs).bind(5, run.taskId);
    if (auto done = update.exec(); !done)
        return writeError(done.error());
    return {};
}

Result<std::vector<Visit>> RunStore::visits(const QString &taskId) const
{
    auto &select = m_db.statement("SELECT " VISIT_COLUMNS " FROM workflow_visits WHERE task_id = ? ORDER BY seq");
    select.bind(1, taskId);
    return readVisits(select);
}

Status RunStore::insert(const Visit &v)
{
    auto &insert = m_db.statement("INSERT INTO workflow_visits (" VISIT_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, v.taskId)
            .bind(2, v.seq)
            .bind(3, v.node)
            .bind(4, v.visit)
            .bind(5, v.fromNode)
            .bind(6, v.edge)
            .bind(7, visitStateName(v.state))
            .bind(8, v.outcome)
            .bindBlob(9, v.output)
            .bind(10, v.error)
            .bind(11, v.idempotencyKey)
            .bind(12, v.pgid)
            .bind(13, v.approvalId)
            .bind(14, v.runs)
            .bind(15, v.startedNs)
            .bind(16, v.finishedNs);
    if (auto done = insert.exec(); !done)
        return writeError(done.error());
    return {};
}

Status RunStore::update(const Visit &v)
{
    auto &update = m_db.statement("UPDATE workflow_visits SET state = ?, outcome = ?, output = ?, error = ?, pgid = ?, approval_id = ?, "
                                  "runs = ?, started_ns = ?, finished_ns = ? WHERE task_id = ? AND seq = ?");
    update.bind(1, visitStateName(v.state))
            .bind(2, v.outcome)
            .bindBlob(3, v.output)
            .bind(4, v.error)
            .bind(5, v.pgid)
            .bind(6, v.approvalId)
            .bind(7, v.runs)
            .bind(8, v.startedNs)
            .bind(9, v.finishedNs)
            .bind(10, v.taskId)
            .bind(11, v.seq);
    if (auto done = update.exec(); !done)
        return writeError(done.error());
    return {};
}

Result<std::vector<Visit>> RunStore::visitsWithProcessGroup() const
{
    auto &select = m_db.statement("SELECT " VISIT_COLUMNS " FROM workflow_visits WHERE pgid <> 0");
    return readVisits(select);
}

Result<qint64> RunStore::costMicros(const QString &taskId, const QString &node, int visit) const
{
    auto &select = m_db.statement("SELECT COALESCE(SUM(cost_micros), 0) FROM spend_records WHERE task = ? AND node = ? AND attempt = ?");
    select.bind(1, taskId).bind(2, node).bind(3, visit);
    auto row = select.step();
    if (!row) {
        select.reset();
        return readError(row.error());
    }
    const qint64 cost = *row ? select.int64(0) : 0;
    select.reset();
    return cost;
}

} // namespace cabinet::orchestrator

#include "orchestrator/TaskStore.h"

#include "store/Database.h"

#include <string>

namespace cabinet::orchestrator {

namespace {

#define TASK_COLUMNS_BEFORE_INPUT "id, workflow, title, "
#define TASK_COLUMNS_AFTER_INPUT                                                                                                  \
    ", idempotency_key, state, paused, attempts, max_attempts, backoff_base_ms, lease_losses, claims, not_before_ns,"          \
    " lease_expires_ns, lease_worker, lease_owner, last_error, "
#define TASK_COLUMNS_END ", submitted_by, created_ns, updated_ns"
// Every column, in the order readTask reads them; the list form selects
// NULL for the two that may be large.
#define TASK_COLUMNS TASK_COLUMNS_BEFORE_INPUT "input" TASK_COLUMNS_AFTER_INPUT "result" TASK_COLUMNS_END
#define TASK_SUMMARY_COLUMNS TASK_COLUMNS_BEFORE_INPUT "NULL" TASK_COLUMNS_AFTER_INPUT "NULL" TASK_COLUMNS_END

Error readError(const Database &db, const Error &error)
{
    Q_UNUSED(db);
    return Error { error.code, QStringLiteral("cannot read the task queue: ") + error.message };
}

Error writeError(const Error &error)
{
    return Error { error.code, QStringLiteral("cannot write the task queue: ") + error.message };
}

Task readTask(const Statement &row)
{
    Task task;
    task.id = row.text(0);
    task.workflow = row.text(1);
    task.title = row.text(2);
    task.input = row.isNull(3) ? QByteArray() : row.blob(3);
    task.idempotencyKey = row.isNull(4) ? QString() : row.text(4);
    task.state = stateFromName(row.text(5)).value_or(TaskState::Failed);
    task.paused = row.int64(6) != 0;
    task.attempts = int(row.int64(7));
    task.maxAttempts = int(row.int64(8));
    task.backoffBaseMs = row.int64(9);
    task.leaseLosses = int(row.int64(10));
    task.claims = int(row.int64(11));
    task.notBeforeNs = row.int64(12);
    task.leaseExpiresNs = row.isNull(13) ? 0 : row.int64(13);
    task.leaseWorker = row.isNull(14) ? QString() : row.text(14);
    task.leaseOwner = row.isNull(15) ? QString() : row.text(15);
    task.lastError = row.isNull(16) ? QString() : row.text(16);
    task.result = row.isNull(17) ? QByteArray() : row.blob(17);
    task.submittedBy = row.text(18);
    task.createdNs = row.int64(19);
    task.updatedNs = row.int64(20);
    return task;
}

Result<std::vector<Task>> readAll(const Database &db, Statement &select)
{
    std::vector<Task> tasks;
    for (;;) {
        auto row = select.step();
        if (!row) {
            select.reset();
            return readError(db, row.error());
        }
        if (!*row)
            break;
        tasks.push_back(readTask(select));
    }
    select.reset();
    return tasks;
}

Result<std::optional<Task>> readOne(const Database &db, Statement &select)
{
    auto all = readAll(db, select);
    if (!all)
        return all.error();
    if (all->empty())
        return std::optional<Task>();
    return std::optional<Task>(std::move(all->front()));
}

Statement &bindNullable(Statement &statement, int index, const QString &value)
{
    return value.isEmpty() ? statement.bindNull(index) : statement.bind(index, value);
}

Statement &bindNullable(Statement &statement, int index, const QByteArray &json)
{
    return json.isEmpty() ? statement.bindNull(index) : statement.bindText(index, std::string_view(json.constData(), size_t(json.size())));
}

Statement &bindNullable(Statement &statement, int index, qint64 value)
{
    return value == 0 ? statement.bindNull(index) : statement.bind(index, value);
}

} // namespace

Result<std::optional<Task>> TaskStore::byId(const QString &id) const
{
    auto &select = m_db.statement("SELECT " TASK_COLUMNS " FROM tasks WHERE id = ?1");
    select.bind(1, id);
    return readOne(m_db, select);
}

Result<std::optional<Task>> TaskStore::byIdempotencyKey(const QString &key) const
{
    auto &select = m_db.statement("SELECT " TASK_COLUMNS " FROM tasks WHERE idempotency_key = ?1");
    select.bind(1, key);
    return readOne(m_db, select);
}

Result<bool> TaskStore::insert(const Task &task)
{
    auto &insert = m_db.statement(
            "INSERT INTO tasks(id, workflow, title, input, idempotency_key, state, paused, attempts, max_attempts, backoff_base_ms,"
            " lease_losses, claims, not_before_ns, lease_expires_ns, lease_worker, lease_owner, last_error, result, submitted_by,"
            " created_ns, updated_ns)"
            " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)"
            " ON CONFLICT(idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING");
    insert.bind(1, task.id).bind(2, task.workflow).bind(3, task.title);
    insert.bindText(4, std::string_view(task.input.constData(), size_t(task.input.size())));
    bindNullable(insert, 5, task.idempotencyKey);
    insert.bind(6, stateText(task.state)).bind(7, qint64(task.paused)).bind(8, task.attempts).bind(9, task.maxAttempts);
    insert.bind(10, task.backoffBaseMs).bind(11, task.leaseLosses).bind(12, task.claims).bind(13, task.notBeforeNs);
    bindNullable(insert, 14, task.leaseExpiresNs);
    bindNullable(insert, 15, task.leaseWorker);
    bindNullable(insert, 16, task.leaseOwner);
    bindNullable(insert, 17, task.lastError);
    bindNullable(insert, 18, task.result);
    insert.bind(19, task.submittedBy).bind(20, task.createdNs).bind(21, task.updatedNs);
    if (auto status = insert.exec(); !status)
        return writeError(status.error());
    return m_db.changes() == 1;
}

Status TaskStore::update(const Task &task)
{
    auto &update = m_db.statement("UPDATE tasks SET state = ?2, paused = ?3, attempts = ?4, lease_losses = ?5, claims = ?6,"
                                  " not_before_ns = ?7, lease_expires_ns = ?8, lease_worker = ?9, lease_owner = ?10,"
                                  " last_error = ?11, result = ?12, updated_ns = ?13 WHERE id = ?1");
    update.bind(1, task.id).bind(2, stateText(task.state)).bind(3, qint64(task.paused)).bind(4, task.attempts);
    update.bind(5, task.leaseLosses).bind(6, task.claims).bind(7, task.notBeforeNs);
    bindNullable(update, 8, task.leaseExpiresNs);
    bindNullable(update, 9, task.leaseWorker);
    bindNullable(update, 10, task.leaseOwner);
    bindNullable(update, 11, task.lastError);
    bindNullable(update, 12, task.result);
    update.bind(13, task.updatedNs);
    if (auto status = update.exec(); !status)
        return writeError(status.error());
    if (m_db.changes() != 1)
        return Error { ErrorCode::Internal, QStringLiteral("cannot write the task queue: task %1 is not stored").arg(task.id) };
    return {};
}

Result<std::vector<Task>> TaskStore::claimable(qint64 nowNs, int limit) const
{
    auto &select = m_db.statement("SELECT " TASK_COLUMNS " FROM tasks WHERE state = 'pending' AND paused = 0 AND not_before_ns <= ?1"
                                  " ORDER BY not_before_ns, seq LIMIT ?2");
    select.bind(1, nowNs).bind(2, limit);
    return readAll(m_db, select);
}

Result<std::vector<Task>> TaskStore::expiredLeases(qint64 nowNs, int limit) const
{
    auto &select = m_db.statement("SELECT " TASK_COLUMNS " FROM tasks WHERE lease_expires_ns IS NOT NULL AND lease_expires_ns <= ?1"
                                  " ORDER BY lease_expires_ns, seq LIMIT ?2");
    select.bind(1, nowNs).bind(2, limit);
    return readAll(m_db, select);
}

Result<std::vector<Task>> TaskStore::leasesNotOwnedBy(const QString &owner, int limit) const
{
    auto &select = m_db.statement("SELECT " TASK_COLUMNS " FROM tasks WHERE lease_expires_ns IS NOT NULL AND lease_owner <> ?1"
                                  " ORDER BY lease_expires_ns, seq LIMIT ?2");
    select.bind(1, owner).bind(2, limit);
    return readAll(m_db, select);
}

namespace {
Result<qint64> scalar(const Database &db, Statement &select)
{
    auto row = select.step();
    if (!row) {
        select.reset();
        return readError(db, row.error());
    }
    const qint64 value = (*row && !select.isNull(0)) ? select.int64(0) : 0;
    select.reset();
    return value;
}
} // namespace

Result<qint64> TaskStore::soonestLeaseExpiryNs() const
{
    return scalar(m_db, m_db.statement("SELECT min(lease_expires_ns) FROM tasks WHERE lease_expires_ns IS NOT NULL"));
}

Result<qint64> TaskStore::soonestBackoffEndNs(qint64 nowNs) const
{
    auto &select = m_db.statement("SELECT min(not_before_ns) FROM tasks WHERE state = 'pending' AND paused = 0 AND not_before_ns > ?1");
    select.bind(1, nowNs);
    return scalar(m_db, select);
}

Result<QString> TaskStore::greatestId() const
{
    auto &select = m_db.statement("SELECT max(id) FROM tasks");
    auto row = select.step();
    if (!row) {
        select.reset();
        return readError(m_db, row.error());
    }
    const QString id = (*row && !select.isNull(0)) ? select.text(0) : QString();
    select.reset();
    return id;
}

Result<std::vector<Task>> TaskStore::list(std::optional<TaskState> state, const QString &afterId, int limit) const
{
    if (state) {
        auto &select = m_db.statement("SELECT " TASK_SUMMARY_COLUMNS " FROM tasks WHERE state = ?1 AND id > ?2 ORDER BY id LIMIT ?3");
        select.bind(1, stateText(*state)).bind(2, afterId).bind(3, limit);
        return readAll(m_db, select);
    }
    auto &select = m_db.statement("SELECT " TASK_SUMMARY_COLUMNS " FROM tasks WHERE id > ?1 ORDER BY id LIMIT ?2");
    select.bind(1, afterId).bind(2, limit);
    return readAll(m_db, select);
}

Result<TaskCounts> TaskStore::counts() const
{
    auto &select = m_db.statement("SELECT state, count FROM task_counts");
    TaskCounts counts {};
    for (;;) {
        auto row = select.step();
        if (!row) {
            select.reset();
            return readError(m_db, row.error());
        }
        if (!*row)
            break;
        if (const auto state = stateFromName(select.text(0)))
            counts[size_t(*state)] = select.int64(1);
    }
    select.reset();
    return counts;
}

Status TaskStore::addToCounts(const TaskCounts &delta)
{
    for (TaskState state : AllTaskStates) {
        const qint64 change = delta[size_t(state)];
        if (change == 0)
            continue;
        auto &update = m_db.statement("UPDATE task_counts SET count = count + ?2 WHERE state = ?1");
        if (auto status = update.bind(1, stateText(state)).bind(2, change).exec(); !status)
            return writeError(status.error());
    }
    return {};
}

} // namespace cabinet::orchestrator

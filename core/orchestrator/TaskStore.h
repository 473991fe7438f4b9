#pragma once

#include "Result.h"
#include "orchestrator/TaskTypes.h"

#include <vector>

namespace cabinet {
class Database;
}

namespace cabinet::orchestrator {

using TaskCounts = std::array<qint64, TaskStateCount>;

// The tasks table (resources/sql/0005_tasks.sql): rows in and out, nothing
// else. Which change is allowed is TaskQueue's business; every write here
// runs inside the transaction the caller holds.
class TaskStore {
public:
    explicit TaskStore(Database &db) : m_db(db) { }

    Result<std::optional<Task>> byId(const QString &id) const;
    Result<std::optional<Task>> byIdempotencyKey(const QString &key) const;
    // False when a task with the same idempotency key is there already
    // (nothing was written).
    Result<bool> insert(const Task &task);
    // Writes every field that a transition may change.
    Status update(const Task &task);
    // Pending, not paused, not before `nowNs`, oldest first, at most `limit`.
    Result<std::vector<Task>> claimable(qint64 nowNs, int limit) const;
    // Leases that expired by `nowNs`, soonest first, at most `limit`.
    Result<std::vector<Task>> expiredLeases(qint64 nowNs, int limit) const;
    // Leases whose owner is not `owner`, at most `limit`.
    Result<std::vector<Task>> leasesNotOwnedBy(const QString &owner, int limit) const;
    // The soonest lease expiry; 0 when no task holds a lease.
    Result<qint64> soonestLeaseExpiryNs() const;
    // The soonest end of a backoff after `nowNs` among tasks a claim could
    // take then; 0 when none.
    Result<qint64> soonestBackoffEndNs(qint64 nowNs) const;
    // The greatest id stored, or empty.
    Result<QString> greatestId() const;
    // A page of tasks, input and result left out.
    Result<std::vector<Task>> list(std::optional<TaskState> state, const QString &afterId, int limit) const;

    Result<TaskCounts> counts() const;
    Status addToCounts(const TaskCounts &delta);

private:
    Database &m_db;
};

} // namespace cabinet::orchestrator

#pragma once

#include "Result.h"
#include "approvals/ApprovalTypes.h"

#include <optional>
#include <vector>

namespace cabinet {
class Database;
class Statement;
}

namespace cabinet::approvals {

// The approvals tables (resources/sql/0007_approvals.sql): rows in and out,
// nothing decided here. Writes run inside the caller's transaction.
class ApprovalStore {
public:
    explicit ApprovalStore(Database &db) : m_db(db) { }

    Status insert(const ApprovalRequest &request);
    // The state, the reminders, the next due time, the decision's time and
    // reason. Of a pending request only: conflict when it is not (any
    // more) pending.
    Status update(const ApprovalRequest &request);
    Status insertVote(const QString &id, const Vote &vote);

    // With its votes; nothing when there is no such request.
    Result<std::optional<ApprovalRequest>> get(const QString &id) const;
    Result<qint64> pendingCount() const;
    // The soonest reminder or deadline of a pending request.
    Result<std::optional<qint64>> nextDue() const;
    // Pending requests with something due by nowNs, soonest first.
    Result<std::vector<QString>> dueIds(qint64 nowNs, int limit) const;
    // Pending: by deadline (none last), then id; otherwise newest first.
    // `after` is the last id of the previous page.
    Result<std::vector<ApprovalRequest>> page(ApprovalFilter filter, const QString &after, int limit) const;
    // The newest request made for a task under its claim `claim`; and the
    // newest of any claim.
    Result<std::optional<ApprovalRequest>> newestForClaim(const QString &taskId, int claim) const;
    Result<std::optional<ApprovalRequest>> newestForTask(const QString &taskId) const;
    Result<QString> greatestId() const;

private:
    Result<std::vector<ApprovalRequest>> pendingPage(const QString &after, int limit) const;
    Result<std::vector<ApprovalRequest>> readRows(Statement &select, bool withVotes) const;
    Result<std::optional<ApprovalRequest>> firstRow(Statement &select) const; // without votes
    Status readVotes(ApprovalRequest &request) const;

    Database &m_db;
};

} // namespace cabinet::approvals

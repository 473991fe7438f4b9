#include "approvals/ApprovalStore.h"

#include "store/Database.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <iterator>

namespace cabinet::approvals {

namespace {

#define APPROVAL_COLUMNS                                                                                                   \
    "id, state, tier, rule, action, task_id, node, requested_by, evidence, created_ns, deadline_ns, reminders, next_due_ns," \
    " decided_ns, reason, task_claim"

Error readError(const Error &error)
{
    return Error { error.code, QStringLiteral("cannot read the approvals: ") + error.message };
}

Error writeError(const Error &error)
{
    return Error { error.code, QStringLiteral("cannot write the approvals: ") + error.message };
}

ApprovalRequest readRow(const Statement &row)
{
    ApprovalRequest request;
    request.id = row.text(0);
    request.state = approvalStateFromName(row.text(1)).value_or(ApprovalState::Denied);
    request.tier = int(row.int64(2));
    request.rule = row.text(3);
    // Written by actionJson from a valid action, so it reads back.
    request.action = actionFromJson(QJsonDocument::fromJson(row.blob(4)).object()).value();
    request.taskId = row.text(5);
    request.node = row.text(6);
    request.requestedBy = row.text(7);
    request.evidence = row.blob(8);
    request.createdNs = row.int64(9);
    request.deadlineNs = row.int64(10);
    request.reminders = int(row.int64(11));
    request.nextDueNs = row.int64(12);
    request.decidedNs = row.int64(13);
    request.reason = row.text(14);
    request.taskClaim = int(row.int64(15));
    return request;
}

} // namespace

Status ApprovalStore::insert(const ApprovalRequest &request)
{
    auto &insert = m_db.statement("INSERT INTO approvals (" APPROVAL_COLUMNS ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, request.id)
            .bind(2, approvalStateName(request.state))
            .bind(3, request.tier)
            .bind(4, request.rule)
            .bindBlob(5, QJsonDocument(actionJson(request.action)).toJson(QJsonDocument::Compact))
            .bind(6, request.taskId)
            .bind(7, request.node)
            .bind(8, request.requestedBy)
            .bindBlob(9, request.evidence)
            .bind(10, request.createdNs)
            .bind(11, request.deadlineNs)
            .bind(12, request.reminders)
            .bind(13, request.nextDueNs)
            .bind(14, request.decidedNs)
            .bind(15, request.reason)
            .bind(16, request.taskClaim);
    if (auto done = insert.exec(); !done)
        return writeError(done.error());
    return {};
}

Status ApprovalStore::update(const ApprovalRequest &request)
{
    // Only a pending request changes: a decided or expired one stays as it
    // is whatever the caller read before.
    auto &update = m_db.statement(
            "UPDATE approvals SET state = ?, reminders = ?, next_due_ns = ?, decided_ns = ?, reason = ? WHERE id = ? AND state = 'pending'");
    update.bind(1, approvalStateName(request.state))
            .bind(2, request.reminders)
            .bind(3, request.nextDueNs)
            .bind(4, request.decidedNs)
            .bind(5, request.reason)
            .bind(6, request.id);
    if (auto done = update.exec(); !done)
        return writeError(done.error());
    if (m_db.changes() != 1)
        return Error { ErrorCode::Conflict, QStringLiteral("approval request %1 is not pending; it is not changed again").arg(request.id.left(64)) };
    return {};
}

Status ApprovalStore::insertVote(const QString &id, const Vote &vote)
{
    auto &insert = m_db.statement("INSERT INTO approval_votes (approval_id, operator, verdict, reason, decided_ns, actor) VALUES (?, ?, ?, ?, ?, ?)");
    insert.bind(1, id)
            .bind(2, vote.operatorName)
            .bind(3, vote.approve ? QStringLiteral("approve") : QStringLiteral("deny"))
            .bind(4, vote.reason)
            .bind(5, vote.atNs)
            .bind(6, vote.actor);
    if (auto done = insert.exec(); !done)
        return writeError(done.error());
    return {};
}

Status ApprovalStore::readVotes(ApprovalRequest &request) const
{
    auto &select = m_db.statement("SELECT operator, verdict, reason, decided_ns, actor FROM approval_votes WHERE approval_id = ? ORDER BY decided_ns, rowid");
    select.bind(1, request.id);
    while (true) {
        auto row = select.step();
        if (!row)
            return readError(row.error());
        if (!*row)
            break;
        request.votes.push_back(Vote { select.text(0), select.text(1) == QLatin1StringView("approve"), select.text(2), select.int64(3), select.text(4) });
    }
    select.reset();
    return {};
}

Result<std::vector<ApprovalRequest>> ApprovalStore::readRows(Statement &select, bool withVotes) const
{
    std::vector<ApprovalRequest> rows;
    while (true) {
        auto row = select.step();
        if (!row) {
            select.reset();
            return readError(row.error());
        }
        if (!*row)
            break;
        rows.push_back(readRow(select));
    }
    select.reset();
    if (withVotes) {
        // A pending tier-2 request has no vote (its one vote decides it):
        // not asking spares a lookup per row of a 10,000-row pending list.
        for (ApprovalRequest &request : rows)
            if (request.state != ApprovalState::Pending || request.tier != 2)
                if (auto read = readVotes(request); !read)
                    return read.error();
    }
    return rows;
}

Result<std::optional<ApprovalRequest>> ApprovalStore::get(const QString &id) const
{
    auto &select = m_db.statement("SELECT " APPROVAL_COLUMNS " FROM approvals WHERE id = ?");
    select.bind(1, id);
    auto rows = readRows(select, true);
    if (!rows)
        return rows.error();
    if (rows->empty())
        return std::optional<ApprovalRequest>();
    return std::optional<ApprovalRequest>(std::move(rows->front()));
}

Result<qint64> ApprovalStore::pendingCount() const
{
    auto &select = m_db.statement("SELECT count(*) FROM approvals WHERE state = 'pending'");
    auto row = select.step();
    if (!row)
        return readError(row.error());
    const qint64 count = select.int64(0);
    select.reset();
    return count;
}

Result<std::optional<qint64>> ApprovalStore::nextDue() const
{
    auto &select = m_db.statement("SELECT min(next_due_ns) FROM approvals WHERE state = 'pending' AND next_due_ns > 0");
    auto row = select.step();
    if (!row)
        return readError(row.error());
    std::optional<qint64> due;
    if (!select.isNull(0))
        due = select.int64(0);
    select.reset();
    return due;
}

Result<std::vector<QString>> ApprovalStore::dueIds(qint64 nowNs, int limit) const
{
    auto &select = m_db.statement("SELECT id FROM approvals WHERE state = 'pending' AND next_due_ns > 0 AND next_due_ns <= ? "
                                  "ORDER BY next_due_ns, id LIMIT ?");
    select.bind(1, nowNs).bind(2, limit);
    std::vector<QString> ids;
    while (true) {
        auto row = select.step();
        if (!row) {
            select.reset();
            return readError(row.error());
        }
        if (!*row)
            break;
        ids.push_back(select.text(0));
    }
    select.reset();
    return ids;
}

Result<std::vector<ApprovalRequest>> ApprovalStore::page(ApprovalFilter filter, const QString &after, int limit) const
{
    if (filter == ApprovalFilter::Pending)
        return pendingPage(after, limit);
    if (filter == ApprovalFilter::Decided) {
        auto &select = m_db.statement("SELECT " APPROVAL_COLUMNS " FROM approvals WHERE state <> 'pending' AND (?1 = '' OR id < ?1) "
                                      "ORDER BY id DESC LIMIT ?2");
        select.bind(1, after).bind(2, limit);
        return readRows(select, true);
    }
    auto &select = m_db.statement("SELECT " APPROVAL_COLUMNS " FROM approvals WHERE (?1 = '' OR id < ?1) ORDER BY id DESC LIMIT ?2");
    select.bind(1, after).bind(2, limit);
    return readRows(select, true);
}

Result<std::vector<ApprovalRequest>> ApprovalStore::pendingPage(const QString &after, int limit) const
{
    // By deadline, those with none (tier 3) last, then id: two range scans
    // of approvals_pending (state, deadline_ns, id), so a page costs its own
    // rows. One ORDER BY over "no deadline last" would sort every pending
    // request for each page (17 ms a page of 10,000 here, against 1 ms).
    qint64 afterDeadline = 0;
    if (!after.isEmpty()) {
        auto &cursor = m_db.statement("SELECT deadline_ns FROM approvals WHERE id = ?");
        cursor.bind(1, after);
        auto row = cursor.step();
        if (!row) {
            cursor.reset();
            return readError(row.error());
        }
        const bool known = *row;
        if (known)
            afterDeadline = cursor.int64(0);
        cursor.reset();
        if (!known)
            return std::vector<ApprovalRequest>(); // no such cursor: nothing after it
    }
    std::vector<ApprovalRequest> rows;
    if (after.isEmpty() || afterDeadline > 0) {
        auto &dated = m_db.statement("SELECT " APPROVAL_COLUMNS " FROM approvals WHERE state = 'pending' AND deadline_ns > 0 "
                                     "AND (deadline_ns, id) > (?1, ?2) ORDER BY deadline_ns, id LIMIT ?3");
        dated.bind(1, afterDeadline).bind(2, after).bind(3, limit);
        auto read = readRows(dated, true);
        if (!read)
            return read.error();
        rows = std::move(*read);
    }
    if (int(rows.size()) < limit) {
        auto &undated = m_db.statement("SELECT " APPROVAL_COLUMNS " FROM approvals WHERE state = 'pending' AND deadline_ns = 0 "
                                       "AND id > ?1 ORDER BY id LIMIT ?2");
        undated.bind(1, afterDeadline == 0 ? after : QString()).bind(2, limit - int(rows.size()));
        auto read = readRows(undated, true);
        if (!read)
            return read.error();
        std::move(read->begin(), read->end(), std::back_inserter(rows));
    }
    return rows;
}

Result<std::optional<ApprovalRequest>> ApprovalStore::firstRow(Statement &select) const
{
    auto rows = readRows(select, false);
    if (!rows)
        return rows.error();
    if (rows->empty())
        return std::optional<ApprovalRequest>();
    return std::optional<ApprovalRequest>(std::move(rows->front()));
}

Result<std::optional<ApprovalRequest>> ApprovalStore::newestForClaim(const QString &taskId, int claim) const
{
    auto &select = m_db.statement("SELECT " APPROVAL_COLUMNS " FROM approvals WHERE task_id = ? AND task_claim = ? ORDER BY id DESC LIMIT 1");
    select.bind(1, taskId).bind(2, claim);
    return firstRow(select);
}

Result<std::optional<ApprovalRequest>> ApprovalStore::newestForTask(const QString &taskId) const
{
    auto &select = m_db.statement("SELECT " APPROVAL_COLUMNS " FROM approvals WHERE task_id = ? ORDER BY id DESC LIMIT 1");
    select.bind(1, taskId);
    return firstRow(select);
}

Result<QString> ApprovalStore::greatestId() const
{
    auto &select = m_db.statement("SELECT max(id) FROM approvals");
    auto row = select.step();
    if (!row)
        return readError(row.error());
    const QString id = select.isNull(0) ? QString() : select.text(0);
    select.reset();
    return id;
}

} // namespace cabinet::approvals

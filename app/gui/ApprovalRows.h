#pragma once

#include "approvals/ApprovalTypes.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

#include <limits>
#include <optional>
#include <vector>

// The Approvals panel's rows, made from the core's requests off the GUI
// thread (on the core's thread, in the model's read): the parsing and the
// sorting of 10,000 pending requests must not hold the GUI up.
namespace cabinet::gui {

struct ApprovalRow {
    QString id;
    QString state; // pending, approved, denied, expired
    int tier = 2;
    QString rule;
    QString kind, agent, environment, target;
    qint64 amountMicros = 0;
    QString taskId, node, requestedBy;
    qint64 createdMs = 0;
    qint64 deadlineMs = 0; // 0: none (tier 3)
    int approvals = 0;     // approving votes so far
    int approvalsNeeded = 1;
    QStringList operators; // who voted, in order
    QString reason;
    qint64 decidedMs = 0;
    // From the evidence (docs/approvals.md): what the panel shows first.
    std::optional<qint64> costMicros;
    QString command; // the command, else the diff
    QJsonObject evidence;
    // The Shadow Board's deliberation attached to it (docs/board.md); 0: none yet.
    qint64 boardId = 0;
    QString boardVerdict; // approve, reject, no_consensus
    double boardApproveShare = 0;
    int boardApprove = 0, boardReject = 0, boardAbstain = 0;
    QString boardDissent;

    // Pending: soonest deadline first, none last; history: newest first.
    qint64 deadlineKey() const { return deadlineMs ? deadlineMs : std::numeric_limits<qint64>::max(); }
};

enum class ApprovalOrder { ByDeadline, NewestFirst };

// The rows of `requests`, in `order` (ties by id, so the order is total).
std::vector<ApprovalRow> approvalRows(const std::vector<approvals::ApprovalRequest> &requests, ApprovalOrder order);
// Whether a comes before b in `order`.
bool approvalBefore(const ApprovalRow &a, const ApprovalRow &b, ApprovalOrder order);

} // namespace cabinet::gui

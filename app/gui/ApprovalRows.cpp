#include "gui/ApprovalRows.h"

#include <QJsonDocument>
#include <QJsonValue>

#include <algorithm>

namespace cabinet::gui {

namespace {

constexpr qint64 NsPerMs = 1'000'000;

ApprovalRow rowOf(const approvals::ApprovalRequest &request)
{
    ApprovalRow row;
    row.id = request.id;
    row.state = approvals::approvalStateName(request.state);
    row.tier = request.tier;
    row.rule = request.rule;
    row.kind = approvals::actionKindName(request.action.kind);
    row.agent = request.action.agent;
    row.environment = request.action.environment;
    row.target = request.action.target;
    row.amountMicros = request.action.amountMicros;
    row.taskId = request.taskId;
    row.node = request.node;
    row.requestedBy = request.requestedBy;
    row.createdMs = request.createdNs / NsPerMs;
    row.deadlineMs = request.deadlineNs / NsPerMs;
    row.approvalsNeeded = request.tier == 3 ? approvals::Tier3ApprovalsNeeded : 1;
    for (const approvals::Vote &vote : request.votes) {
        row.operators << vote.operatorName;
        row.approvals += vote.approve ? 1 : 0;
    }
    row.reason = request.reason;
    row.decidedMs = request.decidedNs / NsPerMs;
    // The store keeps the evidence as a JSON object (ApprovalService::request).
    row.evidence = QJsonDocument::fromJson(request.evidence).object();
    const QJsonValue cost = row.evidence.value(u"cost_micros");
    if (cost.isDouble())
        row.costMicros = qint64(cost.toDouble());
    row.command = row.evidence.value(u"command").toString();
    if (row.command.isEmpty())
        row.command = row.evidence.value(u"diff").toString();
    return row;
}

} // namespace

bool approvalBefore(const ApprovalRow &a, const ApprovalRow &b, ApprovalOrder order)
{
    if (order == ApprovalOrder::NewestFirst)
        return a.id > b.id; // ULIDs sort by request time
    if (a.deadlineKey() != b.deadlineKey())
        return a.deadlineKey() < b.deadlineKey();
    return a.id < b.id;
}

std::vector<ApprovalRow> approvalRows(const std::vector<approvals::ApprovalRequest> &requests, ApprovalOrder order)
{
    std::vector<ApprovalRow> rows;
    rows.reserve(requests.size());
    for (const approvals::ApprovalRequest &request : requests)
        rows.push_back(rowOf(request));
    std::sort(rows.begin(), rows.end(), [order](const ApprovalRow &a, const ApprovalRow &b) { return approvalBefore(a, b, order); });
    return rows;
}

} // namespace cabinet::gui

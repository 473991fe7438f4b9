#include "approvals/ApprovalTypes.h"

#include "api/JsonText.h"

#include <QJsonArray>

namespace cabinet::approvals {

namespace {

const char *const StateNames[] = { "pending", "approved", "denied", "expired" };
constexpr qint64 NsPerMs = 1'000'000;

QJsonValue msOrNull(qint64 ns)
{
    return ns == 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(ns / NsPerMs);
}

} // namespace

QString approvalStateName(ApprovalState state)
{
    return QString::fromLatin1(StateNames[int(state)]);
}

std::optional<ApprovalState> approvalStateFromName(const QString &name)
{
    for (int i = 0; i < 4; ++i)
        if (name == QLatin1StringView(StateNames[i]))
            return ApprovalState(i);
    return std::nullopt;
}

QByteArray approvalJson(const ApprovalRequest &request)
{
    QJsonArray votes;
    for (const Vote &vote : request.votes)
        votes.append(QJsonObject { { QStringLiteral("operator"), vote.operatorName },
                                   { QStringLiteral("verdict"), vote.approve ? QStringLiteral("approve") : QStringLiteral("deny") },
                                   { QStringLiteral("reason"), vote.reason },
                                   { QStringLiteral("at_ms"), vote.atNs / NsPerMs },
                                   { QStringLiteral("actor"), vote.actor } });
    const bool deadline = request.deadlineNs != 0;
    QJsonObject object { { QStringLiteral("id"), request.id },
                         { QStringLiteral("state"), approvalStateName(request.state) },
                         { QStringLiteral("tier"), request.tier },
                         { QStringLiteral("rule"), request.rule },
                         { QStringLiteral("action"), actionJson(request.action) },
                         { QStringLiteral("task_id"), request.taskId.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(request.taskId) },
                         { QStringLiteral("node"), request.node.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(request.node) },
                         { QStringLiteral("requested_by"), request.requestedBy },
                         { QStringLiteral("created_ms"), request.createdNs / NsPerMs },
                         { QStringLiteral("deadline_ms"), msOrNull(request.deadlineNs) },
                         { QStringLiteral("reminder_ms"), deadline ? QJsonValue(QJsonArray { request.reminderNs(1) / NsPerMs, request.reminderNs(2) / NsPerMs })
                                                                   : QJsonValue(QJsonValue::Null) },
                         { QStringLiteral("reminders_sent"), request.reminders },
                         { QStringLiteral("approvals_needed"), request.tier == 3 ? Tier3ApprovalsNeeded : 1 },
                         { QStringLiteral("votes"), votes },
                         { QStringLiteral("decided_ms"), msOrNull(request.decidedNs) },
                         { QStringLiteral("reason"), request.reason } };
    // The evidence goes in as its exact text (QJsonObject would round numbers).
    QByteArray json = api::compact(object);
    json.chop(1);
    return json + ",\"evidence\":" + (request.evidence.isEmpty() ? QByteArrayLiteral("{}") : request.evidence) + '}';
}

} // namespace cabinet::approvals

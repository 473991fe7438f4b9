// approvals.* and policy.check: approval requests, operators' decisions and
// the tier an action would get (docs/approvals.md).
#include "Cabinet.h"
#include "api/JsonText.h"
#include "api/ops/Groups.h"
#include "approvals/ApprovalService.h"
#include "approvals/Notifier.h"

#include <QJsonArray>

namespace cabinet::api::ops {

namespace {

using namespace cabinet::approvals;

const QList<ErrorCode> ReadErrors { ErrorCode::InvalidArgument, ErrorCode::NotFound, ErrorCode::Internal };

ApprovalService &approvalsOf(Cabinet &cabinet)
{
    return cabinet.service<ApprovalService>();
}

Error invalid(const QString &message, const QString &field)
{
    return Error { ErrorCode::InvalidArgument, message, field };
}

// An optional string member; `fallback` when absent.
Result<QString> textMember(const QJsonObject &params, const QString &name, const QString &fallback = {})
{
    const QJsonValue value = params.value(name);
    if (value.isUndefined())
        return fallback;
    if (!value.isString())
        return invalid(QStringLiteral("'%1' must be a string").arg(name), name);
    return value.toString();
}

QByteArray requestsJson(const std::vector<ApprovalRequest> &requests)
{
    QByteArray json = "[";
    for (const ApprovalRequest &request : requests) {
        if (json.size() > 1)
            json += ',';
        json += approvalJson(request);
    }
    return json + ']';
}

Result<QByteArray> list(Cabinet &cabinet, const Actor &, const QByteArray &params)
{
    auto object = paramsObject(params);
    if (!object)
        return object.error();
    if (auto known = onlyKnownMembers(*object, { "state", "after", "limit" }); !known)
        return known.error();
    auto state = textMember(*object, QStringLiteral("state"), QStringLiteral("all"));
    if (!state)
        return state.error();
    const ApprovalFilter filter = *state == QLatin1StringView("pending") ? ApprovalFilter::Pending
                                : *state == QLatin1StringView("decided") ? ApprovalFilter::Decided
                                                                         : ApprovalFilter::All;
    if (filter == ApprovalFilter::All && *state != QLatin1StringView("all"))
        return invalid(QStringLiteral("'state' must be pending, decided or all"), QStringLiteral("state"));
    auto after = textMember(*object, QStringLiteral("after"));
    if (!after)
        return after.error();
    const QJsonValue limit = object->value(QStringLiteral("limit"));
    if (!limit.isUndefined() && (!limit.isDouble() || limit.toDouble() != double(limit.toInt())))
        return invalid(QStringLiteral("'limit' must be an integer 1..%1").arg(ListLimitMax), QStringLiteral("limit"));
    auto page = approvalsOf(cabinet).list(filter, *after, limit.toInt(ListLimitDefault));
    if (!page)
        return page.error();
    return QByteArray("{\"approvals\":" + requestsJson(page->requests) + ",\"next\":"
                      + (page->next.isEmpty() ? QByteArrayLiteral("null") : jsonString(page->next)) + ",\"pending\":" + QByteArray::number(page->pending) + '}');
}

// The webhook deliveries in one state (failed unless asked), oldest first.
Result<QByteArray> deliveries(Cabinet &cabinet, const Actor &, const QByteArray &params)
{
    auto object = paramsObject(params);
    if (!object)
        return object.error();
    if (auto known = onlyKnownMembers(*object, { "state", "order", "after", "limit" }); !known)
        return known.error();
    auto stateName = textMember(*object, QStringLiteral("state"), QStringLiteral("failed"));
    if (!stateName)
        return stateName.error();
    const auto state = deliveryStateFromName(*stateName);
    if (!state)
        return invalid(QStringLiteral("'state' must be failed, queued or sent"), QStringLiteral("state"));
    auto order = textMember(*object, QStringLiteral("order"), QStringLiteral("oldest"));
    if (!order)
        return order.error();
    if (*order != u"oldest" && *order != u"newest")
        return invalid(QStringLiteral("'order' must be oldest or newest"), QStringLiteral("order"));
    const QJsonValue after = object->value(QStringLiteral("after"));
    if (!after.isUndefined() && (!after.isDouble() || after.toDouble() != double(after.toInteger()) || after.toInteger() < 0))
        return invalid(QStringLiteral("'after' must be a delivery id"), QStringLiteral("after"));
    const QJsonValue limit = object->value(QStringLiteral("limit"));
    if (!limit.isUndefined() && (!limit.isDouble() || limit.toDouble() != double(limit.toInt())))
        return invalid(QStringLiteral("'limit' must be an integer 1..%1").arg(DeliveriesListMax), QStringLiteral("limit"));
    const int pageSize = limit.toInt(ListLimitDefault);
    auto rows = cabinet.service<Notifier>().list(*state, after.toInteger(0), pageSize, *order == u"newest");
    if (!rows)
        return rows.error();
    QJsonArray list;
    for (const Delivery &delivery : *rows)
        list.append(deliveryJson(delivery));
    const bool full = int(rows->size()) == pageSize;
    return compact(QJsonObject { { QStringLiteral("deliveries"), list },
                                 { QStringLiteral("next"), full ? QJsonValue(rows->back().id) : QJsonValue(QJsonValue::Null) } });
}

Result<QByteArray> get(Cabinet &cabinet, const Actor &, const QByteArray &params)
{
    auto object = paramsObject(params);
    if (!object)
        return object.error();
    if (auto known = onlyKnownMembers(*object, { "id" }); !known)
        return known.error();
    const QJsonValue id = object->value(QStringLiteral("id"));
    if (!id.isString())
        return invalid(QStringLiteral("'id' must be the request's id"), QStringLiteral("id"));
    auto request = approvalsOf(cabinet).get(id.toString());
    if (!request)
        return request.error();
    return approvalJson(*request);
}

Result<QByteArray> decide(Cabinet &cabinet, const Actor &actor, const QByteArray &params)
{
    auto object = paramsObject(params);
    if (!object)
        return object.error();
    if (auto known = onlyKnownMembers(*object, { "ids", "verdict", "operator", "reason" }); !known)
        return known.error();
    Decision decision;
    const QJsonValue ids = object->value(QStringLiteral("ids"));
    if (!ids.isArray())
        return invalid(QStringLiteral("'ids' must be an array of request ids"), QStringLiteral("ids"));
    // Counted before each id is read.
    if (ids.toArray().size() > BulkMax)
        return invalid(QStringLiteral("a decision names at most %1 requests, got %2").arg(BulkMax).arg(ids.toArray().size()), QStringLiteral("ids"));
    for (qsizetype i = 0; i < ids.toArray().size(); ++i) {
        const QJsonValue id = ids.toArray().at(i);
        if (!id.isString())
            return invalid(QStringLiteral("each id must be a string"), QStringLiteral("ids[%1]").arg(i));
        decision.ids << id.toString();
    }
    const QString verdict = object->value(QStringLiteral("verdict")).toString();
    if (verdict != QLatin1StringView("approve") && verdict != QLatin1StringView("deny"))
        return invalid(QStringLiteral("'verdict' must be approve or deny"), QStringLiteral("verdict"));
    decision.approve = verdict == QLatin1StringView("approve");
    auto operatorName = textMember(*object, QStringLiteral("operator"));
    if (!operatorName)
        return operatorName.error();
    decision.operatorName = *operatorName;
    auto reason = textMember(*object, QStringLiteral("reason"));
    if (!reason)
        return reason.error();
    decision.reason = *reason;
    auto decided = approvalsOf(cabinet).decide(decision, actor);
    if (!decided)
        return decided.error();
    return QByteArray("{\"approvals\":" + requestsJson(*decided) + '}');
}

Result<QByteArray> check(Cabinet &cabinet, const Actor &, const QByteArray &params)
{
    auto object = paramsObject(params);
    if (!object)
        return object.error();
    if (auto known = onlyKnownMembers(*object, { "action" }); !known)
        return known.error();
    const QJsonValue value = object->value(QStringLiteral("action"));
    if (!value.isObject())
        return invalid(QStringLiteral("'action' must be an object with at least 'kind'"), QStringLiteral("action"));
    auto action = actionFromJson(value.toObject());
    if (!action)
        return action.error();
    auto decision = approvalsOf(cabinet).check(*action);
    if (!decision)
        return decision.error();
    return compact(QJsonObject { { QStringLiteral("tier"), decision->tier },
                                 { QStringLiteral("rule"), decision->rule },
                                 { QStringLiteral("deadline_ms"), decision->tier == 2 ? QJsonValue(decision->deadlineMs) : QJsonValue(QJsonValue::Null) },
                                 { QStringLiteral("raised_by_mode"), decision->raisedByMode },
                                 { QStringLiteral("mode"), cabinet.operatingMode() },
                                 { QStringLiteral("source"), approvalsOf(cabinet).policy().source() } });
}

} // namespace

std::vector<Operation> approvalOperations()
{
    const QString request = QStringLiteral("{\"id\", \"state\": \"pending\"|\"approved\"|\"denied\"|\"expired\", \"tier\", \"rule\", \"action\", "
                                           "\"task_id\", \"node\", \"requested_by\", \"created_ms\", \"deadline_ms\", \"reminder_ms\": [50 %, 90 %], "
                                           "\"reminders_sent\", \"approvals_needed\", \"votes\": [{\"operator\", \"verdict\", \"reason\", \"at_ms\", \"actor\"}], "
                                           "\"decided_ms\", \"reason\", \"evidence\"}");
    return {
        { { QStringLiteral("approvals.list"),
            QStringLiteral("Approval requests, paged: pending ones by deadline (none last), or the decided and expired ones (the history: "
                           "who, why, or expired), or all, newest first."),
            false, Role::Viewer, QStringLiteral("{\"state\"?: \"pending\"|\"decided\"|\"all\" (all), \"after\"?: id, \"limit\"?: 1..1000 (100)}"),
            QStringLiteral("{\"approvals\": [request...], \"next\": id|null, \"pending\": count}"), ReadErrors },
          now(list) },
        { { QStringLiteral("approvals.get"), QStringLiteral("One approval request with its votes and evidence."), false, Role::Viewer,
            QStringLiteral("{\"id\"}"), request, ReadErrors },
          now(get) },
        { { QStringLiteral("approvals.decide"),
            QStringLiteral("Approves or denies pending requests (1..1000, every one or none) as one operator with one optional reason; tier 3 "
                           "needs approvals from two different operators, one denial denies it. Audited."),
            true, Role::Operator,
            QStringLiteral("{\"ids\": [id...], \"verdict\": \"approve\"|\"deny\", \"operator\"?: name (the caller), \"reason\"?: text}"),
            QStringLiteral("{\"approvals\": [request...]}"),
            { ErrorCode::InvalidArgument, ErrorCode::NotFound, ErrorCode::Conflict, ErrorCode::PermissionDenied, ErrorCode::FailedPrecondition,
              ErrorCode::Internal } },
          now(decide) },
        { { QStringLiteral("approvals.deliveries"),
            QStringLiteral("The approvals' webhook notifications in one state, oldest first (or newest first): failed (the default: given up after their tries, "
                           "or a body that did not render), queued (waiting for a try or a retry) or sent. No URL: a webhook's URL is "
                           "often its secret."),
            false, Role::Viewer, QStringLiteral("{\"state\"?: \"failed\"|\"queued\"|\"sent\" (failed), \"order\"?: \"oldest\"|\"newest\" (oldest), \"after\"?: id (the last of the previous page), \"limit\"?: 1..1000 (100)}"),
            QStringLiteral("{\"deliveries\": [{\"id\", \"approval_id\", \"what\", \"channel\", \"state\", \"attempts\", \"next_ms\", "
                           "\"last_error\", \"created_ms\", \"updated_ms\"}], \"next\": id|null}"),
            { ErrorCode::InvalidArgument, ErrorCode::Internal } },
          now(deliveries) },
        { { QStringLiteral("policy.check"),
            QStringLiteral("The tier and rule an action would get now, in the operating mode of the moment (nothing is requested)."), false,
            Role::Viewer,
            QStringLiteral("{\"action\": {\"kind\", \"agent\"?, \"environment\"?, \"target\"?, \"amount\"?: micro-USD, \"per_call_cap\"?: micro-USD}}"),
            QStringLiteral("{\"tier\": 0..3, \"rule\", \"deadline_ms\": ms|null, \"raised_by_mode\", \"mode\", \"source\"}"),
            { ErrorCode::InvalidArgument, ErrorCode::RefusedByPolicy, ErrorCode::FailedPrecondition, ErrorCode::Internal } },
          now(check) },
    };
}

} // namespace cabinet::api::ops

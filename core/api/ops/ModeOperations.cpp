// mode.*: the operating mode, state in the store (docs/costs.md), switched
// through the approval tiers (docs/approvals.md).
#include "Cabinet.h"
#include "api/JsonText.h"
#include "api/ops/Groups.h"
#include "approvals/ApprovalService.h"
#include "costs/ModeStore.h"

#include <QJsonArray>

namespace cabinet::api::ops {

namespace {

// A switch is a mode_change action of the caller, tiered like any other:
// tier 0 and 1 switch now; tier 2 and 3 ask for an approval, and its
// approval is the switch (ApprovalService's decision path). Staying in the
// mode one is in switches nothing and asks no one.
Result<QByteArray> setMode(Cabinet &cabinet, const Actor &actor, const QString &to)
{
    costs::ModeStore &modes = cabinet.service<costs::ModeStore>();
    if (!costs::ModeStore::modes().contains(to))
        return Error { ErrorCode::InvalidArgument, QStringLiteral("'mode' must be one of %1").arg(costs::ModeStore::modes().join(QStringLiteral(", "))),
                       QStringLiteral("mode") };
    const QString from = modes.mode();
    if (from != to) {
        approvals::ApprovalService &approvals = cabinet.service<approvals::ApprovalService>();
        approvals::Action action;
        action.kind = approvals::ActionKind::ModeChange;
        action.agent = actor.id();
        action.target = to;
        auto tier = approvals.check(action);
        if (!tier)
            return tier.error();
        if (tier->tier >= 2) {
            approvals::NewApproval asked { action, {}, {}, compact(QJsonObject { { QStringLiteral("from"), from }, { QStringLiteral("to"), to } }) };
            auto request = approvals.request(asked, actor);
            if (!request)
                return request.error();
            return compact(QJsonObject { { QStringLiteral("from"), from }, { QStringLiteral("to"), to }, { QStringLiteral("changed"), false },
                                         { QStringLiteral("approval_id"), request->id }, { QStringLiteral("tier"), request->tier },
                                         { QStringLiteral("rule"), request->rule } });
        }
    }
    auto change = modes.set(to, actor);
    if (!change)
        return change.error();
    return compact(QJsonObject { { QStringLiteral("from"), change->from }, { QStringLiteral("to"), change->to }, { QStringLiteral("changed"), change->changed } });
}

} // namespace

std::vector<Operation> modeOperations()
{
    return {
        { { QStringLiteral("mode.get"), QStringLiteral("The operating mode: autonomous, supervised, manual or paused."), false, Role::Viewer,
            QStringLiteral("{}"), QStringLiteral("{\"mode\", \"modes\": [...]}"), { ErrorCode::InvalidArgument } },
          now([](Cabinet &cabinet, const Actor &, const QByteArray &params) -> Result<QByteArray> {
              auto object = paramsObject(params);
              if (!object)
                  return object.error();
              if (auto known = onlyKnownMembers(*object, {}); !known)
                  return known.error();
              return compact(QJsonObject { { QStringLiteral("mode"), cabinet.service<costs::ModeStore>().mode() },
                                           { QStringLiteral("modes"), QJsonArray::fromStringList(costs::ModeStore::modes()) } });
          }) },
        { { QStringLiteral("mode.set"),
            QStringLiteral("Switches the operating mode as the approval tiers say (a mode_change action; docs/approvals.md): tier 0 or 1 "
                           "switches now (audited; the event mode.changed when it changes); tier 2 or 3 (switching to autonomous: two "
                           "different operators) creates an approval request and switches when it is approved, nothing when it is denied "
                           "or expires. The configuration's 'mode' key only seeds a new data directory."),
            true, Role::Operator, QStringLiteral("{\"mode\": \"autonomous\"|\"supervised\"|\"manual\"|\"paused\"}"),
            QStringLiteral("{\"from\", \"to\", \"changed\"}, or while it waits {\"from\", \"to\", \"changed\": false, \"approval_id\", \"tier\", "
                           "\"rule\"}"),
            { ErrorCode::InvalidArgument, ErrorCode::FailedPrecondition, ErrorCode::ResourceExhausted, ErrorCode::Internal } },
          now([](Cabinet &cabinet, const Actor &actor, const QByteArray &params) -> Result<QByteArray> {
              auto object = paramsObject(params);
              if (!object)
                  return object.error();
              if (auto known = onlyKnownMembers(*object, { "mode" }); !known)
                  return known.error();
              const QJsonValue mode = object->value(QStringLiteral("mode"));
              if (!mode.isString())
                  return Error { ErrorCode::InvalidArgument, QStringLiteral("'mode' must be one of %1").arg(costs::ModeStore::modes().join(QStringLiteral(", "))),
                                 QStringLiteral("mode") };
              return setMode(cabinet, actor, mode.toString());
          }) },
    };
}

} // namespace cabinet::api::ops

// mode.*: the operating mode, state in the store (docs/costs.md).
#include "Cabinet.h"
#include "api/JsonText.h"
#include "api/ops/Groups.h"
#include "costs/ModeStore.h"

#include <QJsonArray>

namespace cabinet::api::ops {

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
            QStringLiteral("Switches the operating mode (audited; the event mode.changed when it changes). The configuration's 'mode' key "
                           "only seeds a new data directory."),
            true, Role::Operator, QStringLiteral("{\"mode\": \"autonomous\"|\"supervised\"|\"manual\"|\"paused\"}"),
            QStringLiteral("{\"from\", \"to\", \"changed\"}"), { ErrorCode::InvalidArgument, ErrorCode::FailedPrecondition, ErrorCode::Internal } },
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
              auto change = cabinet.service<costs::ModeStore>().set(mode.toString(), actor);
              if (!change)
                  return change.error();
              return compact(QJsonObject { { QStringLiteral("from"), change->from }, { QStringLiteral("to"), change->to },
                                           { QStringLiteral("changed"), change->changed } });
          }) },
    };
}

} // namespace cabinet::api::ops

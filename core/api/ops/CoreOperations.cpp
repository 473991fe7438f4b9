// core.* and api.*: what the core is doing, and the catalogue itself.
#include "Cabinet.h"
#include "api/JsonText.h"
#include "api/ops/Groups.h"
#include "service/Service.h"

#include <QCoreApplication>
#include <QJsonArray>

namespace cabinet::api::ops {

std::vector<Operation> coreOperations()
{
    return {
        { { QStringLiteral("core.status"),
            QStringLiteral("The data directory, operating mode, version, pid and each service with its next deadline."), false,
            Role::Viewer, QStringLiteral("{}"),
            QStringLiteral("{\"data_dir\": ..., \"running\": bool, \"read_only\": bool, \"mode\": ..., \"version\": ..., \"pid\": n, "
                           "\"services\": [{\"name\": ..., \"next_deadline_ns\": \"...\"|null}, ...]}"),
            { ErrorCode::InvalidArgument } },
          now([](Cabinet &cabinet, const Actor &, const QByteArray &params) -> Result<QByteArray> {
              auto object = paramsObject(params);
              if (!object)
                  return object.error();
              if (auto known = onlyKnownMembers(*object, {}); !known)
                  return known.error();
              QJsonArray services;
              for (const auto &service : cabinet.services()) {
                  const auto deadline = cabinet.running() ? service->nextDeadlineNs() : std::nullopt;
                  services.append(QJsonObject { { QStringLiteral("name"), service->name() },
                                                { QStringLiteral("next_deadline_ns"),
                                                  deadline ? QJsonValue(QString::number(*deadline)) : QJsonValue() } });
              }
              return compact(QJsonObject { { QStringLiteral("data_dir"), cabinet.dataDir() },
                                           { QStringLiteral("running"), cabinet.running() },
                                           { QStringLiteral("read_only"), cabinet.readOnly() },
                                           { QStringLiteral("mode"), cabinet.operatingMode() },
                                           { QStringLiteral("version"), QCoreApplication::applicationVersion() },
                                           { QStringLiteral("pid"), QCoreApplication::applicationPid() },
                                           { QStringLiteral("services"), services } });
          }) },
    };
}

std::vector<Operation> apiOperations()
{
    return {
        { { QStringLiteral("api.list"), QStringLiteral("The catalogue of operations: name, summary, role, params, result, errors."),
            false, Role::Viewer, QStringLiteral("{}"),
            QStringLiteral("[{\"name\": ..., \"summary\": ..., \"mutating\": bool, \"role\": ..., \"params\": ..., \"result\": ..., "
                           "\"errors\": [...]}, ...]"),
            { ErrorCode::InvalidArgument } },
          now([](Cabinet &, const Actor &, const QByteArray &params) -> Result<QByteArray> {
              auto object = paramsObject(params);
              if (!object)
                  return object.error();
              if (auto known = onlyKnownMembers(*object, {}); !known)
                  return known.error();
              return catalogueJson();
          }) },
    };
}

} // namespace cabinet::api::ops

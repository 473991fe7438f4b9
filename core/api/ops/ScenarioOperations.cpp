// scenarios.*: Monte-Carlo runs on the scenario engine (docs/scenario-engine.md).
#include "Cabinet.h"
#include "api/JsonText.h"
#include "api/ops/Groups.h"
#include "scenario/ScenarioRunner.h"

#include <ScenarioEngine.h>

#include <QJsonDocument>

namespace cabinet::api::ops {

std::vector<Operation> scenarioOperations()
{
    return {
        { { QStringLiteral("scenarios.run"),
            QStringLiteral("Run a simulation off the core's thread; answers when it ends. job.started / job.progress / "
                           "job.finished events carry its job id."),
            false, Role::Operator,
            QStringLiteral("{\"params\": ScenarioParams, \"backend\": \"auto\"|\"cpu\"|\"cuda\", \"histogram_bins\": n (default ")
                    + QString::number(gpu::kDefaultHistogramBins) + QStringLiteral("), \"sample_paths\": n (default 0)}"),
            QStringLiteral("ScenarioResult with \"params\" as used"),
            { ErrorCode::InvalidArgument, ErrorCode::ResourceExhausted, ErrorCode::Unavailable, ErrorCode::Cancelled,
              ErrorCode::Internal } },
          [](Cabinet &cabinet, const Actor &, const QByteArray &params, Reply reply) {
              auto object = paramsObject(params);
              if (!object)
                  return reply(object.error());
              if (auto known = onlyKnownMembers(*object, { "params", "backend", "histogram_bins", "sample_paths" }); !known)
                  return reply(known.error());
              const QJsonValue scenario = object->value(QStringLiteral("params"));
              if (!scenario.isUndefined() && !scenario.isObject())
                  return reply(Error { ErrorCode::InvalidArgument, QStringLiteral("'params' must be an object"), QStringLiteral("params") });
              const QString backend = object->value(QStringLiteral("backend")).toString(QStringLiteral("auto"));
              const int bins = object->value(QStringLiteral("histogram_bins")).toInt(int(gpu::kDefaultHistogramBins));
              const int paths = object->value(QStringLiteral("sample_paths")).toInt(0);
              auto job = cabinet.service<ScenarioRunner>().start(scenario.toObject(), backend, bins, paths,
                                                                 [reply](Result<QJsonObject> result) {
                                                                     if (!result)
                                                                         return reply(result.error());
                                                                     reply(compact(*result));
                                                                 });
              if (!job)
                  reply(job.error());
          } },
    };
}

} // namespace cabinet::api::ops

// pilot.*: the SOVR Day-0 pilot (docs/pilot.md). prepare requests the
// go-live (tier 2), run runs the approved day unattended, status and probe read.
#include "Cabinet.h"
#include "api/JsonText.h"
#include "api/ops/Groups.h"
#include "pilot/PilotService.h"

namespace cabinet::api::ops {

namespace {

QString paramsForm()
{
    return QStringLiteral("{\"participants\"?: n (1..%1, default 100), \"seed\"?: n|\"n\" (default 1), \"orders_per_participant\"?: n (1..%2, default 3), "
                          "\"failure_rate\"?: x (0..1, default 0.05), \"hours\"?: n (1..%3, default 8)}")
            .arg(pilot::ParticipantsMax)
            .arg(pilot::OrdersPerParticipantMax)
            .arg(pilot::HoursMax);
}

} // namespace

std::vector<Operation> pilotOperations()
{
    return {
        { { QStringLiteral("pilot.prepare"),
            QStringLiteral("Requests a pilot day's go-live (tier 2) with its parameters and the delivery-rate forecast as evidence; decide it with "
                           "approvals.decide, then pilot.run it. Participants, fulfilment and gift-card issuer are simulated."),
            true, Role::Operator, paramsForm(), QStringLiteral("{approval: the request as approvals.get shows it, forecast: {mean, p05, p95, stages, ...}}"),
            { ErrorCode::InvalidArgument, ErrorCode::FailedPrecondition, ErrorCode::RefusedByPolicy, ErrorCode::ResourceExhausted, ErrorCode::Internal } },
          now([](Cabinet &cabinet, const Actor &actor, const QByteArray &params) -> Result<QByteArray> {
              auto object = paramsObject(params);
              if (!object)
                  return object.error();
              auto parsed = pilot::pilotParamsFromJson(*object);
              if (!parsed)
                  return parsed.error();
              auto prepared = cabinet.service<pilot::PilotService>().prepare(*parsed, actor);
              if (!prepared)
                  return prepared.error();
              return compact(*prepared);
          }) },
        { { QStringLiteral("pilot.run"),
            QStringLiteral("Runs the pilot day an approved go-live request holds, once, unattended, on ledger 2 (pilot credits, never USD), and "
                           "answers its report when the day is over; the run and its report are kept (pilot.status)."),
            true, Role::Operator, QStringLiteral("{\"approval_id\": s}"),
            QStringLiteral("{run, approval_id, state, report: {delivery_rate, target_met, orders, refusals, credits, latency_ms, gift_cards, "
                           "forecast, forecast_vs_outcome, ...}, performance: {orders_per_second, stage_share, ...}}"),
            { ErrorCode::InvalidArgument, ErrorCode::NotFound, ErrorCode::FailedPrecondition, ErrorCode::Internal } },
          now([](Cabinet &cabinet, const Actor &actor, const QByteArray &params) -> Result<QByteArray> {
              auto object = paramsObject(params);
              if (!object)
                  return object.error();
              if (auto known = onlyKnownMembers(*object, { "approval_id" }); !known)
                  return known.error();
              const QJsonValue id = object->value(QStringLiteral("approval_id"));
              if (!id.isString() || id.toString().isEmpty())
                  return Error { ErrorCode::InvalidArgument, QStringLiteral("'approval_id' must be the go-live request's id"), QStringLiteral("approval_id") };
              auto ran = cabinet.service<pilot::PilotService>().run(id.toString(), actor);
              if (!ran)
                  return ran.error();
              return compact(*ran);
          }) },
        { { QStringLiteral("pilot.status"), QStringLiteral("The latest pilot runs, newest first, the newest with its report."), false, Role::Viewer,
            QStringLiteral("{\"limit\"?: n (1..%1, default 10)}").arg(pilot::StatusRunsMax),
            QStringLiteral("{runs: [{run, approval_id, state, started_by, started_ms, finished_ms, params, delivery_rate, target_met, error}], "
                           "latest: the newest with report and performance, or null}"),
            { ErrorCode::InvalidArgument } },
          now([](Cabinet &cabinet, const Actor &, const QByteArray &params) -> Result<QByteArray> {
              auto object = paramsObject(params);
              if (!object)
                  return object.error();
              if (auto known = onlyKnownMembers(*object, { "limit" }); !known)
                  return known.error();
              const QJsonValue limit = object->value(QStringLiteral("limit"));
              if (!limit.isUndefined() && (!limit.isDouble() || limit.toInt(0) < 1 || limit.toInt(0) > pilot::StatusRunsMax))
                  return Error { ErrorCode::InvalidArgument, QStringLiteral("'limit' must be from 1 to %1").arg(pilot::StatusRunsMax), QStringLiteral("limit") };
              auto status = cabinet.service<pilot::PilotService>().status(limit.toInt(10));
              if (!status)
                  return status.error();
              return compact(*status);
          }) },
        { { QStringLiteral("pilot.probe"),
            QStringLiteral("Probes the pilot's services on fresh instances (studio signs, attestor attests and refuses a replay, terminal holds "
                           "once, adapter gets one code from the simulated issuer); writes nothing."),
            false, Role::Viewer, QStringLiteral("{}"), QStringLiteral("{studio|attestor|terminal|adapter: {ok, evidence}}"), { ErrorCode::InvalidArgument } },
          now([](Cabinet &cabinet, const Actor &, const QByteArray &params) -> Result<QByteArray> {
              auto object = paramsObject(params);
              if (!object)
                  return object.error();
              if (auto known = onlyKnownMembers(*object, {}); !known)
                  return known.error();
              return compact(cabinet.service<pilot::PilotService>().probe());
          }) },
    };
}

} // namespace cabinet::api::ops

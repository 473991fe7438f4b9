// pilot.*: the SOVR Day-0 pilot (docs/pilot.md). gate runs the three
// gates, prepare requests the go-live (tier 2), run starts the approved day
// in the background, status and probe read.
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
            QStringLiteral("Requests a pilot day's go-live (tier 2) with its parameters and the delivery-rate forecast as evidence, once gates 1 "
                           "to 3 passed (pilot.gate; failed_precondition before); decide it with approvals.decide, then pilot.run it. "
                           "Participants, fulfilment and gift-card issuer are simulated."),
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
        { { QStringLiteral("pilot.gate"),
            QStringLiteral("Runs a pilot gate's checks and keeps its result with the evidence: 1 the foundation (ledger reachable, the latest run's "
                           "credits and accounts, attestor key, event bus), 2 the services' probes (studio, attestor, terminal, anchor, adapter), "
                           "3 a dry run (a small real day, its own run number), balances and audit verify; answers when the checks end. "
                           "Gate n needs gates before it passed within %1 h; the go-live (pilot.prepare) needs all three.")
                    .arg(pilot::GatePassValidMs / 3'600'000),
            true, Role::Operator, QStringLiteral("{\"gate\": 1|2|3}"),
            QStringLiteral("{gate, passed, reason: the first failed check's \"name: reason\" or \"\", checks: [{name, passed, evidence, reason}], "
                           "checked_by, checked_ms, dry_run: run number (gate 3) or null}"),
            { ErrorCode::InvalidArgument, ErrorCode::FailedPrecondition, ErrorCode::ResourceExhausted, ErrorCode::Internal } },
          [](Cabinet &cabinet, const Actor &actor, const QByteArray &params, Reply reply) {
              auto object = paramsObject(params);
              if (!object)
                  return reply(object.error());
              if (auto known = onlyKnownMembers(*object, { "gate" }); !known)
                  return reply(known.error());
              const QJsonValue gate = object->value(QStringLiteral("gate"));
              if (!gate.isDouble() || gate.toDouble() != double(gate.toInt()) || gate.toInt() < 1 || gate.toInt() > pilot::GatesCount)
                  return reply(Error { ErrorCode::InvalidArgument, QStringLiteral("'gate' must be 1, 2 or 3"), QStringLiteral("gate") });
              cabinet.service<pilot::PilotService>().gate(gate.toInt(), actor, [reply](Result<QJsonObject> result) {
                  if (!result)
                      return reply(result.error());
                  reply(compact(*result));
              });
          } },
        { { QStringLiteral("pilot.run"),
            QStringLiteral("Starts the pilot day an approved go-live request holds, once, unattended, on ledger 2 (pilot credits, never USD), in the "
                           "background: answers at once with the run's number (state running), or with \"wait\": true when the day is over with "
                           "its report; pilot.run_progress events follow it, pilot.run_finished ends it, pilot.status shows it."),
            true, Role::Operator, QStringLiteral("{\"approval_id\": s, \"wait\"?: bool (default false)}"),
            QStringLiteral("{run, approval_id, state: \"running\"}; with wait: {run, approval_id, state: \"finished\", report: {delivery_rate, target_met, "
                           "orders, refusals, credits, latency_ms, gift_cards, forecast, forecast_vs_outcome, ...}, performance: {orders_per_second, "
                           "stage_share, longest_step_ms, ...}}"),
            { ErrorCode::InvalidArgument, ErrorCode::NotFound, ErrorCode::FailedPrecondition, ErrorCode::ResourceExhausted, ErrorCode::Cancelled,
              ErrorCode::Internal } },
          [](Cabinet &cabinet, const Actor &actor, const QByteArray &params, Reply reply) {
              auto object = paramsObject(params);
              if (!object)
                  return reply(object.error());
              if (auto known = onlyKnownMembers(*object, { "approval_id", "wait" }); !known)
                  return reply(known.error());
              const QJsonValue id = object->value(QStringLiteral("approval_id"));
              if (!id.isString() || id.toString().isEmpty())
                  return reply(Error { ErrorCode::InvalidArgument, QStringLiteral("'approval_id' must be the go-live request's id"), QStringLiteral("approval_id") });
              const QJsonValue wait = object->value(QStringLiteral("wait"));
              if (!wait.isUndefined() && !wait.isBool())
                  return reply(Error { ErrorCode::InvalidArgument, QStringLiteral("'wait' must be true or false"), QStringLiteral("wait") });
              pilot::PilotService::Done done;
              if (wait.toBool())
                  done = [reply](Result<QJsonObject> result) {
                      if (!result)
                          return reply(result.error());
                      reply(compact(*result));
                  };
              auto started = cabinet.service<pilot::PilotService>().run(id.toString(), actor, done);
              if (!started)
                  return reply(started.error());
              if (!wait.toBool())
                  reply(compact(*started));
          } },
        { { QStringLiteral("pilot.status"), QStringLiteral("The latest pilot runs, newest first, the newest with its report."), false, Role::Viewer,
            QStringLiteral("{\"limit\"?: n (1..%1, default 10)}").arg(pilot::StatusRunsMax),
            QStringLiteral("{runs: [{run, approval_id, state, started_by, started_ms, finished_ms, params, delivery_rate, target_met, error}], "
                           "latest: the newest with report and performance (running: with progress {window, windows, submissions_done, orders_held, "
                           "fraction}), or null; gates: the newest result of each gate that ran, as pilot.gate answers}"),
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
                           "once, anchor fulfils and pays an order, adapter gets one code from the simulated issuer); writes nothing."),
            false, Role::Viewer, QStringLiteral("{}"), QStringLiteral("{studio|attestor|terminal|anchor|adapter: {ok, evidence}}"), { ErrorCode::InvalidArgument } },
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

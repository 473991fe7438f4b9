// board.*: the Shadow Board's deliberations (docs/board.md).
#include "Cabinet.h"
#include "api/JsonText.h"
#include "api/ops/Groups.h"
#include "board/BoardService.h"
#include "board/WhatIf.h"

#include <QJsonArray>

namespace cabinet::api::ops {

namespace {

// A seed is 64 bits: a decimal string, or a JSON number up to 2^53.
Result<std::optional<quint64>> seedOf(const QJsonValue &value)
{
    if (value.isUndefined())
        return std::optional<quint64>();
    bool ok = false;
    quint64 seed = 0;
    if (value.isString()) {
        seed = value.toString().toULongLong(&ok);
    } else if (value.isDouble()) {
        const double n = value.toDouble();
        ok = n >= 0 && n <= 9007199254740992.0 && n == double(quint64(n));
        seed = quint64(n);
    }
    if (!ok)
        return Error { ErrorCode::InvalidArgument, QStringLiteral("'seed' must be a whole number from 0 to 2^64 - 1 (a decimal string above 2^53)"),
                       QStringLiteral("seed") };
    return std::optional<quint64>(seed);
}

Result<qint64> idOf(const QJsonObject &object)
{
    const QJsonValue id = object.value(QStringLiteral("id"));
    const double n = id.toDouble(-1);
    if (!id.isDouble() || n < 1 || n != double(qint64(n)))
        return Error { ErrorCode::InvalidArgument, QStringLiteral("'id' must be a deliberation's id, a whole number from 1"), QStringLiteral("id") };
    return qint64(n);
}

} // namespace

std::vector<Operation> boardOperations()
{
    return {
        { { QStringLiteral("board.deliberate"),
            QStringLiteral("The Shadow Board deliberates on a proposal: one scenario run on the CPU off the core's thread, three rounds, a "
                           "vote; answers when it is saved (board.statement events stream the statements, board.deliberated marks it)."),
            true, Role::Operator,
            QStringLiteral("{\"proposal\": {\"kind\": \"tier2_action\"|\"budget_change\"|\"bounty_payout\"|\"question\", \"text\": s, "
                           "\"cost_estimate_micros\": n, \"agent\"?: s, \"assumptions\"?: {horizon_days, scenarios, budget_micros, "
                           "expected_value_micros, success_rate, failure_cost_micros, tasks_per_day, volatility_daily}}, \"seed\"?: n|\"n\", "
                           "\"approval_id\"?: s}"),
            QStringLiteral("the deliberation as board.get returns it"),
            { ErrorCode::InvalidArgument, ErrorCode::NotFound, ErrorCode::FailedPrecondition, ErrorCode::ResourceExhausted, ErrorCode::Unavailable,
              ErrorCode::Internal } },
          [](Cabinet &cabinet, const Actor &actor, const QByteArray &params, Reply reply) {
              auto object = paramsObject(params);
              if (!object)
                  return reply(object.error());
              if (auto known = onlyKnownMembers(*object, { "proposal", "seed", "approval_id" }); !known)
                  return reply(known.error());
              if (!object->value(QStringLiteral("proposal")).isObject())
                  return reply(Error { ErrorCode::InvalidArgument, QStringLiteral("'proposal' must be an object"), QStringLiteral("proposal") });
              auto proposal = board::proposalFromJson(object->value(QStringLiteral("proposal")).toObject());
              if (!proposal) {
                  Error e = proposal.error();
                  e.field = QStringLiteral("proposal.") + e.field;
                  return reply(e);
              }
              auto seed = seedOf(object->value(QStringLiteral("seed")));
              if (!seed)
                  return reply(seed.error());
              const QJsonValue approval = object->value(QStringLiteral("approval_id"));
              if (!approval.isUndefined() && (!approval.isString() || approval.toString().isEmpty()))
                  return reply(Error { ErrorCode::InvalidArgument, QStringLiteral("'approval_id' must be an approval request's id"),
                                       QStringLiteral("approval_id") });
              auto started = cabinet.service<board::BoardService>().deliberate(*proposal, *seed, approval.toString(), actor,
                                                                               [reply](Result<QJsonObject> saved) {
                                                                                   if (!saved)
                                                                                       return reply(saved.error());
                                                                                   reply(compact(*saved));
                                                                               });
              if (!started)
                  reply(started.error());
          } },
        { { QStringLiteral("board.whatif"),
            QStringLiteral("Re-runs a saved deliberation with changed assumptions, on its seed unless another is given, saves it as a new "
                           "deliberation linked to the original (whatif_of), and answers both side by side with the votes that changed."),
            true, Role::Operator,
            QStringLiteral("{\"id\": n, \"set\": {cost_estimate_micros?, horizon_days?, scenarios?, budget_micros?, expected_value_micros?, "
                           "success_rate?, failure_cost_micros?, tasks_per_day?, volatility_daily?}, \"seed\"?: n|\"n\"}"),
            QStringLiteral("{set, seed, history_changed, original: side, whatif: side, changed_votes: [{persona, before, after, score_before, "
                           "score_after, utility_before, utility_after}]}; a side: {id, cost_estimate_micros, assumptions, summary, consensus, "
                           "votes, net, cost, initial_capital, budget, histogram}"),
            { ErrorCode::InvalidArgument, ErrorCode::NotFound, ErrorCode::FailedPrecondition, ErrorCode::ResourceExhausted, ErrorCode::Unavailable,
              ErrorCode::Internal } },
          [](Cabinet &cabinet, const Actor &actor, const QByteArray &params, Reply reply) {
              auto object = paramsObject(params);
              if (!object)
                  return reply(object.error());
              if (auto known = onlyKnownMembers(*object, { "id", "set", "seed" }); !known)
                  return reply(known.error());
              auto id = idOf(*object);
              if (!id)
                  return reply(id.error());
              if (!object->value(QStringLiteral("set")).isObject())
                  return reply(Error { ErrorCode::InvalidArgument, QStringLiteral("'set' must be an object of the assumptions to change"),
                                       QStringLiteral("set") });
              auto seed = seedOf(object->value(QStringLiteral("seed")));
              if (!seed)
                  return reply(seed.error());
              auto started = board::whatIf(cabinet.service<board::BoardService>(), *id, object->value(QStringLiteral("set")).toObject(), *seed, actor,
                                           [reply](Result<QJsonObject> compared) {
                                               if (!compared)
                                                   return reply(compared.error());
                                               reply(compact(*compared));
                                           });
              if (!started)
                  reply(started.error());
          } },
        { { QStringLiteral("board.get"), QStringLiteral("One saved deliberation: proposal, evidence, the engine's result, statements, votes, consensus."),
            false, Role::Viewer, QStringLiteral("{\"id\": n}"),
            QStringLiteral("{id, approval_id, whatif_of, requested_by, created_ms, seed, proposal, evidence, result, summary, statements, votes, consensus, recommendation}"),
            { ErrorCode::InvalidArgument, ErrorCode::NotFound } },
          [](Cabinet &cabinet, const Actor &, const QByteArray &params, Reply reply) {
              auto object = paramsObject(params);
              if (!object)
                  return reply(object.error());
              if (auto known = onlyKnownMembers(*object, { "id" }); !known)
                  return reply(known.error());
              auto id = idOf(*object);
              if (!id)
                  return reply(id.error());
              auto got = cabinet.service<board::BoardService>().get(*id);
              if (!got)
                  return reply(got.error());
              reply(compact(*got));
          } },
        { { QStringLiteral("board.list"), QStringLiteral("Saved deliberations, newest first, optionally of one approval request."), false, Role::Viewer,
            QStringLiteral("{\"limit\"?: n (default 50, at most ") + QString::number(board::BoardListMax) + QStringLiteral("), \"approval_id\"?: s}"),
            QStringLiteral("{\"deliberations\": [{id, created_ms, approval_id, whatif_of, kind, text, verdict, approve_share}]}"),
            { ErrorCode::InvalidArgument } },
          [](Cabinet &cabinet, const Actor &, const QByteArray &params, Reply reply) {
              auto object = paramsObject(params);
              if (!object)
                  return reply(object.error());
              if (auto known = onlyKnownMembers(*object, { "limit", "approval_id" }); !known)
                  return reply(known.error());
              const QJsonValue limit = object->value(QStringLiteral("limit"));
              if (!limit.isUndefined() && (!limit.isDouble() || limit.toInt(0) < 1 || limit.toInt(0) > board::BoardListMax))
                  return reply(Error { ErrorCode::InvalidArgument, QStringLiteral("'limit' must be from 1 to %1").arg(board::BoardListMax),
                                       QStringLiteral("limit") });
              auto rows = cabinet.service<board::BoardService>().list(limit.toInt(50), object->value(QStringLiteral("approval_id")).toString());
              if (!rows)
                  return reply(rows.error());
              reply(compact(QJsonObject { { QStringLiteral("deliberations"), *rows } }));
          } },
    };
}

} // namespace cabinet::api::ops

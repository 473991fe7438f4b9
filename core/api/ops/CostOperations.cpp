// costs.*, budget.*, treasury.*: spend, budget envelopes and the treasury
// through the ledger (docs/costs.md). Amounts are integer micro-USD strings.
#include "Cabinet.h"
#include "api/JsonText.h"
#include "api/ops/Groups.h"
#include "costs/Budgets.h"
#include "costs/CostReport.h"
#include "costs/Money.h"
#include "ledger/Ledger.h"

#include <QJsonArray>

namespace cabinet::api::ops {

namespace {

using namespace cabinet::costs;

constexpr int AlertsListedMax = 1'000;
// A report's first day: nanoseconds since 1970 in 64 bits end in 2262.
constexpr int SinceYearMin = 1970;
constexpr int SinceYearMax = 2200;

const QList<ErrorCode> WriteErrors { ErrorCode::InvalidArgument, ErrorCode::NotFound, ErrorCode::FailedPrecondition, ErrorCode::DataLoss,
                                     ErrorCode::Internal };

Result<QString> agentParam(const QJsonObject &params)
{
    const QJsonValue value = params.value(QStringLiteral("agent"));
    if (!value.isString() || value.toString().isEmpty() || value.toString().size() > Budgets::AgentNameMax)
        return Error { ErrorCode::InvalidArgument, QStringLiteral("'agent' must be an agent's name (1 to %1 characters)").arg(Budgets::AgentNameMax),
                       QStringLiteral("agent") };
    return value.toString();
}

// An amount as the ledger writes one: an integer micro-USD string.
Result<qint64> microsParam(const QJsonObject &params, const char *name)
{
    const QString field = QLatin1String(name);
    const QJsonValue value = params.value(field);
    const QString text = value.toString();
    bool digits = value.isString() && !text.isEmpty() && text.size() <= 16;
    for (const QChar c : text)
        digits = digits && c >= u'0' && c <= u'9';
    const qint64 micros = digits ? text.toLongLong() : -1;
    if (!digits || micros > AmountMaxMicros)
        return Error { ErrorCode::InvalidArgument, QStringLiteral("'%1' must be an integer number of micro-USD as a string, from \"0\" to \"%2\"")
                                                           .arg(field)
                                                           .arg(AmountMaxMicros),
                       field };
    return micros;
}

} // namespace

std::vector<Operation> costOperations()
{
    return {
        { { QStringLiteral("costs.report"),
            QStringLiteral("Spend from the spend records, grouped by agent, model, task, day (in the budgets' time zone) or minute (UTC), with the totals, "
                           "pricing gaps, overruns, and the reconciliation with the ledger: the posted spend the records hold against what the "
                           "provider accounts were credited, to the micro-dollar, and the calls whose outcome is unknown."),
            false, Role::Viewer, QStringLiteral("{\"since\": \"YYYY-MM-DD\" (optional: all time), \"by\": \"agent\"|\"model\"|\"task\"|\"day\"|\"minute\"}"),
            QStringLiteral("{\"since_ns\", \"as_of_ns\", \"by\", \"groups\": [{<by>, \"calls\", \"cost_micros\", \"cost_usd\", \"tokens_in\", \"tokens_out\", "
                           "\"pricing_gaps\", \"pricing_gap_tokens\", \"overrun_micros\", \"refused\", \"unknown\"}], \"total\": {...}, \"truncated\", "
                           "\"price_version\", \"reconciliation\": {\"records_posted_micros\", \"ledger_posted_micros\", \"records_pending_micros\", "
                           "\"ledger_pending_micros\", \"matches\", \"unknown_outcomes\", \"unknown\": [{\"record\", \"agent\", \"model\", "
                           "\"reserved_micros\", \"created_ns\", \"reserve_id\"}]}}"),
            { ErrorCode::InvalidArgument, ErrorCode::Internal } },
          now([](Cabinet &cabinet, const Actor &, const QByteArray &params) -> Result<QByteArray> {
              auto object = paramsObject(params);
              if (!object)
                  return object.error();
              if (auto known = onlyKnownMembers(*object, { "since", "by" }); !known)
                  return known.error();
              Budgets &budgets = cabinet.service<Budgets>();
              if (auto loaded = budgets.loaded(); !loaded)
                  return loaded.error();
              ReportQuery query;
              query.nowNs = cabinet.clock().nowNs();
              const QJsonValue by = object->value(QStringLiteral("by"));
              if (!by.isUndefined()) {
                  if (!by.isString())
                      return Error { ErrorCode::InvalidArgument, QStringLiteral("'by' must be agent, model, task, day or minute"), QStringLiteral("by") };
                  query.by = by.toString();
              }
              const QJsonValue since = object->value(QStringLiteral("since"));
              if (!since.isUndefined()) {
                  const QDate day = since.isString() ? QDate::fromString(since.toString(), Qt::ISODate) : QDate();
                  if (!day.isValid() || day.year() < SinceYearMin || day.year() > SinceYearMax)
                      return Error { ErrorCode::InvalidArgument,
                                     QStringLiteral("'since' must be a date YYYY-MM-DD from %1 to %2").arg(SinceYearMin).arg(SinceYearMax),
                                     QStringLiteral("since") };
                  query.sinceNs = QDateTime(day, QTime(0, 0), budgets.settings().timeZone).toMSecsSinceEpoch() * 1'000'000;
              }
              auto report = costReport(cabinet.database(), cabinet.service<ledger::Ledger>(), budgets, query);
              if (!report)
                  return report.error();
              return compact(*report);
          }) },
        { { QStringLiteral("costs.alerts"),
            QStringLiteral("The budget alerts fired (50, 80, 95 and 100 % of an envelope's daily cap, each once per period), newest first."),
            false, Role::Viewer, QStringLiteral("{\"limit\": 1..1000 (default 100)}"),
            QStringLiteral("{\"alerts\": [{\"agent\", \"period\", \"percent\", \"at_ns\"}]}"), { ErrorCode::InvalidArgument, ErrorCode::Internal } },
          now([](Cabinet &cabinet, const Actor &, const QByteArray &params) -> Result<QByteArray> {
              auto object = paramsObject(params);
              if (!object)
                  return object.error();
              if (auto known = onlyKnownMembers(*object, { "limit" }); !known)
                  return known.error();
              const QJsonValue limit = object->value(QStringLiteral("limit"));
              const double n = limit.isUndefined() ? 100 : limit.toDouble(-1);
              if (n != std::floor(n) || n < 1 || n > AlertsListedMax)
                  return Error { ErrorCode::InvalidArgument, QStringLiteral("'limit' must be a whole number from 1 to %1").arg(AlertsListedMax),
                                 QStringLiteral("limit") };
              auto alerts = cabinet.service<Budgets>().alerts(int(n));
              if (!alerts)
                  return alerts.error();
              return compact(QJsonObject { { QStringLiteral("alerts"), *alerts } });
          }) },
        { { QStringLiteral("budget.show"),
            QStringLiteral("Every agent's budget envelope (daily and per-call caps, credits, posted and pending spend, what is left, spend "
                           "today, alerts fired this period, paused), the treasury, the global budgets, the price table in force (with "
                           "the reason a changed table was not taken, file and line), and the costs' ledger accounts by name."),
            false, Role::Viewer, QStringLiteral("{}"),
            QStringLiteral("{\"period\", \"accounts\": [{\"id\", \"name\"}], \"treasury_micros\", \"envelopes\": [{\"agent\", \"daily_cap_micros\", \"per_call_cap_micros\", "
                           "\"credits_micros\", \"posted_micros\", \"pending_micros\", \"available_micros\", \"spent_today_micros\", "
                           "\"alerts_fired\": [50, ...], \"paused\"}], \"global_daily_micros\", \"monthly_micros\", \"per_task_micros\", "
                           "\"committed_today_micros\", \"committed_month_micros\", \"open_reservations\", \"prices\": {\"version\", "
                           "\"effective\", \"source\", \"models\", \"error\"?: {\"message\", \"where\"}}}"),
            { ErrorCode::InvalidArgument, ErrorCode::Internal } },
          now([](Cabinet &cabinet, const Actor &, const QByteArray &params) -> Result<QByteArray> {
              auto object = paramsObject(params);
              if (!object)
                  return object.error();
              if (auto known = onlyKnownMembers(*object, {}); !known)
                  return known.error();
              auto shown = cabinet.service<Budgets>().show();
              if (!shown)
                  return shown.error();
              return compact(*shown);
          }) },
        { { QStringLiteral("budget.set"),
            QStringLiteral("Sets an agent's daily cap and, when given, its per-call cap (null removes it). Kept in the store, over the agent "
                           "file's defaults. The per-call cap holds from the next call; the envelope is filled or trimmed to the new daily cap "
                           "at the next refill (or budget.refill)."),
            true, Role::Operator, QStringLiteral("{\"agent\": \"rex\", \"daily_micros\": \"5000000\", \"per_call_micros\": \"250000\"|null (optional)}"),
            QStringLiteral("{\"agent\", \"daily_cap_micros\", \"per_call_cap_micros\"}"), WriteErrors },
          now([](Cabinet &cabinet, const Actor &actor, const QByteArray &params) -> Result<QByteArray> {
              auto object = paramsObject(params);
              if (!object)
                  return object.error();
              if (auto known = onlyKnownMembers(*object, { "agent", "daily_micros", "per_call_micros" }); !known)
                  return known.error();
              auto agent = agentParam(*object);
              if (!agent)
                  return agent.error();
              auto daily = microsParam(*object, "daily_micros");
              if (!daily)
                  return daily.error();
              Budgets &budgets = cabinet.service<Budgets>();
              if (auto ready = budgets.ready(); !ready)
                  return ready.error();
              EnvelopeCaps caps { *agent, *daily, std::nullopt };
              const QJsonValue perCall = object->value(QStringLiteral("per_call_micros"));
              if (perCall.isUndefined()) {
                  caps.perCallCapMicros = budgets.perCallCap(*agent);
              } else if (!perCall.isNull()) {
                  auto micros = microsParam(*object, "per_call_micros");
                  if (!micros)
                      return micros.error();
                  caps.perCallCapMicros = *micros;
              }
              if (auto set = budgets.setCaps(caps, actor); !set)
                  return set.error();
              return compact(QJsonObject { { QStringLiteral("agent"), caps.agent },
                                                   { QStringLiteral("daily_cap_micros"), microsText(caps.dailyCapMicros) },
                                                   { QStringLiteral("per_call_cap_micros"),
                                                     caps.perCallCapMicros ? QJsonValue(microsText(*caps.perCallCapMicros)) : QJsonValue() } });
          }) },
        { { QStringLiteral("budget.refill"),
            QStringLiteral("Refills every envelope to its daily cap now, from the treasury (as the daily refill does at the boundary); an "
                           "envelope over its cap gives the excess back."),
            true, Role::Operator, QStringLiteral("{}"), QStringLiteral("{\"period\"}"), WriteErrors },
          now([](Cabinet &cabinet, const Actor &actor, const QByteArray &params) -> Result<QByteArray> {
              auto object = paramsObject(params);
              if (!object)
                  return object.error();
              if (auto known = onlyKnownMembers(*object, {}); !known)
                  return known.error();
              Budgets &budgets = cabinet.service<Budgets>();
              if (auto refilled = budgets.refill(actor); !refilled)
                  return refilled.error();
              return compact(QJsonObject { { QStringLiteral("period"), budgets.periodOf(cabinet.clock().nowNs()) } });
          }) },
        { { QStringLiteral("budget.resume"),
            QStringLiteral("Resumes an agent that velocity detection paused (only an operator can)."), true, Role::Operator,
            QStringLiteral("{\"agent\": \"rex\"}"), QStringLiteral("{\"agent\", \"paused\": false}"), WriteErrors },
          now([](Cabinet &cabinet, const Actor &actor, const QByteArray &params) -> Result<QByteArray> {
              auto object = paramsObject(params);
              if (!object)
                  return object.error();
              if (auto known = onlyKnownMembers(*object, { "agent" }); !known)
                  return known.error();
              auto agent = agentParam(*object);
              if (!agent)
                  return agent.error();
              if (auto resumed = cabinet.service<Budgets>().resume(*agent, actor); !resumed)
                  return resumed.error();
              return compact(QJsonObject { { QStringLiteral("agent"), *agent }, { QStringLiteral("paused"), false } });
          }) },
        { { QStringLiteral("treasury.fund"),
            QStringLiteral("Moves money into the treasury from the funding account (money from outside), audited under the operator; the "
                           "daily refills draw on it."),
            true, Role::Admin, QStringLiteral("{\"amount_micros\": \"100000000\"}"), QStringLiteral("{\"amount_micros\", \"treasury_micros\"}"),
            WriteErrors },
          now([](Cabinet &cabinet, const Actor &actor, const QByteArray &params) -> Result<QByteArray> {
              auto object = paramsObject(params);
              if (!object)
                  return object.error();
              if (auto known = onlyKnownMembers(*object, { "amount_micros" }); !known)
                  return known.error();
              auto amount = microsParam(*object, "amount_micros");
              if (!amount)
                  return amount.error();
              Budgets &budgets = cabinet.service<Budgets>();
              if (auto funded = budgets.fundTreasury(*amount, actor); !funded)
                  return funded.error();
              auto shown = budgets.show();
              if (!shown)
                  return shown.error();
              return compact(QJsonObject { { QStringLiteral("amount_micros"), microsText(*amount) },
                                                   { QStringLiteral("treasury_micros"), shown->value(QStringLiteral("treasury_micros")) } });
          }) },
    };
}

} // namespace cabinet::api::ops

#include "board/Evidence.h"

#include "Assert.h"
#include "api/JsonText.h"
#include "orchestrator/AgentFile.h"
#include "store/Database.h"
#include "store/Statement.h"

#include <Bayes.h>

#include <QJsonArray>

#include <cmath>
#include <iterator>

namespace cabinet::board {

namespace {

const char *const KindNames[] = { "tier2_action", "budget_change", "bounty_payout", "question" };

constexpr double MicrosPerUsd = 1e6;
constexpr qint64 NsPerDay = 86'400'000'000'000;

Error bad(const QString &field, const QString &message) { return Error { ErrorCode::InvalidArgument, field + u' ' + message, field }; }

// A whole number of micro-USD from 0 to the limit (exact: the limit is far
// below 2^53, where a JSON number stops being an exact integer).
Result<qint64> micros(const QJsonValue &value, const QString &field)
{
    const double n = value.toDouble(-1);
    if (!value.isDouble() || n < 0 || n > double(ProposalMicrosMax) || n != std::floor(n))
        return bad(field, QStringLiteral("must be a whole number of micro-USD from 0 to %1").arg(ProposalMicrosMax));
    return qint64(n);
}

Result<double> number(const QJsonValue &value, const QString &field, double lo, double hi)
{
    const double n = value.toDouble(qQNaN());
    if (!value.isDouble() || !(n >= lo && n <= hi))
        return bad(field, QStringLiteral("must be a number from %1 to %2").arg(lo).arg(hi));
    return n;
}

} // namespace

QString proposalKindName(ProposalKind kind) { return QLatin1String(KindNames[int(kind)]); }

Result<Proposal> proposalFromJson(const QJsonObject &json)
{
    if (auto known = api::onlyKnownMembers(json, { "kind", "text", "cost_estimate_micros", "agent", "assumptions" }); !known)
        return known.error();
    Proposal p;
    const QString kind = json.value(QStringLiteral("kind")).toString();
    bool found = false;
    for (int i = 0; i < int(std::size(KindNames)); ++i)
        if (kind == QLatin1String(KindNames[i])) {
            p.kind = ProposalKind(i);
            found = true;
        }
    if (!found)
        return bad(QStringLiteral("kind"), QStringLiteral("must be tier2_action, budget_change, bounty_payout or question"));
    const QJsonValue text = json.value(QStringLiteral("text"));
    if (!text.isString() || text.toString().trimmed().isEmpty() || text.toString().size() > ProposalTextMax)
        return bad(QStringLiteral("text"), QStringLiteral("must be a text of 1 to %1 characters").arg(ProposalTextMax));
    p.text = text.toString();
    auto cost = micros(json.value(QStringLiteral("cost_estimate_micros")), QStringLiteral("cost_estimate_micros"));
    if (!cost)
        return cost.error();
    p.costEstimateMicros = *cost;
    if (json.contains(QStringLiteral("agent"))) {
        const QString agent = json.value(QStringLiteral("agent")).toString();
        if (agent.isEmpty() || agent.size() > orchestrator::AgentWordCharsMax)
            return bad(QStringLiteral("agent"), QStringLiteral("must be an agent's name"));
        p.agent = agent;
    }

    const QJsonValue assumptionsValue = json.value(QStringLiteral("assumptions"));
    if (!assumptionsValue.isUndefined() && !assumptionsValue.isObject())
        return bad(QStringLiteral("assumptions"), QStringLiteral("must be an object"));
    const QJsonObject a = assumptionsValue.toObject();
    if (auto known = api::onlyKnownMembers(a, { "horizon_days", "scenarios", "budget_micros", "expected_value_micros", "success_rate",
                                                "failure_cost_micros", "tasks_per_day", "volatility_daily" });
        !known) {
        Error e = known.error();
        e.field = QStringLiteral("assumptions.") + e.field;
        return e;
    }
    auto field = [](const char *name) { return QString(QStringLiteral("assumptions.") + QLatin1String(name)); };
    auto has = [&](const char *name) { return a.contains(QLatin1String(name)); };
    auto value = [&](const char *name) { return a.value(QLatin1String(name)); };
    if (has("horizon_days")) {
        auto n = number(value("horizon_days"), field("horizon_days"), 1, ProposalHorizonDaysMax);
        if (!n || *n != std::floor(*n))
            return bad(field("horizon_days"), QStringLiteral("must be a whole number of days from 1 to %1").arg(ProposalHorizonDaysMax));
        p.horizonDays = int(*n);
    }
    if (has("scenarios")) {
        auto n = number(value("scenarios"), field("scenarios"), 1, ProposalScenariosMax);
        if (!n || *n != std::floor(*n))
            return bad(field("scenarios"), QStringLiteral("must be a whole number from 1 to %1").arg(ProposalScenariosMax));
        p.scenarios = quint32(*n);
    }
    for (auto [name, out] : { std::pair { "budget_micros", &p.budgetMicros }, std::pair { "expected_value_micros", &p.expectedValueMicros },
                              std::pair { "failure_cost_micros", &p.failureCostMicros } }) {
        if (!has(name))
            continue;
        auto m = micros(value(name), field(name));
        if (!m)
            return m.error();
        *out = *m;
    }
    if (p.budgetMicros && *p.budgetMicros == 0)
        return bad(field("budget_micros"), QStringLiteral("must be above 0 (leave it out for no budget line)"));
    if (has("success_rate")) {
        auto n = number(value("success_rate"), field("success_rate"), 0, 1);
        if (!n)
            return n.error();
        p.successRate = *n;
    }
    if (has("tasks_per_day")) {
        auto n = number(value("tasks_per_day"), field("tasks_per_day"), 0, ProposalTasksPerDayMax);
        if (!n)
            return n.error();
        p.tasksPerDay = *n;
    }
    if (has("volatility_daily")) {
        auto n = number(value("volatility_daily"), field("volatility_daily"), 0, gpu::kMaxVolatilityDaily);
        if (!n)
            return n.error();
        p.volatilityDaily = *n;
    }
    return p;
}

QJsonObject proposalToJson(const Proposal &p)
{
    QJsonObject a { { QStringLiteral("horizon_days"), p.horizonDays },
                    { QStringLiteral("scenarios"), qint64(p.scenarios) },
                    { QStringLiteral("tasks_per_day"), p.tasksPerDay },
                    { QStringLiteral("volatility_daily"), p.volatilityDaily } };
    if (p.budgetMicros)
        a.insert(QStringLiteral("budget_micros"), *p.budgetMicros);
    if (p.expectedValueMicros)
        a.insert(QStringLiteral("expected_value_micros"), *p.expectedValueMicros);
    if (p.failureCostMicros)
        a.insert(QStringLiteral("failure_cost_micros"), *p.failureCostMicros);
    if (p.successRate)
        a.insert(QStringLiteral("success_rate"), *p.successRate);
    QJsonObject json { { QStringLiteral("kind"), proposalKindName(p.kind) },
                       { QStringLiteral("text"), p.text },
                       { QStringLiteral("cost_estimate_micros"), p.costEstimateMicros },
                       { QStringLiteral("assumptions"), a } };
    if (!p.agent.isEmpty())
        json.insert(QStringLiteral("agent"), p.agent);
    return json;
}

Result<History> readHistory(Database &db, const QString &agent)
{
    History h;
    Statement &tasks = db.statement("SELECT state, COUNT(*) FROM tasks WHERE state IN ('done', 'failed') "
                                    "AND (?1 = '' OR id IN (SELECT task FROM spend_records WHERE agent = ?1)) GROUP BY state");
    tasks.bind(1, agent);
    for (;;) {
        auto row = tasks.step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        (tasks.text(0) == QLatin1String("done") ? h.successes : h.failures) = quint64(tasks.int64(1));
    }
    Statement &spend = db.statement("SELECT created_ns / ?2 AS day, SUM(cost_micros) FROM spend_records "
                                    "WHERE outcome = 'posted' AND cost_micros > 0 AND (?1 = '' OR agent = ?1) "
                                    "GROUP BY day ORDER BY day DESC LIMIT ?3");
    spend.bind(1, agent).bind(2, NsPerDay).bind(3, HistoryDaysMax);
    for (;;) {
        auto row = spend.step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        h.dailyCostsUsd.push_back(double(spend.int64(1)) / MicrosPerUsd);
    }
    return h;
}

Result<Evidence> buildEvidence(const Proposal &proposal, const History &history, quint64 seed)
{
    Evidence e;
    e.history = history;
    gpu::ScenarioParams &p = e.params;
    p.scenarios = proposal.scenarios;
    p.horizon_days = quint32(proposal.horizonDays);
    p.seed = seed;
    const double cost = double(proposal.costEstimateMicros) / MicrosPerUsd;
    // The engine needs a value above zero: break-even on the cost, at least 1 USD.
    p.initial_value = std::max(1.0, double(proposal.expectedValueMicros.value_or(proposal.costEstimateMicros)) / MicrosPerUsd);
    p.initial_capital = cost;
    p.value_drift_daily = 0;
    p.value_volatility_daily = proposal.volatilityDaily;
    p.failure_cost = proposal.failureCostMicros ? double(*proposal.failureCostMicros) / MicrosPerUsd : DefaultFailureCostShare * cost;
    if (proposal.budgetMicros)
        p.budget = double(*proposal.budgetMicros) / MicrosPerUsd;

    // A failure event a day: one of the day's tasks failing (the rate
    // times the tasks a day, at most 1).
    if (proposal.successRate) {
        e.successRateMean = *proposal.successRate;
        p.failure_probability_daily = std::min(1.0, (1 - *proposal.successRate) * proposal.tasksPerDay);
    } else {
        auto beta = gpu::bayes::betaBinomialPosterior(PriorSuccesses, PriorFailures, history.successes, history.failures);
        if (!beta)
            return Error { ErrorCode::Internal, QString::fromStdString(beta.error().message) };
        e.successRateMean = beta->mean();
        p.failure_probability_per_scenario = beta->draws(p.scenarios, seed);
        for (float &rate : p.failure_probability_per_scenario)
            rate = float(std::min(1.0, (1.0 - double(rate)) * proposal.tasksPerDay));
    }
    gpu::bayes::LogCostPrior prior;
    prior.mean = PriorLogCostMean;
    prior.kappa = PriorLogCostKappa;
    prior.alpha = PriorLogCostAlpha;
    prior.beta = PriorLogCostBeta;
    auto costs = gpu::bayes::logCostPosterior(prior, history.dailyCostsUsd);
    if (!costs)
        return Error { ErrorCode::Internal, QString::fromStdString(costs.error().message) };
    e.medianDailyCostUsd = costs->medianCost();
    auto draws = costs->draws(p.scenarios, seed);
    // Clamped to the engine's limits: a heavy-tailed draw must not fail the run.
    for (float &m : draws.log_mean)
        m = std::clamp(m, float(-gpu::kMaxAbsCostLogMean), float(gpu::kMaxAbsCostLogMean));
    for (float &s : draws.log_sd)
        s = std::clamp(s, 0.0f, float(gpu::kMaxCostLogSd));
    p.cost_log_mean_per_scenario = std::move(draws.log_mean);
    p.cost_log_sd_per_scenario = std::move(draws.log_sd);
    if (auto problem = gpu::validate(p))
        return Error { ErrorCode::InvalidArgument, QString::fromStdString(*problem) };
    return e;
}

QJsonObject evidenceToJson(const Evidence &e)
{
    const gpu::ScenarioParams &p = e.params;
    return { { QStringLiteral("seed"), QString::number(p.seed) },
             { QStringLiteral("scenarios"), qint64(p.scenarios) },
             { QStringLiteral("horizon_days"), qint64(p.horizon_days) },
             { QStringLiteral("initial_value"), p.initial_value },
             { QStringLiteral("initial_capital"), p.initial_capital },
             { QStringLiteral("failure_cost"), p.failure_cost },
             { QStringLiteral("budget"), std::isinf(p.budget) ? QJsonValue() : QJsonValue(p.budget) },
             { QStringLiteral("tasks_done"), qint64(e.history.successes) },
             { QStringLiteral("tasks_failed"), qint64(e.history.failures) },
             { QStringLiteral("spend_days"), qint64(e.history.dailyCostsUsd.size()) },
             { QStringLiteral("success_rate_mean"), e.successRateMean },
             { QStringLiteral("median_daily_cost_usd"), e.medianDailyCostUsd } };
}

OutcomeSummary summarize(const gpu::ScenarioResult &r, const gpu::ScenarioParams &p, const Proposal &proposal)
{
    OutcomeSummary s;
    const double capital = p.initial_capital;
    s.meanGain = r.mean - capital;
    s.stdDev = r.std_dev;
    s.p5Gain = r.p5 - capital;
    s.p50Gain = r.p50 - capital;
    s.p95Gain = r.p95 - capital;
    s.cvar95Gain = r.expected_shortfall_95 - capital;
    s.probabilityOfLoss = r.probability_of_loss;
    s.probabilityOfBreach = r.probability_of_budget_breach;
    const double h = double(p.horizon_days);
    if (p.failure_probability_per_scenario.empty()) {
        s.probabilityOfFailure = 1 - std::pow(1 - p.failure_probability_daily, h);
    } else {
        double sum = 0;
        for (float f : p.failure_probability_per_scenario)
            sum += 1 - std::pow(1 - double(f), h);
        s.probabilityOfFailure = sum / double(p.failure_probability_per_scenario.size());
    }
    s.scaleUsd = std::max(1.0, double(proposal.costEstimateMicros) / MicrosPerUsd);
    return s;
}

} // namespace cabinet::board

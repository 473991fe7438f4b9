#pragma once

#include "Result.h"
#include "board/Utility.h"

#include <ScenarioEngine.h>

#include <QJsonObject>
#include <QString>

#include <optional>
#include <vector>

namespace cabinet {
class Database;
}

// What the board deliberates on (docs/board.md): a proposal, and the
// scenario parameters it becomes, fed from what actually happened.
namespace cabinet::board {

enum class ProposalKind { Tier2Action, BudgetChange, BountyPayout, Question };

// Limits, each checked before the work it would cost.
inline constexpr qsizetype ProposalTextMax = 4000;              // characters
inline constexpr qint64 ProposalMicrosMax = 1'000'000'000'000;  // 1,000,000 USD: cost, value, budget
inline constexpr int ProposalHorizonDaysMax = 3650;
inline constexpr quint32 ProposalScenariosMax = 1'000'000;
inline constexpr double ProposalTasksPerDayMax = 1000;
inline constexpr int HistoryDaysMax = 365; // spend days the cost posterior reads, newest first

// The defaults a proposal's assumptions fall back to.
inline constexpr int DefaultHorizonDays = 90;
inline constexpr quint32 DefaultScenarios = 10'000;
inline constexpr double DefaultTasksPerDay = 0.1;      // the tasks the proposal's work brings: one in ten days
inline constexpr double DefaultFailureCostShare = 0.25; // a failure event costs a quarter of the estimate again
inline constexpr double DefaultVolatilityDaily = 0.01;
// The stated priors, used alone when nothing has happened yet: a success
// rate of 0.8 worth five tasks; a median daily cost of 0.10 USD (an agent's
// per-call budget) worth one day, with a log spread of about 0.3 (the
// engine's default) from sigma^2 ~ InvGamma(3, 0.2), mean 0.1.
inline constexpr double PriorSuccesses = 4;
inline constexpr double PriorFailures = 1;
inline constexpr double PriorLogCostMean = -2.302585092994046; // ln 0.10
inline constexpr double PriorLogCostKappa = 1;
inline constexpr double PriorLogCostAlpha = 3;
inline constexpr double PriorLogCostBeta = 0.2;

struct Proposal {
    ProposalKind kind = ProposalKind::Question;
    QString text;
    qint64 costEstimateMicros = 0;
    QString agent; // whose record feeds the posteriors; empty: everyone's
    int horizonDays = DefaultHorizonDays;
    quint32 scenarios = DefaultScenarios;
    std::optional<qint64> budgetMicros;        // none: no budget line
    std::optional<qint64> expectedValueMicros; // the value on success; none: the cost estimate (break-even)
    std::optional<double> successRate;         // overrides the recorded rate
    std::optional<qint64> failureCostMicros;   // a failure event's cost; none: DefaultFailureCostShare of the cost estimate
    double tasksPerDay = DefaultTasksPerDay;
    double volatilityDaily = DefaultVolatilityDaily;
};

QString proposalKindName(ProposalKind kind);
// Strict: unknown members, wrong types and values out of range are
// InvalidArgument naming the field ("assumptions.horizon_days").
Result<Proposal> proposalFromJson(const QJsonObject &json);
QJsonObject proposalToJson(const Proposal &proposal);

// What happened: finished tasks and daily spend.
struct History {
    quint64 successes = 0; // tasks done
    quint64 failures = 0;  // tasks failed
    std::vector<double> dailyCostsUsd; // one per day with posted spend, newest first
};
// Tasks done or failed, of `agent` when given (a task is an agent's when one
// of its model calls was), and the posted spend per day.
Result<History> readHistory(Database &db, const QString &agent);

// The engine's input: the proposal's cost and assumptions, with the
// posteriors' per-scenario draws (seeded by `seed`) for the failure
// probability and the daily cost.
struct Evidence {
    gpu::ScenarioParams params;
    double successRateMean = 0;   // the posterior mean used (or the override)
    double medianDailyCostUsd = 0; // e^m' of the cost posterior
    History history;
};
Result<Evidence> buildEvidence(const Proposal &proposal, const History &history, quint64 seed);
// The evidence's figures for the record (not the per-scenario draws, which
// the seed regenerates).
QJsonObject evidenceToJson(const Evidence &evidence);

// The run's summary as the personas score it: gains against the cost
// estimate, and the probability of at least one failure event over the
// horizon, mean over scenarios of 1 - (1 - f_s)^H.
OutcomeSummary summarize(const gpu::ScenarioResult &result, const gpu::ScenarioParams &params, const Proposal &proposal);

} // namespace cabinet::board

#pragma once

#include "Result.h"

#include <QMap>
#include <QString>
#include <QStringList>

// A board persona's utility over the outcome distribution (docs/board.md):
// one of a closed set of named formulas, each with its stated parameters,
// scored on the summary of one scenario run. Not an expression language: a
// new lens is a new kind here, documented with its formula.
namespace cabinet::board {

// What a persona scores: the scenario run's statistics as gains (net minus
// the capital put in, in USD), and the probabilities of the bad events.
struct OutcomeSummary {
    double meanGain = 0;
    double stdDev = 0;
    double p5Gain = 0;
    double p50Gain = 0;
    double p95Gain = 0;
    double cvar95Gain = 0;          // mean of the worst 5 % of gains
    double probabilityOfLoss = 0;   // gain < 0
    double probabilityOfBreach = 0; // total cost over the budget
    double probabilityOfFailure = 0; // at least one failure event over the horizon
    double scaleUsd = 1;            // what "a lot of money" means here: the cost estimate, at least 1 USD
};

enum class UtilityKind { Downside, Upside, Median, MeanRisk, LossRisk, BreachRisk, FailureRisk };

struct Utility {
    UtilityKind kind = UtilityKind::Median;
    double weightP5 = 0.5;     // downside
    double riskAversion = 0;   // mean_risk: lambda
    double tolerance = 0.1;    // loss_risk, breach_risk, failure_risk: the probability still acceptable
};

// Limits on the parameters, each checked when the agent file is read.
inline constexpr double RiskAversionMax = 10.0;
inline constexpr int UtilityParamsMax = 4;
// A normalized score closer to zero than this is no position: abstain.
inline constexpr double AbstainBelow = 0.05;

// The kinds' names as agent files write them: "downside", "upside", ...
QString utilityKindName(UtilityKind kind);
QStringList utilityKindNames();
// The parameter names a kind takes (all required).
QStringList utilityParamNames(UtilityKind kind);

// A utility from its file form: a kind name and its parameters. An unknown
// kind, a missing, extra or out-of-range parameter is an InvalidArgument
// whose field names the parameter ("kind", "tolerance").
Result<Utility> makeUtility(const QString &kind, const QMap<QString, double> &params);

// The formula itself, in its own unit: USD for downside, upside, median and
// mean_risk; a probability margin for the *_risk kinds.
double utilityValue(const Utility &utility, const OutcomeSummary &summary);
// The value on a common scale, tanh(value / scale) in (-1, 1): scale is the
// summary's scaleUsd for the money kinds and the tolerance for the others.
// Its sign is the persona's leaning, its size the confidence.
double normalizedScore(const Utility &utility, const OutcomeSummary &summary);
// The formula written out with its parameters, for statements and docs.
QString utilityFormula(const Utility &utility);

} // namespace cabinet::board

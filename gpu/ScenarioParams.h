#pragma once
// Inputs of the Monte Carlo scenario engine.
//
// Member names are the JSON field names (snake_case), so the mapping done
// outside gpu/ (core code with QJson) is one line per field. Every field has a
// default; a JSON object may omit any of them. Amounts are in one currency
// unit of the caller's choice (for example USD); they are statistics, not
// ledger money, so doubles are fine.
//
// The model, per scenario s and day t = 1..horizon_days (one step = one day):
//
//   value (geometric Brownian motion with Merton jumps, per-day parameters):
//     L_0 = 0
//     L_t = L_{t-1} + (mu - sigma^2/2) + sigma * Z1_t + J_t * (shock_log_mean + shock_log_sd * Z3_t)
//     V_t = initial_value * exp(L_t)
//     mu = value_drift_daily, sigma = value_volatility_daily,
//     J_t = 1 with probability shock_probability_daily (a demand shock that
//     multiplies the value by the lognormal factor exp(shock_log_mean + shock_log_sd * Z3)).
//     Without shocks E[V_t] = initial_value * e^(mu t).
//
//   cost (lognormal daily cost plus rare failures):
//     c_t = exp(m_s + k_s * Z2_t) + F_t * failure_cost
//     m_s = cost_log_mean (or cost_log_mean_per_scenario[s]),
//     k_s = cost_log_sd   (or cost_log_sd_per_scenario[s]),
//     F_t = 1 with probability failure_probability_daily
//           (or failure_probability_per_scenario[s]).
//     C_t = c_1 + ... + c_t (cumulative cost).
//
//   outcome after H = horizon_days:
//     final value  V_H
//     total cost   C_H
//     net          N = V_H - C_H
//     loss         N < initial_capital   (the decision returns less than was put in)
//     breach       C_H > budget          (costs are positive, so this is the
//                                          same as crossing the budget line on any day)
//
// Z1, Z2, Z3 are standard normals and J, F Bernoulli draws, all independent,
// from Philox4x32-10 (see ScenarioKernel.h for the layout).
//
// Per-scenario inputs (optional, empty or exactly `scenarios` entries) let the
// caller feed posterior draws from Bayes.h: each scenario then runs with its
// own failure probability and/or its own cost distribution.

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace cabinet::gpu {

struct ScenarioParams {
    // --- size and randomness
    std::uint32_t horizon_days = 365; // steps, one per day; 1..kMaxHorizonDays
    std::uint32_t scenarios = 10000; // 1..kMaxScenarios
    std::uint64_t seed = 1; // any value; same seed -> same results

    // --- value: geometric Brownian motion, DAILY parameters
    double initial_value = 1.0e6; // V_0 > 0
    double value_drift_daily = 0.0; // mu per day (0.1/365 for 10 %/year)
    double value_volatility_daily = 0.01; // sigma per sqrt(day) (0.2/sqrt(365) for 20 %/year)

    // --- daily cost: lognormal, ln(c) ~ N(cost_log_mean, cost_log_sd^2)
    double cost_log_mean = 7.0; // ln of the median daily cost (e^7 ~ 1097)
    double cost_log_sd = 0.3;

    // --- demand shocks: multiplicative jumps of the value
    double shock_probability_daily = 0.0; // in [0, 1]
    double shock_log_mean = 0.0; // mean of ln(jump factor); ln(0.8) for a typical 20 % drop
    double shock_log_sd = 0.0; // sd of ln(jump factor)

    // --- rare failure events: a fixed cost on the day they happen
    double failure_probability_daily = 0.0; // in [0, 1]
    double failure_cost = 0.0; // >= 0

    // --- budget line and capital
    double budget = std::numeric_limits<double>::infinity(); // total cost budget over the horizon; > 0; absent = +inf (no budget line)
    double initial_capital = 0.0; // what was put in; loss means net < initial_capital

    // --- per-scenario posterior draws (empty, or exactly `scenarios` entries)
    std::vector<float> failure_probability_per_scenario; // replaces failure_probability_daily; each in [0, 1]
    std::vector<float> cost_log_mean_per_scenario; // replaces cost_log_mean
    std::vector<float> cost_log_sd_per_scenario; // replaces cost_log_sd; each >= 0
};

// Limits (TigerBeetle-style: a limit on everything). They also keep every
// intermediate float finite: ln of a daily cost stays within +-50, the
// log-value within a few hundred.
inline constexpr std::uint32_t kMaxHorizonDays = 36500; // 100 years
inline constexpr std::uint32_t kMaxScenarios = 100'000'000;
inline constexpr double kMaxInitialValue = 1.0e15;
inline constexpr double kMaxAbsDriftDaily = 0.05;
inline constexpr double kMaxVolatilityDaily = 0.5;
inline constexpr double kMaxAbsCostLogMean = 50.0;
inline constexpr double kMaxCostLogSd = 5.0;
inline constexpr double kMaxAbsShockLogMean = 5.0;
inline constexpr double kMaxShockLogSd = 2.0;
inline constexpr double kMaxFailureCost = 1.0e15;

// Returns std::nullopt when the parameters are usable, otherwise a message a
// user can act on that starts with the offending field's name, e.g.
// "value_volatility_daily must be >= 0 (got -0.1)".
std::optional<std::string> validate(const ScenarioParams& params);

} // namespace cabinet::gpu

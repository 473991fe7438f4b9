#include "ScenarioParams.h"

#include <cmath>
#include <cstdio>

namespace cabinet::gpu {

namespace {

std::string number(double v)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.10g", v);
    return buffer;
}

std::optional<std::string> finiteIn(const char* field, double v, double lo, double hi)
{
    if (!std::isfinite(v) || v < lo || v > hi)
        return std::string(field) + " must be a finite number in [" + number(lo) + ", " + number(hi) + "] (got "
            + number(v) + ")";
    return std::nullopt;
}

std::optional<std::string> probability(const char* field, double v)
{
    if (!(v >= 0.0 && v <= 1.0))
        return std::string(field) + " must be a probability in [0, 1] (got " + number(v) + ")";
    return std::nullopt;
}

std::optional<std::string> perScenarioSize(const char* field, std::size_t size, std::uint32_t scenarios)
{
    if (size != 0 && size != scenarios)
        return std::string(field) + " must be empty or have one entry per scenario (" + std::to_string(scenarios)
            + "), got " + std::to_string(size);
    return std::nullopt;
}

} // namespace

std::optional<std::string> validate(const ScenarioParams& p)
{
    if (p.horizon_days == 0 || p.horizon_days > kMaxHorizonDays)
        return "horizon_days must be in [1, " + std::to_string(kMaxHorizonDays) + "] (got "
            + std::to_string(p.horizon_days) + ")";
    if (p.scenarios == 0 || p.scenarios > kMaxScenarios)
        return "scenarios must be in [1, " + std::to_string(kMaxScenarios) + "] (got " + std::to_string(p.scenarios)
            + ")";
    if (!std::isfinite(p.initial_value) || !(p.initial_value > 0.0) || p.initial_value > kMaxInitialValue)
        return "initial_value must be > 0 and <= " + number(kMaxInitialValue) + " (got " + number(p.initial_value)
            + ")";
    if (auto e = finiteIn("value_drift_daily", p.value_drift_daily, -kMaxAbsDriftDaily, kMaxAbsDriftDaily))
        return e;
    if (auto e = finiteIn("value_volatility_daily", p.value_volatility_daily, 0.0, kMaxVolatilityDaily))
        return e;
    if (auto e = finiteIn("cost_log_mean", p.cost_log_mean, -kMaxAbsCostLogMean, kMaxAbsCostLogMean))
        return e;
    if (auto e = finiteIn("cost_log_sd", p.cost_log_sd, 0.0, kMaxCostLogSd))
        return e;
    if (auto e = probability("shock_probability_daily", p.shock_probability_daily))
        return e;
    if (auto e = finiteIn("shock_log_mean", p.shock_log_mean, -kMaxAbsShockLogMean, kMaxAbsShockLogMean))
        return e;
    if (auto e = finiteIn("shock_log_sd", p.shock_log_sd, 0.0, kMaxShockLogSd))
        return e;
    if (auto e = probability("failure_probability_daily", p.failure_probability_daily))
        return e;
    if (auto e = finiteIn("failure_cost", p.failure_cost, 0.0, kMaxFailureCost))
        return e;
    if (std::isnan(p.budget) || !(p.budget > 0.0))
        return "budget must be > 0, or absent for no budget line (got " + number(p.budget) + ")";
    if (!std::isfinite(p.initial_capital))
        return "initial_capital must be a finite number (got " + number(p.initial_capital) + ")";

    if (auto e = perScenarioSize(
            "failure_probability_per_scenario", p.failure_probability_per_scenario.size(), p.scenarios))
        return e;
    if (auto e = perScenarioSize("cost_log_mean_per_scenario", p.cost_log_mean_per_scenario.size(), p.scenarios))
        return e;
    if (auto e = perScenarioSize("cost_log_sd_per_scenario", p.cost_log_sd_per_scenario.size(), p.scenarios))
        return e;
    for (std::size_t i = 0; i < p.failure_probability_per_scenario.size(); ++i) {
        const double v = p.failure_probability_per_scenario[i];
        if (!(v >= 0.0 && v <= 1.0))
            return "failure_probability_per_scenario[" + std::to_string(i) + "] must be a probability in [0, 1] (got "
                + number(v) + ")";
    }
    for (std::size_t i = 0; i < p.cost_log_mean_per_scenario.size(); ++i) {
        const double v = p.cost_log_mean_per_scenario[i];
        if (!std::isfinite(v) || v < -kMaxAbsCostLogMean || v > kMaxAbsCostLogMean)
            return "cost_log_mean_per_scenario[" + std::to_string(i) + "] must be a finite number in ["
                + number(-kMaxAbsCostLogMean) + ", " + number(kMaxAbsCostLogMean) + "] (got " + number(v) + ")";
    }
    for (std::size_t i = 0; i < p.cost_log_sd_per_scenario.size(); ++i) {
        const double v = p.cost_log_sd_per_scenario[i];
        if (!std::isfinite(v) || v < 0.0 || v > kMaxCostLogSd)
            return "cost_log_sd_per_scenario[" + std::to_string(i) + "] must be a finite number in [0, "
                + number(kMaxCostLogSd) + "] (got " + number(v) + ")";
    }
    return std::nullopt;
}

} // namespace cabinet::gpu

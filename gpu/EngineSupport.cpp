#include "EngineSupport.h"

#include "SummaryMath.h"

#include <algorithm>
#include <cmath>

namespace cabinet::gpu::detail {

KernelParams makeKernelParams(const ScenarioParams& p)
{
    KernelParams kp {};
    kp.horizon_days = p.horizon_days;
    kp.scenarios = p.scenarios;
    kp.seed_lo = static_cast<std::uint32_t>(p.seed);
    kp.seed_hi = static_cast<std::uint32_t>(p.seed >> 32);
    kp.value_drift_term
        = static_cast<float>(p.value_drift_daily - 0.5 * p.value_volatility_daily * p.value_volatility_daily);
    kp.value_sigma = static_cast<float>(p.value_volatility_daily);
    kp.initial_value = static_cast<float>(p.initial_value);
    kp.cost_mu = static_cast<float>(p.cost_log_mean);
    kp.cost_sigma = static_cast<float>(p.cost_log_sd);
    kp.failure_threshold = probabilityThreshold(p.failure_probability_daily);
    kp.failure_cost = static_cast<float>(p.failure_cost);
    kp.shock_threshold = probabilityThreshold(p.shock_probability_daily);
    kp.shock_mu = static_cast<float>(p.shock_log_mean);
    kp.shock_sigma = static_cast<float>(p.shock_log_sd);
    kp.budget = p.budget;
    kp.initial_capital = p.initial_capital;
    return kp;
}

PreparedInputs::PreparedInputs(const ScenarioParams& p)
{
    if (!p.failure_probability_per_scenario.empty()) {
        failure_thresholds.resize(p.failure_probability_per_scenario.size());
        for (std::size_t i = 0; i < failure_thresholds.size(); ++i)
            failure_thresholds[i] = probabilityThreshold(p.failure_probability_per_scenario[i]);
        view.failure_threshold = failure_thresholds.data();
    }
    if (!p.cost_log_mean_per_scenario.empty())
        view.cost_log_mean = p.cost_log_mean_per_scenario.data();
    if (!p.cost_log_sd_per_scenario.empty())
        view.cost_log_sd = p.cost_log_sd_per_scenario.data();
}

ScenarioOutcome makeOutcome(std::uint32_t scenario, const KernelOutcome& o, const KernelParams& kp)
{
    ScenarioOutcome out;
    out.scenario = scenario;
    out.final_value = o.final_value;
    out.total_cost = o.total_cost;
    out.net = o.net;
    out.loss = isLoss(o, kp);
    out.budget_breached = isBreach(o, kp);
    return out;
}

double varianceShift(const KernelParams& kp, const ScenarioInputs& in)
{
    return simulateScenario(kp, in, 0, nullptr, nullptr).net;
}

std::vector<SamplePath> samplePathsOnHost(const KernelParams& kp, const ScenarioInputs& in, std::uint32_t count)
{
    std::vector<SamplePath> paths(count);
    for (std::uint32_t k = 0; k < count; ++k) {
        paths[k].scenario = k;
        paths[k].value.resize(kp.horizon_days + 1);
        paths[k].cumulative_cost.resize(kp.horizon_days + 1);
        simulateScenario(kp, in, k, paths[k].value.data(), paths[k].cumulative_cost.data());
    }
    return paths;
}

void applyMoments(const Moments& m, double shift, std::uint64_t n, ScenarioResult& r)
{
    const double count = static_cast<double>(n);
    const double meanShifted = m.sum_shifted_net / count;
    r.mean = shift + meanShifted;
    if (n > 1) {
        const double ss = m.sum_shifted_net_sq - m.sum_shifted_net * meanShifted;
        r.std_dev = std::sqrt(std::max(0.0, ss / (count - 1.0)));
    } else {
        r.std_dev = 0.0;
    }
    r.loss_count = m.losses;
    r.budget_breach_count = m.breaches;
    r.probability_of_loss = static_cast<double>(m.losses) / count;
    r.probability_of_budget_breach = static_cast<double>(m.breaches) / count;
    r.cost_mean = m.sum_cost / count;
    r.final_value_mean = m.sum_value / count;
}

void histogramFromBoundaries(
    const std::vector<std::uint64_t>& boundaries, std::uint64_t n, double lo, double hi, ScenarioResult& r)
{
    const std::size_t bins = boundaries.size() - 1;
    r.histogram.min = lo;
    r.histogram.max = hi;
    r.histogram.counts.assign(bins, 0);
    for (std::size_t b = 0; b < bins; ++b)
        r.histogram.counts[b] = boundaries[b + 1] - boundaries[b];
    r.histogram.below = boundaries[0];
    r.histogram.above = n - boundaries[bins];
}

void summarizeOnHost(const float* net, const float* cost, const float* value, std::uint64_t n, const KernelParams& kp,
    const RunOptions& options, double shift, ScenarioResult& r)
{
    Moments m;
    for (std::uint64_t i = 0; i < n; ++i) {
        const double d = static_cast<double>(net[i]) - shift;
        m.sum_shifted_net += d;
        m.sum_shifted_net_sq += d * d;
        m.sum_cost += cost[i];
        m.sum_value += value[i];
        m.losses += static_cast<double>(net[i]) < kp.initial_capital ? 1 : 0;
        m.breaches += static_cast<double>(cost[i]) > kp.budget ? 1 : 0;
    }
    applyMoments(m, shift, n, r);

    std::vector<float> sorted(net, net + n);
    std::sort(sorted.begin(), sorted.end());
    const auto percentile = [&](const std::vector<float>& s, double q) {
        const PercentileIndex at = percentileIndex(n, q);
        return interpolate(s[at.lo], s[at.hi], at.fraction);
    };
    r.p5 = percentile(sorted, 0.05);
    r.p50 = percentile(sorted, 0.50);
    r.p95 = percentile(sorted, 0.95);
    r.min = sorted.front();
    r.max = sorted.back();

    const std::uint64_t tail = tailCount95(n);
    double tailSum = 0.0;
    for (std::uint64_t i = 0; i < tail; ++i)
        tailSum += sorted[i];
    r.expected_shortfall_95 = tailSum / static_cast<double>(tail);

    const double lo = options.histogram_min.value_or(r.min);
    const double hi = options.histogram_max.value_or(r.max);
    const std::uint32_t bins = options.histogram_bins;
    std::vector<std::uint64_t> boundaries(bins + 1);
    for (std::uint32_t b = 0; b <= bins; ++b)
        boundaries[b] = histogramBoundary(sorted.data(), n, b, lo, hi, bins);
    histogramFromBoundaries(boundaries, n, lo, hi, r);

    sorted.assign(cost, cost + n);
    std::sort(sorted.begin(), sorted.end());
    r.cost_p5 = percentile(sorted, 0.05);
    r.cost_p50 = percentile(sorted, 0.50);
    r.cost_p95 = percentile(sorted, 0.95);
}

} // namespace cabinet::gpu::detail

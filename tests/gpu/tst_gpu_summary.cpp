// Percentiles, expected shortfall and histogram on known data.

#include "GpuCheck.h"

#include "EngineSupport.h"
#include "SummaryMath.h"

#include <algorithm>
#include <numeric>
#include <random>
#include <vector>

using namespace cabinet::gpu;

namespace {

KernelParams paramsFor(double capital, double budget)
{
    KernelParams kp {};
    kp.initial_capital = capital;
    kp.budget = budget;
    return kp;
}

void formulas()
{
    // NumPy: np.percentile(np.arange(1, 101), [5, 50, 95]) = 5.95, 50.5, 95.05
    std::vector<float> x(100);
    std::iota(x.begin(), x.end(), 1.0f);
    const auto pct = [&](double q) {
        const PercentileIndex at = percentileIndex(x.size(), q);
        return interpolate(x[at.lo], x[at.hi], at.fraction);
    };
    CHECK_NEAR(pct(0.05), 5.95, 1e-12);
    CHECK_NEAR(pct(0.50), 50.5, 1e-12);
    CHECK_NEAR(pct(0.95), 95.05, 1e-12);
    CHECK_NEAR(pct(0.0), 1.0, 0.0);
    CHECK_NEAR(pct(1.0), 100.0, 0.0);
    const PercentileIndex one = percentileIndex(1, 0.95);
    CHECK_EQ(one.lo, 0u);
    CHECK_EQ(one.hi, 0u);

    CHECK_EQ(tailCount95(1), 1u);
    CHECK_EQ(tailCount95(19), 1u);
    CHECK_EQ(tailCount95(20), 1u);
    CHECK_EQ(tailCount95(21), 2u);
    CHECK_EQ(tailCount95(100), 5u);
    CHECK_EQ(tailCount95(10000), 500u);
    CHECK_EQ(tailCount95(10001), 501u);

    CHECK_EQ(histogramBin(0.0f, 0.0, 10.0, 10), 0);
    CHECK_EQ(histogramBin(0.999f, 0.0, 10.0, 10), 0);
    CHECK_EQ(histogramBin(1.0f, 0.0, 10.0, 10), 1);
    CHECK_EQ(histogramBin(9.5f, 0.0, 10.0, 10), 9);
    CHECK_EQ(histogramBin(10.0f, 0.0, 10.0, 10), 9); // the maximum goes in the last bin
    CHECK_EQ(histogramBin(-0.001f, 0.0, 10.0, 10), -1);
    CHECK_EQ(histogramBin(10.01f, 0.0, 10.0, 10), 10);
    CHECK_EQ(histogramBin(3.0f, 3.0, 3.0, 4), 0); // degenerate range
}

void summaryOfKnownData()
{
    // net = 1..100 (shuffled), cost = 100 - net, value = 100.
    std::vector<float> net(100);
    std::iota(net.begin(), net.end(), 1.0f);
    std::shuffle(net.begin(), net.end(), std::mt19937(7));
    std::vector<float> cost(100);
    std::vector<float> value(100, 100.0f);
    for (std::size_t i = 0; i < net.size(); ++i)
        cost[i] = 100.0f - net[i];

    RunOptions options;
    options.histogram_bins = 4;
    ScenarioResult r;
    // loss: net < 30.5 -> 30 scenarios; breach: cost > 89.5 -> cost 90..99 -> 10 scenarios.
    detail::summarizeOnHost(net.data(), cost.data(), value.data(), net.size(), paramsFor(30.5, 89.5), options, 17.0, r);
    CHECK_NEAR(r.mean, 50.5, 1e-12);
    CHECK_NEAR(r.std_dev, std::sqrt(100.0 * 101.0 / 12.0), 1e-9); // sample sd of 1..100
    CHECK_NEAR(r.p5, 5.95, 1e-12);
    CHECK_NEAR(r.p50, 50.5, 1e-12);
    CHECK_NEAR(r.p95, 95.05, 1e-12);
    CHECK_EQ(r.min, 1.0);
    CHECK_EQ(r.max, 100.0);
    CHECK_EQ(r.loss_count, 30u);
    CHECK_NEAR(r.probability_of_loss, 0.30, 1e-15);
    CHECK_EQ(r.budget_breach_count, 10u);
    CHECK_NEAR(r.probability_of_budget_breach, 0.10, 1e-15);
    CHECK_NEAR(r.expected_shortfall_95, 3.0, 1e-12); // mean of 1..5
    CHECK_NEAR(r.cost_mean, 49.5, 1e-12);
    CHECK_NEAR(r.cost_p50, 49.5, 1e-12);
    CHECK_NEAR(r.cost_p5, 4.95, 1e-12);
    CHECK_NEAR(r.cost_p95, 94.05, 1e-12);
    CHECK_NEAR(r.final_value_mean, 100.0, 0.0);

    // Default range [1, 100], 4 bins of width 24.75: [1,25.75) [25.75,50.5) [50.5,75.25) [75.25,100]
    CHECK_EQ(r.histogram.min, 1.0);
    CHECK_EQ(r.histogram.max, 100.0);
    CHECK_EQ(r.histogram.counts.size(), 4u);
    if (r.histogram.counts.size() == 4) {
        CHECK_EQ(r.histogram.counts[0], 25u);
        CHECK_EQ(r.histogram.counts[1], 25u);
        CHECK_EQ(r.histogram.counts[2], 25u);
        CHECK_EQ(r.histogram.counts[3], 25u);
    }
    CHECK_EQ(r.histogram.below, 0u);
    CHECK_EQ(r.histogram.above, 0u);

    // Explicit range with outliers: [10, 60) in 5 bins of 10.
    options.histogram_bins = 5;
    options.histogram_min = 10.0;
    options.histogram_max = 60.0;
    ScenarioResult q;
    detail::summarizeOnHost(net.data(), cost.data(), value.data(), net.size(), paramsFor(0, 1e9), options, 0.0, q);
    CHECK_EQ(q.histogram.below, 9u); // 1..9
    CHECK_EQ(q.histogram.above, 40u); // 61..100
    std::uint64_t inside = 0;
    for (std::size_t b = 0; b < q.histogram.counts.size(); ++b) {
        inside += q.histogram.counts[b];
        CHECK_EQ(q.histogram.counts[b], b == 4 ? 11u : 10u); // 50..60 holds 11 values (60 == max)
    }
    CHECK_EQ(inside + q.histogram.below + q.histogram.above, 100u);

    // Variance shift does not change the result beyond rounding.
    ScenarioResult s;
    detail::summarizeOnHost(net.data(), cost.data(), value.data(), net.size(), paramsFor(0, 1e9), options, -1e6, s);
    CHECK_NEAR(s.std_dev, q.std_dev, 1e-6);
    CHECK_NEAR(s.mean, q.mean, 1e-9);
}

void singleScenario()
{
    const float net[1] = { 5.0f };
    const float cost[1] = { 1.0f };
    const float value[1] = { 6.0f };
    ScenarioResult r;
    detail::summarizeOnHost(net, cost, value, 1, paramsFor(10.0, 0.5), RunOptions {}, 5.0, r);
    CHECK_EQ(r.mean, 5.0);
    CHECK_EQ(r.std_dev, 0.0);
    CHECK_EQ(r.p5, 5.0);
    CHECK_EQ(r.p95, 5.0);
    CHECK_EQ(r.expected_shortfall_95, 5.0);
    CHECK_EQ(r.loss_count, 1u);
    CHECK_EQ(r.budget_breach_count, 1u);
    std::uint64_t total = 0;
    for (auto c : r.histogram.counts)
        total += c;
    CHECK_EQ(total, 1u);
}

} // namespace

int main()
{
    formulas();
    summaryOfKnownData();
    singleScenario();
    return gpu_check::finish("tst_gpu_summary");
}

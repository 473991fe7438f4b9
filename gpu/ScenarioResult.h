#pragma once
// What a run of the scenario engine returns. Member names are snake_case so a
// JSON mapping is one line per field, as for ScenarioParams.

#include <cstdint>
#include <string>
#include <vector>

namespace cabinet::gpu {

// One scenario's result. net = final_value - total_cost;
// loss = net < initial_capital; budget_breached = total_cost > budget.
struct ScenarioOutcome {
    std::uint32_t scenario = 0;
    float final_value = 0.0f;
    float total_cost = 0.0f;
    float net = 0.0f;
    bool loss = false;
    bool budget_breached = false;
};

// Equal-width bins over [min, max]: bin i holds
// min + i*w <= x < min + (i+1)*w with w = (max - min) / bins, the last bin
// also holding x == max. Outcomes outside the range are counted in below /
// above (only possible when the range was given in RunOptions).
struct Histogram {
    double min = 0.0;
    double max = 0.0;
    std::vector<std::uint64_t> counts;
    std::uint64_t below = 0;
    std::uint64_t above = 0;
};

// Value V_t and cumulative cost C_t of one scenario for day 0 .. horizon_days
// (horizon_days + 1 points; day 0 is V_0 and 0).
struct SamplePath {
    std::uint32_t scenario = 0;
    std::vector<float> value;
    std::vector<float> cumulative_cost;
};

struct ScenarioResult {
    std::string backend; // "cpu" or "cuda"
    std::string device; // e.g. "cpu avx512, 2 threads" or "cuda NVIDIA H100 80GB HBM3 (sm_90)"
    double elapsed_ms = 0.0; // whole run: simulation and statistics
    double simulate_ms = 0.0; // the simulation alone (generate, step, write outcomes)
    std::uint32_t scenarios = 0;
    std::uint32_t horizon_days = 0;

    // Net outcome N = V_H - C_H over all scenarios.
    double mean = 0.0;
    double std_dev = 0.0; // sample standard deviation (n - 1); 0 for one scenario
    double p5 = 0.0; // percentiles by linear interpolation between order
    double p50 = 0.0; // statistics (NumPy's default): position q * (n - 1)
    double p95 = 0.0;
    double min = 0.0;
    double max = 0.0;
    double probability_of_loss = 0.0; // share of scenarios with N < initial_capital
    double probability_of_budget_breach = 0.0; // share with C_H > budget
    std::uint64_t loss_count = 0;
    std::uint64_t budget_breach_count = 0;
    double expected_shortfall_95 = 0.0; // CVaR 95 %: mean of the worst ceil(n * 5 / 100) nets

    // Total cost C_H and final value V_H.
    double cost_mean = 0.0;
    double cost_p5 = 0.0;
    double cost_p50 = 0.0;
    double cost_p95 = 0.0;
    double final_value_mean = 0.0;

    Histogram histogram; // of the net outcome
    std::vector<SamplePath> sample_paths; // scenarios 0 .. sample_paths-1, when asked
    std::vector<ScenarioOutcome> outcomes; // every scenario in id order, when asked
};

} // namespace cabinet::gpu

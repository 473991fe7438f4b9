// CPU and CUDA backends agree (label "gpu": needs a CUDA device; exits with
// 77, which CTest reports as skipped, where there is none).
//
// Stated tolerance. Both backends run the same float operations (IEEE basic
// operations only, no FMA contraction, same Philox words), so per-scenario
// outcomes are designed to be bit-identical; the test prints how many are.
// It asserts, per scenario, |cpu - cuda| <= 1e-5 * max(|cpu|, initial_value)
// for net, total cost and final value (about 100 float ulps: room for a
// compiler that rounds one operation differently, none for a different
// random number or model). Summary statistics are sums in double in a
// different order (index order on the CPU, per-block trees on the GPU):
// relative 1e-9 for mean, standard deviation and expected shortfall;
// percentiles exactly equal when every outcome is; loss and breach counts
// and histogram counts may differ by at most the number of scenarios whose
// outcomes are not bit-identical.

#include "GpuCheck.h"

#include "ScenarioEngine.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>

using namespace cabinet::gpu;

namespace {

ScenarioParams model(std::uint32_t scenarios)
{
    ScenarioParams p;
    p.scenarios = scenarios;
    p.horizon_days = 365;
    p.seed = 0xfeedface12345678ull;
    p.value_drift_daily = 0.0002;
    p.value_volatility_daily = 0.012;
    p.cost_log_mean = 7.0;
    p.cost_log_sd = 0.4;
    p.shock_probability_daily = 0.02;
    p.shock_log_mean = -0.05;
    p.shock_log_sd = 0.04;
    p.failure_probability_daily = 0.003;
    p.failure_cost = 20000.0;
    p.budget = 480000.0;
    p.initial_capital = 500000.0;
    return p;
}

bool close(float a, float b, double scale)
{
    return std::fabs(double(a) - double(b)) <= 1e-5 * std::max(std::fabs(double(a)), scale);
}

bool relClose(double a, double b, double rel)
{
    return std::fabs(a - b) <= rel * std::max(std::fabs(a), std::fabs(b)) + 1e-300;
}

void compare(const char* name, const ScenarioParams& p)
{
    RunOptions o;
    o.keep_outcomes = true;
    o.sample_paths = 4;
    o.histogram_bins = 64;
    auto cpu = makeEngine("cpu");
    auto cuda = makeEngine("cuda");
    CHECK(cpu.ok() && cuda.ok());
    if (!cpu || !cuda)
        return;
    auto a = (*cpu)->run(p, o);
    auto b = (*cuda)->run(p, o);
    CHECK(a.ok());
    CHECK(b.ok());
    if (!a || !b) {
        if (!b)
            std::fprintf(stderr, "cuda run failed: %s\n", b.error().message.c_str());
        return;
    }
    CHECK_EQ(b->backend, std::string("cuda"));
    CHECK_EQ(a->outcomes.size(), b->outcomes.size());
    if (a->outcomes.size() != b->outcomes.size())
        return;

    std::uint64_t identical = 0;
    std::uint64_t outside = 0;
    double worst = 0.0;
    for (std::size_t i = 0; i < a->outcomes.size(); ++i) {
        const ScenarioOutcome& x = a->outcomes[i];
        const ScenarioOutcome& y = b->outcomes[i];
        const bool same = !std::memcmp(&x.net, &y.net, sizeof(float))
            && !std::memcmp(&x.total_cost, &y.total_cost, sizeof(float))
            && !std::memcmp(&x.final_value, &y.final_value, sizeof(float));
        identical += same;
        if (!close(x.net, y.net, p.initial_value) || !close(x.total_cost, y.total_cost, p.initial_value)
            || !close(x.final_value, y.final_value, p.initial_value))
            ++outside;
        worst = std::max(worst, std::fabs(double(x.net) - double(y.net)) / std::max(std::fabs(double(x.net)), p.initial_value));
    }
    const std::uint64_t n = a->outcomes.size();
    const std::uint64_t notIdentical = n - identical;
    std::printf("  %s: %llu of %llu outcomes bit-identical, worst relative net difference %.3g; "
                "cpu %.1f ms (%s), cuda %.1f ms (%s)\n",
        name, static_cast<unsigned long long>(identical), static_cast<unsigned long long>(n), worst, a->elapsed_ms,
        a->device.c_str(), b->elapsed_ms, b->device.c_str());
    CHECK_EQ(outside, 0u);

    CHECK(relClose(a->mean, b->mean, 1e-9));
    CHECK(relClose(a->std_dev, b->std_dev, 1e-9));
    CHECK(relClose(a->expected_shortfall_95, b->expected_shortfall_95, 1e-9));
    CHECK(relClose(a->cost_mean, b->cost_mean, 1e-9));
    CHECK(relClose(a->final_value_mean, b->final_value_mean, 1e-9));
    if (notIdentical == 0) {
        CHECK_EQ(a->p5, b->p5);
        CHECK_EQ(a->p50, b->p50);
        CHECK_EQ(a->p95, b->p95);
        CHECK_EQ(a->cost_p95, b->cost_p95);
        CHECK_EQ(a->min, b->min);
        CHECK_EQ(a->max, b->max);
    } else {
        CHECK(relClose(a->p5, b->p5, 1e-5));
        CHECK(relClose(a->p50, b->p50, 1e-5));
        CHECK(relClose(a->p95, b->p95, 1e-5));
    }
    const auto within = [&](std::uint64_t x, std::uint64_t y) {
        return (x > y ? x - y : y - x) <= notIdentical;
    };
    CHECK(within(a->loss_count, b->loss_count));
    CHECK(within(a->budget_breach_count, b->budget_breach_count));
    CHECK_EQ(a->histogram.counts.size(), b->histogram.counts.size());
    if (a->histogram.counts.size() == b->histogram.counts.size()) {
        std::uint64_t moved = 0;
        for (std::size_t i = 0; i < a->histogram.counts.size(); ++i)
            moved += a->histogram.counts[i] > b->histogram.counts[i] ? a->histogram.counts[i] - b->histogram.counts[i]
                                                                     : b->histogram.counts[i] - a->histogram.counts[i];
        CHECK(moved <= 2 * notIdentical);
    }

    CHECK_EQ(a->sample_paths.size(), b->sample_paths.size());
    for (std::size_t k = 0; k < std::min(a->sample_paths.size(), b->sample_paths.size()); ++k) {
        const SamplePath& x = a->sample_paths[k];
        const SamplePath& y = b->sample_paths[k];
        CHECK_EQ(x.value.size(), y.value.size());
        bool ok = x.value.size() == y.value.size() && x.cumulative_cost.size() == y.cumulative_cost.size();
        for (std::size_t t = 0; ok && t < x.value.size(); ++t)
            ok = close(x.value[t], y.value[t], p.initial_value)
                && close(x.cumulative_cost[t], y.cumulative_cost[t], p.initial_value);
        CHECK(ok);
    }

    // Any scenario regenerated alone on the host equals its CUDA value.
    for (std::uint32_t id : { 0u, 1u, 255u, 256u, p.scenarios / 2, p.scenarios - 1 }) {
        auto one = simulateOne(p, id);
        CHECK(one.ok());
        if (one)
            CHECK(close(one->net, b->outcomes[id].net, p.initial_value));
    }
}

} // namespace

int main()
{
    if (!cudaBuilt()) {
        std::printf("SKIP: no CUDA device (this build has no CUDA support)\n");
        return gpu_check::kSkip;
    }
    if (cudaDeviceCount() == 0) {
        std::printf("SKIP: no CUDA device\n");
        return gpu_check::kSkip;
    }

    compare("full model, 100000 scenarios", model(100000));

    ScenarioParams withDraws = model(30001);
    withDraws.failure_probability_per_scenario.resize(withDraws.scenarios);
    withDraws.cost_log_mean_per_scenario.resize(withDraws.scenarios);
    withDraws.cost_log_sd_per_scenario.resize(withDraws.scenarios);
    for (std::uint32_t i = 0; i < withDraws.scenarios; ++i) {
        withDraws.failure_probability_per_scenario[i] = 0.001f * static_cast<float>(i % 7);
        withDraws.cost_log_mean_per_scenario[i] = 6.5f + 0.1f * static_cast<float>(i % 11);
        withDraws.cost_log_sd_per_scenario[i] = 0.1f + 0.05f * static_cast<float>(i % 5);
    }
    compare("per-scenario inputs, 30001 scenarios", withDraws);

    ScenarioParams tiny = model(1);
    tiny.horizon_days = 1;
    compare("one scenario, one day", tiny);

    // Same seed, same result on the device too; progress and cancellation.
    auto cuda = makeEngine("cuda");
    if (cuda) {
        const ScenarioParams p = model(600000);
        RunOptions o;
        std::vector<double> seen;
        o.progress = [&](double f) { seen.push_back(f); };
        auto r1 = (*cuda)->run(p, o);
        auto r2 = (*cuda)->run(p);
        CHECK(r1.ok() && r2.ok());
        if (r1 && r2) {
            CHECK_EQ(r1->mean, r2->mean);
            CHECK_EQ(r1->p5, r2->p5);
            CHECK(r1->histogram.counts == r2->histogram.counts);
            std::printf("  600000 x 365 on %s: %.1f ms (%.3g scenario-steps/s)\n", r1->device.c_str(),
                r1->elapsed_ms, 600000.0 * 365 / (r1->elapsed_ms * 1e-3));
        }
        CHECK(!seen.empty() && seen.back() == 1.0);
        std::atomic<bool> cancel { true };
        RunOptions c;
        c.cancel = &cancel;
        auto cancelled = (*cuda)->run(p, c);
        CHECK(!cancelled.ok() && cancelled.error().code == Error::Code::Cancelled);
    }
    return gpu_check::finish("tst_gpu_cuda");
}

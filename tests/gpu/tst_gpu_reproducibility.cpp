// Reproducibility: the same seed gives bit-identical results whatever the
// thread count or instruction set; any scenario regenerated alone equals its
// value in the batch; another seed gives other numbers. Also sample paths,
// progress and cancellation.

#include "GpuCheck.h"

#include "EngineSupport.h"
#include "ScenarioEngine.h"
#include "cpu/CpuBatchKernel.h"

#include <atomic>
#include <cstring>
#include <stdexcept>
#include <vector>

using namespace cabinet::gpu;

namespace {

ScenarioParams fullModel(std::uint32_t scenarios)
{
    ScenarioParams p;
    p.scenarios = scenarios;
    p.horizon_days = 365;
    p.seed = 0x1234567890abcdefull; // both halves of the seed in use
    p.value_drift_daily = 0.0002;
    p.value_volatility_daily = 0.012;
    p.cost_log_mean = 7.0;
    p.cost_log_sd = 0.4;
    p.shock_probability_daily = 0.03; // frequent enough that many batches have a shock
    p.shock_log_mean = -0.05;
    p.shock_log_sd = 0.04;
    p.failure_probability_daily = 0.003;
    p.failure_cost = 20000.0;
    p.budget = 480000.0;
    p.initial_capital = 500000.0;
    return p;
}

ScenarioResult run(const ScenarioParams& p, RunOptions o = {})
{
    auto engine = makeEngine("cpu");
    o.keep_outcomes = true;
    auto r = (*engine)->run(p, o);
    CHECK(r.ok());
    if (!r.ok()) {
        std::fprintf(stderr, "run failed: %s\n", r.error().message.c_str());
        return {};
    }
    return std::move(r.value());
}

bool sameOutcomes(const ScenarioResult& a, const ScenarioResult& b)
{
    if (a.outcomes.size() != b.outcomes.size())
        return false;
    for (std::size_t i = 0; i < a.outcomes.size(); ++i) {
        const auto& x = a.outcomes[i];
        const auto& y = b.outcomes[i];
        if (std::memcmp(&x.net, &y.net, sizeof(float)) || std::memcmp(&x.total_cost, &y.total_cost, sizeof(float))
            || std::memcmp(&x.final_value, &y.final_value, sizeof(float)) || x.loss != y.loss
            || x.budget_breached != y.budget_breached || x.scenario != y.scenario)
            return false;
    }
    return true;
}

bool sameSummary(const ScenarioResult& a, const ScenarioResult& b)
{
    return a.mean == b.mean && a.std_dev == b.std_dev && a.p5 == b.p5 && a.p50 == b.p50 && a.p95 == b.p95
        && a.expected_shortfall_95 == b.expected_shortfall_95 && a.loss_count == b.loss_count
        && a.budget_breach_count == b.budget_breach_count && a.cost_mean == b.cost_mean
        && a.histogram.counts == b.histogram.counts && a.histogram.min == b.histogram.min
        && a.histogram.max == b.histogram.max;
}

void sameSeedSameResults()
{
    const ScenarioParams p = fullModel(3001); // not a multiple of 16: a short last batch
    RunOptions one;
    one.cpu_threads = 1;
    RunOptions many;
    many.cpu_threads = 3; // more threads than cores: different chunk interleaving
    const ScenarioResult a = run(p, one);
    const ScenarioResult b = run(p, many);
    const ScenarioResult c = run(p);
    CHECK(sameOutcomes(a, b));
    CHECK(sameOutcomes(a, c));
    CHECK(sameSummary(a, b));
    CHECK(sameSummary(a, c));
    CHECK(a.loss_count > 0 && a.loss_count < p.scenarios);
    CHECK(a.budget_breach_count > 0 && a.budget_breach_count < p.scenarios);
}

void everyInstructionSetAgrees()
{
    const ScenarioParams p = fullModel(1000);
    const KernelParams kp = detail::makeKernelParams(p);
    const detail::PreparedInputs inputs(p);
    std::vector<float> refNet(p.scenarios);
    for (std::uint32_t i = 0; i < p.scenarios; ++i)
        refNet[i] = simulateScenario(kp, inputs.view, i, nullptr, nullptr).net;
    int kernels = 0;
    for (const char* isa : { "generic", "avx2", "avx512" }) {
        cpu::BatchKernel k {};
        if (!cpu::batchKernelFor(isa, k))
            continue;
        ++kernels;
        std::vector<float> net(p.scenarios);
        std::vector<float> cost(p.scenarios);
        std::vector<float> value(p.scenarios);
        // Odd start and length: batches that do not line up with 16.
        k.fn(kp, inputs.view, 0, 7, net.data(), cost.data(), value.data());
        k.fn(kp, inputs.view, 7, p.scenarios - 7, net.data() + 7, cost.data() + 7, value.data() + 7);
        int differ = 0;
        for (std::uint32_t i = 0; i < p.scenarios; ++i)
            differ += std::memcmp(&net[i], &refNet[i], sizeof(float)) != 0;
        std::printf("  %s kernel: %d of %u scenarios differ from the scalar step\n", isa, differ, p.scenarios);
        CHECK_EQ(differ, 0);
    }
    CHECK(kernels >= 1);
}

void oneScenarioAlone()
{
    ScenarioParams p = fullModel(2000);
    p.failure_probability_per_scenario.assign(p.scenarios, 0.001f);
    p.cost_log_mean_per_scenario.assign(p.scenarios, 6.5f);
    p.cost_log_sd_per_scenario.assign(p.scenarios, 0.2f);
    for (std::uint32_t i = 0; i < p.scenarios; i += 3) {
        p.failure_probability_per_scenario[i] = 0.01f;
        p.cost_log_mean_per_scenario[i] = 7.5f;
        p.cost_log_sd_per_scenario[i] = 0.6f;
    }
    const ScenarioResult batch = run(p);
    int mismatches = 0;
    int checked = 0;
    for (std::uint32_t id : { 0u, 1u, 2u, 15u, 16u, 17u, 255u, 256u, 999u, 1023u, 1024u, 1500u, 1998u, 1999u }) {
        auto alone = simulateOne(p, id);
        CHECK(alone.ok());
        if (!alone)
            continue;
        ++checked;
        const ScenarioOutcome& b = batch.outcomes[id];
        mismatches += std::memcmp(&alone->net, &b.net, sizeof(float)) != 0
            || std::memcmp(&alone->total_cost, &b.total_cost, sizeof(float)) != 0
            || std::memcmp(&alone->final_value, &b.final_value, sizeof(float)) != 0 || alone->loss != b.loss
            || alone->budget_breached != b.budget_breached || alone->scenario != id;
    }
    CHECK_EQ(checked, 14);
    CHECK_EQ(mismatches, 0);
}

void otherSeedOtherResults()
{
    ScenarioParams p = fullModel(500);
    const ScenarioResult a = run(p);
    p.seed ^= 1; // low half
    const ScenarioResult b = run(p);
    p.seed ^= 1ull << 40; // high half too
    const ScenarioResult c = run(p);
    ScenarioParams q = fullModel(500);
    q.seed ^= 1ull << 40; // only the high half
    const ScenarioResult d = run(q);
    int sameAB = 0;
    int sameAC = 0;
    int sameAD = 0;
    for (std::size_t i = 0; i < a.outcomes.size(); ++i) {
        sameAB += a.outcomes[i].net == b.outcomes[i].net;
        sameAC += a.outcomes[i].net == c.outcomes[i].net;
        sameAD += a.outcomes[i].net == d.outcomes[i].net;
    }
    CHECK_EQ(sameAB, 0);
    CHECK_EQ(sameAC, 0);
    CHECK_EQ(sameAD, 0);
    CHECK(a.mean != b.mean);
    // Scenarios differ from each other within a run.
    CHECK(a.outcomes[0].net != a.outcomes[1].net);
}

void samplePaths()
{
    const ScenarioParams p = fullModel(300);
    RunOptions o;
    o.sample_paths = 5;
    const ScenarioResult r = run(p, o);
    CHECK_EQ(r.sample_paths.size(), 5u);
    for (std::size_t k = 0; k < r.sample_paths.size(); ++k) {
        const SamplePath& path = r.sample_paths[k];
        CHECK_EQ(path.scenario, static_cast<std::uint32_t>(k));
        CHECK_EQ(path.value.size(), p.horizon_days + 1u);
        CHECK_EQ(path.cumulative_cost.size(), p.horizon_days + 1u);
        if (path.value.size() != p.horizon_days + 1u)
            continue;
        CHECK_EQ(path.value[0], static_cast<float>(p.initial_value));
        CHECK_EQ(path.cumulative_cost[0], 0.0f);
        // The path ends where the scenario's outcome is.
        CHECK_EQ(path.value.back(), r.outcomes[k].final_value);
        CHECK_EQ(path.cumulative_cost.back(), r.outcomes[k].total_cost);
        bool increasing = true;
        for (std::size_t t = 1; t < path.cumulative_cost.size(); ++t)
            increasing &= path.cumulative_cost[t] > path.cumulative_cost[t - 1];
        CHECK(increasing);
        SamplePath alone;
        auto o1 = simulateOne(p, path.scenario, &alone);
        CHECK(o1.ok());
        CHECK(alone.value == path.value);
        CHECK(alone.cumulative_cost == path.cumulative_cost);
    }
    // No paths unless asked.
    CHECK(run(p).sample_paths.empty());
}

void progressAndCancel()
{
    const ScenarioParams p = fullModel(20000);
    RunOptions o;
    std::vector<double> seen;
    o.progress = [&](double f) { seen.push_back(f); };
    const ScenarioResult r = run(p, o);
    CHECK(seen.size() >= 2);
    bool monotone = true;
    for (std::size_t i = 1; i < seen.size(); ++i)
        monotone &= seen[i] >= seen[i - 1];
    CHECK(monotone);
    CHECK(!seen.empty() && seen.back() == 1.0);
    CHECK(!seen.empty() && seen.front() > 0.0 && seen.front() < 1.0);

    // Cancelled from the progress callback, as a GUI's cancel button would.
    std::atomic<bool> cancel { false };
    RunOptions c;
    c.cancel = &cancel;
    c.progress = [&](double f) {
        if (f > 0.1)
            cancel = true;
    };
    auto engine = makeEngine("cpu");
    auto cancelled = (*engine)->run(p, c);
    CHECK(!cancelled.ok());
    if (!cancelled.ok())
        CHECK(cancelled.error().code == Error::Code::Cancelled);

    // A progress callback that throws stops the run with an error, not a crash.
    RunOptions t;
    t.cpu_threads = 2;
    t.progress = [](double f) {
        if (f > 0.2)
            throw std::runtime_error("boom");
    };
    auto thrown = (*engine)->run(p, t);
    CHECK(!thrown.ok());
    if (!thrown.ok())
        CHECK_CONTAINS(thrown.error().message, "progress callback threw");

    // Raised before the start: nothing runs.
    std::atomic<bool> early { true };
    RunOptions e;
    e.cancel = &early;
    auto none = (*engine)->run(p, e);
    CHECK(!none.ok());
}

void resultMetadata()
{
    const ScenarioParams p = fullModel(100);
    const ScenarioResult r = run(p);
    CHECK_EQ(r.backend, std::string("cpu"));
    CHECK_CONTAINS(r.device, "cpu ");
    CHECK(r.elapsed_ms > 0.0);
    CHECK(r.simulate_ms > 0.0 && r.simulate_ms <= r.elapsed_ms);
    CHECK_EQ(r.scenarios, 100u);
    CHECK_EQ(r.horizon_days, 365u);
}

} // namespace

int main()
{
    sameSeedSameResults();
    everyInstructionSetAgrees();
    oneScenarioAlone();
    otherSeedOtherResults();
    samplePaths();
    progressAndCancel();
    resultMetadata();
    return gpu_check::finish("tst_gpu_reproducibility");
}

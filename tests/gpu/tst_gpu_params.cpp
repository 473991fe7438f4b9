// Bad parameters and options: each validation error names its field, and the
// engine returns it as an error value instead of running. Backend selection
// errors are clear.

#include "GpuCheck.h"

#include "ScenarioEngine.h"

#include <cmath>
#include <functional>
#include <limits>
#include <string>

using namespace cabinet::gpu;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

void expectInvalid(const char* field, const std::function<void(ScenarioParams&)>& change)
{
    ScenarioParams p;
    p.scenarios = 64;
    p.horizon_days = 10;
    change(p);
    const auto message = validate(p);
    CHECK(message.has_value());
    if (!message)
        return;
    CHECK_CONTAINS(*message, field);
    // The engine refuses to run them too, with the same message.
    auto engine = makeEngine("cpu");
    CHECK(engine.ok());
    auto r = (*engine)->run(p);
    CHECK(!r.ok());
    if (!r.ok()) {
        CHECK(r.error().code == Error::Code::InvalidParameters);
        CHECK_EQ(r.error().message, *message);
    }
    CHECK(!simulateOne(p, 0).ok());
}

void parameters()
{
    ScenarioParams good;
    CHECK(!validate(good).has_value());
    good.budget = 1e6;
    good.shock_probability_daily = 1.0;
    good.failure_probability_daily = 0.0;
    good.value_volatility_daily = 0.0;
    CHECK(!validate(good).has_value());

    expectInvalid("horizon_days", [](ScenarioParams& p) { p.horizon_days = 0; });
    expectInvalid("horizon_days", [](ScenarioParams& p) { p.horizon_days = kMaxHorizonDays + 1; });
    expectInvalid("scenarios", [](ScenarioParams& p) { p.scenarios = 0; });
    expectInvalid("scenarios", [](ScenarioParams& p) { p.scenarios = kMaxScenarios + 1; });
    expectInvalid("initial_value", [](ScenarioParams& p) { p.initial_value = 0.0; });
    expectInvalid("initial_value", [](ScenarioParams& p) { p.initial_value = -5.0; });
    expectInvalid("initial_value", [](ScenarioParams& p) { p.initial_value = kNaN; });
    expectInvalid("value_drift_daily", [](ScenarioParams& p) { p.value_drift_daily = 0.2; });
    expectInvalid("value_drift_daily", [](ScenarioParams& p) { p.value_drift_daily = kNaN; });
    expectInvalid("value_volatility_daily", [](ScenarioParams& p) { p.value_volatility_daily = -0.1; });
    expectInvalid("value_volatility_daily", [](ScenarioParams& p) { p.value_volatility_daily = kInf; });
    expectInvalid("cost_log_mean", [](ScenarioParams& p) { p.cost_log_mean = 80.0; });
    expectInvalid("cost_log_sd", [](ScenarioParams& p) { p.cost_log_sd = -0.01; });
    expectInvalid("shock_probability_daily", [](ScenarioParams& p) { p.shock_probability_daily = 1.5; });
    expectInvalid("shock_probability_daily", [](ScenarioParams& p) { p.shock_probability_daily = -0.1; });
    expectInvalid("shock_probability_daily", [](ScenarioParams& p) { p.shock_probability_daily = kNaN; });
    expectInvalid("shock_log_mean", [](ScenarioParams& p) { p.shock_log_mean = -9.0; });
    expectInvalid("shock_log_sd", [](ScenarioParams& p) { p.shock_log_sd = -1.0; });
    expectInvalid("failure_probability_daily", [](ScenarioParams& p) { p.failure_probability_daily = 2.0; });
    expectInvalid("failure_cost", [](ScenarioParams& p) { p.failure_cost = -1.0; });
    expectInvalid("budget", [](ScenarioParams& p) { p.budget = 0.0; });
    expectInvalid("budget", [](ScenarioParams& p) { p.budget = kNaN; });
    expectInvalid("initial_capital", [](ScenarioParams& p) { p.initial_capital = kInf; });
    expectInvalid("failure_probability_per_scenario",
        [](ScenarioParams& p) { p.failure_probability_per_scenario.assign(p.scenarios - 1, 0.1f); });
    expectInvalid("failure_probability_per_scenario[3]", [](ScenarioParams& p) {
        p.failure_probability_per_scenario.assign(p.scenarios, 0.1f);
        p.failure_probability_per_scenario[3] = 1.5f;
    });
    expectInvalid("cost_log_mean_per_scenario",
        [](ScenarioParams& p) { p.cost_log_mean_per_scenario.assign(p.scenarios + 1, 1.0f); });
    expectInvalid("cost_log_mean_per_scenario[0]", [](ScenarioParams& p) {
        p.cost_log_mean_per_scenario.assign(p.scenarios, 1.0f);
        p.cost_log_mean_per_scenario[0] = std::nanf("");
    });
    expectInvalid("cost_log_sd_per_scenario[63]", [](ScenarioParams& p) {
        p.cost_log_sd_per_scenario.assign(p.scenarios, 0.2f);
        p.cost_log_sd_per_scenario[63] = -0.2f;
    });
}

void options()
{
    ScenarioParams p;
    p.scenarios = 100;
    p.horizon_days = 5;
    auto engine = makeEngine("cpu");
    CHECK(engine.ok());
    const auto expectBad = [&](const char* option, const RunOptions& o) {
        const auto message = validate(o, p);
        CHECK(message.has_value());
        if (message)
            CHECK_CONTAINS(*message, option);
        auto r = (*engine)->run(p, o);
        CHECK(!r.ok());
        if (!r.ok())
            CHECK(r.error().code == Error::Code::InvalidOptions);
    };
    RunOptions o;
    CHECK(!validate(o, p).has_value());
    o.sample_paths = 101; // more than scenarios
    expectBad("sample_paths", o);
    o = {};
    o.histogram_bins = 0;
    expectBad("histogram_bins", o);
    o.histogram_bins = kMaxHistogramBins + 1;
    expectBad("histogram_bins", o);
    o = {};
    o.histogram_min = 1.0;
    expectBad("histogram_max", o);
    o.histogram_max = 1.0;
    expectBad("histogram_min", o);
    o.histogram_max = kNaN;
    expectBad("histogram_min", o);

    // Paths x days: at the bound (1,000 paths of 500 days, run for real and
    // returned whole), and one day past it refused before anything runs.
    static_assert(kMaxSamplePathDays == 500'000);
    ScenarioParams wide;
    wide.scenarios = 1000;
    wide.horizon_days = 500;
    o = {};
    o.sample_paths = 1000;
    CHECK(!validate(o, wide).has_value());
    auto full = (*engine)->run(wide, o);
    CHECK(full.ok());
    if (full) {
        CHECK_EQ(full->sample_paths.size(), std::size_t(1000));
        CHECK_EQ(full->sample_paths.back().value.size(), std::size_t(501));
    }
    wide.horizon_days = 501;
    const auto past = validate(o, wide);
    CHECK(past.has_value());
    if (past)
        CHECK_CONTAINS(*past, "sample_paths x horizon_days must be at most 500000");
    // The case that took 13 GB: each value inside its own limit.
    wide.horizon_days = kMaxHorizonDays;
    CHECK(!validate(wide).has_value());
    const auto huge = validate(o, wide);
    CHECK(huge.has_value());
    if (huge)
        CHECK_CONTAINS(*huge, "1000 x 36500 = 36500000");
    auto refused = (*engine)->run(wide, o);
    CHECK(!refused.ok());
    if (!refused)
        CHECK(refused.error().code == Error::Code::InvalidOptions);
    // One path may span the whole horizon.
    o.sample_paths = 13;
    CHECK(!validate(o, wide).has_value());
    o.sample_paths = 14;
    CHECK(validate(o, wide).has_value());
}

void backends()
{
    auto cpu = makeEngine("cpu");
    CHECK(cpu.ok());
    if (cpu)
        CHECK_EQ(std::string((*cpu)->name()), std::string("cpu"));

    auto unknown = makeEngine("tpu");
    CHECK(!unknown.ok());
    if (!unknown) {
        CHECK(unknown.error().code == Error::Code::UnknownBackend);
        CHECK_CONTAINS(unknown.error().message, "tpu");
        CHECK_CONTAINS(unknown.error().message, "auto, cpu or cuda");
    }

    auto automatic = makeEngine("auto");
    CHECK(automatic.ok());
    if (automatic)
        CHECK_EQ(std::string((*automatic)->name()), std::string(cudaDeviceCount() > 0 ? "cuda" : "cpu"));

    auto cuda = makeEngine("cuda");
    if (cudaDeviceCount() == 0) {
        CHECK(!cuda.ok());
        if (!cuda) {
            CHECK(cuda.error().code == Error::Code::BackendUnavailable);
            CHECK_CONTAINS(cuda.error().message, cudaBuilt() ? "no CUDA device" : "no CUDA support");
        }
    } else {
        CHECK(cuda.ok());
    }
    std::printf("  CUDA built: %s, devices: %d\n", cudaBuilt() ? "yes" : "no", cudaDeviceCount());

    ScenarioParams p;
    p.scenarios = 10;
    auto out = simulateOne(p, 10);
    CHECK(!out.ok());
    if (!out)
        CHECK_CONTAINS(out.error().message, "scenario 10");
}

} // namespace

int main()
{
    parameters();
    options();
    backends();
    return gpu_check::finish("tst_gpu_params");
}

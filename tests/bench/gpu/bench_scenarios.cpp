// Benchmark of the scenario engine. Not a test: it asserts no timing.
//
//   bench_scenarios [--backend cpu|cuda|all] [--scenarios N] [--days H]
//                   [--cuda-scenarios N] [--repeat R] [--threads T]
//
// Default (--backend all; --backend cpu runs the first two):
//   cpu, 1 thread,    10,000 x 365   -> scenario-steps per second per core
//   cpu, all threads, 10,000 x 365   -> on all cores
//   cuda, 1,000,000 x 365            -> when a CUDA device exists (else "skipped"),
//   cpu, all threads, 1,000,000 x 365   with the CPU at the same size for the ratio
// Each case runs R times (default 5) after one warm-up run; best and median
// are reported. "sim" rates count the simulation alone, "run" rates the whole
// run() including the statistics (sorts, histogram). One line per case starts
// with RESULT and holds key=value pairs for scripts (tests/bench/gpu/run.sh).
//
// The instruction set of the CPU kernel can be forced with the environment
// variable CABINET_CPU_ISA=generic|avx2|avx512.

#include "ScenarioEngine.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

using namespace cabinet::gpu;

namespace {

// The benchmark model; tests/bench/gpu/scenario_numpy.py uses the same numbers.
ScenarioParams benchParams(std::uint32_t scenarios, std::uint32_t days)
{
    ScenarioParams p;
    p.scenarios = scenarios;
    p.horizon_days = days;
    p.seed = 42;
    p.initial_value = 1.0e6;
    p.value_drift_daily = 0.0003;
    p.value_volatility_daily = 0.012;
    p.cost_log_mean = 7.0;
    p.cost_log_sd = 0.4;
    p.shock_probability_daily = 0.01;
    p.shock_log_mean = -0.05;
    p.shock_log_sd = 0.03;
    p.failure_probability_daily = 0.002;
    p.failure_cost = 25000.0;
    p.budget = 500000.0;
    p.initial_capital = 500000.0;
    return p;
}

struct Case {
    std::string backend;
    unsigned threads; // CPU only; 0 = all
    std::uint32_t scenarios;
};

bool runCase(const Case& c, std::uint32_t days, int repeat)
{
    auto engine = makeEngine(c.backend);
    if (!engine) {
        std::printf("RESULT backend=%s skipped=1 reason=\"%s\"\n", c.backend.c_str(), engine.error().message.c_str());
        return false;
    }
    const ScenarioParams params = benchParams(c.scenarios, days);
    RunOptions options;
    options.cpu_threads = c.threads;

    std::vector<double> simMs;
    std::vector<double> runMs;
    ScenarioResult last;
    for (int i = 0; i <= repeat; ++i) {
        auto r = (*engine)->run(params, options);
        if (!r) {
            std::printf("RESULT backend=%s error=\"%s\"\n", c.backend.c_str(), r.error().message.c_str());
            return false;
        }
        if (i == 0)
            continue; // warm-up: thread start, CUDA context and allocations
        simMs.push_back(r->simulate_ms);
        runMs.push_back(r->elapsed_ms);
        last = std::move(r.value());
    }
    std::sort(simMs.begin(), simMs.end());
    std::sort(runMs.begin(), runMs.end());
    const double steps = static_cast<double>(c.scenarios) * days;
    const double bestSim = simMs.front();
    const double bestRun = runMs.front();
    const double medianRun = runMs[runMs.size() / 2];
    unsigned threads = 1;
    if (c.backend == "cpu") {
        // "cpu avx512, 2 threads"
        const auto comma = last.device.find(", ");
        threads = comma == std::string::npos ? 1u : static_cast<unsigned>(std::atoi(last.device.c_str() + comma + 2));
    }
    std::printf("RESULT backend=%s device=\"%s\" threads=%u scenarios=%u days=%u best_sim_ms=%.3f best_run_ms=%.3f "
                "median_run_ms=%.3f sim_rate=%.4g run_rate=%.4g run_rate_per_thread=%.4g mean=%.2f p5=%.2f "
                "p95=%.2f prob_loss=%.4f prob_breach=%.4f expected_shortfall_95=%.2f\n",
        c.backend.c_str(), last.device.c_str(), threads, c.scenarios, days, bestSim, bestRun, medianRun,
        steps / (bestSim * 1e-3), steps / (bestRun * 1e-3), steps / (bestRun * 1e-3) / threads, last.mean, last.p5,
        last.p95, last.probability_of_loss, last.probability_of_budget_breach, last.expected_shortfall_95);
    std::fflush(stdout);
    return true;
}

} // namespace

int main(int argc, char** argv)
{
    std::string backend = "all";
    std::uint32_t scenarios = 10000;
    std::uint32_t cudaScenarios = 1000000;
    std::uint32_t days = 365;
    int repeat = 5;
    unsigned threads = 0;
    for (int i = 1; i < argc; ++i) {
        const auto value = [&](const char* name) -> const char* {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "%s needs a value\n", name);
                std::exit(2);
            }
            return argv[++i];
        };
        if (!std::strcmp(argv[i], "--backend"))
            backend = value("--backend");
        else if (!std::strcmp(argv[i], "--scenarios"))
            scenarios = static_cast<std::uint32_t>(std::strtoul(value("--scenarios"), nullptr, 10));
        else if (!std::strcmp(argv[i], "--cuda-scenarios"))
            cudaScenarios = static_cast<std::uint32_t>(std::strtoul(value("--cuda-scenarios"), nullptr, 10));
        else if (!std::strcmp(argv[i], "--days"))
            days = static_cast<std::uint32_t>(std::strtoul(value("--days"), nullptr, 10));
        else if (!std::strcmp(argv[i], "--repeat"))
            repeat = std::max(1, std::atoi(value("--repeat")));
        else if (!std::strcmp(argv[i], "--threads"))
            threads = static_cast<unsigned>(std::atoi(value("--threads")));
        else {
            std::fprintf(stderr,
                "usage: %s [--backend cpu|cuda|all] [--scenarios N] [--days H] [--cuda-scenarios N] [--repeat R] "
                "[--threads T]\n",
                argv[0]);
            return 2;
        }
    }

    std::printf("# hardware threads: %u; CUDA built: %s; CUDA devices: %d\n", std::thread::hardware_concurrency(),
        cudaBuilt() ? "yes" : "no", cudaDeviceCount());
    bool ok = true;
    if (backend == "cpu" || backend == "all") {
        if (threads == 0)
            ok &= runCase({ "cpu", 1, scenarios }, days, repeat);
        ok &= runCase({ "cpu", threads, scenarios }, days, repeat);
    }
    if (backend == "cuda" || backend == "all") {
        if (cudaDeviceCount() > 0) {
            ok &= runCase({ "cuda", 0, cudaScenarios }, days, repeat);
            if (backend == "all")
                ok &= runCase({ "cpu", threads, cudaScenarios }, days, 1);
        } else {
            std::printf("RESULT backend=cuda skipped=1 reason=\"%s\"\n",
                cudaBuilt() ? "no CUDA device" : "built without CUDA");
        }
    }
    return ok ? 0 : 1;
}

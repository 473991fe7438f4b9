#pragma once
// Pieces both backends use on the host: turning ScenarioParams into kernel
// form, the statistics of a finished run, sample paths. Internal to gpu/.

#include "ScenarioEngine.h"
#include "ScenarioKernel.h"

#include <chrono>
#include <cstdint>
#include <vector>

namespace cabinet::gpu::detail {

KernelParams makeKernelParams(const ScenarioParams& params);

// Per-scenario inputs in kernel form. Holds the converted failure thresholds;
// the float arrays are used in place from the ScenarioParams, which must
// outlive it.
struct PreparedInputs {
    std::vector<std::uint32_t> failure_thresholds;
    ScenarioInputs view; // pointers into params and failure_thresholds

    explicit PreparedInputs(const ScenarioParams& params);
    PreparedInputs(const PreparedInputs&) = delete;
    PreparedInputs& operator=(const PreparedInputs&) = delete;
};

ScenarioOutcome makeOutcome(std::uint32_t scenario, const KernelOutcome& o, const KernelParams& kp);

// A value near the typical net outcome (scenario 0's), subtracted before
// summing squares so the variance keeps its precision when the mean is large.
double varianceShift(const KernelParams& kp, const ScenarioInputs& in);

// Paths of scenarios 0 .. count-1, on the host (the CUDA backend computes
// its own on the device; both use simulateScenario).
std::vector<SamplePath> samplePathsOnHost(const KernelParams& kp, const ScenarioInputs& in, std::uint32_t count);

// Sums in a fixed order, so a result does not depend on thread timing.
struct Moments {
    double sum_shifted_net = 0.0; // sum of (net - shift)
    double sum_shifted_net_sq = 0.0; // sum of (net - shift)^2
    double sum_cost = 0.0;
    double sum_value = 0.0;
    std::uint64_t losses = 0;
    std::uint64_t breaches = 0;
};

// Fills mean, std_dev, probabilities and counts, cost_mean, final_value_mean.
void applyMoments(const Moments& m, double shift, std::uint64_t n, ScenarioResult& r);

// The CPU backend's statistics: moments over the outcomes in id order, then
// order statistics of sorted copies (SummaryMath.h).
void summarizeOnHost(const float* net, const float* cost, const float* value, std::uint64_t n, const KernelParams& kp,
    const RunOptions& options, double shift, ScenarioResult& r);

// Fills the histogram of an ascending array (both backends use the same
// boundaries; the CUDA backend computes them on the device).
void histogramFromBoundaries(const std::vector<std::uint64_t>& boundaries, std::uint64_t n, double lo, double hi,
    ScenarioResult& r);

inline double millisecondsSince(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

} // namespace cabinet::gpu::detail

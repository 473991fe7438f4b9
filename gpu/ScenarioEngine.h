#pragma once
// The Monte Carlo scenario engine: one interface, a CPU and a CUDA backend
// that give the same answers for the same parameters and seed.
//
//   auto engine = cabinet::gpu::makeEngine("auto");   // CUDA if a device is present, else CPU
//   if (!engine) report(engine.error().message);
//   cabinet::gpu::RunOptions options;
//   options.sample_paths = 5;
//   auto result = (*engine)->run(params, options);    // Expected<ScenarioResult>
//
// Threading: run() blocks its caller until done; call it off the GUI thread
// (QThreadPool). Progress callbacks come on the calling thread. One engine
// may be used from several threads; the CUDA backend serialises its runs.

#include "Expected.h"
#include "ScenarioParams.h"
#include "ScenarioResult.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cabinet::gpu {

inline constexpr std::uint32_t kMaxSamplePaths = 1000;
// Sample paths are for plotting, and a plot shows a few hundred thousand
// points at most (a 4K screen is 3,840 pixels wide): sample_paths x
// horizon_days may be at most this many path-days, e.g. 1,000 paths of 500
// days or 13 of 100 years. Every path-day is two floats in the result and
// about 58 bytes of `cabinet simulate --json`, so this also bounds that
// output (29 MB at the bound); within each limit alone, 1,000 paths of
// 36,500 days took 13 GB to print 2 GB (docs/scenario-engine.md, "Limits").
inline constexpr std::uint64_t kMaxSamplePathDays = 500'000;
inline constexpr std::uint32_t kMaxHistogramBins = 10000;
// The bins when a caller names none. The command line, the operations API
// and the console all take this one, so the same run shows the same
// histogram everywhere; 20 rows fit a terminal beside the summary.
inline constexpr std::uint32_t kDefaultHistogramBins = 20;

struct RunOptions {
    // Paths (value and cumulative cost per day) of scenarios 0 .. sample_paths-1.
    std::uint32_t sample_paths = 0; // 0 .. min(kMaxSamplePaths, scenarios); sample_paths x horizon_days <= kMaxSamplePathDays
    std::uint32_t histogram_bins = kDefaultHistogramBins; // 1 .. kMaxHistogramBins
    // Histogram range; both or neither, min < max. Default: min and max of the net outcomes.
    std::optional<double> histogram_min;
    std::optional<double> histogram_max;
    // Return every scenario's outcome in ScenarioResult::outcomes (16 bytes each).
    bool keep_outcomes = false;
    // CPU backend: worker threads; 0 = all hardware threads.
    unsigned cpu_threads = 0;
    // Called on the thread that called run() with the fraction of scenarios
    // simulated so far (non-decreasing, ending with 1.0 when all are done).
    std::function<void(double fraction)> progress;
    // When it becomes true, run() stops at the next block of scenarios and
    // returns Error::Code::Cancelled.
    const std::atomic<bool>* cancel = nullptr;
};

// Returns std::nullopt when the options are usable for these parameters,
// otherwise a message naming the option.
std::optional<std::string> validate(const RunOptions& options, const ScenarioParams& params);

class ScenarioEngine {
public:
    virtual ~ScenarioEngine() = default;
    // "cpu" or "cuda".
    virtual std::string_view name() const = 0;
    // The hardware it runs on, in words (for the console's status line).
    virtual std::string device() const = 0;
    virtual Expected<ScenarioResult> run(const ScenarioParams& params, const RunOptions& options = {}) = 0;
};

// "auto": CUDA when a device is present, else the CPU. "cpu". "cuda": fails
// with BackendUnavailable when CUDA was not built or no device is present.
// Anything else fails with UnknownBackend.
Expected<std::unique_ptr<ScenarioEngine>> makeEngine(std::string_view backend);

// Whether the CUDA backend was compiled in (CABINET_CUDA), and how many CUDA
// devices the driver reports (0 without a driver or device; never throws or
// aborts). The first call creates nothing; the CUDA context is created once,
// by the first run of a CUDA engine.
bool cudaBuilt();
int cudaDeviceCount();

// One scenario, regenerated alone on the host with the same numbers as inside
// any batch on either backend. When `path` is given it receives the daily
// value and cumulative cost. Fails when the parameters are invalid or
// scenario >= params.scenarios.
Expected<ScenarioOutcome> simulateOne(const ScenarioParams& params, std::uint32_t scenario, SamplePath* path = nullptr);

} // namespace cabinet::gpu

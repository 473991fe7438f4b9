#include "ScenarioEngine.h"

#include "EngineSupport.h"
#include "cpu/CpuEngine.h"

#if defined(CABINET_HAVE_CUDA)
#include "cuda/CudaEngine.h"
#endif

#include <cmath>

namespace cabinet::gpu {

std::optional<std::string> validate(const RunOptions& o, const ScenarioParams& p)
{
    const std::uint32_t maxPaths = std::min(kMaxSamplePaths, p.scenarios);
    if (o.sample_paths > maxPaths)
        return "sample_paths must be in [0, " + std::to_string(maxPaths) + "] (got " + std::to_string(o.sample_paths)
            + ")";
    const std::uint64_t pathDays = std::uint64_t(o.sample_paths) * p.horizon_days;
    if (pathDays > kMaxSamplePathDays)
        return "sample_paths x horizon_days must be at most " + std::to_string(kMaxSamplePathDays)
            + " path-days, more than a plot can show (got " + std::to_string(o.sample_paths) + " x "
            + std::to_string(p.horizon_days) + " = " + std::to_string(pathDays) + "); ask for fewer paths or a shorter horizon";
    if (o.histogram_bins == 0 || o.histogram_bins > kMaxHistogramBins)
        return "histogram_bins must be in [1, " + std::to_string(kMaxHistogramBins) + "] (got "
            + std::to_string(o.histogram_bins) + ")";
    if (o.histogram_min.has_value() != o.histogram_max.has_value())
        return std::string("histogram_min and histogram_max must be given together");
    if (o.histogram_min) {
        const double lo = *o.histogram_min;
        const double hi = *o.histogram_max;
        if (!std::isfinite(lo) || !std::isfinite(hi) || !(lo < hi))
            return "histogram_min must be less than histogram_max, both finite (got " + std::to_string(lo) + ", "
                + std::to_string(hi) + ")";
    }
    if (o.cpu_threads > 4096)
        return "cpu_threads must be in [0, 4096] (got " + std::to_string(o.cpu_threads) + ")";
    return std::nullopt;
}

bool cudaBuilt()
{
#if defined(CABINET_HAVE_CUDA)
    return true;
#else
    return false;
#endif
}

int cudaDeviceCount()
{
#if defined(CABINET_HAVE_CUDA)
    return cuda::deviceCount();
#else
    return 0;
#endif
}

Expected<std::unique_ptr<ScenarioEngine>> makeEngine(std::string_view backend)
{
    if (backend == "cpu")
        return std::unique_ptr<ScenarioEngine>(std::make_unique<cpu::CpuEngine>());
    if (backend == "auto") {
#if defined(CABINET_HAVE_CUDA)
        if (cuda::deviceCount() > 0) {
            auto engine = cuda::makeCudaEngine();
            if (engine)
                return engine;
        }
#endif
        return std::unique_ptr<ScenarioEngine>(std::make_unique<cpu::CpuEngine>());
    }
    if (backend == "cuda") {
#if defined(CABINET_HAVE_CUDA)
        if (cuda::deviceCount() == 0)
            return Error { Error::Code::BackendUnavailable,
                "cuda backend unavailable: no CUDA device found (use backend \"cpu\" or \"auto\")" };
        return cuda::makeCudaEngine();
#else
        return Error { Error::Code::BackendUnavailable,
            "cuda backend unavailable: this build has no CUDA support (CABINET_CUDA=OFF or nvcc not found); "
            "use backend \"cpu\" or \"auto\"" };
#endif
    }
    return Error { Error::Code::UnknownBackend,
        "unknown scenario backend \"" + std::string(backend) + "\" (expected auto, cpu or cuda)" };
}

Expected<ScenarioOutcome> simulateOne(const ScenarioParams& params, std::uint32_t scenario, SamplePath* path)
{
    if (auto e = validate(params))
        return Error { Error::Code::InvalidParameters, *e };
    if (scenario >= params.scenarios)
        return Error { Error::Code::InvalidParameters,
            "scenario " + std::to_string(scenario) + " is out of range (scenarios = "
                + std::to_string(params.scenarios) + ")" };
    const KernelParams kp = detail::makeKernelParams(params);
    const detail::PreparedInputs inputs(params);
    float* pathValue = nullptr;
    float* pathCost = nullptr;
    if (path) {
        path->scenario = scenario;
        path->value.assign(params.horizon_days + 1, 0.0f);
        path->cumulative_cost.assign(params.horizon_days + 1, 0.0f);
        pathValue = path->value.data();
        pathCost = path->cumulative_cost.data();
    }
    const KernelOutcome o = simulateScenario(kp, inputs.view, scenario, pathValue, pathCost);
    return detail::makeOutcome(scenario, o, kp);
}

} // namespace cabinet::gpu

// The CUDA backend. See CudaEngine.h for the design; the numbers come from
// the same ScenarioKernel.h functions as the CPU backend's.

#include "CudaEngine.h"

#include "../EngineSupport.h"
#include "../ScenarioKernel.h"
#include "../SummaryMath.h"

#include <cub/device/device_radix_sort.cuh>
#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <new>
#include <optional>
#include <string>
#include <vector>

namespace cabinet::gpu::cuda {

namespace {

constexpr int kBlock = 256;
// Scenarios per kernel launch: between launches the host reports progress
// and looks at the cancel flag. 2^18 threads fill an H100 (132 SMs x 2048).
constexpr std::uint32_t kSliceScenarios = kBlock * 1024;

struct BlockSums {
    double shifted_net;
    double shifted_net_sq;
    double cost;
    double value;
    unsigned long long losses;
    unsigned long long breaches;
};

// ---- Device code

// Sums of one block in a fixed order (a shared-memory tree), so a run's
// result does not depend on scheduling.
__device__ double blockSum(double v, double* shared)
{
    shared[threadIdx.x] = v;
    __syncthreads();
    for (int half = kBlock / 2; half > 0; half /= 2) {
        if (static_cast<int>(threadIdx.x) < half)
            shared[threadIdx.x] += shared[threadIdx.x + half];
        __syncthreads();
    }
    const double total = shared[0];
    __syncthreads();
    return total;
}

// The fused kernel: random numbers, every day of one scenario per thread,
// the outcome written for the order statistics, the moments reduced per block.
__global__ void __launch_bounds__(kBlock) simulateKernel(KernelParams kp, ScenarioInputs in, std::uint32_t first,
    std::uint32_t count, double shift, float* net, float* cost, float* value, BlockSums* sums)
{
    __shared__ double shared[kBlock];
    const std::uint32_t local = blockIdx.x * kBlock + threadIdx.x;
    double dNet = 0.0;
    double dCost = 0.0;
    double dValue = 0.0;
    double loss = 0.0;
    double breach = 0.0;
    if (local < count) {
        const std::uint32_t id = first + local;
        const KernelOutcome o = simulateScenario(kp, in, id, nullptr, nullptr);
        net[id] = o.net;
        cost[id] = o.total_cost;
        value[id] = o.final_value;
        dNet = static_cast<double>(o.net) - shift;
        dCost = o.total_cost;
        dValue = o.final_value;
        loss = isLoss(o, kp) ? 1.0 : 0.0;
        breach = isBreach(o, kp) ? 1.0 : 0.0;
    }
    const double sNet = blockSum(dNet, shared);
    const double sSq = blockSum(dNet * dNet, shared);
    const double sCost = blockSum(dCost, shared);
    const double sValue = blockSum(dValue, shared);
    const double sLoss = blockSum(loss, shared); // exact: at most 256
    const double sBreach = blockSum(breach, shared);
    if (threadIdx.x == 0) {
        BlockSums& out = sums[first / kBlock + blockIdx.x];
        out.shifted_net = sNet;
        out.shifted_net_sq = sSq;
        out.cost = sCost;
        out.value = sValue;
        out.losses = static_cast<unsigned long long>(sLoss);
        out.breaches = static_cast<unsigned long long>(sBreach);
    }
}

// Paths of scenarios 0 .. count-1 (only when asked).
__global__ void pathKernel(KernelParams kp, ScenarioInputs in, std::uint32_t count, float* value, float* cost)
{
    const std::uint32_t k = blockIdx.x * blockDim.x + threadIdx.x;
    if (k >= count)
        return;
    const std::size_t stride = static_cast<std::size_t>(kp.horizon_days) + 1;
    simulateScenario(kp, in, k, value + k * stride, cost + k * stride);
}

// Per-block sums of x[0 .. n) in double (the expected shortfall's tail).
__global__ void __launch_bounds__(kBlock) sumKernel(const float* x, std::uint64_t n, double* partial)
{
    __shared__ double shared[kBlock];
    const std::uint64_t i = static_cast<std::uint64_t>(blockIdx.x) * kBlock + threadIdx.x;
    const double total = blockSum(i < n ? static_cast<double>(x[i]) : 0.0, shared);
    if (threadIdx.x == 0)
        partial[blockIdx.x] = total;
}

// Histogram of a sorted array: bin boundaries by binary search, one thread
// per boundary (SummaryMath.h, the same function the CPU backend uses).
__global__ void boundaryKernel(
    const float* sorted, std::uint64_t n, double lo, double hi, std::uint32_t bins, unsigned long long* boundaries)
{
    const std::uint32_t b = blockIdx.x * blockDim.x + threadIdx.x;
    if (b > bins)
        return;
    boundaries[b] = histogramBoundary(sorted, n, static_cast<std::int64_t>(b), lo, hi, bins);
}

// ---- Host side

struct DeviceInfo {
    bool usable = false;
    std::string error;
    std::string name;
};

// The CUDA context is created once per process, here, the first time a CUDA
// engine is made (function-local static: thread-safe, once).
const DeviceInfo& deviceInfo()
{
    static const DeviceInfo info = [] {
        DeviceInfo d;
        int count = 0;
        cudaError_t e = cudaGetDeviceCount(&count);
        if (e != cudaSuccess || count == 0) {
            d.error = e != cudaSuccess ? std::string("no usable CUDA driver or device: ") + cudaGetErrorString(e)
                                       : std::string("no CUDA device found");
            cudaGetLastError(); // clear the sticky error state
            return d;
        }
        cudaDeviceProp prop {};
        if ((e = cudaSetDevice(0)) != cudaSuccess || (e = cudaFree(nullptr)) != cudaSuccess
            || (e = cudaGetDeviceProperties(&prop, 0)) != cudaSuccess) {
            d.error = std::string("CUDA device 0 could not be initialised: ") + cudaGetErrorString(e);
            cudaGetLastError();
            return d;
        }
        d.usable = true;
        d.name = std::string(prop.name) + " (sm_" + std::to_string(prop.major) + std::to_string(prop.minor) + ", "
            + std::to_string(prop.multiProcessorCount) + " SMs)";
        return d;
    }();
    return info;
}

// A grow-only device allocation, kept between runs of one engine.
template <class T>
class DeviceArray {
public:
    DeviceArray() = default;
    DeviceArray(const DeviceArray&) = delete;
    DeviceArray& operator=(const DeviceArray&) = delete;
    ~DeviceArray()
    {
        if (m_ptr)
            cudaFree(m_ptr);
    }

    cudaError_t reserve(std::size_t count)
    {
        if (count <= m_capacity)
            return cudaSuccess;
        if (m_ptr)
            cudaFree(m_ptr);
        m_ptr = nullptr;
        m_capacity = 0;
        const cudaError_t e = cudaMalloc(reinterpret_cast<void**>(&m_ptr), std::max<std::size_t>(count, 1) * sizeof(T));
        if (e == cudaSuccess)
            m_capacity = count;
        return e;
    }
    T* get() const { return m_ptr; }

private:
    T* m_ptr = nullptr;
    std::size_t m_capacity = 0;
};

class CudaEngine final : public ScenarioEngine {
public:
    ~CudaEngine() override
    {
        if (m_stream)
            cudaStreamDestroy(m_stream);
    }

    std::string_view name() const override { return "cuda"; }
    std::string device() const override { return "cuda " + deviceInfo().name; }
    Expected<ScenarioResult> run(const ScenarioParams& params, const RunOptions& options) override;

private:
    Expected<ScenarioResult> runLocked(const ScenarioParams& params, const RunOptions& options);

    std::mutex m_mutex; // one run at a time per engine: the buffers are shared
    cudaStream_t m_stream = nullptr;
    DeviceArray<float> m_net;
    DeviceArray<float> m_cost;
    DeviceArray<float> m_value;
    DeviceArray<float> m_sorted;
    DeviceArray<BlockSums> m_sums;
    DeviceArray<double> m_partial;
    DeviceArray<unsigned long long> m_boundaries;
    DeviceArray<unsigned char> m_sortTemp;
    DeviceArray<float> m_inCostMean;
    DeviceArray<float> m_inCostSd;
    DeviceArray<std::uint32_t> m_inFailure;
    DeviceArray<float> m_pathValue;
    DeviceArray<float> m_pathCost;
};

Error deviceError(const char* what, cudaError_t e)
{
    cudaGetLastError();
    return Error { Error::Code::DeviceError, std::string("cuda: ") + what + " failed: " + cudaGetErrorString(e) };
}

#define CABINET_CUDA_TRY(call)                                                                                         \
    do {                                                                                                               \
        const cudaError_t cabinet_e_ = (call);                                                                         \
        if (cabinet_e_ != cudaSuccess)                                                                                 \
            return deviceError(#call, cabinet_e_);                                                                     \
    } while (0)

Expected<ScenarioResult> CudaEngine::run(const ScenarioParams& params, const RunOptions& options)
{
    if (auto e = validate(params))
        return Error { Error::Code::InvalidParameters, *e };
    if (auto e = validate(options, params))
        return Error { Error::Code::InvalidOptions, *e };
    const DeviceInfo& info = deviceInfo();
    if (!info.usable)
        return Error { Error::Code::BackendUnavailable, "cuda backend unavailable: " + info.error };
    std::lock_guard<std::mutex> lock(m_mutex);
    try {
        return runLocked(params, options);
    } catch (const std::bad_alloc&) {
        if (m_stream)
            cudaStreamSynchronize(m_stream);
        return Error { Error::Code::OutOfMemory,
            "not enough host memory for " + std::to_string(params.scenarios) + " scenarios" };
    } catch (...) {
        // Only the caller's progress callback throws anything else.
        if (m_stream)
            cudaStreamSynchronize(m_stream);
        return Error { Error::Code::Cancelled, "scenario run stopped: the progress callback threw an exception" };
    }
}

Expected<ScenarioResult> CudaEngine::runLocked(const ScenarioParams& params, const RunOptions& options)
{
    const auto t0 = std::chrono::steady_clock::now();
    if (!m_stream)
        CABINET_CUDA_TRY(cudaStreamCreateWithFlags(&m_stream, cudaStreamNonBlocking));
    cudaStream_t stream = m_stream;

    const KernelParams kp = detail::makeKernelParams(params);
    const detail::PreparedInputs host(params);
    const std::uint32_t n = params.scenarios;
    const std::uint32_t blocks = (n + kBlock - 1) / kBlock;

    // Per-scenario inputs on the device.
    ScenarioInputs in;
    if (host.view.cost_log_mean) {
        CABINET_CUDA_TRY(m_inCostMean.reserve(n));
        CABINET_CUDA_TRY(cudaMemcpyAsync(m_inCostMean.get(), host.view.cost_log_mean, n * sizeof(float),
            cudaMemcpyHostToDevice, stream));
        in.cost_log_mean = m_inCostMean.get();
    }
    if (host.view.cost_log_sd) {
        CABINET_CUDA_TRY(m_inCostSd.reserve(n));
        CABINET_CUDA_TRY(cudaMemcpyAsync(
            m_inCostSd.get(), host.view.cost_log_sd, n * sizeof(float), cudaMemcpyHostToDevice, stream));
        in.cost_log_sd = m_inCostSd.get();
    }
    if (host.view.failure_threshold) {
        CABINET_CUDA_TRY(m_inFailure.reserve(n));
        CABINET_CUDA_TRY(cudaMemcpyAsync(m_inFailure.get(), host.view.failure_threshold, n * sizeof(std::uint32_t),
            cudaMemcpyHostToDevice, stream));
        in.failure_threshold = m_inFailure.get();
    }

    CABINET_CUDA_TRY(m_net.reserve(n));
    CABINET_CUDA_TRY(m_cost.reserve(n));
    CABINET_CUDA_TRY(m_value.reserve(n));
    CABINET_CUDA_TRY(m_sorted.reserve(n));
    CABINET_CUDA_TRY(m_sums.reserve(blocks));
    std::size_t sortBytes = 0;
    CABINET_CUDA_TRY(cub::DeviceRadixSort::SortKeys(
        nullptr, sortBytes, m_net.get(), m_sorted.get(), static_cast<int>(n), 0, 32, stream));
    CABINET_CUDA_TRY(m_sortTemp.reserve(sortBytes));

    // ---- Simulation, in slices so progress and cancellation are seen.
    const double shift = detail::varianceShift(kp, host.view);
    for (std::uint32_t first = 0; first < n; first += kSliceScenarios) {
        if (options.cancel && options.cancel->load(std::memory_order_relaxed)) {
            cudaStreamSynchronize(stream);
            return Error { Error::Code::Cancelled, "scenario run cancelled" };
        }
        const std::uint32_t count = std::min(kSliceScenarios, n - first);
        const std::uint32_t sliceBlocks = (count + kBlock - 1) / kBlock;
        simulateKernel<<<sliceBlocks, kBlock, 0, stream>>>(
            kp, in, first, count, shift, m_net.get(), m_cost.get(), m_value.get(), m_sums.get());
        CABINET_CUDA_TRY(cudaGetLastError());
        CABINET_CUDA_TRY(cudaStreamSynchronize(stream));
        if (options.progress && first + count < n)
            options.progress(static_cast<double>(first + count) / n);
    }
    if (options.progress)
        options.progress(1.0);

    ScenarioResult r;
    r.backend = "cuda";
    r.device = "cuda " + deviceInfo().name;
    r.scenarios = n;
    r.horizon_days = params.horizon_days;
    r.simulate_ms = detail::millisecondsSince(t0);

    // ---- Moments: block sums, added on the host in block order.
    std::vector<BlockSums> sums(blocks);
    CABINET_CUDA_TRY(
        cudaMemcpyAsync(sums.data(), m_sums.get(), blocks * sizeof(BlockSums), cudaMemcpyDeviceToHost, stream));
    CABINET_CUDA_TRY(cudaStreamSynchronize(stream));
    detail::Moments m;
    for (const BlockSums& s : sums) {
        m.sum_shifted_net += s.shifted_net;
        m.sum_shifted_net_sq += s.shifted_net_sq;
        m.sum_cost += s.cost;
        m.sum_value += s.value;
        m.losses += s.losses;
        m.breaches += s.breaches;
    }
    detail::applyMoments(m, shift, n, r);

    const auto element = [&](const float* sorted, std::uint64_t i, float& out) -> cudaError_t {
        return cudaMemcpy(&out, sorted + i, sizeof(float), cudaMemcpyDeviceToHost);
    };
    const auto percentile = [&](const float* sorted, double q, double& out) -> cudaError_t {
        const PercentileIndex at = percentileIndex(n, q);
        float lo = 0.0f;
        float hi = 0.0f;
        cudaError_t e = element(sorted, at.lo, lo);
        if (e == cudaSuccess)
            e = element(sorted, at.hi, hi);
        out = interpolate(lo, hi, at.fraction);
        return e;
    };

    // ---- Net: sorted once for percentiles, expected shortfall, histogram.
    CABINET_CUDA_TRY(cub::DeviceRadixSort::SortKeys(
        m_sortTemp.get(), sortBytes, m_net.get(), m_sorted.get(), static_cast<int>(n), 0, 32, stream));
    CABINET_CUDA_TRY(cudaStreamSynchronize(stream));
    const float* sorted = m_sorted.get();
    CABINET_CUDA_TRY(percentile(sorted, 0.05, r.p5));
    CABINET_CUDA_TRY(percentile(sorted, 0.50, r.p50));
    CABINET_CUDA_TRY(percentile(sorted, 0.95, r.p95));
    float lowest = 0.0f;
    float highest = 0.0f;
    CABINET_CUDA_TRY(element(sorted, 0, lowest));
    CABINET_CUDA_TRY(element(sorted, n - 1, highest));
    r.min = lowest;
    r.max = highest;

    const std::uint64_t tail = tailCount95(n);
    const std::uint32_t tailBlocks = static_cast<std::uint32_t>((tail + kBlock - 1) / kBlock);
    CABINET_CUDA_TRY(m_partial.reserve(tailBlocks));
    sumKernel<<<tailBlocks, kBlock, 0, stream>>>(sorted, tail, m_partial.get());
    CABINET_CUDA_TRY(cudaGetLastError());
    std::vector<double> partial(tailBlocks);
    CABINET_CUDA_TRY(cudaMemcpyAsync(
        partial.data(), m_partial.get(), tailBlocks * sizeof(double), cudaMemcpyDeviceToHost, stream));
    CABINET_CUDA_TRY(cudaStreamSynchronize(stream));
    double tailSum = 0.0;
    for (const double p : partial)
        tailSum += p;
    r.expected_shortfall_95 = tailSum / static_cast<double>(tail);

    const double lo = options.histogram_min.value_or(r.min);
    const double hi = options.histogram_max.value_or(r.max);
    const std::uint32_t bins = options.histogram_bins;
    CABINET_CUDA_TRY(m_boundaries.reserve(bins + 1));
    boundaryKernel<<<(bins + 1 + 127) / 128, 128, 0, stream>>>(sorted, n, lo, hi, bins, m_boundaries.get());
    CABINET_CUDA_TRY(cudaGetLastError());
    std::vector<unsigned long long> bounds(bins + 1);
    CABINET_CUDA_TRY(cudaMemcpyAsync(bounds.data(), m_boundaries.get(), (bins + 1) * sizeof(unsigned long long),
        cudaMemcpyDeviceToHost, stream));
    CABINET_CUDA_TRY(cudaStreamSynchronize(stream));
    detail::histogramFromBoundaries(std::vector<std::uint64_t>(bounds.begin(), bounds.end()), n, lo, hi, r);

    // ---- Total cost percentiles (the same buffer, sorted again).
    CABINET_CUDA_TRY(cub::DeviceRadixSort::SortKeys(
        m_sortTemp.get(), sortBytes, m_cost.get(), m_sorted.get(), static_cast<int>(n), 0, 32, stream));
    CABINET_CUDA_TRY(cudaStreamSynchronize(stream));
    CABINET_CUDA_TRY(percentile(sorted, 0.05, r.cost_p5));
    CABINET_CUDA_TRY(percentile(sorted, 0.50, r.cost_p50));
    CABINET_CUDA_TRY(percentile(sorted, 0.95, r.cost_p95));

    // ---- Paths, only when asked.
    if (options.sample_paths > 0) {
        const std::uint32_t k = options.sample_paths;
        const std::size_t stride = static_cast<std::size_t>(params.horizon_days) + 1;
        CABINET_CUDA_TRY(m_pathValue.reserve(k * stride));
        CABINET_CUDA_TRY(m_pathCost.reserve(k * stride));
        pathKernel<<<(k + 63) / 64, 64, 0, stream>>>(kp, in, k, m_pathValue.get(), m_pathCost.get());
        CABINET_CUDA_TRY(cudaGetLastError());
        std::vector<float> value(k * stride);
        std::vector<float> cost(k * stride);
        CABINET_CUDA_TRY(cudaMemcpyAsync(
            value.data(), m_pathValue.get(), value.size() * sizeof(float), cudaMemcpyDeviceToHost, stream));
        CABINET_CUDA_TRY(cudaMemcpyAsync(
            cost.data(), m_pathCost.get(), cost.size() * sizeof(float), cudaMemcpyDeviceToHost, stream));
        CABINET_CUDA_TRY(cudaStreamSynchronize(stream));
        r.sample_paths.resize(k);
        for (std::uint32_t i = 0; i < k; ++i) {
            r.sample_paths[i].scenario = i;
            r.sample_paths[i].value.assign(value.begin() + i * stride, value.begin() + (i + 1) * stride);
            r.sample_paths[i].cumulative_cost.assign(cost.begin() + i * stride, cost.begin() + (i + 1) * stride);
        }
    }

    if (options.keep_outcomes) {
        std::vector<float> net(n);
        std::vector<float> cost(n);
        std::vector<float> value(n);
        CABINET_CUDA_TRY(
            cudaMemcpyAsync(net.data(), m_net.get(), n * sizeof(float), cudaMemcpyDeviceToHost, stream));
        CABINET_CUDA_TRY(
            cudaMemcpyAsync(cost.data(), m_cost.get(), n * sizeof(float), cudaMemcpyDeviceToHost, stream));
        CABINET_CUDA_TRY(
            cudaMemcpyAsync(value.data(), m_value.get(), n * sizeof(float), cudaMemcpyDeviceToHost, stream));
        CABINET_CUDA_TRY(cudaStreamSynchronize(stream));
        r.outcomes.resize(n);
        for (std::uint32_t i = 0; i < n; ++i)
            r.outcomes[i] = detail::makeOutcome(i, KernelOutcome { value[i], cost[i], net[i] }, kp);
    }

    r.elapsed_ms = detail::millisecondsSince(t0);
    return r;
}

} // namespace

int deviceCount()
{
    // Cached: the answer does not change during a run of the program, and the
    // first call may load the driver.
    static const int count = [] {
        int c = 0;
        if (cudaGetDeviceCount(&c) != cudaSuccess) {
            cudaGetLastError();
            return 0;
        }
        return c;
    }();
    return count;
}

Expected<std::unique_ptr<ScenarioEngine>> makeCudaEngine()
{
    const DeviceInfo& info = deviceInfo();
    if (!info.usable)
        return Error { Error::Code::BackendUnavailable, "cuda backend unavailable: " + info.error };
    return std::unique_ptr<ScenarioEngine>(std::make_unique<CudaEngine>());
}

} // namespace cabinet::gpu::cuda

#include "CpuEngine.h"

#include "../EngineSupport.h"
#include "CpuBatchKernel.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <new>
#include <stdexcept>
#include <system_error>
#include <thread>
#include <vector>

namespace cabinet::gpu::cpu {

namespace {

// Scenarios per unit of work: small enough for even load across threads and
// frequent progress / cancellation checks (about 0.5 ms at 365 days), large
// enough that taking one costs nothing. A multiple of every kernel's batch.
constexpr std::uint32_t kChunkScenarios = 256;

unsigned threadsFor(const RunOptions& options, std::uint32_t chunks)
{
    unsigned threads = options.cpu_threads;
    if (threads == 0)
        threads = std::max(1u, std::thread::hardware_concurrency());
    return std::min<unsigned>(threads, std::max<std::uint32_t>(chunks, 1));
}

} // namespace

std::string CpuEngine::device() const
{
    const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    return "cpu " + std::string(selectBatchKernel().isa) + ", " + std::to_string(threads) + " threads";
}

Expected<ScenarioResult> CpuEngine::run(const ScenarioParams& params, const RunOptions& options)
{
    try {
        return runUnguarded(params, options);
    } catch (const std::bad_alloc&) {
        return Error { Error::Code::OutOfMemory,
            "not enough memory for " + std::to_string(params.scenarios) + " scenarios (about 32 bytes each)" };
    }
}

Expected<ScenarioResult> CpuEngine::runUnguarded(const ScenarioParams& params, const RunOptions& options)
{
    const auto t0 = std::chrono::steady_clock::now();
    if (auto e = validate(params))
        return Error { Error::Code::InvalidParameters, *e };
    if (auto e = validate(options, params))
        return Error { Error::Code::InvalidOptions, *e };

    const KernelParams kp = detail::makeKernelParams(params);
    const detail::PreparedInputs inputs(params);
    const BatchKernel kernel = selectBatchKernel();
    const std::uint32_t n = params.scenarios;
    const std::uint32_t chunks = (n + kChunkScenarios - 1) / kChunkScenarios;
    const unsigned threads = threadsFor(options, chunks);

    std::vector<float> net(n);
    std::vector<float> cost(n);
    std::vector<float> value(n);

    std::atomic<std::uint32_t> nextChunk { 0 };
    std::atomic<std::uint32_t> doneScenarios { 0 };
    std::atomic<bool> cancelled { false };
    std::atomic<bool> stop { false };
    bool callbackThrew = false; // written by the calling thread only

    const auto work = [&](bool reportsProgress) {
        double reported = 0.0;
        for (;;) {
            if (stop.load(std::memory_order_relaxed)
                || (options.cancel && options.cancel->load(std::memory_order_relaxed))) {
                cancelled.store(true, std::memory_order_relaxed);
                return;
            }
            const std::uint32_t chunk = nextChunk.fetch_add(1, std::memory_order_relaxed);
            if (chunk >= chunks)
                return;
            const std::uint32_t first = chunk * kChunkScenarios;
            const std::uint32_t count = std::min(kChunkScenarios, n - first);
            kernel.fn(kp, inputs.view, first, count, net.data() + first, cost.data() + first, value.data() + first);
            const std::uint32_t done = doneScenarios.fetch_add(count, std::memory_order_relaxed) + count;
            if (reportsProgress && options.progress) {
                const double fraction = static_cast<double>(done) / n;
                if (fraction >= reported + 0.01 && fraction < 1.0) {
                    reported = fraction;
                    try {
                        options.progress(fraction);
                    } catch (...) {
                        // Stop the helpers too; they must be joined before returning.
                        callbackThrew = true;
                        cancelled.store(true, std::memory_order_relaxed);
                        stop.store(true, std::memory_order_relaxed);
                        return;
                    }
                }
            }
        }
    };

    std::vector<std::thread> helpers;
    helpers.reserve(threads - 1);
    for (unsigned i = 1; i < threads; ++i) {
        try {
            helpers.emplace_back(work, false);
        } catch (const std::system_error&) {
            break; // fewer threads than asked; the work is shared by those that started
        }
    }
    work(true);
    for (std::thread& t : helpers)
        t.join();

    if (callbackThrew)
        return Error { Error::Code::Cancelled, "scenario run stopped: the progress callback threw an exception" };
    if (cancelled.load())
        return Error { Error::Code::Cancelled, "scenario run cancelled" };
    if (options.progress) {
        try {
            options.progress(1.0);
        } catch (...) {
            return Error { Error::Code::Cancelled, "scenario run stopped: the progress callback threw an exception" };
        }
    }

    ScenarioResult r;
    r.backend = "cpu";
    r.device = "cpu " + std::string(kernel.isa) + ", " + std::to_string(helpers.size() + 1)
        + (helpers.empty() ? " thread" : " threads");
    r.scenarios = n;
    r.horizon_days = params.horizon_days;
    r.simulate_ms = detail::millisecondsSince(t0);

    const double shift = detail::varianceShift(kp, inputs.view);
    detail::summarizeOnHost(net.data(), cost.data(), value.data(), n, kp, options, shift, r);
    r.sample_paths = detail::samplePathsOnHost(kp, inputs.view, options.sample_paths);
    if (options.keep_outcomes) {
        r.outcomes.resize(n);
        for (std::uint32_t i = 0; i < n; ++i)
            r.outcomes[i] = detail::makeOutcome(i, KernelOutcome { value[i], cost[i], net[i] }, kp);
    }
    r.elapsed_ms = detail::millisecondsSince(t0);
    return r;
}

} // namespace cabinet::gpu::cpu

#pragma once
// Entry points of the CPU batch kernel, one per instruction set
// (CpuBatchKernel.inc), and the choice among them.

#include "../ScenarioKernel.h"

#include <cstdint>
#include <string_view>

namespace cabinet::gpu::cpu {

// Simulates scenarios first .. first+count-1 and writes their net, total cost
// and final value to the outputs (indexed from 0 = scenario `first`).
using BatchKernelFn = void (*)(const KernelParams& kp, const ScenarioInputs& in, std::uint32_t first,
    std::uint32_t count, float* netOut, float* costOut, float* valueOut);

// The batch Philox generator of the same translation unit, exposed so tests
// can compare it word for word with Random123: words[i][j] is word i of lane j
// for key {scenario[j], seedLo} and counter {day, draw, seedHi, stream},
// j < kPhiloxTestLanes.
inline constexpr unsigned kPhiloxTestLanes = 32;
using BatchPhiloxFn = void (*)(const std::uint32_t* scenario, std::uint32_t seedLo, std::uint32_t day,
    std::uint32_t draw, std::uint32_t seedHi, std::uint32_t stream, std::uint32_t (*words)[kPhiloxTestLanes]);

#define CABINET_CPU_DECLARE_KERNEL(suffix)                                                                             \
    void simulateBatch##suffix(                                                                                        \
        const KernelParams&, const ScenarioInputs&, std::uint32_t, std::uint32_t, float*, float*, float*);             \
    void philoxBatch##suffix(const std::uint32_t*, std::uint32_t, std::uint32_t, std::uint32_t, std::uint32_t,         \
        std::uint32_t, std::uint32_t (*)[kPhiloxTestLanes]);

CABINET_CPU_DECLARE_KERNEL(Generic)
#if defined(CABINET_CPU_HAVE_AVX2)
CABINET_CPU_DECLARE_KERNEL(Avx2)
#endif
#if defined(CABINET_CPU_HAVE_AVX512)
CABINET_CPU_DECLARE_KERNEL(Avx512)
#endif

struct BatchKernel {
    BatchKernelFn fn;
    BatchPhiloxFn philox;
    std::string_view isa; // "generic", "avx2" or "avx512"
};

// The widest kernel this processor runs. The environment variable
// CABINET_CPU_ISA (generic | avx2 | avx512) asks for a narrower one, for
// benchmarks and tests; a request the processor can't honour is ignored.
BatchKernel selectBatchKernel();

// A specific kernel, if it was built and the processor supports it.
bool batchKernelFor(std::string_view isa, BatchKernel& out);

} // namespace cabinet::gpu::cpu

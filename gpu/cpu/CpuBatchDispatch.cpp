#include "CpuBatchKernel.h"

#include <cstdlib>
#include <string>

namespace cabinet::gpu::cpu {

namespace {

bool processorRuns(std::string_view isa)
{
    if (isa == "generic")
        return true;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    __builtin_cpu_init();
    // The kernels are built with -march=x86-64-v3 / -march=x86-64-v4, so every
    // feature of those levels that the compiler may use must be present.
    const bool v3 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")
        && __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("popcnt")
        && __builtin_cpu_supports("sse4.2") && __builtin_cpu_supports("avx");
    if (isa == "avx2")
        return v3;
    if (isa == "avx512")
        return v3 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw")
            && __builtin_cpu_supports("avx512cd") && __builtin_cpu_supports("avx512dq")
            && __builtin_cpu_supports("avx512vl");
#endif
    return false;
}

} // namespace

bool batchKernelFor(std::string_view isa, BatchKernel& out)
{
    if (!processorRuns(isa))
        return false;
    if (isa == "generic") {
        out = { &simulateBatchGeneric, &philoxBatchGeneric, "generic" };
        return true;
    }
#if defined(CABINET_CPU_HAVE_AVX2)
    if (isa == "avx2") {
        out = { &simulateBatchAvx2, &philoxBatchAvx2, "avx2" };
        return true;
    }
#endif
#if defined(CABINET_CPU_HAVE_AVX512)
    if (isa == "avx512") {
        out = { &simulateBatchAvx512, &philoxBatchAvx512, "avx512" };
        return true;
    }
#endif
    return false;
}

BatchKernel selectBatchKernel()
{
    BatchKernel k { &simulateBatchGeneric, &philoxBatchGeneric, "generic" };
    if (const char* wanted = std::getenv("CABINET_CPU_ISA"); wanted && *wanted) {
        if (batchKernelFor(wanted, k))
            return k;
    }
    for (const char* isa : { "avx512", "avx2" }) {
        if (batchKernelFor(isa, k))
            return k;
    }
    return BatchKernel { &simulateBatchGeneric, &philoxBatchGeneric, "generic" };
}

} // namespace cabinet::gpu::cpu

#pragma once
// Macros that let one function body compile for the host (g++/clang++) and for
// the device (nvcc), so the CPU and CUDA backends share the scenario step.

#if defined(__CUDACC__)
#define CABINET_HD __host__ __device__
#define CABINET_FORCEINLINE __forceinline__
#else
#define CABINET_HD
#if defined(__GNUC__) || defined(__clang__)
#define CABINET_FORCEINLINE inline __attribute__((always_inline))
#else
#define CABINET_FORCEINLINE inline
#endif
#endif

// Kernel helpers have internal linkage on purpose: the CPU backend compiles
// the same header in several translation units with different instruction
// sets (generic, AVX2, AVX-512). With external linkage the linker could pick
// the AVX-512 copy of a non-inlined helper for the generic path (an ODR trap).
#define CABINET_KERNEL_FN static CABINET_FORCEINLINE CABINET_HD

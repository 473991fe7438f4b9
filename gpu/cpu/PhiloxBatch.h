#pragma once
// Philox4x32-10 for a batch of kBatchLanes scenarios at once, for the CPU backend.
//
// Computes exactly Random123's philox4x32_R(10, counter, key) with
//   key     = { scenario[j], seedLo }
//   counter = { day, draw, seedHi, stream }      (same for every lane)
// for j = 0 .. kBatchLanes-1. tests/gpu/tst_gpu_random.cpp checks it word for
// word against Random123 on every instruction set the machine has.
//
// Why not just call Random123 in a loop: g++ vectorises that loop, but builds
// the 32x32->64 bit products with many shuffles; written with intrinsics the
// even/odd products are blended back directly, which halves the cost of the
// generator (the dominant cost of a scenario step). Two more savings come from
// the counter being the same in every lane: the first round and half of the
// second are computed once as scalars.
//
// This header is compiled with different -m flags in different translation
// units (see CpuBatchKernel.inc); every function here has internal linkage.

#include "../HostDevice.h"

#include <Random123/philox.h>

#include <cstdint>

#if defined(__AVX512F__) || defined(__AVX2__)
#include <immintrin.h>
#endif

namespace cabinet::gpu::cpu {
// Unnamed: each instruction-set translation unit gets its own kBatchLanes
// and types (no ODR clash between them).
namespace {

// Lanes per batch: two 16-lane vectors with AVX-512, so the out-of-order core
// always has two independent dependency chains (the generator and the
// logarithm/sqrt/divide chain of Box-Muller are long); 16 otherwise (AVX2
// processes two 8-lane halves).
#if defined(__AVX512F__)
#if defined(CABINET_CPU_AVX512_LANES) // 16 or 32; for experiments
constexpr unsigned kBatchLanes = CABINET_CPU_AVX512_LANES;
#else
constexpr unsigned kBatchLanes = 32;
#endif
#else
constexpr unsigned kBatchLanes = 16;
#endif

struct alignas(64) PhiloxBatchWords {
    std::uint32_t w[4][kBatchLanes];
};

namespace philox_detail {
inline constexpr std::uint32_t kM0 = PHILOX_M4x32_0;
inline constexpr std::uint32_t kM1 = PHILOX_M4x32_1;
inline constexpr std::uint32_t kW0 = PHILOX_W32_0;
inline constexpr std::uint32_t kW1 = PHILOX_W32_1;

static CABINET_FORCEINLINE void mulhilo(std::uint32_t a, std::uint32_t b, std::uint32_t& hi, std::uint32_t& lo)
{
    const std::uint64_t p = static_cast<std::uint64_t>(a) * b;
    hi = static_cast<std::uint32_t>(p >> 32);
    lo = static_cast<std::uint32_t>(p);
}

// The lane-independent start: round 1 whole, and the c2 half of round 2.
// After it, the state is c0 = x0 ^ scenario-key-bump (per lane), c1 = s1,
// c2 = per lane, c3 = per lane, as produced by finishRoundTwo below.
struct UniformStart {
    std::uint32_t c0_xor; // round-1 c0 before the per-lane key xor: hi1 ^ draw
    std::uint32_t c1; // round-1 c1 (uniform)
    std::uint32_t c2; // round-1 c2 (uniform)
    std::uint32_t c3; // round-1 c3 (uniform)
    std::uint32_t r2_hi1; // round-2 product of M1 and the uniform c2
    std::uint32_t r2_lo1;
    std::uint32_t k1_round2; // seedLo bumped once
};

static CABINET_FORCEINLINE UniformStart uniformStart(
    std::uint32_t seedLo, std::uint32_t day, std::uint32_t draw, std::uint32_t seedHi, std::uint32_t stream)
{
    UniformStart u;
    std::uint32_t hi0;
    std::uint32_t lo0;
    std::uint32_t hi1;
    std::uint32_t lo1;
    // Round 1: ctr = {day, draw, seedHi, stream}, key = {k0, seedLo}.
    mulhilo(kM0, day, hi0, lo0);
    mulhilo(kM1, seedHi, hi1, lo1);
    u.c0_xor = hi1 ^ draw; // ^ k0 per lane
    u.c1 = lo1;
    u.c2 = hi0 ^ stream ^ seedLo;
    u.c3 = lo0;
    // Round 2, the half that only depends on c2.
    mulhilo(kM1, u.c2, u.r2_hi1, u.r2_lo1);
    u.k1_round2 = seedLo + kW1;
    return u;
}
} // namespace philox_detail

#if defined(__AVX512F__)

// g++ 12's unmasked _mm512_mul_epu32 / _mm512_srli_epi64 start from
// _mm512_undefined_epi32(), which trips -Wuninitialized once inlined; the
// zero-masked forms with every lane enabled compile to the same instructions.
static CABINET_FORCEINLINE __m512i philoxShiftRight32(__m512i a)
{
    return _mm512_maskz_srli_epi64(static_cast<__mmask8>(0xff), a, 32);
}

static CABINET_FORCEINLINE void philoxMulhilo(__m512i a, __m512i m, __m512i& hi, __m512i& lo)
{
    const __m512i even = _mm512_maskz_mul_epu32(static_cast<__mmask8>(0xff), a, m);
    const __m512i odd = _mm512_maskz_mul_epu32(static_cast<__mmask8>(0xff), philoxShiftRight32(a), m);
    hi = _mm512_mask_blend_epi32(0xAAAA, philoxShiftRight32(even), odd);
    lo = _mm512_mask_blend_epi32(0xAAAA, even, _mm512_maskz_slli_epi64(static_cast<__mmask8>(0xff), odd, 32));
}

static CABINET_FORCEINLINE void philoxBatch(const std::uint32_t* scenario, std::uint32_t seedLo, std::uint32_t day,
    std::uint32_t draw, std::uint32_t seedHi, std::uint32_t stream, PhiloxBatchWords& out)
{
    using namespace philox_detail;
    constexpr int kVectors = kBatchLanes / 16;
    const UniformStart u = uniformStart(seedLo, day, draw, seedHi, stream);
    const __m512i m0 = _mm512_set1_epi32(static_cast<int>(kM0));
    const __m512i m1 = _mm512_set1_epi32(static_cast<int>(kM1));
    const __m512i w0 = _mm512_set1_epi32(static_cast<int>(kW0));
    std::uint32_t k1 = u.k1_round2;
    __m512i k0[kVectors];
    __m512i c0[kVectors];
    __m512i c1[kVectors];
    __m512i c2[kVectors];
    __m512i c3[kVectors];
    for (int v = 0; v < kVectors; ++v) {
        k0[v] = _mm512_loadu_si512(scenario + 16 * v);
        // Round 1 (per-lane part), then round 2 with the key bumped once.
        c0[v] = _mm512_xor_si512(_mm512_set1_epi32(static_cast<int>(u.c0_xor)), k0[v]);
        k0[v] = _mm512_add_epi32(k0[v], w0);
        __m512i hi0;
        __m512i lo0;
        philoxMulhilo(c0[v], m0, hi0, lo0);
        c0[v] = _mm512_xor_si512(_mm512_set1_epi32(static_cast<int>(u.r2_hi1 ^ u.c1)), k0[v]);
        c1[v] = _mm512_set1_epi32(static_cast<int>(u.r2_lo1));
        c2[v] = _mm512_xor_si512(hi0, _mm512_set1_epi32(static_cast<int>(u.c3 ^ k1)));
        c3[v] = lo0;
    }
    // Rounds 3..10.
    for (int round = 3; round <= 10; ++round) {
        k1 += kW1;
        const __m512i k1v = _mm512_set1_epi32(static_cast<int>(k1));
        for (int v = 0; v < kVectors; ++v) {
            k0[v] = _mm512_add_epi32(k0[v], w0);
            __m512i hi0;
            __m512i lo0;
            __m512i hi1;
            __m512i lo1;
            philoxMulhilo(c0[v], m0, hi0, lo0);
            philoxMulhilo(c2[v], m1, hi1, lo1);
            c0[v] = _mm512_ternarylogic_epi32(hi1, c1[v], k0[v], 0x96); // three-way xor
            c2[v] = _mm512_ternarylogic_epi32(hi0, c3[v], k1v, 0x96);
            c1[v] = lo1;
            c3[v] = lo0;
        }
    }
    for (int v = 0; v < kVectors; ++v) {
        _mm512_store_si512(out.w[0] + 16 * v, c0[v]);
        _mm512_store_si512(out.w[1] + 16 * v, c1[v]);
        _mm512_store_si512(out.w[2] + 16 * v, c2[v]);
        _mm512_store_si512(out.w[3] + 16 * v, c3[v]);
    }
}

#elif defined(__AVX2__)

static CABINET_FORCEINLINE void philoxMulhilo(__m256i a, __m256i m, __m256i& hi, __m256i& lo)
{
    const __m256i even = _mm256_mul_epu32(a, m);
    const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(a, 32), m);
    hi = _mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA);
    lo = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xAA);
}

static CABINET_FORCEINLINE void philoxBatch(const std::uint32_t* scenario, std::uint32_t seedLo, std::uint32_t day,
    std::uint32_t draw, std::uint32_t seedHi, std::uint32_t stream, PhiloxBatchWords& out)
{
    using namespace philox_detail;
    constexpr int kHalves = kBatchLanes / 8;
    const UniformStart u = uniformStart(seedLo, day, draw, seedHi, stream);
    const __m256i m0 = _mm256_set1_epi32(static_cast<int>(kM0));
    const __m256i m1 = _mm256_set1_epi32(static_cast<int>(kM1));
    const __m256i w0 = _mm256_set1_epi32(static_cast<int>(kW0));
    // Independent groups of 8 lanes, interleaved for instruction-level parallelism.
    std::uint32_t k1 = u.k1_round2;
    __m256i k0[kHalves];
    __m256i c0[kHalves];
    __m256i c1[kHalves];
    __m256i c2[kHalves];
    __m256i c3[kHalves];
    for (int h = 0; h < kHalves; ++h) {
        k0[h] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(scenario + 8 * h));
        c0[h] = _mm256_xor_si256(_mm256_set1_epi32(static_cast<int>(u.c0_xor)), k0[h]);
        k0[h] = _mm256_add_epi32(k0[h], w0);
        __m256i hi0;
        __m256i lo0;
        philoxMulhilo(c0[h], m0, hi0, lo0);
        c0[h] = _mm256_xor_si256(_mm256_set1_epi32(static_cast<int>(u.r2_hi1 ^ u.c1)), k0[h]);
        c1[h] = _mm256_set1_epi32(static_cast<int>(u.r2_lo1));
        c2[h] = _mm256_xor_si256(hi0, _mm256_set1_epi32(static_cast<int>(u.c3 ^ k1)));
        c3[h] = lo0;
    }
    for (int round = 3; round <= 10; ++round) {
        k1 += kW1;
        const __m256i k1v = _mm256_set1_epi32(static_cast<int>(k1));
        for (int h = 0; h < kHalves; ++h) {
            k0[h] = _mm256_add_epi32(k0[h], w0);
            __m256i hi0;
            __m256i lo0;
            __m256i hi1;
            __m256i lo1;
            philoxMulhilo(c0[h], m0, hi0, lo0);
            philoxMulhilo(c2[h], m1, hi1, lo1);
            c0[h] = _mm256_xor_si256(_mm256_xor_si256(hi1, c1[h]), k0[h]);
            c2[h] = _mm256_xor_si256(_mm256_xor_si256(hi0, c3[h]), k1v);
            c1[h] = lo1;
            c3[h] = lo0;
        }
    }
    for (int h = 0; h < kHalves; ++h) {
        _mm256_store_si256(reinterpret_cast<__m256i*>(out.w[0] + 8 * h), c0[h]);
        _mm256_store_si256(reinterpret_cast<__m256i*>(out.w[1] + 8 * h), c1[h]);
        _mm256_store_si256(reinterpret_cast<__m256i*>(out.w[2] + 8 * h), c2[h]);
        _mm256_store_si256(reinterpret_cast<__m256i*>(out.w[3] + 8 * h), c3[h]);
    }
}

#else

// Portable: Random123 itself, in a loop the compiler vectorises.
static CABINET_FORCEINLINE void philoxBatch(const std::uint32_t* scenario, std::uint32_t seedLo, std::uint32_t day,
    std::uint32_t draw, std::uint32_t seedHi, std::uint32_t stream, PhiloxBatchWords& out)
{
    for (unsigned j = 0; j < kBatchLanes; ++j) {
        const philox4x32_ctr_t counter = { { day, draw, seedHi, stream } };
        const philox4x32_key_t key = { { scenario[j], seedLo } };
        const philox4x32_ctr_t r = philox4x32_R(10, counter, key);
        out.w[0][j] = r.v[0];
        out.w[1][j] = r.v[1];
        out.w[2][j] = r.v[2];
        out.w[3][j] = r.v[3];
    }
}

#endif

} // namespace
} // namespace cabinet::gpu::cpu

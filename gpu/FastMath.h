#pragma once
// Single-precision elementary functions written with IEEE basic operations only
// (+, -, *, /, sqrt, integer bit tricks, selects). No libm calls, no fused
// multiply-add: the CPU backend (any instruction set) and the CUDA backend
// execute exactly the same sequence of correctly rounded operations, so a
// scenario gives bit-identical numbers on both, provided the compilers do not
// contract a*b+c into an FMA (-ffp-contract=off for g++/clang++,
// --fmad=false for nvcc; gpu/CMakeLists.txt sets both).
//
// Accuracy (checked by tests/gpu/tst_gpu_random.cpp against libm):
//   logPositive: < 2 ulp for positive normal floats (musl/FreeBSD logf scheme)
//   expClamped:  < 2 ulp on [-87, 88]; arguments outside are clamped there
//   sinCos2Pi:   absolute error < 2e-7 for u in [0, 1) (Cephes sinf/cosf
//                polynomials on [-pi/4, pi/4] with exact quadrant reduction)

#include "HostDevice.h"

#include <cstdint>
#if !defined(__CUDA_ARCH__)
#include <cmath>
#include <cstring>
#endif

namespace cabinet::gpu::fm {

CABINET_KERNEL_FN std::uint32_t floatToBits(float f)
{
#if defined(__CUDA_ARCH__)
    return __float_as_uint(f);
#else
    std::uint32_t u;
    std::memcpy(&u, &f, sizeof u);
    return u;
#endif
}

CABINET_KERNEL_FN float bitsToFloat(std::uint32_t u)
{
#if defined(__CUDA_ARCH__)
    return __uint_as_float(u);
#else
    float f;
    std::memcpy(&f, &u, sizeof f);
    return f;
#endif
}

CABINET_KERNEL_FN float squareRoot(float x)
{
#if defined(__CUDA_ARCH__)
    return __fsqrt_rn(x); // IEEE round-to-nearest, whatever -prec-sqrt says
#else
    return std::sqrt(x); // sqrtss/sqrtps: correctly rounded
#endif
}

constexpr float kTwoPowMinus24 = 5.9604644775390625e-08f; // 2^-24

// Uniform in the open interval (0, 1): odd multiples of 2^-24, so never 0 or 1.
// Used where the logarithm of the value is taken.
CABINET_KERNEL_FN float uniformOpen(std::uint32_t w)
{
    const std::uint32_t odd = ((w >> 9) << 1) | 1u; // < 2^24, exact in float
    return static_cast<float>(static_cast<std::int32_t>(odd)) * kTwoPowMinus24;
}

// Uniform in [0, 1) on the grid k * 2^-24.
CABINET_KERNEL_FN float uniformHalfOpen(std::uint32_t w)
{
    return static_cast<float>(static_cast<std::int32_t>(w >> 8)) * kTwoPowMinus24;
}

// Natural logarithm of a positive normal float.
CABINET_KERNEL_FN float logPositive(float x)
{
    constexpr float ln2Hi = 6.9313812256e-01f;
    constexpr float ln2Lo = 9.0580006145e-06f;
    constexpr float lg1 = 0.66666662693f;
    constexpr float lg2 = 0.40000972152f;
    constexpr float lg3 = 0.28498786688f;
    constexpr float lg4 = 0.24279078841f;

    // Split x = 2^k * m with m in [sqrt(1/2), sqrt(2)).
    std::uint32_t ix = floatToBits(x);
    ix += 0x3f800000u - 0x3f3504f3u;
    const std::int32_t k = static_cast<std::int32_t>(ix >> 23) - 0x7f;
    ix = (ix & 0x007fffffu) + 0x3f3504f3u;
    const float f = bitsToFloat(ix) - 1.0f;

    const float s = f / (2.0f + f);
    const float z = s * s;
    const float w = z * z;
    const float t1 = w * (lg2 + w * lg4);
    const float t2 = z * (lg1 + w * lg3);
    const float r = t2 + t1;
    const float hfsq = 0.5f * f * f;
    const float dk = static_cast<float>(k);
    return s * (hfsq + r) + dk * ln2Lo - hfsq + f + dk * ln2Hi;
}

// e^x for x clamped to [-87, 88], so the result is a normal float.
CABINET_KERNEL_FN float expClamped(float x)
{
    constexpr float log2e = 1.44269504088896341f;
    constexpr float roundMagic = 12582912.0f; // 1.5 * 2^23: adding it rounds to an integer
    constexpr float c1 = 0.693359375f; // ln 2 split in two (Cody and Waite)
    constexpr float c2 = -2.12194440e-4f;

    x = x < -87.0f ? -87.0f : x;
    x = x > 88.0f ? 88.0f : x;
    const float n = (x * log2e + roundMagic) - roundMagic; // nearest integer, in [-126, 127]
    float r = x - n * c1; // n * c1 is exact (few significant bits each)
    r = r - n * c2;
    const float z = r * r;
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    const float y = p * z + r + 1.0f;
    const std::int32_t ni = static_cast<std::int32_t>(n);
    return y * bitsToFloat(static_cast<std::uint32_t>(ni + 127) << 23);
}

// cos(2*pi*u) and sin(2*pi*u) for u in [0, 1).
CABINET_KERNEL_FN void sinCos2Pi(float u, float& cosOut, float& sinOut)
{
    constexpr float roundMagic = 12582912.0f;
    constexpr float halfPi = 1.57079632679489662f;

    const float v = u * 4.0f; // exact
    const float q = (v + roundMagic) - roundMagic; // quadrant 0..4
    const float f = v - q; // exact, in [-0.5, 0.5]
    const float a = f * halfPi; // in [-pi/4, pi/4]
    const float a2 = a * a;
    const float s = ((-1.9515295891e-4f * a2 + 8.3321608736e-3f) * a2 - 1.6666654611e-1f) * a2 * a + a;
    const float c = ((2.443315711809948e-5f * a2 - 1.388731625493765e-3f) * a2 + 4.166664568298827e-2f) * a2 * a2
        - 0.5f * a2 + 1.0f;
    const std::int32_t qi = static_cast<std::int32_t>(q) & 3;
    const float cq = (qi & 1) ? s : c;
    const float sq = (qi & 1) ? c : s;
    cosOut = ((qi + 1) & 2) ? -cq : cq;
    sinOut = (qi & 2) ? -sq : sq;
}

// Box-Muller: two independent standard normals from two 32-bit words.
CABINET_KERNEL_FN void boxMuller(std::uint32_t w0, std::uint32_t w1, float& z0, float& z1)
{
    const float radius = squareRoot(-2.0f * logPositive(uniformOpen(w0)));
    float c;
    float s;
    sinCos2Pi(uniformHalfOpen(w1), c, s);
    z0 = radius * c;
    z1 = radius * s;
}

} // namespace cabinet::gpu::fm

// Random numbers and elementary functions of the scenario kernel:
// Philox4x32-10 known answers, the CPU batch generator against Random123 on
// every instruction set this processor has, the float log/exp/sincos against
// libm, the uniform mappings, and the Box-Muller normals' distribution.

#include "GpuCheck.h"

#include "FastMath.h"
#include "ScenarioKernel.h"
#include "cpu/CpuBatchKernel.h"

#include <Random123/philox.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

using namespace cabinet::gpu;

namespace {

void knownAnswers()
{
    // Random123's kat_vectors for philox4x32 with 10 rounds: counter, key -> output.
    struct Kat {
        std::uint32_t ctr[4];
        std::uint32_t key[2];
        std::uint32_t out[4];
    };
    const Kat kats[] = {
        { { 0, 0, 0, 0 }, { 0, 0 }, { 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8 } },
        { { 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff }, { 0xffffffff, 0xffffffff },
            { 0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd } },
        { { 0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344 }, { 0xa4093822, 0x299f31d0 },
            { 0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1 } },
    };
    for (const Kat& k : kats) {
        const philox4x32_ctr_t c = { { k.ctr[0], k.ctr[1], k.ctr[2], k.ctr[3] } };
        const philox4x32_key_t key = { { k.key[0], k.key[1] } };
        const philox4x32_ctr_t r = philox4x32_R(10, c, key);
        for (int i = 0; i < 4; ++i)
            CHECK_EQ(r.v[i], k.out[i]);
        // Our layout helper: key {scenario, seedLo}, counter {day, draw, seedHi, stream}.
        const r123array4x32 w = philoxWords(k.key[0], k.ctr[0], k.ctr[1], k.key[1], k.ctr[2], k.ctr[3]);
        for (int i = 0; i < 4; ++i)
            CHECK_EQ(w.v[i], k.out[i]);
    }
}

void batchGeneratorsMatchRandom123()
{
    int kernels = 0;
    for (const char* isa : { "generic", "avx2", "avx512" }) {
        cpu::BatchKernel k {};
        if (!cpu::batchKernelFor(isa, k)) {
            std::printf("  (no %s kernel on this processor or build)\n", isa);
            continue;
        }
        ++kernels;
        int mismatches = 0;
        std::uint32_t state = 12345;
        const auto next = [&] {
            state = state * 1664525u + 1013904223u;
            return state;
        };
        for (int trial = 0; trial < 2000; ++trial) {
            constexpr unsigned lanes = cpu::kPhiloxTestLanes;
            std::uint32_t ids[lanes];
            const std::uint32_t base = trial < 1000 ? static_cast<std::uint32_t>(trial) * lanes : next();
            for (std::uint32_t j = 0; j < lanes; ++j)
                ids[j] = trial % 3 == 2 ? next() : base + j;
            const std::uint32_t seedLo = next();
            const std::uint32_t seedHi = trial % 2 ? next() : 0;
            const std::uint32_t day = trial % 5 == 0 ? 0xffffffffu : next() % 40000;
            const std::uint32_t draw = trial % 4;
            const std::uint32_t stream = trial % 7 ? kStreamScenario : next();
            std::uint32_t words[4][lanes];
            k.philox(ids, seedLo, day, draw, seedHi, stream, words);
            for (unsigned j = 0; j < lanes; ++j) {
                const philox4x32_ctr_t c = { { day, draw, seedHi, stream } };
                const philox4x32_key_t key = { { ids[j], seedLo } };
                const philox4x32_ctr_t r = philox4x32_R(10, c, key);
                for (int i = 0; i < 4; ++i)
                    mismatches += words[i][j] != r.v[i];
            }
        }
        std::printf("  %s batch Philox: %d mismatching words of %d\n", isa, mismatches,
            2000 * static_cast<int>(cpu::kPhiloxTestLanes) * 4);
        CHECK_EQ(mismatches, 0);
    }
    CHECK(kernels >= 1);
}

void uniformMappings()
{
    CHECK_EQ(fm::uniformOpen(0u), 0x1.0p-24f);
    CHECK_EQ(fm::uniformOpen(0xffffffffu), 1.0f - 0x1.0p-24f);
    CHECK(fm::uniformOpen(0x80000000u) > 0.49f && fm::uniformOpen(0x80000000u) < 0.51f);
    CHECK_EQ(fm::uniformHalfOpen(0u), 0.0f);
    CHECK_EQ(fm::uniformHalfOpen(0xffffffffu), 1.0f - 0x1.0p-24f);

    CHECK_EQ(probabilityThreshold(0.0), 0u);
    CHECK_EQ(probabilityThreshold(-1.0), 0u);
    CHECK_EQ(probabilityThreshold(1.0), 0xffffffffu);
    CHECK_EQ(probabilityThreshold(0.5), 0x80000000u);
    CHECK_EQ(probabilityThreshold(0.25), 0x40000000u);
}

double ulpDistance(float a, float b)
{
    return std::fabs(static_cast<double>(a) - static_cast<double>(b))
        / static_cast<double>(std::nextafter(std::fabs(b), 1e30f) - std::fabs(b));
}

void elementaryFunctions()
{
    // log over (0, 1] finely, and over the whole positive normal range coarsely.
    double worstLog = 0.0;
    for (std::uint32_t k = 1; k < (1u << 24); k += 7) {
        const float x = static_cast<float>(k) * 0x1.0p-24f;
        worstLog = std::max(worstLog, ulpDistance(fm::logPositive(x), std::log(x)));
    }
    for (float x = 1.2e-38f; x < 3e38f; x *= 1.0013f)
        worstLog = std::max(worstLog, ulpDistance(fm::logPositive(x), std::log(x)));
    std::printf("  logPositive: worst %.2f ulp\n", worstLog);
    CHECK(worstLog <= 2.0);

    double worstExp = 0.0;
    for (float x = -87.0f; x <= 88.0f; x += 0.000731f)
        worstExp = std::max(worstExp, ulpDistance(fm::expClamped(x), std::exp(x)));
    std::printf("  expClamped: worst %.2f ulp\n", worstExp);
    CHECK(worstExp <= 2.0);
    CHECK_EQ(fm::expClamped(-1000.0f), fm::expClamped(-87.0f));
    CHECK_EQ(fm::expClamped(1000.0f), fm::expClamped(88.0f));
    CHECK(std::isfinite(fm::expClamped(88.0f)));
    CHECK(fm::expClamped(-87.0f) > 0.0f);

    double worstSinCos = 0.0;
    for (std::uint32_t k = 0; k < (1u << 24); k += 3) {
        const float u = static_cast<float>(k) * 0x1.0p-24f;
        float c;
        float s;
        fm::sinCos2Pi(u, c, s);
        const double angle = 2.0 * 3.14159265358979323846 * static_cast<double>(u);
        worstSinCos = std::max(worstSinCos, std::fabs(c - std::cos(angle)));
        worstSinCos = std::max(worstSinCos, std::fabs(s - std::sin(angle)));
    }
    std::printf("  sinCos2Pi: worst absolute error %.3g\n", worstSinCos);
    CHECK(worstSinCos < 2e-7);
}

double normalCdf(double x)
{
    return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

void normalsAreNormal()
{
    // 2^21 normals from Box-Muller over Philox words of the scenario layout.
    const std::uint32_t pairs = 1u << 20;
    std::vector<float> z;
    z.reserve(2 * pairs);
    const KernelParams kp { 365, 1, 7, 0, 0.0f, 0.0f, 1.0f, 0.0f, 0.0f, 0u, 0.0f, 0u, 0.0f, 0.0f, 1.0, 0.0 };
    for (std::uint32_t i = 0; i < pairs; ++i) {
        const StepDraws d = stepDraws(kp, i / 64, 1 + i % 64);
        z.push_back(d.z_value);
        z.push_back(d.z_cost);
    }
    const double n = static_cast<double>(z.size());
    double sum = 0.0;
    double sq = 0.0;
    for (const float v : z) {
        sum += v;
        sq += static_cast<double>(v) * v;
    }
    const double mean = sum / n;
    const double var = sq / n - mean * mean;
    // 5 sigma: sd(mean) = 1/sqrt(n), sd(variance) = sqrt(2/n).
    CHECK_NEAR(mean, 0.0, 5.0 / std::sqrt(n));
    CHECK_NEAR(var, 1.0, 5.0 * std::sqrt(2.0 / n));

    // Kolmogorov-Smirnov distance to N(0, 1); the 0.1 % critical value is 1.95/sqrt(n).
    std::sort(z.begin(), z.end());
    double d = 0.0;
    for (std::size_t i = 0; i < z.size(); i += 1) {
        const double f = normalCdf(z[i]);
        d = std::max(d, std::max(std::fabs(f - static_cast<double>(i) / n), std::fabs(f - (i + 1.0) / n)));
    }
    std::printf("  Box-Muller normals: mean %.2e, variance %.6f, KS distance %.2e (limit %.2e)\n", mean, var, d,
        1.95 / std::sqrt(n));
    CHECK(d < 1.95 / std::sqrt(n));

    // Tails: P(Z < -3) = 0.0013499; count within 5 binomial sigmas.
    const double below = static_cast<double>(std::lower_bound(z.begin(), z.end(), -3.0f) - z.begin());
    const double p = normalCdf(-3.0);
    CHECK_NEAR(below / n, p, 5.0 * std::sqrt(p * (1 - p) / n));
    CHECK(z.front() > -6.0f && z.back() < 6.0f); // |Z| <= sqrt(-2 ln 2^-24) = 5.77
}

} // namespace

int main()
{
    knownAnswers();
    batchGeneratorsMatchRandom123();
    uniformMappings();
    elementaryFunctions();
    normalsAreNormal();
    return gpu_check::finish("tst_gpu_random");
}

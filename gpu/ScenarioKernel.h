#pragma once
// The scenario step, written once for the host and the device.
//
// Both backends call these functions: the CUDA kernel one scenario per thread,
// the CPU backend in struct-of-arrays batches whose inner loop the compiler
// vectorises. Arithmetic is float, built from IEEE basic operations only
// (FastMath.h), so CPU and CUDA results agree bit for bit per scenario.
//
// Random numbers: Random123's Philox4x32-10,
//   key     = { scenario id, seed bits 0..31 }
//   counter = { day (1-based), draw index, seed bits 32..63, stream }
// Draw 0 of a day gives four 32-bit words: two feed Box-Muller (Z1 for the
// value, Z2 for the cost), one decides the demand shock, one the failure.
// Draw 1 of a day is taken only when a shock happens and gives its size (Z3).
// Any scenario can therefore be regenerated alone, on either backend.

#include "FastMath.h"
#include "HostDevice.h"

#include <Random123/philox.h>

#include <cstdint>

namespace cabinet::gpu {

// Stream tags (counter word 3) keep the engine's numbers apart from other
// users of the same seed (Bayes.h draws use their own tags).
inline constexpr std::uint32_t kStreamScenario = 0x5343454eu; // "SCEN"
inline constexpr std::uint32_t kDrawDay = 0;
inline constexpr std::uint32_t kDrawShock = 1;

// Parameters in the form the kernel needs, derived once on the host
// (detail::makeKernelParams in EngineSupport.cpp) and passed by value to the device.
struct KernelParams {
    std::uint32_t horizon_days;
    std::uint32_t scenarios;
    std::uint32_t seed_lo;
    std::uint32_t seed_hi;
    float value_drift_term; // mu - sigma^2 / 2, computed in double, rounded once
    float value_sigma;
    float initial_value;
    float cost_mu; // defaults when no per-scenario input is given
    float cost_sigma;
    std::uint32_t failure_threshold; // event when word < threshold (probability * 2^32)
    float failure_cost;
    std::uint32_t shock_threshold;
    float shock_mu;
    float shock_sigma;
    double budget;
    double initial_capital;
};

// Optional per-scenario inputs; a null pointer means "use the default".
struct ScenarioInputs {
    const float* cost_log_mean = nullptr;
    const float* cost_log_sd = nullptr;
    const std::uint32_t* failure_threshold = nullptr;
};

struct LaneParams {
    float cost_mu;
    float cost_sigma;
    std::uint32_t failure_threshold;
};

struct ScenarioState {
    float log_value; // L_t
    float cost; // C_t
};

struct StepDraws {
    float z_value;
    float z_cost;
    std::uint32_t shock_word;
    std::uint32_t failure_word;
};

struct KernelOutcome {
    float final_value;
    float total_cost;
    float net;
};

// A probability in [0, 1] as a 32-bit threshold: P(word < threshold) equals
// the probability to within 2^-32 (p = 1 gives 1 - 2^-32).
CABINET_KERNEL_FN std::uint32_t probabilityThreshold(double p)
{
    if (!(p > 0.0))
        return 0u;
    const double scaled = p * 4294967296.0 + 0.5;
    return scaled >= 4294967295.0 ? 0xffffffffu : static_cast<std::uint32_t>(scaled);
}

CABINET_KERNEL_FN r123array4x32 philoxWords(std::uint32_t scenario, std::uint32_t day, std::uint32_t draw,
    std::uint32_t seedLo, std::uint32_t seedHi, std::uint32_t stream)
{
    const philox4x32_ctr_t counter = { { day, draw, seedHi, stream } };
    const philox4x32_key_t key = { { scenario, seedLo } };
    return philox4x32_R(10, counter, key);
}

CABINET_KERNEL_FN LaneParams laneParams(const KernelParams& kp, const ScenarioInputs& in, std::uint32_t scenario)
{
    LaneParams lp;
    lp.cost_mu = in.cost_log_mean ? in.cost_log_mean[scenario] : kp.cost_mu;
    lp.cost_sigma = in.cost_log_sd ? in.cost_log_sd[scenario] : kp.cost_sigma;
    lp.failure_threshold = in.failure_threshold ? in.failure_threshold[scenario] : kp.failure_threshold;
    return lp;
}

// The day's four Philox words turned into the day's draws.
CABINET_KERNEL_FN StepDraws drawsFromWords(std::uint32_t w0, std::uint32_t w1, std::uint32_t w2, std::uint32_t w3)
{
    StepDraws d;
    fm::boxMuller(w0, w1, d.z_value, d.z_cost);
    d.shock_word = w2;
    d.failure_word = w3;
    return d;
}

CABINET_KERNEL_FN StepDraws stepDraws(const KernelParams& kp, std::uint32_t scenario, std::uint32_t day)
{
    const r123array4x32 w = philoxWords(scenario, day, kDrawDay, kp.seed_lo, kp.seed_hi, kStreamScenario);
    return drawsFromWords(w.v[0], w.v[1], w.v[2], w.v[3]);
}

// Z3: the size of a demand shock on that day (drawn only when one happens).
CABINET_KERNEL_FN float shockNormal(const KernelParams& kp, std::uint32_t scenario, std::uint32_t day)
{
    const r123array4x32 w = philoxWords(scenario, day, kDrawShock, kp.seed_lo, kp.seed_hi, kStreamScenario);
    float z0;
    float z1;
    fm::boxMuller(w.v[0], w.v[1], z0, z1);
    return z0;
}

// The branch-free part of a day: diffusion of the value, daily cost, failure.
// Returns whether a demand shock happens that day; the caller then applies it
// with applyShock before the next day (the CPU backend does that outside its
// vectorised loop, since shocks are rare).
CABINET_KERNEL_FN bool advanceDay(ScenarioState& s, const StepDraws& d, const LaneParams& lp, const KernelParams& kp)
{
    s.log_value = s.log_value + (kp.value_drift_term + kp.value_sigma * d.z_value);
    const float daily = fm::expClamped(lp.cost_mu + lp.cost_sigma * d.z_cost);
    const float failure = d.failure_word < lp.failure_threshold ? kp.failure_cost : 0.0f;
    s.cost = s.cost + (daily + failure);
    return d.shock_word < kp.shock_threshold;
}

CABINET_KERNEL_FN void applyShock(ScenarioState& s, float z, const KernelParams& kp)
{
    s.log_value = s.log_value + (kp.shock_mu + kp.shock_sigma * z);
}

CABINET_KERNEL_FN void stepScenario(
    ScenarioState& s, const KernelParams& kp, const LaneParams& lp, std::uint32_t scenario, std::uint32_t day)
{
    const StepDraws d = stepDraws(kp, scenario, day);
    if (advanceDay(s, d, lp, kp))
        applyShock(s, shockNormal(kp, scenario, day), kp);
}

constexpr float kFloatMax = 3.40282347e+38f;

// V_t = initial_value * e^(L_t), saturated at the largest float.
CABINET_KERNEL_FN float valueOf(const KernelParams& kp, float logValue)
{
    const float v = kp.initial_value * fm::expClamped(logValue);
    return v > kFloatMax ? kFloatMax : v;
}

CABINET_KERNEL_FN KernelOutcome finishScenario(const ScenarioState& s, const KernelParams& kp)
{
    KernelOutcome o;
    o.final_value = valueOf(kp, s.log_value);
    o.total_cost = s.cost > kFloatMax ? kFloatMax : s.cost;
    o.net = o.final_value - o.total_cost;
    return o;
}

CABINET_KERNEL_FN bool isLoss(const KernelOutcome& o, const KernelParams& kp)
{
    return static_cast<double>(o.net) < kp.initial_capital;
}

CABINET_KERNEL_FN bool isBreach(const KernelOutcome& o, const KernelParams& kp)
{
    return static_cast<double>(o.total_cost) > kp.budget;
}

// One whole scenario. pathValue / pathCost, when not null, receive
// horizon_days + 1 points (day 0 .. horizon_days) of V_t and C_t.
CABINET_KERNEL_FN KernelOutcome simulateScenario(
    const KernelParams& kp, const ScenarioInputs& in, std::uint32_t scenario, float* pathValue, float* pathCost)
{
    const LaneParams lp = laneParams(kp, in, scenario);
    ScenarioState s { 0.0f, 0.0f };
    if (pathValue)
        pathValue[0] = valueOf(kp, 0.0f);
    if (pathCost)
        pathCost[0] = 0.0f;
    for (std::uint32_t day = 1; day <= kp.horizon_days; ++day) {
        stepScenario(s, kp, lp, scenario, day);
        if (pathValue)
            pathValue[day] = valueOf(kp, s.log_value);
        if (pathCost)
            pathCost[day] = s.cost;
    }
    return finishScenario(s, kp);
}

} // namespace cabinet::gpu

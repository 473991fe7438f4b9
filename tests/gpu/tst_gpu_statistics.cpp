// The simulated distributions against closed forms. Every run is seeded, so
// the test is deterministic; tolerances are 5 standard errors of the estimate
// (computed from the closed-form moments), so a correct engine passes for
// essentially every seed, and a wrong drift, variance, probability or cost
// formula fails.

#include "GpuCheck.h"

#include "ScenarioEngine.h"

#include <cmath>
#include <vector>

using namespace cabinet::gpu;

namespace {

constexpr std::uint32_t kScenarios = 20000;

ScenarioResult runCpu(const ScenarioParams& p, bool keep = true)
{
    auto engine = makeEngine("cpu");
    RunOptions o;
    o.keep_outcomes = keep;
    auto r = (*engine)->run(p, o);
    CHECK(r.ok());
    if (!r.ok()) {
        std::fprintf(stderr, "run failed: %s\n", r.error().message.c_str());
        return {};
    }
    return std::move(r.value());
}

struct SampleMoments {
    double mean = 0.0;
    double variance = 0.0; // n - 1
};

template <class F>
SampleMoments momentsOf(const std::vector<ScenarioOutcome>& outcomes, F field)
{
    SampleMoments m;
    const double n = static_cast<double>(outcomes.size());
    for (const auto& o : outcomes)
        m.mean += field(o);
    m.mean /= n;
    for (const auto& o : outcomes) {
        const double d = field(o) - m.mean;
        m.variance += d * d;
    }
    m.variance /= n - 1.0;
    return m;
}

// Checks sample mean and variance of a variable against its raw moments
// E[X], E[X^2], E[X^3], E[X^4], within 5 standard errors.
void checkMeanAndVariance(const char* what, const SampleMoments& s, double r1, double r2, double r3, double r4,
    double n)
{
    const double mean = r1;
    const double var = r2 - r1 * r1;
    const double mu4 = r4 - 4.0 * r3 * r1 + 6.0 * r2 * r1 * r1 - 3.0 * r1 * r1 * r1 * r1;
    const double seMean = std::sqrt(var / n);
    const double seVar = std::sqrt((mu4 - var * var) / n);
    std::printf("  %s: mean %.6g (exact %.6g, %.2f se), variance %.6g (exact %.6g, %.2f se)\n", what, s.mean, mean,
        (s.mean - mean) / seMean, s.variance, var, (s.variance - var) / seVar);
    CHECK_NEAR(s.mean, mean, 5.0 * seMean);
    CHECK_NEAR(s.variance, var, 5.0 * seVar);
}

void geometricBrownianMotion()
{
    ScenarioParams p;
    p.scenarios = kScenarios;
    p.horizon_days = 365;
    p.seed = 2024;
    p.initial_value = 1.0e6;
    p.value_drift_daily = 0.0004;
    p.value_volatility_daily = 0.015;
    const ScenarioResult r = runCpu(p);
    CHECK_EQ(r.outcomes.size(), static_cast<std::size_t>(kScenarios));
    if (r.outcomes.empty())
        return;

    // V_H = V0 e^L, L ~ N((mu - sigma^2/2) H, sigma^2 H): E[V^k] = V0^k e^(k m + k^2 s2 / 2).
    const double H = p.horizon_days;
    const double m = (p.value_drift_daily - 0.5 * p.value_volatility_daily * p.value_volatility_daily) * H;
    const double s2 = p.value_volatility_daily * p.value_volatility_daily * H;
    const auto raw = [&](int k) { return std::pow(p.initial_value, k) * std::exp(k * m + 0.5 * k * k * s2); };
    const SampleMoments v = momentsOf(r.outcomes, [](const ScenarioOutcome& o) { return double(o.final_value); });
    checkMeanAndVariance("GBM final value", v, raw(1), raw(2), raw(3), raw(4), kScenarios);
    CHECK_NEAR(r.final_value_mean, v.mean, 1e-9 * v.mean);
    // E[V_H] = V0 e^(mu H), the drift is daily.
    CHECK_NEAR(raw(1), p.initial_value * std::exp(p.value_drift_daily * H), 1e-6);

    // The log-return is normal: its sample mean and variance too.
    const SampleMoments l = momentsOf(
        r.outcomes, [&](const ScenarioOutcome& o) { return std::log(double(o.final_value) / p.initial_value); });
    checkMeanAndVariance("GBM log-return", l, m, s2 + m * m, m * m * m + 3 * m * s2,
        m * m * m * m + 6 * m * m * s2 + 3 * s2 * s2, kScenarios);
}

void rareEvents()
{
    // Costs negligible except failures; budget below one failure's cost, so
    // "budget breached" means "at least one failure over the horizon".
    ScenarioParams p;
    p.scenarios = kScenarios;
    p.horizon_days = 365;
    p.seed = 99;
    p.cost_log_mean = -40.0;
    p.cost_log_sd = 0.0;
    p.failure_probability_daily = 0.002;
    p.failure_cost = 1.0e6;
    p.budget = 5.0e5;
    const ScenarioResult r = runCpu(p);
    const double n = kScenarios;
    const double q = 1.0 - std::pow(1.0 - p.failure_probability_daily, p.horizon_days);
    const double se = std::sqrt(q * (1.0 - q) / n);
    std::printf("  P(at least one failure): %.5f (exact %.5f, %.2f se)\n", r.probability_of_budget_breach, q,
        (r.probability_of_budget_breach - q) / se);
    CHECK_NEAR(r.probability_of_budget_breach, q, 5.0 * se);

    // Number of failures ~ Binomial(H, p): E[C_H] = cost * H p.
    const double H = p.horizon_days;
    const double pf = p.failure_probability_daily;
    const double meanCount = H * pf;
    const double seCost = p.failure_cost * std::sqrt(H * pf * (1.0 - pf) / n);
    CHECK_NEAR(r.cost_mean, p.failure_cost * meanCount, 5.0 * seCost);

    // Per-scenario probabilities (posterior draws): half the scenarios never fail.
    p.failure_probability_per_scenario.assign(kScenarios, 0.0f);
    for (std::uint32_t i = 0; i < kScenarios; i += 2)
        p.failure_probability_per_scenario[i] = 0.01f;
    const ScenarioResult mixed = runCpu(p);
    const double qMixed = 0.5 * (1.0 - std::pow(1.0 - 0.01, H));
    const double seMixed = std::sqrt(qMixed * (1.0 - qMixed) / n);
    std::printf("  per-scenario failure probabilities: P(breach) %.5f (exact %.5f)\n",
        mixed.probability_of_budget_breach, qMixed);
    CHECK_NEAR(mixed.probability_of_budget_breach, qMixed, 5.0 * seMixed);
    bool oddNeverFails = true;
    for (std::size_t i = 1; i < mixed.outcomes.size(); i += 2)
        oddNeverFails &= mixed.outcomes[i].total_cost < 1.0f;
    CHECK(oddNeverFails);

    // Probability one: a failure every day.
    p.failure_probability_per_scenario.clear();
    p.failure_probability_daily = 1.0;
    p.scenarios = 100;
    p.horizon_days = 10;
    const ScenarioResult always = runCpu(p);
    CHECK_NEAR(always.cost_mean, 1.0e7, 1.0);
    CHECK_EQ(always.budget_breach_count, 100u);
}

void lognormalCost()
{
    ScenarioParams p;
    p.scenarios = kScenarios;
    p.horizon_days = 200;
    p.seed = 5;
    p.cost_log_mean = 6.0;
    p.cost_log_sd = 0.5;
    const ScenarioResult r = runCpu(p);
    // C_H is a sum of H iid lognormals: E = H e^(mu + s^2/2), Var = H (e^(s^2) - 1) e^(2 mu + s^2).
    const double H = p.horizon_days;
    const double mean = H * std::exp(p.cost_log_mean + 0.5 * p.cost_log_sd * p.cost_log_sd);
    const double var = H * (std::exp(p.cost_log_sd * p.cost_log_sd) - 1.0)
        * std::exp(2.0 * p.cost_log_mean + p.cost_log_sd * p.cost_log_sd);
    const SampleMoments c = momentsOf(r.outcomes, [](const ScenarioOutcome& o) { return double(o.total_cost); });
    std::printf("  total lognormal cost: mean %.6g (exact %.6g), variance %.6g (exact %.6g)\n", c.mean, mean,
        c.variance, var);
    CHECK_NEAR(c.mean, mean, 5.0 * std::sqrt(var / kScenarios));
    // The sum of 200 terms is close to normal: sd(sample variance) ~ var sqrt(2 / n); 8 se for the skew left.
    CHECK_NEAR(c.variance, var, 8.0 * var * std::sqrt(2.0 / kScenarios));
    CHECK_NEAR(r.cost_mean, c.mean, 1e-9 * c.mean);

    // Per-scenario cost distributions: every scenario from its own (mu, sigma).
    p.cost_log_mean_per_scenario.assign(kScenarios, 5.0f);
    p.cost_log_sd_per_scenario.assign(kScenarios, 0.0f);
    for (std::uint32_t i = 1; i < kScenarios; i += 2) {
        p.cost_log_mean_per_scenario[i] = 7.0f;
        p.cost_log_sd_per_scenario[i] = 0.0f;
    }
    const ScenarioResult each = runCpu(p);
    bool exact = true;
    for (const auto& o : each.outcomes) {
        const double expected = H * std::exp(o.scenario % 2 ? 7.0 : 5.0);
        exact &= std::fabs(o.total_cost - expected) < 1e-5 * expected;
    }
    CHECK(exact);
}

void demandShocks()
{
    ScenarioParams p;
    p.scenarios = kScenarios;
    p.horizon_days = 365;
    p.seed = 11;
    p.value_drift_daily = 0.0001;
    p.value_volatility_daily = 0.005;
    p.shock_probability_daily = 0.02;
    p.shock_log_mean = -0.03;
    p.shock_log_sd = 0.05;
    const ScenarioResult r = runCpu(p);
    // Merton: E[V_H^k] = V0^k e^(k (mu - s^2/2) H + k^2 s^2 H / 2) (1 + p (e^(k m + k^2 v / 2) - 1))^H.
    const double H = p.horizon_days;
    const double sg = p.value_volatility_daily;
    const auto raw = [&](int k) {
        const double diffusion = std::exp(k * (p.value_drift_daily - 0.5 * sg * sg) * H + 0.5 * k * k * sg * sg * H);
        const double jump = std::exp(k * p.shock_log_mean + 0.5 * k * k * p.shock_log_sd * p.shock_log_sd);
        return std::pow(p.initial_value, k) * diffusion * std::pow(1.0 + p.shock_probability_daily * (jump - 1.0), H);
    };
    const SampleMoments v = momentsOf(r.outcomes, [](const ScenarioOutcome& o) { return double(o.final_value); });
    checkMeanAndVariance("jump-diffusion final value", v, raw(1), raw(2), raw(3), raw(4), kScenarios);
}

void lossAndNet()
{
    ScenarioParams p;
    p.scenarios = 5000;
    p.horizon_days = 100;
    p.initial_capital = 1.0e6;
    p.budget = 100 * 1100.0;
    const ScenarioResult r = runCpu(p);
    std::uint64_t losses = 0;
    std::uint64_t breaches = 0;
    bool netIsValueMinusCost = true;
    for (const auto& o : r.outcomes) {
        losses += o.net < p.initial_capital;
        breaches += o.total_cost > p.budget;
        netIsValueMinusCost &= o.net == o.final_value - o.total_cost;
        CHECK_EQ(o.loss, o.net < p.initial_capital);
    }
    CHECK(netIsValueMinusCost);
    CHECK_EQ(r.loss_count, losses);
    CHECK_EQ(r.budget_breach_count, breaches);
    CHECK(losses > 0 && losses < 5000); // the test must exercise both sides
    CHECK(breaches > 0 && breaches < 5000);
}

} // namespace

int main()
{
    geometricBrownianMotion();
    rareEvents();
    lognormalCost();
    demandShocks();
    lossAndNet();
    return gpu_check::finish("tst_gpu_statistics");
}

// Bayesian updating: special functions against known values, posterior
// parameters against closed forms, credible intervals, and posterior draws
// (reproducible by seed, moments within 5 standard errors).

#include "GpuCheck.h"

#include "Bayes.h"
#include "ScenarioEngine.h"

#include <cmath>
#include <vector>

using namespace cabinet::gpu;
using namespace cabinet::gpu::bayes;

namespace {

void specialFunctions()
{
    // I_x(a, 1) = x^a, I_x(1, b) = 1 - (1 - x)^b, I_x(a, b) = 1 - I_{1-x}(b, a), I_0.5(a, a) = 1/2.
    for (double x : { 0.01, 0.2, 0.5, 0.77, 0.999 }) {
        CHECK_NEAR(incompleteBeta(3.5, 1.0, x), std::pow(x, 3.5), 1e-13);
        CHECK_NEAR(incompleteBeta(1.0, 4.0, x), 1.0 - std::pow(1.0 - x, 4.0), 1e-13);
        CHECK_NEAR(incompleteBeta(2.5, 7.0, x), 1.0 - incompleteBeta(7.0, 2.5, 1.0 - x), 1e-13);
        // I_x(2, 3) = sum_{j=2}^{4} C(4, j) x^j (1-x)^(4-j)
        const double exact = 6 * x * x * (1 - x) * (1 - x) + 4 * x * x * x * (1 - x) + x * x * x * x;
        CHECK_NEAR(incompleteBeta(2.0, 3.0, x), exact, 1e-13);
    }
    CHECK_NEAR(incompleteBeta(40.0, 40.0, 0.5), 0.5, 1e-13);
    CHECK_EQ(incompleteBeta(2.0, 2.0, 0.0), 0.0);
    CHECK_EQ(incompleteBeta(2.0, 2.0, 1.0), 1.0);

    for (double p : { 1e-6, 0.025, 0.3, 0.5, 0.975, 0.999999 }) {
        const double shapes[3][2] = { { 0.5, 0.5 }, { 3.0, 40.0 }, { 120.0, 7.5 } };
        for (const auto& ab : shapes) {
            const double x = incompleteBetaInverse(ab[0], ab[1], p);
            CHECK_NEAR(incompleteBeta(ab[0], ab[1], x), p, 1e-10);
        }
    }

    // Student t: Cauchy (nu = 1) and tabulated values.
    CHECK_NEAR(studentTQuantile(1.0, 0.975), std::tan(3.14159265358979323846 * 0.475), 1e-9);
    CHECK_NEAR(studentTQuantile(10.0, 0.975), 2.2281388519649385, 1e-9);
    CHECK_NEAR(studentTQuantile(10.0, 0.025), -2.2281388519649385, 1e-9);
    CHECK_NEAR(studentTQuantile(4.0, 0.95), 2.1318467863266495, 1e-9);
    CHECK_NEAR(studentTQuantile(1e6, 0.975), 1.959966, 1e-5);
    CHECK_EQ(studentTQuantile(5.0, 0.5), 0.0);
}

void betaBinomial()
{
    auto post = betaBinomialPosterior(2.0, 3.0, 17, 5);
    CHECK(post.ok());
    if (!post)
        return;
    CHECK_EQ(post->alpha, 19.0);
    CHECK_EQ(post->beta, 8.0);
    CHECK_NEAR(post->mean(), 19.0 / 27.0, 1e-15);
    CHECK_NEAR(post->variance(), 19.0 * 8.0 / (27.0 * 27.0 * 28.0), 1e-15);

    const CredibleInterval ci = post->credibleInterval(0.95);
    CHECK(ci.lower < post->mean() && post->mean() < ci.upper);
    CHECK_NEAR(incompleteBeta(19.0, 8.0, ci.lower), 0.025, 1e-10);
    CHECK_NEAR(incompleteBeta(19.0, 8.0, ci.upper), 0.975, 1e-10);
    const CredibleInterval narrow = post->credibleInterval(0.5);
    CHECK(narrow.lower > ci.lower && narrow.upper < ci.upper);

    // More data narrows the interval around the observed rate.
    auto lots = betaBinomialPosterior(2.0, 3.0, 1700, 500);
    const CredibleInterval tight = lots->credibleInterval(0.95);
    CHECK(tight.upper - tight.lower < ci.upper - ci.lower);
    CHECK(tight.lower < 1700.0 / 2200.0 && 1700.0 / 2200.0 < tight.upper);

    // Draws: reproducible, in (0, 1), moments of Beta(19, 8) within 5 standard errors.
    const std::uint32_t n = 40000;
    const std::vector<float> d = post->draws(n, 77);
    CHECK(d == post->draws(n, 77));
    CHECK(d != post->draws(n, 78));
    CHECK_EQ(static_cast<double>(d[12345]), static_cast<double>(static_cast<float>(post->draw(77, 12345))));
    double mean = 0.0;
    for (float v : d) {
        mean += v;
        CHECK(v > 0.0f && v < 1.0f);
    }
    mean /= n;
    double var = 0.0;
    for (float v : d)
        var += (v - mean) * (v - mean);
    var /= n - 1;
    const double exactVar = post->variance();
    CHECK_NEAR(mean, post->mean(), 5.0 * std::sqrt(exactVar / n));
    CHECK_NEAR(var, exactVar, 5.0 * exactVar * std::sqrt(2.0 / n) * 1.5); // Beta kurtosis is mild
    std::printf("  Beta(19, 8) draws: mean %.5f (exact %.5f), variance %.6f (exact %.6f)\n", mean, post->mean(),
        var, exactVar);

    // Share of draws below the interval's bounds is the tail probability.
    int below = 0;
    int above = 0;
    for (float v : d) {
        below += v < ci.lower;
        above += v > ci.upper;
    }
    const double se = std::sqrt(0.025 * 0.975 / n);
    CHECK_NEAR(below / double(n), 0.025, 5 * se);
    CHECK_NEAR(above / double(n), 0.025, 5 * se);

    // A shape below 1 (the Gamma(a + 1) U^(1/a) branch).
    auto sparse = betaBinomialPosterior(0.5, 0.5, 0, 3);
    const std::vector<float> s = sparse->draws(n, 3);
    double ms = 0.0;
    for (float v : s)
        ms += v;
    ms /= n;
    CHECK_NEAR(ms, sparse->mean(), 5.0 * std::sqrt(sparse->variance() / n));

    CHECK(!betaBinomialPosterior(0.0, 1.0, 1, 1).ok());
    CHECK_CONTAINS(betaBinomialPosterior(1.0, -2.0, 1, 1).error().message, "prior_beta");
    CHECK_CONTAINS(betaBinomialPosterior(std::nan(""), 1.0, 1, 1).error().message, "prior_alpha");
}

void logCost()
{
    // Closed-form update.
    const std::vector<double> costs = { 900.0, 1100.0, 1250.0, 1020.0, 980.0, 1500.0, 870.0, 1010.0 };
    LogCostPrior prior;
    prior.mean = 6.5;
    prior.kappa = 2.0;
    prior.alpha = 3.0;
    prior.beta = 0.3;
    auto post = logCostPosterior(prior, costs);
    CHECK(post.ok());
    if (!post)
        return;
    const double n = costs.size();
    double ybar = 0.0;
    for (double c : costs)
        ybar += std::log(c);
    ybar /= n;
    double ss = 0.0;
    for (double c : costs)
        ss += (std::log(c) - ybar) * (std::log(c) - ybar);
    CHECK_NEAR(post->kappa, 10.0, 1e-15);
    CHECK_NEAR(post->mean, (2.0 * 6.5 + n * ybar) / 10.0, 1e-12);
    CHECK_NEAR(post->alpha, 7.0, 1e-15);
    CHECK_NEAR(post->beta, 0.3 + 0.5 * ss + 2.0 * n * (ybar - 6.5) * (ybar - 6.5) / 20.0, 1e-12);
    CHECK_EQ(post->observations, 8u);
    CHECK_NEAR(post->varianceMean(), post->beta / 6.0, 1e-15);
    CHECK_NEAR(post->medianCost(), std::exp(post->mean), 1e-9);

    const CredibleInterval ci = post->logMeanInterval(0.95);
    CHECK(ci.lower < post->mean && post->mean < ci.upper);
    const double scale = std::sqrt(post->beta / (post->alpha * post->kappa));
    CHECK_NEAR((ci.upper - post->mean) / scale, studentTQuantile(14.0, 0.975), 1e-9);
    const CredibleInterval cost = post->medianCostInterval(0.95);
    CHECK_NEAR(cost.lower, std::exp(ci.lower), 1e-9);
    CHECK(cost.lower < post->medianCost() && post->medianCost() < cost.upper);

    // No data: the prior back.
    auto none = logCostPosterior(prior, {});
    CHECK(none.ok() && none->mean == prior.mean && none->alpha == prior.alpha);

    // Draws: mu has mean m and variance E[sigma^2] / kappa = beta / ((alpha - 1) kappa);
    // sigma^2 has mean beta / (alpha - 1).
    const std::uint32_t count = 40000;
    const LogCostDraws d = post->draws(count, 2025);
    CHECK_EQ(d.log_mean.size(), count);
    CHECK_EQ(d.log_sd.size(), count);
    const LogCostDraws again = post->draws(count, 2025);
    CHECK(again.log_mean == d.log_mean && again.log_sd == d.log_sd);
    double muMean = 0.0;
    double s2Mean = 0.0;
    for (std::uint32_t i = 0; i < count; ++i) {
        muMean += d.log_mean[i];
        s2Mean += double(d.log_sd[i]) * d.log_sd[i];
    }
    muMean /= count;
    s2Mean /= count;
    const double muVar = post->beta / ((post->alpha - 1.0) * post->kappa);
    CHECK_NEAR(muMean, post->mean, 5.0 * std::sqrt(muVar / count) * 1.2); // t, not normal: a little wider
    // InvGamma(7, b): variance b^2 / ((a-1)^2 (a-2)).
    const double s2Var = post->beta * post->beta / (36.0 * 5.0);
    CHECK_NEAR(s2Mean, post->varianceMean(), 5.0 * std::sqrt(s2Var / count));
    std::printf("  log-cost draws: mean mu %.5f (exact %.5f), mean sigma^2 %.6f (exact %.6f)\n", muMean, post->mean,
        s2Mean, post->varianceMean());

    CHECK(!logCostPosterior(prior, std::vector<double> { 100.0, -1.0 }).ok());
    CHECK_CONTAINS(logCostPosterior(prior, std::vector<double> { 100.0, 0.0 }).error().message, "daily_costs[1]");
    LogCostPrior bad = prior;
    bad.kappa = 0.0;
    CHECK_CONTAINS(logCostPosterior(bad, costs).error().message, "kappa");
}

void drawsFeedTheEngine()
{
    // Posterior draws as per-scenario inputs: the run accepts them and the
    // mean cost follows the posterior.
    auto failure = betaBinomialPosterior(1.0, 1.0, 3, 997); // daily failure probability ~ 0.004
    LogCostPrior prior;
    prior.mean = 7.0;
    auto cost = logCostPosterior(prior, std::vector<double>(30, 1000.0));
    ScenarioParams p;
    p.scenarios = 4000;
    p.horizon_days = 100;
    p.failure_cost = 10000.0;
    p.failure_probability_per_scenario = failure->draws(p.scenarios, 1);
    const LogCostDraws d = cost->draws(p.scenarios, 2);
    p.cost_log_mean_per_scenario = d.log_mean;
    p.cost_log_sd_per_scenario = d.log_sd;
    CHECK(!validate(p).has_value());
    auto engine = makeEngine("cpu");
    auto r = (*engine)->run(p);
    CHECK(r.ok());
    if (r) {
        // About 100 days * (1000 + 0.004 * 10000) = 104000.
        std::printf("  engine with posterior draws: mean total cost %.0f\n", r->cost_mean);
        CHECK(r->cost_mean > 95000.0 && r->cost_mean < 115000.0);
    }
}

} // namespace

int main()
{
    specialFunctions();
    betaBinomial();
    logCost();
    drawsFeedTheEngine();
    return gpu_check::finish("tst_gpu_bayes");
}

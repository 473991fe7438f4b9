#pragma once
// Bayesian updating from what actually happened, producing posterior draws
// that feed ScenarioParams' per-scenario inputs.
//
// 1. Success rate (per agent): Beta-Binomial.
//      prior      p ~ Beta(alpha, beta)
//      data       s successes, f failures
//      posterior  p ~ Beta(alpha + s, beta + f)
//    Posterior mean (alpha+s)/(alpha+beta+s+f); equal-tailed credible
//    interval from the inverse regularized incomplete beta function.
//    Draws of p (or of 1 - p) can go into failure_probability_per_scenario.
//
// 2. Cost rate (per agent): Normal-Inverse-Gamma on the log of the daily cost,
//    the conjugate model for a lognormal cost with unknown median and spread,
//    the same lognormal the scenario engine simulates.
//      y_i = ln(cost_i)
//      prior      sigma^2 ~ InvGamma(alpha, beta), mu | sigma^2 ~ N(m, sigma^2 / kappa)
//      posterior  kappa' = kappa + n,  m' = (kappa m + n ybar) / kappa'
//                 alpha' = alpha + n/2
//                 beta'  = beta + S/2 + kappa n (ybar - m)^2 / (2 kappa'),  S = sum (y_i - ybar)^2
//    mu's marginal posterior is Student-t with 2 alpha' degrees of freedom,
//    location m', scale sqrt(beta' / (alpha' kappa')). The median daily cost
//    is e^mu. (The posterior mean of e^mu is infinite under a Student-t, so
//    the summaries are those of mu and of the median cost e^mu.)
//    Draws of (mu, sigma) go into cost_log_mean_per_scenario and
//    cost_log_sd_per_scenario.
//
// Draws are reproducible by seed, one Philox4x32-10 stream per draw
// (key = {draw index bits 0..31, seed bits 0..31},
// counter = {n, draw index bits 32..63, seed bits 32..63, tag}),
// gamma variates by Marsaglia and Tsang's method, so draw i is the same
// whether 10 or 10 million are taken.

#include "Expected.h"

#include <cstdint>
#include <span>
#include <vector>

namespace cabinet::gpu::bayes {

struct CredibleInterval {
    double lower = 0.0;
    double upper = 0.0;
};

// ---- Special functions (exposed for tests and for other users).

// Regularized incomplete beta I_x(a, b), a > 0, b > 0, x in [0, 1]
// (continued fraction, relative accuracy ~1e-13).
double incompleteBeta(double a, double b, double x);
// x with I_x(a, b) = p, p in [0, 1] (bisection to ~1e-15 absolute).
double incompleteBetaInverse(double a, double b, double p);
// Quantile of Student's t with nu > 0 degrees of freedom, p in (0, 1).
double studentTQuantile(double nu, double p);

// ---- Beta-Binomial success rate.

struct BetaPosterior {
    double alpha = 1.0;
    double beta = 1.0;

    double mean() const;
    double variance() const;
    // Equal-tailed interval holding `level` of the posterior (level in (0, 1)).
    CredibleInterval credibleInterval(double level = 0.95) const;
    // Draw `index` of the stream `seed` (reproducible alone).
    double draw(std::uint64_t seed, std::uint64_t index) const;
    // Draws 0 .. count-1.
    std::vector<float> draws(std::uint32_t count, std::uint64_t seed) const;
};

// Fails (InvalidParameters, naming the argument) unless prior_alpha and
// prior_beta are finite and > 0.
Expected<BetaPosterior> betaBinomialPosterior(
    double prior_alpha, double prior_beta, std::uint64_t successes, std::uint64_t failures);

// ---- Normal-Inverse-Gamma on log daily cost.

struct LogCostPrior {
    double mean = 0.0; // m: prior guess of ln(median daily cost)
    double kappa = 1.0; // how many observations that guess is worth (> 0)
    double alpha = 2.0; // shape of sigma^2's inverse gamma (> 0)
    double beta = 0.5; // scale of sigma^2's inverse gamma (> 0)
};

struct LogCostDraws {
    std::vector<float> log_mean; // mu, for cost_log_mean_per_scenario
    std::vector<float> log_sd; // sigma, for cost_log_sd_per_scenario
};

struct LogCostPosterior {
    double mean = 0.0; // m'
    double kappa = 1.0;
    double alpha = 2.0;
    double beta = 0.5;
    std::uint64_t observations = 0;

    // Posterior mean of mu (= m') and of sigma^2 (beta / (alpha - 1), infinite when alpha <= 1).
    double logMeanPosteriorMean() const { return mean; }
    double varianceMean() const;
    // Equal-tailed interval for mu, and the same interval for the median daily cost e^mu.
    CredibleInterval logMeanInterval(double level = 0.95) const;
    double medianCost() const; // e^m'
    CredibleInterval medianCostInterval(double level = 0.95) const;
    // Draw `index` of the stream `seed`: (mu, sigma).
    void draw(std::uint64_t seed, std::uint64_t index, double& mu, double& sigma) const;
    LogCostDraws draws(std::uint32_t count, std::uint64_t seed) const;
};

// Fails (InvalidParameters) when a prior parameter is out of range or a cost
// is not a finite number > 0.
Expected<LogCostPosterior> logCostPosterior(const LogCostPrior& prior, std::span<const double> daily_costs);

} // namespace cabinet::gpu::bayes

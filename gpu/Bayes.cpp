#include "Bayes.h"

#include <Random123/philox.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>

namespace cabinet::gpu::bayes {

namespace {

constexpr std::uint32_t kStreamBeta = 0x42455441u; // "BETA"
constexpr std::uint32_t kStreamLogCost = 0x4c435354u; // "LCST"

double logGamma(double x)
{
#if defined(__GLIBC__)
    int sign = 0;
    return lgamma_r(x, &sign); // std::lgamma writes the global signgam: not thread-safe
#else
    return std::lgamma(x);
#endif
}

// Continued fraction for I_x(a, b) (modified Lentz), valid for x < (a+1)/(a+b+2).
double betaContinuedFraction(double a, double b, double x)
{
    constexpr double tiny = 1e-300;
    constexpr double eps = 1e-15;
    const double qab = a + b;
    const double qap = a + 1.0;
    const double qam = a - 1.0;
    double c = 1.0;
    double d = 1.0 - qab * x / qap;
    if (std::fabs(d) < tiny)
        d = tiny;
    d = 1.0 / d;
    double h = d;
    for (int m = 1; m <= 10000; ++m) {
        const double m2 = 2.0 * m;
        double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        if (std::fabs(d) < tiny)
            d = tiny;
        c = 1.0 + aa / c;
        if (std::fabs(c) < tiny)
            c = tiny;
        d = 1.0 / d;
        h *= d * c;
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        if (std::fabs(d) < tiny)
            d = tiny;
        c = 1.0 + aa / c;
        if (std::fabs(c) < tiny)
            c = tiny;
        d = 1.0 / d;
        const double del = d * c;
        h *= del;
        if (std::fabs(del - 1.0) < eps)
            break;
    }
    return h;
}

// A stream of uniforms and normals for one draw, from Philox4x32-10.
class DrawStream {
public:
    DrawStream(std::uint64_t seed, std::uint64_t index, std::uint32_t stream)
        : m_key { { static_cast<std::uint32_t>(index), static_cast<std::uint32_t>(seed) } }
        , m_seedHi(static_cast<std::uint32_t>(seed >> 32))
        , m_indexHi(static_cast<std::uint32_t>(index >> 32))
        , m_stream(stream)
    {
    }

    // Uniform in the open interval (0, 1) with 53 random bits.
    double uniform()
    {
        const std::uint64_t a = next() >> 5; // 27 bits
        const std::uint64_t b = next() >> 6; // 26 bits
        return (static_cast<double>((a << 26) | b) + 0.5) * 0x1.0p-53;
    }

    double normal()
    {
        if (m_haveSpare) {
            m_haveSpare = false;
            return m_spare;
        }
        const double r = std::sqrt(-2.0 * std::log(uniform()));
        const double theta = 2.0 * std::numbers::pi * uniform();
        m_spare = r * std::sin(theta);
        m_haveSpare = true;
        return r * std::cos(theta);
    }

    // Gamma(shape, 1), Marsaglia and Tsang (2000).
    double gamma(double shape)
    {
        if (shape < 1.0) {
            // Gamma(a) = Gamma(a + 1) * U^(1/a)
            const double g = gamma(shape + 1.0);
            return g * std::pow(uniform(), 1.0 / shape);
        }
        const double d = shape - 1.0 / 3.0;
        const double c = 1.0 / std::sqrt(9.0 * d);
        for (;;) {
            double x;
            double v;
            do {
                x = normal();
                v = 1.0 + c * x;
            } while (v <= 0.0);
            v = v * v * v;
            const double u = uniform();
            if (u < 1.0 - 0.0331 * x * x * x * x)
                return d * v;
            if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v)))
                return d * v;
        }
    }

private:
    std::uint32_t next()
    {
        if (m_used == 4) {
            const philox4x32_ctr_t counter = { { m_counter++, m_indexHi, m_seedHi, m_stream } };
            m_block = philox4x32_R(10, counter, m_key);
            m_used = 0;
        }
        return m_block.v[m_used++];
    }

    philox4x32_key_t m_key;
    std::uint32_t m_seedHi;
    std::uint32_t m_indexHi;
    std::uint32_t m_stream;
    std::uint32_t m_counter = 0;
    philox4x32_ctr_t m_block {};
    unsigned m_used = 4;
    double m_spare = 0.0;
    bool m_haveSpare = false;
};

bool positiveFinite(double v)
{
    return std::isfinite(v) && v > 0.0;
}

double clampLevel(double level)
{
    if (!(level > 0.0 && level < 1.0))
        return 0.95;
    return level;
}

} // namespace

double incompleteBeta(double a, double b, double x)
{
    if (!(x > 0.0))
        return 0.0;
    if (!(x < 1.0))
        return 1.0;
    const double logFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * std::log(x) + b * std::log1p(-x);
    const double front = std::exp(logFront);
    if (x < (a + 1.0) / (a + b + 2.0))
        return front * betaContinuedFraction(a, b, x) / a;
    return 1.0 - front * betaContinuedFraction(b, a, 1.0 - x) / b;
}

double incompleteBetaInverse(double a, double b, double p)
{
    if (!(p > 0.0))
        return 0.0;
    if (!(p < 1.0))
        return 1.0;
    double lo = 0.0;
    double hi = 1.0;
    for (int i = 0; i < 200 && hi - lo > 1e-16; ++i) {
        const double mid = 0.5 * (lo + hi);
        if (mid <= lo || mid >= hi)
            break;
        if (incompleteBeta(a, b, mid) < p)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

double studentTQuantile(double nu, double p)
{
    if (!(p > 0.0))
        return -std::numeric_limits<double>::infinity();
    if (!(p < 1.0))
        return std::numeric_limits<double>::infinity();
    if (p == 0.5)
        return 0.0;
    // For t > 0: P(T > t) = I_{nu / (nu + t^2)}(nu / 2, 1 / 2) / 2.
    const double tail = p < 0.5 ? p : 1.0 - p;
    const double x = incompleteBetaInverse(0.5 * nu, 0.5, 2.0 * tail);
    const double t = std::sqrt(nu * (1.0 - x) / x);
    return p < 0.5 ? -t : t;
}

// ---- Beta-Binomial

double BetaPosterior::mean() const
{
    return alpha / (alpha + beta);
}

double BetaPosterior::variance() const
{
    const double s = alpha + beta;
    return alpha * beta / (s * s * (s + 1.0));
}

CredibleInterval BetaPosterior::credibleInterval(double level) const
{
    level = clampLevel(level);
    const double tail = 0.5 * (1.0 - level);
    return { incompleteBetaInverse(alpha, beta, tail), incompleteBetaInverse(alpha, beta, 1.0 - tail) };
}

double BetaPosterior::draw(std::uint64_t seed, std::uint64_t index) const
{
    DrawStream stream(seed, index, kStreamBeta);
    const double x = stream.gamma(alpha);
    const double y = stream.gamma(beta);
    return x / (x + y);
}

std::vector<float> BetaPosterior::draws(std::uint32_t count, std::uint64_t seed) const
{
    std::vector<float> out(count);
    for (std::uint32_t i = 0; i < count; ++i)
        out[i] = static_cast<float>(draw(seed, i));
    return out;
}

Expected<BetaPosterior> betaBinomialPosterior(
    double prior_alpha, double prior_beta, std::uint64_t successes, std::uint64_t failures)
{
    if (!positiveFinite(prior_alpha))
        return Error { Error::Code::InvalidParameters,
            "prior_alpha must be a finite number > 0 (got " + std::to_string(prior_alpha) + ")" };
    if (!positiveFinite(prior_beta))
        return Error { Error::Code::InvalidParameters,
            "prior_beta must be a finite number > 0 (got " + std::to_string(prior_beta) + ")" };
    return BetaPosterior { prior_alpha + static_cast<double>(successes), prior_beta + static_cast<double>(failures) };
}

// ---- Normal-Inverse-Gamma on log cost

double LogCostPosterior::varianceMean() const
{
    return alpha > 1.0 ? beta / (alpha - 1.0) : std::numeric_limits<double>::infinity();
}

CredibleInterval LogCostPosterior::logMeanInterval(double level) const
{
    level = clampLevel(level);
    const double nu = 2.0 * alpha;
    const double scale = std::sqrt(beta / (alpha * kappa));
    const double t = studentTQuantile(nu, 0.5 + 0.5 * level);
    return { mean - t * scale, mean + t * scale };
}

double LogCostPosterior::medianCost() const
{
    return std::exp(mean);
}

CredibleInterval LogCostPosterior::medianCostInterval(double level) const
{
    const CredibleInterval i = logMeanInterval(level);
    return { std::exp(i.lower), std::exp(i.upper) };
}

void LogCostPosterior::draw(std::uint64_t seed, std::uint64_t index, double& mu, double& sigma) const
{
    DrawStream stream(seed, index, kStreamLogCost);
    const double variance = beta / stream.gamma(alpha); // InvGamma(alpha, beta)
    sigma = std::sqrt(variance);
    mu = mean + std::sqrt(variance / kappa) * stream.normal();
}

LogCostDraws LogCostPosterior::draws(std::uint32_t count, std::uint64_t seed) const
{
    LogCostDraws out;
    out.log_mean.resize(count);
    out.log_sd.resize(count);
    for (std::uint32_t i = 0; i < count; ++i) {
        double mu;
        double sigma;
        draw(seed, i, mu, sigma);
        out.log_mean[i] = static_cast<float>(mu);
        out.log_sd[i] = static_cast<float>(sigma);
    }
    return out;
}

Expected<LogCostPosterior> logCostPosterior(const LogCostPrior& prior, std::span<const double> daily_costs)
{
    if (!std::isfinite(prior.mean))
        return Error { Error::Code::InvalidParameters,
            "prior mean must be a finite number (got " + std::to_string(prior.mean) + ")" };
    if (!positiveFinite(prior.kappa))
        return Error { Error::Code::InvalidParameters,
            "prior kappa must be a finite number > 0 (got " + std::to_string(prior.kappa) + ")" };
    if (!positiveFinite(prior.alpha))
        return Error { Error::Code::InvalidParameters,
            "prior alpha must be a finite number > 0 (got " + std::to_string(prior.alpha) + ")" };
    if (!positiveFinite(prior.beta))
        return Error { Error::Code::InvalidParameters,
            "prior beta must be a finite number > 0 (got " + std::to_string(prior.beta) + ")" };

    const std::size_t n = daily_costs.size();
    double sum = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        const double c = daily_costs[i];
        if (!positiveFinite(c))
            return Error { Error::Code::InvalidParameters,
                "daily_costs[" + std::to_string(i) + "] must be a finite number > 0 (got " + std::to_string(c) + ")" };
        sum += std::log(c);
    }
    LogCostPosterior post;
    post.observations = n;
    if (n == 0) {
        post.mean = prior.mean;
        post.kappa = prior.kappa;
        post.alpha = prior.alpha;
        post.beta = prior.beta;
        return post;
    }
    const double count = static_cast<double>(n);
    const double ybar = sum / count;
    double ss = 0.0;
    for (const double c : daily_costs) {
        const double d = std::log(c) - ybar;
        ss += d * d;
    }
    post.kappa = prior.kappa + count;
    post.mean = (prior.kappa * prior.mean + count * ybar) / post.kappa;
    post.alpha = prior.alpha + 0.5 * count;
    const double shift = ybar - prior.mean;
    post.beta = prior.beta + 0.5 * ss + prior.kappa * count * shift * shift / (2.0 * post.kappa);
    return post;
}

} // namespace cabinet::gpu::bayes

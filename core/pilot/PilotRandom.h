#pragma once

// The pilot's seeded randomness: splitmix64, written out so that a seed
// gives the same day on every standard library (std::*_distribution is
// not specified bit for bit).
#include <QtGlobal>

#include <cmath>

namespace cabinet::pilot {

class PilotRandom {
public:
    explicit PilotRandom(quint64 seed) : m_state(seed) { }
    // A stream of its own for (seed, stream): participant i, the anchor, the issuer.
    PilotRandom(quint64 seed, quint64 stream) : m_state(mix(seed ^ mix(stream + 0x9E3779B97F4A7C15ull))) { }

    quint64 next()
    {
        m_state += 0x9E3779B97F4A7C15ull;
        return mix(m_state);
    }
    // Uniform in [0, 1).
    double uniform() { return double(next() >> 11) * (1.0 / 9007199254740992.0); }
    bool chance(double p) { return uniform() < p; }
    // Uniform in [lo, hi], inclusive.
    qint64 between(qint64 lo, qint64 hi) { return lo + qint64(next() % quint64(hi - lo + 1)); }
    // Log-normal with the given median and log-space sigma (Box-Muller).
    double logNormal(double median, double sigma)
    {
        const double u1 = 1.0 - uniform(); // (0, 1]
        const double u2 = uniform();
        const double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
        return median * std::exp(sigma * z);
    }

private:
    static quint64 mix(quint64 z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    quint64 m_state;
};

} // namespace cabinet::pilot

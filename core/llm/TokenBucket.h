#pragma once

#include <QtGlobal>

#include <algorithm>
#include <cmath>

namespace cabinet::llm {

// A token bucket on Clock time: `perMinute` units, refilled evenly over a
// minute, full at the start. A limit of 0 is no limit. Used per provider
// for requests and for tokens a minute.
class TokenBucket {
public:
    explicit TokenBucket(qint64 perMinute = 0) { configure(perMinute); }
    void configure(qint64 perMinute)
    {
        m_capacity = double(std::max<qint64>(0, perMinute));
        m_level = m_capacity;
        m_lastNs = -1;
    }
    bool limited() const { return m_capacity > 0; }
    double capacity() const { return m_capacity; }

    double level(qint64 nowNs)
    {
        refill(nowNs);
        return m_level;
    }
    // Takes `amount` when there is that much (or the bucket is full, so a
    // single request larger than the bucket can still go, alone).
    bool take(double amount, qint64 nowNs)
    {
        if (!limited())
            return true;
        refill(nowNs);
        if (m_level < amount && m_level < m_capacity)
            return false;
        m_level -= amount;
        return true;
    }
    // Takes it regardless (tokens counted after the answer); the bucket may
    // go below zero and refills from there.
    void charge(double amount, qint64 nowNs)
    {
        if (!limited())
            return;
        refill(nowNs);
        m_level -= amount;
    }
    // When `amount` will be there (nowNs when it is).
    qint64 availableAtNs(double amount, qint64 nowNs)
    {
        refill(nowNs);
        const double need = std::min(amount, m_capacity) - m_level;
        if (!limited() || need <= 0)
            return nowNs;
        return nowNs + qint64(std::ceil(need / m_capacity * 60e9));
    }

private:
    void refill(qint64 nowNs)
    {
        if (m_lastNs >= 0 && nowNs > m_lastNs)
            m_level = std::min(m_capacity, m_level + m_capacity * double(nowNs - m_lastNs) / 60e9);
        m_lastNs = std::max(m_lastNs, nowNs);
    }

    double m_capacity = 0;
    double m_level = 0;
    qint64 m_lastNs = -1;
};

} // namespace cabinet::llm

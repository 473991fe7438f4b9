#include "server/RateLimiter.h"

#include <algorithm>

namespace cabinet::server {

RateLimiter::Bucket *RateLimiter::bucket(const QString &key, qint64 nowNs)
{
    auto it = m_buckets.find(key);
    if (it == m_buckets.end()) {
        if (m_buckets.size() >= m_keysMax) {
            for (auto old = m_buckets.begin(); old != m_buckets.end();) {
                const double level = old->level + double(nowNs - old->updatedNs) / 1e9 * m_perSecond;
                old = level >= m_capacity ? m_buckets.erase(old) : std::next(old);
            }
            if (m_buckets.size() >= m_keysMax)
                return nullptr;
        }
        it = m_buckets.insert(key, Bucket { m_capacity, nowNs });
    }
    it->level = std::min(m_capacity, it->level + double(std::max<qint64>(0, nowNs - it->updatedNs)) / 1e9 * m_perSecond);
    it->updatedNs = nowNs;
    return &*it;
}

bool RateLimiter::take(const QString &key, qint64 nowNs)
{
    Bucket *b = bucket(key, nowNs);
    if (!b || b->level < 1)
        return false;
    b->level -= 1;
    return true;
}

bool RateLimiter::allows(const QString &key, qint64 nowNs)
{
    Bucket *b = bucket(key, nowNs);
    return b && b->level >= 1;
}

} // namespace cabinet::server

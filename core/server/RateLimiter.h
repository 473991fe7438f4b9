#pragma once

#include <QHash>
#include <QString>

namespace cabinet::server {

// A token bucket per key (a token's name, a client's address), on times the
// caller reads from the Clock: `capacity` at most, refilled at `perSecond`.
// It remembers at most `keysMax` keys; when full it forgets the ones whose
// buckets have refilled (they would start full anyway), and if none has, it
// refuses new keys rather than grow.
class RateLimiter {
public:
    RateLimiter(double capacity, double perSecond, int keysMax) : m_capacity(capacity), m_perSecond(perSecond), m_keysMax(keysMax) { }

    // Takes one from the key's bucket; false when it is empty.
    bool take(const QString &key, qint64 nowNs);
    // Whether the key's bucket has anything left, taking nothing.
    bool allows(const QString &key, qint64 nowNs);
    int keys() const { return int(m_buckets.size()); }

private:
    struct Bucket {
        double level = 0;
        qint64 updatedNs = 0;
    };
    Bucket *bucket(const QString &key, qint64 nowNs);

    double m_capacity;
    double m_perSecond;
    int m_keysMax;
    QHash<QString, Bucket> m_buckets;
};

} // namespace cabinet::server

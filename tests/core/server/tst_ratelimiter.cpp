// The server's token buckets (core/server/RateLimiter.h): a burst up to the
// capacity, then the refill rate; keys apart; a full table forgets full
// buckets and otherwise refuses new keys instead of growing.
#include "server/RateLimiter.h"

#include <QTest>

using namespace cabinet::server;

namespace {
constexpr qint64 Second = 1'000'000'000;
}

class TestRateLimiter : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void burstThenRate()
    {
        RateLimiter limiter(4, 2, 10);
        for (int i = 0; i < 4; ++i)
            QVERIFY(limiter.take(QStringLiteral("a"), 0));
        QVERIFY(!limiter.take(QStringLiteral("a"), 0));
        QVERIFY(!limiter.allows(QStringLiteral("a"), Second / 4));
        QVERIFY(limiter.allows(QStringLiteral("a"), Second / 2));
        QVERIFY(limiter.take(QStringLiteral("a"), Second / 2));
        QVERIFY(!limiter.take(QStringLiteral("a"), Second / 2));
        // Never past the capacity, however long it rested.
        for (int i = 0; i < 4; ++i)
            QVERIFY(limiter.take(QStringLiteral("a"), 100 * Second));
        QVERIFY(!limiter.take(QStringLiteral("a"), 100 * Second));
        // Another key has its own bucket.
        QVERIFY(limiter.take(QStringLiteral("b"), 100 * Second));
    }

    void boundedKeys()
    {
        RateLimiter limiter(1, 1, 2);
        QVERIFY(limiter.take(QStringLiteral("a"), 0));
        QVERIFY(limiter.take(QStringLiteral("b"), 0));
        // Both buckets are empty: a third key is refused, not remembered.
        QVERIFY(!limiter.take(QStringLiteral("c"), 0));
        QCOMPARE(limiter.keys(), 2);
        // Once they have refilled they are forgotten to make room.
        QVERIFY(limiter.take(QStringLiteral("c"), 2 * Second));
        QVERIFY(limiter.keys() <= 2);
    }
};

QTEST_GUILESS_MAIN(TestRateLimiter)
#include "tst_ratelimiter.moc"

// The server's limits (core/server/ServerLimits.h): defaults from the named
// constants, settings that move them within their ranges, and a clear
// refusal naming the key for a value out of range or not a number.
#include "TestSupport.h"
#include "config/Config.h"
#include "server/ServerLimits.h"

#include <QTest>

using namespace cabinet;
using namespace cabinet::server;

class TestServerLimits : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void defaults()
    {
        QTemporaryDir dir;
        Config config(dir.filePath(QStringLiteral("config.yaml")), {});
        auto limits = ServerLimits::fromConfig(config);
        QVERIFY(limits.ok());
        QCOMPARE(limits->frameBytes, ServerLimits::FrameBytesDefault);
        QCOMPARE(limits->messageBytes, ServerLimits::MessageBytesDefault);
        QCOMPARE(limits->callsPerSecond, ServerLimits::CallsPerSecondDefault);
        QCOMPARE(limits->queueEvents, ServerLimits::QueueEventsDefault);
        QCOMPARE(limits->authTimeoutNs, ServerLimits::AuthTimeoutNsDefault);
    }

    void settings()
    {
        QTemporaryDir dir;
        Config config(dir.filePath(QStringLiteral("config.yaml")),
                      { { QStringLiteral("server.calls_per_second"), QStringLiteral("7") },
                        { QStringLiteral("server.auth_timeout_ms"), QStringLiteral("500") },
                        { QStringLiteral("server.queue_events"), QStringLiteral("10") } });
        auto limits = ServerLimits::fromConfig(config);
        QVERIFY(limits.ok());
        QCOMPARE(limits->callsPerSecond, 7);
        QCOMPARE(limits->authTimeoutNs, qint64(500'000'000));
        QCOMPARE(limits->queueEvents, 10);
    }

    void refusals_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::newRow("not a number") << QStringLiteral("server.calls_per_second") << QStringLiteral("fast");
        QTest::newRow("zero") << QStringLiteral("server.calls_per_second") << QStringLiteral("0");
        QTest::newRow("too many connections") << QStringLiteral("server.connections_per_token") << QString::number(ServerLimits::ConnectionsMax + 1);
        QTest::newRow("frame over message") << QStringLiteral("server.frame_bytes") << QString::number(ServerLimits::MessageBytesDefault + 1);
        QTest::newRow("timeout too short") << QStringLiteral("server.auth_timeout_ms") << QStringLiteral("1");
    }
    void refusals()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QTemporaryDir dir;
        Config config(dir.filePath(QStringLiteral("config.yaml")), { { key, value } });
        auto limits = ServerLimits::fromConfig(config);
        QVERIFY(!limits.ok());
        QCOMPARE(int(limits.error().code), int(ErrorCode::InvalidArgument));
        QCOMPARE(limits.error().field, key);
    }
};

QTEST_GUILESS_MAIN(TestServerLimits)
#include "tst_serverlimits.moc"

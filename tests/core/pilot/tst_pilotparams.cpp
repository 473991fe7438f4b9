// A pilot day's parameters: defaults, and every limit refused with its
// field named before any work.
#include "pilot/PilotParams.h"

#include <QJsonDocument>
#include <QTest>

using namespace cabinet;
using namespace cabinet::pilot;

class TestPilotParams : public QObject {
    Q_OBJECT

private slots:
    void defaultsAndRoundTrip()
    {
        auto p = pilotParamsFromJson({});
        QVERIFY(p);
        QCOMPARE(p->participants, 100);
        QCOMPARE(p->ordersPerParticipant, 3);
        auto back = pilotParamsFromJson(pilotParamsJson(*p));
        QVERIFY(back);
        QCOMPARE(back->seed, p->seed);
        auto big = pilotParamsFromJson({ { QStringLiteral("seed"), QStringLiteral("18446744073709551615") } });
        QVERIFY(big);
        QCOMPARE(big->seed, ~quint64(0));
    }

    void refusesOutOfRange_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("field");
        QTest::newRow("no participants") << QByteArray(R"({"participants":0})") << QStringLiteral("participants");
        QTest::newRow("too many participants") << QByteArray(R"({"participants":100001})") << QStringLiteral("participants");
        QTest::newRow("fractional participants") << QByteArray(R"({"participants":1.5})") << QStringLiteral("participants");
        QTest::newRow("too many orders") << QByteArray(R"({"orders_per_participant":21})") << QStringLiteral("orders_per_participant");
        QTest::newRow("no hours") << QByteArray(R"({"hours":0})") << QStringLiteral("hours");
        QTest::newRow("too many hours") << QByteArray(R"({"hours":25})") << QStringLiteral("hours");
        QTest::newRow("failure rate above 1") << QByteArray(R"({"failure_rate":1.5})") << QStringLiteral("failure_rate");
        QTest::newRow("failure rate as text") << QByteArray(R"({"failure_rate":"0.1"})") << QStringLiteral("failure_rate");
        QTest::newRow("negative seed") << QByteArray(R"({"seed":-1})") << QStringLiteral("seed");
        QTest::newRow("seed not a number") << QByteArray(R"({"seed":"x"})") << QStringLiteral("seed");
        QTest::newRow("unknown member") << QByteArray(R"({"grant":5})") << QStringLiteral("grant");
    }
    void refusesOutOfRange()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, field);
        auto p = pilotParamsFromJson(QJsonDocument::fromJson(json).object());
        QVERIFY(!p);
        QCOMPARE(p.error().code, ErrorCode::InvalidArgument);
        QCOMPARE(p.error().field, field);
    }
};

QTEST_GUILESS_MAIN(TestPilotParams)
#include "tst_pilotparams.moc"

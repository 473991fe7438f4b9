#include "TestSupport.h"
#include "events/EventBus.h"
#include "store/Database.h"

#include <QSignalSpy>

using namespace cabinet;
using namespace cabinet::test;

class TestEventBus : public QObject {
    Q_OBJECT

    TestCabinet m_cabinet;
    QJsonObject payload(int n) { return { { QStringLiteral("n"), n } }; }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_cabinet.open()); }

    void rolledBackTransactionPublishesAndStoresNothing()
    {
        EventBus &bus = m_cabinet->events();
        QSignalSpy spy(&bus, &EventBus::published);
        const qint64 before = bus.lastSequence();
        {
            auto tx = m_cabinet->database().begin();
            QVERIFY(tx);
            QVERIFY(bus.append(*tx, QStringLiteral("test.thing"), payload(1)));
            tx->rollback();
        }
        QCOMPARE(spy.count(), 0);
        QCOMPARE(bus.lastSequence(), before);
    }

    void publishedOnlyAfterCommit()
    {
        EventBus &bus = m_cabinet->events();
        QSignalSpy spy(&bus, &EventBus::published);
        auto tx = m_cabinet->database().begin();
        auto first = bus.append(*tx, QStringLiteral("test.a"), payload(1));
        auto second = bus.append(*tx, QStringLiteral("test.b"), payload(2));
        QVERIFY(first && second);
        QCOMPARE(*second, *first + 1);
        QCOMPARE(spy.count(), 0);
        QVERIFY(tx->commit());
        QCOMPARE(spy.count(), 2);
        const auto event = spy.at(0).at(0).value<Event>();
        QCOMPARE(event.seq, *first);
        QCOMPARE(event.type, QStringLiteral("test.a"));
        QCOMPARE(event.payload, payload(1));
        QCOMPARE(spy.at(1).at(0).value<Event>().seq, *second);
    }

    void replayFromAnySequence()
    {
        EventBus &bus = m_cabinet->events();
        auto tx = m_cabinet->database().begin();
        QList<qint64> seqs;
        for (int i = 0; i < 5; ++i)
            seqs.append(*bus.append(*tx, QStringLiteral("test.replay"), payload(i)));
        QVERIFY(tx->commit());

        auto fromThird = bus.replay(seqs[1]);
        QVERIFY(fromThird);
        QCOMPARE(fromThird->size(), 3);
        QCOMPARE(fromThird->at(0).seq, seqs[2]);
        QCOMPARE(fromThird->at(0).payload, payload(2));
        QCOMPARE(fromThird->last().seq, seqs[4]);

        auto limited = bus.replay(0, 2);
        QVERIFY(limited);
        QCOMPARE(limited->size(), 2);
        QVERIFY(limited->at(0).seq < limited->at(1).seq);
        QVERIFY(bus.replay(seqs[4])->isEmpty());
    }

    void ephemeralEventsArePublishedNotStored()
    {
        EventBus &bus = m_cabinet->events();
        QSignalSpy spy(&bus, &EventBus::published);
        const qint64 before = bus.lastSequence();
        bus.publishEphemeral(QStringLiteral("llm.token"), { { QStringLiteral("text"), QStringLiteral("hi") } });
        QCOMPARE(spy.count(), 1);
        QVERIFY(spy.at(0).at(0).value<Event>().ephemeral());
        QCOMPARE(bus.lastSequence(), before);
    }

    void sequenceSurvivesReopen()
    {
        const qint64 before = m_cabinet->events().lastSequence();
        QVERIFY(before > 0);
        QVERIFY(m_cabinet.open());
        auto tx = m_cabinet->database().begin();
        auto next = m_cabinet->events().append(*tx, QStringLiteral("test.after"), {});
        QVERIFY(tx->commit());
        QCOMPARE(*next, before + 1);
    }
};

QTEST_GUILESS_MAIN(TestEventBus)
#include "tst_eventbus.moc"

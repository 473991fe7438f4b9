#include "TestSupport.h"
#include "api/Dispatcher.h"
#include "audit/AuditLog.h"
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

    // Subscribers see a change only once it has committed, each event once,
    // in sequence order.
    void subscribersHearNothingDuringTheTransaction()
    {
        EventBus &bus = m_cabinet->events();
        QList<qint64> heard;
        const int id = bus.subscribe({ QStringLiteral("test.") }, [&](const Event &event) { heard.append(event.seq); });
        auto tx = m_cabinet->database().begin();
        QVERIFY(tx);
        QList<qint64> seqs;
        for (int i = 0; i < 3; ++i)
            seqs.append(*bus.append(*tx, QStringLiteral("test.tx"), payload(i)));
        QVERIFY(heard.isEmpty());
        QVERIFY(tx->commit());
        QCOMPARE(heard, seqs);
        bus.unsubscribe(id);
    }

    void rolledBackTransactionReachesNoSubscriber()
    {
        EventBus &bus = m_cabinet->events();
        int heard = 0;
        const int id = bus.subscribe({}, [&](const Event &) { ++heard; });
        {
            auto tx = m_cabinet->database().begin();
            QVERIFY(bus.append(*tx, QStringLiteral("test.gone"), payload(1)));
            // Left without commit: rolled back as it goes.
        }
        QCOMPARE(heard, 0);
        // The next commit does not bring it back.
        auto tx = m_cabinet->database().begin();
        QVERIFY(bus.append(*tx, QStringLiteral("test.kept"), payload(2)));
        QVERIFY(tx->commit());
        QCOMPARE(heard, 1);
        bus.unsubscribe(id);
        const auto stored = bus.replay(0, EventBus::ReplayLimitMax);
        QVERIFY(stored);
        for (const Event &event : *stored)
            QVERIFY(event.type != u"test.gone");
    }

    // A subscriber that writes in its handler: its events come after the
    // ones being delivered, never inside another commit's run of events,
    // and everyone hears everything in sequence order.
    void subscriberThatWritesInItsHandler()
    {
        EventBus &bus = m_cabinet->events();
        Database &db = m_cabinet->database();
        const int writer = bus.subscribe({ QStringLiteral("test.request") }, [&](const Event &event) {
            auto tx = db.begin();
            QVERIFY(tx);
            QVERIFY(bus.append(*tx, QStringLiteral("test.reply"), event.payload));
            QVERIFY(bus.append(*tx, QStringLiteral("test.reply"), event.payload));
            QVERIFY(tx->commit());
            bus.publishEphemeral(QStringLiteral("test.ephemeral"), event.payload);
        });
        QList<Event> heard;
        const int listener = bus.subscribe({ QStringLiteral("test.") }, [&](const Event &event) { heard.append(event); });
        auto tx = db.begin();
        QList<qint64> requests;
        for (int i = 0; i < 3; ++i)
            requests.append(*bus.append(*tx, QStringLiteral("test.request"), payload(i)));
        QVERIFY(tx->commit());
        bus.unsubscribe(writer);
        bus.unsubscribe(listener);

        QStringList order;
        qint64 lastSeq = 0;
        for (const Event &event : heard) {
            order.append(event.type.mid(5) + QString::number(event.payload.value(QStringLiteral("n")).toInt()));
            if (!event.ephemeral()) {
                QVERIFY2(event.seq > lastSeq, qPrintable(QStringLiteral("seq %1 after %2").arg(event.seq).arg(lastSeq)));
                lastSeq = event.seq;
            }
        }
        QCOMPARE(order, (QStringList { QStringLiteral("request0"), QStringLiteral("request1"), QStringLiteral("request2"),
                                       QStringLiteral("reply0"), QStringLiteral("reply0"), QStringLiteral("ephemeral0"),
                                       QStringLiteral("reply1"), QStringLiteral("reply1"), QStringLiteral("ephemeral1"),
                                       QStringLiteral("reply2"), QStringLiteral("reply2"), QStringLiteral("ephemeral2") }));
    }

    void typeFiltersAndGroups()
    {
        QVERIFY(EventBus::matches({}, QStringLiteral("anything.at_all")));
        QVERIFY(EventBus::matches({ QStringLiteral("ledger.") }, QStringLiteral("ledger.transfers_created")));
        QVERIFY(!EventBus::matches({ QStringLiteral("ledger.") }, QStringLiteral("ledgers.x")));
        QVERIFY(!EventBus::matches({ QStringLiteral("ledger.") }, QStringLiteral("ledger")));
        QVERIFY(!EventBus::matches({ QStringLiteral("ledger.") }, QStringLiteral("audit.appended")));
        QVERIFY(EventBus::matches({ QStringLiteral("job.started") }, QStringLiteral("job.started")));
        QVERIFY(!EventBus::matches({ QStringLiteral("job.started") }, QStringLiteral("job.started_late")));
        QVERIFY(!EventBus::matches({ QStringLiteral("job.started") }, QStringLiteral("job.")));
        QVERIFY(EventBus::matches({ QStringLiteral("a.b"), QStringLiteral("job.") }, QStringLiteral("job.progress")));

        EventBus &bus = m_cabinet->events();
        QStringList group, exact, all;
        const int ids[] = {
            bus.subscribe({ QStringLiteral("filter.") }, [&](const Event &e) { group.append(e.type); }),
            bus.subscribe({ QStringLiteral("filter.one"), QStringLiteral("other.two") }, [&](const Event &e) { exact.append(e.type); }),
            bus.subscribe({}, [&](const Event &e) {
                if (!e.type.startsWith(u"audit."))
                    all.append(e.type);
            }),
        };
        auto tx = m_cabinet->database().begin();
        for (const char *type : { "filter.one", "filter.one_more", "filters.one", "other.two", "other.three" })
            QVERIFY(bus.append(*tx, QString::fromLatin1(type), {}));
        QVERIFY(tx->commit());
        bus.publishEphemeral(QStringLiteral("filter.live"), {});
        for (int id : ids)
            bus.unsubscribe(id);
        QCOMPARE(group, (QStringList { QStringLiteral("filter.one"), QStringLiteral("filter.one_more"), QStringLiteral("filter.live") }));
        QCOMPARE(exact, (QStringList { QStringLiteral("filter.one"), QStringLiteral("other.two") }));
        QCOMPARE(all, (QStringList { QStringLiteral("filter.one"), QStringLiteral("filter.one_more"), QStringLiteral("filters.one"),
                                     QStringLiteral("other.two"), QStringLiteral("other.three"), QStringLiteral("filter.live") }));
    }

    void unsubscribeStopsDelivery()
    {
        EventBus &bus = m_cabinet->events();
        int first = 0;
        int second = 0;
        int secondId = 0;
        const auto commitOne = [&] {
            auto tx = m_cabinet->database().begin();
            QVERIFY(bus.append(*tx, QStringLiteral("unsub.x"), {}));
            QVERIFY(tx->commit());
        };
        const int firstId = bus.subscribe({ QStringLiteral("unsub.") }, [&](const Event &) {
            ++first;
            // Unsubscribed from inside a delivery: not called again, not
            // even for the event being delivered (its owner may be gone).
            if (first == 2)
                bus.unsubscribe(secondId);
        });
        secondId = bus.subscribe({ QStringLiteral("unsub.") }, [&](const Event &) { ++second; });
        commitOne();
        QCOMPARE(first, 1);
        QCOMPARE(second, 1);
        commitOne();
        QCOMPARE(first, 2);
        QCOMPARE(second, 1);
        bus.unsubscribe(firstId);
        commitOne();
        QCOMPARE(first, 2);
        bus.unsubscribe(firstId); // twice is harmless
        bus.unsubscribe(12345);
    }

    // Retention: prune keeps the newest N, and replay says where history
    // now starts instead of returning a gap.
    void pruneKeepsTheNewestAndReplaySaysWhereHistoryStarts()
    {
        TestCabinet c;
        QVERIFY(c.open());
        EventBus &bus = c->events();
        QCOMPARE(bus.firstRetainedSequence().value(), qint64(1));
        {
            auto tx = c->database().begin();
            for (int i = 0; i < 1500; ++i)
                QVERIFY(bus.append(*tx, QStringLiteral("test.many"), payload(i)));
            QVERIFY(tx->commit());
        }
        const qint64 last = bus.lastSequence();
        QVERIFY(bus.replay(0, 10));
        // Below the floor the bus keeps RetentionMin.
        auto removed = bus.prune(5);
        QVERIFY(removed);
        const qint64 first = last - EventBus::RetentionMin + 1;
        QCOMPARE(bus.firstRetainedSequence().value(), first);
        QCOMPARE(bus.lastSequence(), last);
        QCOMPARE(*removed, first - 1);

        // From the start of what is kept: every kept event, in order.
        auto kept = bus.replay(first - 1, EventBus::ReplayLimitMax);
        QVERIFY2(kept, kept ? "" : qPrintable(kept.error().message));
        QCOMPARE(kept->size(), EventBus::RetentionMin);
        QCOMPARE(kept->first().seq, first);
        QCOMPARE(kept->last().seq, last);
        QVERIFY(bus.replay(first + 10));

        // From before it: not_found, naming the field, not a silent gap.
        for (qint64 from : { qint64(0), first - 2, qint64(1) }) {
            auto gone = bus.replay(from);
            QVERIFY(!gone);
            QCOMPARE(gone.error().code, ErrorCode::NotFound);
            QCOMPARE(gone.error().field, QStringLiteral("from_seq"));
        }
        // Through the catalogue the same.
        Result<QByteArray> answer = Error {};
        c->api().call(QStringLiteral("events.replay"), tester(), R"({"after_seq":0})", [&](Result<QByteArray> r) { answer = std::move(r); });
        QVERIFY(!answer);
        QCOMPARE(answer.error().code, ErrorCode::NotFound);
        QCOMPARE(answer.error().field, QStringLiteral("from_seq"));

        // Pruning again to the same size removes nothing; keeping more than
        // there is removes nothing and moves no floor.
        QCOMPARE(bus.prune(EventBus::RetentionMin).value(), qint64(0));
        QCOMPARE(bus.prune(1'000'000).value(), qint64(0));
        QCOMPARE(bus.firstRetainedSequence().value(), first);

        // Newer events keep the floor moving with them.
        {
            auto tx = c->database().begin();
            for (int i = 0; i < 10; ++i)
                QVERIFY(bus.append(*tx, QStringLiteral("test.more"), payload(i)));
            QVERIFY(tx->commit());
        }
        QCOMPARE(bus.prune(EventBus::RetentionMin).value(), qint64(10));
        QCOMPARE(bus.firstRetainedSequence().value(), first + 10);
        QCOMPARE(bus.replay(first + 9, EventBus::ReplayLimitMax)->size(), EventBus::RetentionMin);
        // The floor survives a reopen.
        QVERIFY(c.open());
        QCOMPARE(c->events().firstRetainedSequence().value(), first + 10);
        QVERIFY(!c->events().replay(first));
    }

    void pruneKeepsTheNewestAuditEventButNeverReplaysIt()
    {
        TestCabinet c;
        QVERIFY(c.open());
        EventBus &bus = c->events();
        QVERIFY(c->audit().record(tester().toString(), QStringLiteral("test.audited"), QStringLiteral("x")));
        {
            auto tx = c->database().begin();
            for (int i = 0; i < 1200; ++i)
                QVERIFY(bus.append(*tx, QStringLiteral("test.many"), payload(i)));
            QVERIFY(tx->commit());
        }
        QVERIFY(bus.prune(EventBus::RetentionMin));
        const qint64 first = bus.firstRetainedSequence().value();
        auto kept = bus.replay(first - 1, EventBus::ReplayLimitMax);
        QVERIFY(kept);
        QCOMPARE(kept->size(), EventBus::RetentionMin);
        for (const Event &event : *kept)
            QVERIFY(event.seq >= first);
        // The audit trail still checks out (its tail check reads that event).
        auto verified = c->audit().verify();
        QVERIFY(verified);
        QVERIFY2(verified->intact, qPrintable(verified->reason));
    }
};

QTEST_GUILESS_MAIN(TestEventBus)
#include "tst_eventbus.moc"

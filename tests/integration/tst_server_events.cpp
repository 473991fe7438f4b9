// Subscriptions on the headless server through the real binary
// (docs/server.md): a replay from a sequence number runs into the live
// stream with no gap and no duplicate while events are being written;
// ephemeral events come live only; a slow consumer is closed when its
// bounded queue overflows while the others keep receiving; the limits on
// subscriptions; and 50 clients at once.
#include "ServerClient.h"

#include <QTemporaryDir>
#include <QTest>

using namespace cabinet;
using namespace cabinet::test;

namespace {

QJsonObject modeParams(int i)
{
    return { { QStringLiteral("mode"), i % 2 ? QStringLiteral("manual") : QStringLiteral("supervised") } };
}

// The stored events of `types` as events.replay lists them (at most 10,000).
QList<qint64> storedSeqs(WsClient &client, const QString &type)
{
    const QJsonObject replayed = client.call(QStringLiteral("events.replay"),
                                             { { QStringLiteral("after_seq"), 0 }, { QStringLiteral("limit"), 10000 },
                                               { QStringLiteral("types"), QJsonArray { type } } },
                                             QStringLiteral("replay"));
    QList<qint64> seqs;
    for (const QJsonValue &event : replayed.value(QStringLiteral("result")).toObject().value(QStringLiteral("events")).toArray())
        seqs.append(event.toObject().value(QStringLiteral("seq")).toInteger());
    return seqs;
}

QList<qint64> seqsOf(const WsClient &client, int subscription)
{
    QList<qint64> seqs;
    for (const auto &event : client.received)
        if (event.subscription == subscription)
            seqs.append(event.seq);
    return seqs;
}

int subscriptionOf(const QJsonObject &answer)
{
    return answer.value(QStringLiteral("result")).toObject().value(QStringLiteral("subscription")).toInt();
}

} // namespace

class TestServerEvents : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void replayThenLiveWithoutGapOrDuplicate()
    {
        QTemporaryDir dir;
        const QByteArray ops = makeToken(dir.path(), QStringLiteral("ops"), QStringLiteral("operator"));
        ServerProcess server;
        QVERIFY(server.start(dir.path(), { QStringLiteral("--set"), QStringLiteral("server.calls_per_second=1000000") }));
        WsClient writer, reader;
        QVERIFY(writer.open(server.port, ops) && reader.open(server.port, ops));
        // History longer than one replay page, then writes that go on while
        // the reader replays it.
        constexpr int Before = 2500, During = 1500;
        for (int i = 0; i < Before; ++i)
            writer.send(WsClient::request(QStringLiteral("mode.set"), modeParams(i), i));
        QVERIFY(QTest::qWaitFor([&] { return writer.answers.size() == Before; }, 120000));
        const QJsonObject subscribed = reader.call(QStringLiteral("events.subscribe"),
                                                   { { QStringLiteral("from_seq"), 1 }, { QStringLiteral("types"), QJsonArray { QStringLiteral("mode.") } } });
        QVERIFY2(subscribed.value(QStringLiteral("result")).toObject().value(QStringLiteral("replaying")).toBool(),
                 QJsonDocument(subscribed).toJson().constData());
        // A live-only subscription beside it starts where the history ended.
        const QJsonObject liveOnly = reader.call(QStringLiteral("events.subscribe"), { { QStringLiteral("types"), QJsonArray { QStringLiteral("mode.changed") } } },
                                                 2);
        const qint64 liveFrom = liveOnly.value(QStringLiteral("result")).toObject().value(QStringLiteral("last_seq")).toInteger();
        // Written while the first one still replays, page by page.
        for (int i = Before; i < Before + During; ++i)
            writer.send(WsClient::request(QStringLiteral("mode.set"), modeParams(i), i));
        QVERIFY(QTest::qWaitFor([&] { return writer.answers.size() == Before + During; }, 120000));

        writer.answers.clear();
        const QList<qint64> stored = storedSeqs(writer, QStringLiteral("mode.changed"));
        QVERIFY(stored.size() >= Before + During); // one each, and the seed's
        QVERIFY(QTest::qWaitFor([&] { return seqsOf(reader, subscriptionOf(subscribed)).size() >= stored.size(); }, 60000));
        QCOMPARE(seqsOf(reader, subscriptionOf(subscribed)), stored);
        QList<qint64> afterLive;
        for (qint64 seq : stored)
            if (seq > liveFrom)
                afterLive.append(seq);
        QVERIFY(!afterLive.isEmpty());
        QCOMPARE(seqsOf(reader, subscriptionOf(liveOnly)), afterLive);
        // Several events shared frames (batches of notifications).
        QVERIFY(reader.frames < reader.received.size());
        QVERIFY(server.stop());
    }

    void ephemeralEventsComeLiveOnly()
    {
        QTemporaryDir dir;
        const QByteArray ops = makeToken(dir.path(), QStringLiteral("ops"), QStringLiteral("operator"));
        ServerProcess server;
        QVERIFY(server.start(dir.path()));
        WsClient c;
        QVERIFY(c.open(server.port, ops));
        const QJsonObject test { { QStringLiteral("task_type"), QStringLiteral("review") }, { QStringLiteral("prompt"), QStringLiteral("hello") },
                                 { QStringLiteral("max_tokens"), 8 } };
        QVERIFY(c.call(QStringLiteral("models.test"), test).contains(QStringLiteral("result")));
        // From the start: the stored history, none of the tokens of the call before.
        const int all = subscriptionOf(c.call(QStringLiteral("events.subscribe"), { { QStringLiteral("from_seq"), 1 } }));
        QVERIFY(c.call(QStringLiteral("models.test"), test, 3).contains(QStringLiteral("result")));
        QVERIFY(QTest::qWaitFor([&] {
            return std::any_of(c.received.begin(), c.received.end(), [](const auto &e) { return e.type == u"llm.test_started"; });
        }, 10000));
        QStringList ephemeral;
        for (const auto &event : c.received) {
            QCOMPARE(event.subscription, all);
            if (event.seq == 0)
                ephemeral << event.type;
        }
        // The second call's only: the first one's were never stored.
        QCOMPARE(ephemeral.count(QStringLiteral("llm.test_started")), 1);
        QVERIFY2(ephemeral.count(QStringLiteral("llm.call")) == 1, qPrintable(ephemeral.join(u' ')));
        QVERIFY(server.stop());
    }

    void slowConsumerIsDropped()
    {
        QTemporaryDir dir;
        const QByteArray admin = makeToken(dir.path(), QStringLiteral("root"), QStringLiteral("admin"));
        ServerProcess server;
        QVERIFY(server.start(dir.path(), { QStringLiteral("--set"), QStringLiteral("server.queue_events=50") }));
        // The slow one subscribes, then stops reading: the kernel's buffers
        // fill, then the socket's, then its queue.
        RawWebSocket slow;
        QVERIFY(slow.handshake(server.port, admin).startsWith("HTTP/1.1 101 "));
        slow.sendFrame(0x1, WsClient::request(QStringLiteral("events.subscribe"), {}, 1));
        QTest::qWait(200);
        slow.socket.setReadBufferSize(1024);
        WsClient keeping;
        QVERIFY(keeping.open(server.port, admin));
        const int subscription = subscriptionOf(keeping.call(QStringLiteral("events.subscribe"),
                                                             { { QStringLiteral("types"), QJsonArray { QStringLiteral("config.changed") } } }));
        WsClient writer;
        QVERIFY(writer.open(server.port, admin));
        int writes = 0;
        bool dropped = false;
        for (; writes < 400 && !dropped; ++writes) {
            const QJsonObject set { { QStringLiteral("key"), QStringLiteral("test.blob") },
                                    { QStringLiteral("value"), QString(60'000, QLatin1Char('a' + writes % 26)) } };
            QVERIFY(writer.call(QStringLiteral("config.set"), set, writes).contains(QStringLiteral("result")));
            if (writes % 10 == 9)
                dropped = httpBody(httpGet(server.port, "/metrics")).contains("cabinet_websocket_clients_dropped_total{reason=\"queue_overflow\"} 1");
        }
        QVERIFY2(dropped, qPrintable(QStringLiteral("no drop after %1 writes").arg(writes)));
        // The one that keeps up got every event and stays.
        QVERIFY2(QTest::qWaitFor([&] { return seqsOf(keeping, subscription).size() == writes; }, 30000),
                 qPrintable(QStringLiteral("%1 events for %2 writes, closed %3").arg(seqsOf(keeping, subscription).size()).arg(writes).arg(keeping.closeCode)));
        QVERIFY(!keeping.closed);
        QVERIFY(writer.call(QStringLiteral("mode.get"), {}, QStringLiteral("after")).contains(QStringLiteral("result")));
        // The slow one, once it reads again, finds the close code at the end.
        slow.socket.setReadBufferSize(0);
        QCOMPARE(slow.closeCode(30000), 4008);
        QVERIFY(server.stop());
    }

    void subscriptionLimits()
    {
        QTemporaryDir dir;
        const QByteArray ops = makeToken(dir.path(), QStringLiteral("ops"), QStringLiteral("operator"));
        ServerProcess server;
        QVERIFY(server.start(dir.path(), { QStringLiteral("--set"), QStringLiteral("server.subscriptions_per_token=20") }));
        WsClient c, d;
        QVERIFY(c.open(server.port, ops) && d.open(server.port, ops));
        QCOMPARE(errorCodeOf(c.call(QStringLiteral("events.subscribe"), { { QStringLiteral("types"), QJsonArray { QStringLiteral("no.such") } } })), -32602);
        QCOMPARE(errorCodeOf(c.call(QStringLiteral("events.subscribe"), { { QStringLiteral("from_seq"), -1 } })), -32602);
        QCOMPARE(errorCodeOf(c.call(QStringLiteral("events.subscribe"), { { QStringLiteral("types"), QStringLiteral("task.") } })), -32602);
        QCOMPARE(errorCodeOf(c.call(QStringLiteral("events.subscribe"), { { QStringLiteral("other"), 1 } })), -32602);
        QJsonArray tooManyTypes;
        for (int i = 0; i <= 64; ++i)
            tooManyTypes.append(QStringLiteral("task."));
        QCOMPARE(errorNameOf(c.call(QStringLiteral("events.subscribe"), { { QStringLiteral("types"), tooManyTypes } })), QStringLiteral("invalid_argument"));
        QCOMPARE(errorCodeOf(c.call(QStringLiteral("events.unsubscribe"), { { QStringLiteral("subscription"), 99 } })), -32001);
        // At most 16 on one connection...
        for (int i = 0; i < 16; ++i)
            QVERIFY(c.call(QStringLiteral("events.subscribe"), {}, i).contains(QStringLiteral("result")));
        QCOMPARE(errorCodeOf(c.call(QStringLiteral("events.subscribe"))), -32007);
        // ...and 20 for the token, over all its connections.
        for (int i = 0; i < 4; ++i)
            QVERIFY(d.call(QStringLiteral("events.subscribe"), {}, i).contains(QStringLiteral("result")));
        QCOMPARE(errorNameOf(d.call(QStringLiteral("events.subscribe"))), QStringLiteral("resource_exhausted"));
        // Unsubscribing makes room again.
        QVERIFY(c.call(QStringLiteral("events.unsubscribe"), { { QStringLiteral("subscription"), 1 } }).contains(QStringLiteral("result")));
        QVERIFY(d.call(QStringLiteral("events.subscribe")).contains(QStringLiteral("result")));
        QVERIFY(server.stop());
    }

    void fiftyClientsAtOnce()
    {
        QTemporaryDir dir;
        const QByteArray ops = makeToken(dir.path(), QStringLiteral("ops"), QStringLiteral("operator"));
        ServerProcess server;
        QVERIFY(server.start(dir.path()));
        constexpr int Clients = 50;
        std::vector<std::unique_ptr<WsClient>> clients;
        for (int i = 0; i < Clients; ++i) {
            clients.push_back(std::make_unique<WsClient>());
            QVERIFY(clients.back()->open(server.port, ops));
        }
        for (auto &client : clients)
            client->send(WsClient::request(QStringLiteral("events.subscribe"), { { QStringLiteral("types"), QJsonArray { QStringLiteral("mode.changed") } } }));
        QVERIFY(QTest::qWaitFor([&] { return std::all_of(clients.begin(), clients.end(), [](const auto &c) { return c->answers.size() == 1; }); }, 30000));
        QVERIFY(httpBody(httpGet(server.port, "/metrics")).contains("cabinet_websocket_clients 50\n"));
        // One change reaches every one of them.
        clients.front()->send(WsClient::request(QStringLiteral("mode.set"), modeParams(1), 2));
        QVERIFY(QTest::qWaitFor([&] { return std::all_of(clients.begin(), clients.end(), [](const auto &c) { return c->received.size() == 1; }); }, 30000));
        for (auto &client : clients)
            QVERIFY(!client->closed);
        QVERIFY(server.stop());
    }
};

QTEST_GUILESS_MAIN(TestServerEvents)
#include "tst_server_events.moc"

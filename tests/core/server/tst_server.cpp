// The server in process (core/server/Server.h), on a ManualClock: its
// deadlines run on the core's one Scheduler, so an unauthenticated client is
// closed (4001) exactly when the clock passes the time limit and not before,
// and the failure is audited; a handshake token admits at once; a stop
// closes every client with 1001; a client closed for reading too slowly is
// let go at once, though it reads nothing more.
#include "ServerClient.h"
#include "TestSupport.h"
#include "events/EventBus.h"
#include "audit/AuditLog.h"
#include "server/Connection.h"
#include "server/Server.h"
#include "service/Scheduler.h"

#include <QNetworkRequest>
#include <QTest>
#include <QWebSocket>

using namespace cabinet;
using namespace cabinet::server;
using namespace cabinet::test;

namespace {

struct Client {
    // (QWebSocket: the tests' own client, beside RawWebSocket of ServerClient.h.)
    QWebSocket socket;
    bool closed = false;
    int code = -1;
    QStringList messages;

    Client()
    {
        QObject::connect(&socket, &QWebSocket::disconnected, [this] {
            closed = true;
            code = int(socket.closeCode());
        });
        QObject::connect(&socket, &QWebSocket::textMessageReceived, [this](const QString &text) { messages << text; });
    }
    bool open(quint16 port, const QByteArray &token = {})
    {
        QNetworkRequest request(QUrl(QStringLiteral("ws://127.0.0.1:%1/").arg(port)));
        if (!token.isEmpty())
            request.setRawHeader("Authorization", "Bearer " + token);
        socket.open(request);
        return QTest::qWaitFor([this] { return socket.state() == QAbstractSocket::ConnectedState; }, 5000);
    }
};

int audited(const Cabinet &cabinet, const QString &action)
{
    int n = 0;
    for (const AuditEntry &entry : cabinet.audit().tail(1000).value())
        n += entry.action == action ? 1 : 0;
    return n;
}

} // namespace

class TestServer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void authenticationDeadlineOnTheClock()
    {
        TestCabinet c;
        QVERIFY(c.open());
        QVERIFY(c->start().ok());
        Server::Options options;
        options.port = 0;
        Server server(*c.cabinet, options);
        QVERIFY(server.start().ok());
        c->scheduler().add(server);
        QVERIFY(server.port() != 0);

        auto token = c->service<TokenStore>().create(QStringLiteral("ops"), api::Role::Operator, 0, tester());
        QVERIFY(token.ok());
        Client idle, admitted;
        QVERIFY(idle.open(server.port()));
        QVERIFY(admitted.open(server.port(), token->secret));
        // Real time passing does nothing: only the Clock counts.
        QTest::qWait(200);
        QVERIFY(!idle.closed);
        c.clock->advanceNs(ServerLimits::AuthTimeoutNsDefault - 1);
        QTest::qWait(100);
        QVERIFY(!idle.closed);
        c.clock->advanceNs(1);
        QVERIFY(QTest::qWaitFor([&] { return idle.closed; }, 5000));
        QCOMPARE(idle.code, CloseCode::AuthTimeout);
        QCOMPARE(audited(*c.cabinet, QStringLiteral("server.auth_failed")), 1);
        // The one that authenticated in the handshake stays, and calls.
        QVERIFY(!admitted.closed);
        admitted.socket.sendTextMessage(QStringLiteral("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"mode.get\"}"));
        QVERIFY(QTest::qWaitFor([&] { return !admitted.messages.isEmpty(); }, 5000));
        QVERIFY(admitted.messages.first().contains(QStringLiteral("\"result\"")));

        c->scheduler().remove(server);
        server.stop();
        QVERIFY(QTest::qWaitFor([&] { return admitted.closed; }, 5000));
        QCOMPARE(admitted.code, CloseCode::GoingAway);
    }

    void aSlowClientIsLetGoAtOnce()
    {
        QTemporaryDir dir;
        auto clock = std::make_shared<ManualClock>();
        Cabinet::Options options;
        options.dataDir = dir.path();
        options.clock = clock;
        options.config = { { QStringLiteral("server.queue_events"), QStringLiteral("5") }, { QStringLiteral("orchestrator.workers"), QStringLiteral("0") } };
        auto cabinet = Cabinet::open(options);
        QVERIFY(cabinet.ok());
        QVERIFY((*cabinet)->start().ok());
        Server::Options listen;
        listen.port = 0;
        Server server(**cabinet, listen);
        QVERIFY(server.start().ok());
        (*cabinet)->scheduler().add(server);
        auto token = (*cabinet)->service<TokenStore>().create(QStringLiteral("ops"), api::Role::Operator, 0, tester());
        QVERIFY(token.ok());

        RawWebSocket slow;
        QVERIFY(slow.handshake(server.port(), token->secret).startsWith("HTTP/1.1 101 "));
        slow.sendFrame(0x1, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"events.subscribe\"}");
        QTest::qWait(100);
        slow.socket.setReadBufferSize(1024); // and never reads again
        QCOMPARE(server.clients(), 1);
        // Big ephemeral events until its queue overflows: the server closes
        // it and lets it go at once, buffers and all, though it reads nothing.
        const QJsonObject big { { QStringLiteral("blob"), QString(100'000, u'x') } };
        for (int i = 0; i < 400 && server.clients() == 1; ++i) {
            (*cabinet)->events().publishEphemeral(events::JobProgress, big);
            QTest::qWait(1);
        }
        QCOMPARE(server.clients(), 0);
        QVERIFY(slow.socket.bytesAvailable() <= 1024); // it really did not read
        (*cabinet)->scheduler().remove(server);
    }

    void refusesBadOptions()
    {
        TestCabinet c;
        QVERIFY(c.open());
        auto open = Server::parseListen(QStringLiteral("0.0.0.0:0"));
        QVERIFY(open.ok());
        Server plain(*c.cabinet, *open);
        QCOMPARE(int(plain.start().error().code), int(ErrorCode::InvalidArgument));
        Server::Options halfTls;
        halfTls.port = 0;
        halfTls.tlsCert = c.dir.filePath(QStringLiteral("missing.pem"));
        Server half(*c.cabinet, halfTls);
        QCOMPARE(int(half.start().error().code), int(ErrorCode::InvalidArgument));
        for (const char *bad : { "localhost:1", "127.0.0.1", "127.0.0.1:70000", ":80", "[::1:80" })
            QVERIFY2(!Server::parseListen(QString::fromLatin1(bad)).ok(), bad);
        auto v6 = Server::parseListen(QStringLiteral("[::1]:8765"));
        QVERIFY(v6.ok());
        QCOMPARE(v6->address, QHostAddress(QHostAddress::LocalHostIPv6));
        QCOMPARE(v6->port, quint16(8765));
    }
};

QTEST_GUILESS_MAIN(TestServer)
#include "tst_server.moc"

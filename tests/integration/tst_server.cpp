// The headless server through the real binary (docs/server.md), with real
// clients on 127.0.0.1: /health and /metrics on the WebSocket's port;
// authentication (none, wrong, revoked, expired, in the handshake or a
// first auth call, in time) with failures rate-limited per address and
// audited; roles from the catalogue; mutating calls audited as token:NAME;
// JSON-RPC 2.0 exactly, with every error code; the limits on connections,
// calls and message sizes; and a non-loopback address refused without TLS.
#include "PrometheusCheck.h"
#include "RawSqlite.h"
#include "ServerClient.h"
#include "store/DataDirectory.h"

#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace cabinet;
using namespace cabinet::test;

namespace {

QList<QJsonObject> auditEntries(const QString &dataDir)
{
    const Run exported = runCabinet({ QStringLiteral("--data-dir"), dataDir, QStringLiteral("audit"), QStringLiteral("export") });
    QList<QJsonObject> entries;
    for (const QString &line : exported.out.split(u'\n', Qt::SkipEmptyParts))
        entries.append(QJsonDocument::fromJson(line.toUtf8()).object());
    return entries;
}

int countAudited(const QString &dataDir, const QString &action)
{
    int n = 0;
    for (const QJsonObject &entry : auditEntries(dataDir))
        n += entry.value(QStringLiteral("action")).toString() == action ? 1 : 0;
    return n;
}

} // namespace

class TestServer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void healthAndMetrics()
    {
        QTemporaryDir dir;
        ServerProcess server;
        QVERIFY(server.start(dir.path()));
        const QByteArray health = httpGet(server.port, "/health");
        QVERIFY2(health.startsWith("HTTP/1.1 200 "), health.constData());
        const QJsonObject body = QJsonDocument::fromJson(httpBody(health)).object();
        QCOMPARE(body.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
        QVERIFY(body.value(QStringLiteral("database_writable")).toBool());
        QVERIFY(body.value(QStringLiteral("versions")).toObject().contains(QStringLiteral("cabinet")));

        const QByteArray metrics = httpGet(server.port, "/metrics");
        QVERIFY(metrics.startsWith("HTTP/1.1 200 "));
        QVERIFY(metrics.contains("Content-Type: text/plain; version=0.0.4"));
        const QString problem = checkPrometheusText(httpBody(metrics));
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        const QString linted = promtoolProblems(httpBody(metrics));
        QVERIFY2(linted.isEmpty(), qPrintable(linted));
        for (const char *family : { "cabinet_tasks", "cabinet_model_calls_total", "cabinet_model_tokens_total", "cabinet_model_cost_usd_total",
                                    "cabinet_approvals_pending", "cabinet_approvals_oldest_pending_age_seconds", "cabinet_events_published_total",
                                    "cabinet_ledger_transfers_total", "cabinet_websocket_clients", "cabinet_websocket_clients_dropped_total",
                                    "cabinet_rpc_request_duration_seconds" })
            QVERIFY2(httpBody(metrics).contains(QByteArray(QByteArray("# TYPE ") + family + ' ')), family);

        // Another writer holding the database's write lock past the busy
        // timeout: not writable, 503; healthy again once it lets go.
        {
            sqlite3 *writer = nullptr;
            QCOMPARE(sqlite3_open(QFile::encodeName(DataDirectory::databasePath(dir.path())).constData(), &writer), SQLITE_OK);
            QCOMPARE(sqlite3_exec(writer, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
            const QByteArray locked = httpGet(server.port, "/health");
            sqlite3_exec(writer, "ROLLBACK", nullptr, nullptr, nullptr);
            sqlite3_close(writer);
            QVERIFY2(locked.startsWith("HTTP/1.1 503 "), locked.constData());
            QCOMPARE(QJsonDocument::fromJson(httpBody(locked)).object().value(QStringLiteral("database_writable")).toBool(true), false);
            QVERIFY(httpGet(server.port, "/health").startsWith("HTTP/1.1 200 "));
        }

        QVERIFY(httpExchange(server.port, "POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n").startsWith("HTTP/1.1 405 "));
        QVERIFY(httpGet(server.port, "/elsewhere").startsWith("HTTP/1.1 404 "));
        QVERIFY(httpExchange(server.port, "hello there\r\n\r\n").startsWith("HTTP/1.1 400 "));
        QVERIFY(httpExchange(server.port, "GET / HTTP/1.1\r\nX: " + QByteArray(20000, 'a') + "\r\n\r\n").startsWith("HTTP/1.1 431 "));
        QVERIFY(server.stop());
    }

    void slowHttpRequestIsCut()
    {
        QTemporaryDir dir;
        ServerProcess server;
        QVERIFY(server.start(dir.path()));
        QTcpSocket slow;
        slow.connectToHost(QStringLiteral("127.0.0.1"), server.port);
        QVERIFY(slow.waitForConnected(5000));
        slow.write("GET /health HTTP/1.1\r\nHost: 127");
        QElapsedTimer waited;
        waited.start();
        // Cut after the HTTP read limit (10 s), without an answer.
        QVERIFY(QTest::qWaitFor([&] { return slow.state() != QAbstractSocket::ConnectedState; }, 20000));
        QVERIFY(waited.elapsed() >= 9000);
        QVERIFY(slow.readAll().isEmpty());
        QVERIFY(httpGet(server.port, "/health").startsWith("HTTP/1.1 200 "));
        QVERIFY(server.stop());
    }

    void authenticates()
    {
        QTemporaryDir dir;
        const QByteArray ops = makeToken(dir.path(), QStringLiteral("ops"), QStringLiteral("operator"));
        const QByteArray gone = makeToken(dir.path(), QStringLiteral("gone"), QStringLiteral("operator"));
        const QByteArray stale = makeToken(dir.path(), QStringLiteral("stale"), QStringLiteral("operator"), { QStringLiteral("--expires"), QStringLiteral("1") });
        QVERIFY(!ops.isEmpty() && !gone.isEmpty() && !stale.isEmpty());
        ServerProcess server;
        QVERIFY(server.start(dir.path()));

        // None: everything but auth is refused.
        WsClient anonymous;
        QVERIFY(anonymous.open(server.port));
        QCOMPARE(errorNameOf(anonymous.call(QStringLiteral("mode.get"))), QStringLiteral("unauthenticated"));
        QCOMPARE(errorCodeOf(anonymous.call(QStringLiteral("mode.get"))), -32008);
        QCOMPARE(errorNameOf(anonymous.call(QStringLiteral("events.subscribe"))), QStringLiteral("unauthenticated"));
        // The local socket's way of naming oneself is not taken here.
        QCOMPARE(errorNameOf(anonymous.call(QStringLiteral("session.identify"), { { QStringLiteral("actor"), QStringLiteral("operator:me") } })),
                 QStringLiteral("permission_denied"));
        // Wrong, then right.
        QCOMPARE(errorNameOf(anonymous.call(QStringLiteral("auth"), { { QStringLiteral("token"), QStringLiteral("cab_wrong") } })),
                 QStringLiteral("unauthenticated"));
        const QJsonObject authed = anonymous.call(QStringLiteral("auth"), { { QStringLiteral("token"), QString::fromLatin1(ops) } });
        QCOMPARE(authed.value(QStringLiteral("result")).toObject().value(QStringLiteral("actor")).toString(), QStringLiteral("token:ops"));
        QVERIFY(anonymous.call(QStringLiteral("mode.get")).contains(QStringLiteral("result")));
        QCOMPARE(errorNameOf(anonymous.call(QStringLiteral("auth"), { { QStringLiteral("token"), QString::fromLatin1(ops) } })),
                 QStringLiteral("failed_precondition"));

        // In the handshake: a bad header is refused before the upgrade.
        WsClient bearer;
        QVERIFY(bearer.open(server.port, ops));
        QVERIFY(bearer.call(QStringLiteral("mode.get")).contains(QStringLiteral("result")));
        QVERIFY(RawWebSocket().handshake(server.port, "cab_wrong").startsWith("HTTP/1.1 401 "));
        QVERIFY(httpExchange(server.port, "GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                                          "Sec-WebSocket-Version: 13\r\nAuthorization: Basic abc\r\n\r\n")
                        .startsWith("HTTP/1.1 401 "));
        WsClient refused;
        QVERIFY(!refused.open(server.port, "cab_wrong"));

        // Revoked: refused from then on, and its open connections closed.
        WsClient revokedLater;
        QVERIFY(revokedLater.open(server.port, gone));
        const Run revoke = runCabinet({ QStringLiteral("--data-dir"), dir.path(), QStringLiteral("tokens"), QStringLiteral("revoke"), QStringLiteral("gone") });
        QCOMPARE(revoke.exitCode, 0);
        QVERIFY(revokedLater.waitClosed());
        QCOMPARE(revokedLater.closeCode, 4003);
        QVERIFY(RawWebSocket().handshake(server.port, gone).startsWith("HTTP/1.1 401 "));
        const Run listed = runCabinet({ QStringLiteral("--data-dir"), dir.path(), QStringLiteral("tokens"), QStringLiteral("list"), QStringLiteral("--json") });
        QCOMPARE(listed.exitCode, 0);
        QVERIFY(!listed.out.contains(QString::fromLatin1(ops))); // never the tokens
        const QJsonArray tokens = QJsonDocument::fromJson(listed.out.toUtf8()).object().value(QStringLiteral("tokens")).toArray();
        QCOMPARE(tokens.size(), 3);
        QCOMPARE(tokens[0].toObject().value(QStringLiteral("name")).toString(), QStringLiteral("gone"));
        QVERIFY(tokens[0].toObject().value(QStringLiteral("revoked_ms")).toInteger() > 0);
        QCOMPARE(tokens[1].toObject().value(QStringLiteral("revoked_ms")).toInteger(), 0);

        // Expired: its day is moved into the past behind the server's back.
        QVERIFY(RawWebSocket().handshake(server.port, stale).startsWith("HTTP/1.1 101 "));
        QVERIFY(rawExec(DataDirectory::databasePath(dir.path()), "UPDATE api_tokens SET expires_ns = 1 WHERE name = 'stale'"));
        QVERIFY(RawWebSocket().handshake(server.port, stale).startsWith("HTTP/1.1 401 "));

        QVERIFY(server.stop());
        // Each failure audited, with the address and how.
        QCOMPARE(countAudited(dir.path(), QStringLiteral("server.auth_failed")), 6);
    }

    void authLimits()
    {
        QTemporaryDir dir;
        const QByteArray ops = makeToken(dir.path(), QStringLiteral("ops"), QStringLiteral("operator"));
        ServerProcess server;
        QVERIFY(server.start(dir.path(), { QStringLiteral("--set"), QStringLiteral("server.auth_timeout_ms=300"), QStringLiteral("--set"),
                                           QStringLiteral("server.auth_failures_per_minute=3"), QStringLiteral("--set"),
                                           QStringLiteral("server.connections_per_token=2") }));
        // Not authenticated in time: closed.
        WsClient idle;
        QVERIFY(idle.open(server.port));
        QVERIFY(idle.waitClosed(5000));
        QCOMPARE(idle.closeCode, 4001);

        // Connections per token.
        WsClient one, two;
        QVERIFY(one.open(server.port, ops));
        QVERIFY(two.open(server.port, ops));
        QVERIFY(RawWebSocket().handshake(server.port, ops).startsWith("HTTP/1.1 429 "));
        WsClient third;
        QVERIFY(third.open(server.port));
        QCOMPARE(errorNameOf(third.call(QStringLiteral("auth"), { { QStringLiteral("token"), QString::fromLatin1(ops) } })),
                 QStringLiteral("resource_exhausted"));

        // Failures past the limit (the timeout above was one): refused, and
        // the connection closed.
        const QJsonObject wrong { { QStringLiteral("token"), QStringLiteral("cab_wrong") } };
        QCOMPARE(errorNameOf(third.call(QStringLiteral("auth"), wrong)), QStringLiteral("unauthenticated"));
        QCOMPARE(errorNameOf(third.call(QStringLiteral("auth"), wrong)), QStringLiteral("unauthenticated"));
        QCOMPARE(errorNameOf(third.call(QStringLiteral("auth"), wrong)), QStringLiteral("resource_exhausted"));
        QVERIFY(third.waitClosed());
        QCOMPARE(third.closeCode, 4029);
        // Also a good token, from that address, for now.
        QVERIFY(RawWebSocket().handshake(server.port, ops).startsWith("HTTP/1.1 429 "));
        QVERIFY(server.stop());
        // Audited up to the limit only: a flood does not fill the trail.
        QCOMPARE(countAudited(dir.path(), QStringLiteral("server.auth_failed")), 3);
    }

    void rolesAndAudit()
    {
        QTemporaryDir dir;
        const QByteArray viewer = makeToken(dir.path(), QStringLiteral("watcher"), QStringLiteral("viewer"));
        const QByteArray ops = makeToken(dir.path(), QStringLiteral("ops"), QStringLiteral("operator"));
        const QByteArray admin = makeToken(dir.path(), QStringLiteral("root"), QStringLiteral("admin"));
        ServerProcess server;
        QVERIFY(server.start(dir.path()));
        WsClient v, o, a;
        QVERIFY(v.open(server.port, viewer) && o.open(server.port, ops) && a.open(server.port, admin));
        const QJsonObject manual { { QStringLiteral("mode"), QStringLiteral("manual") } };
        QVERIFY(v.call(QStringLiteral("tasks.list")).contains(QStringLiteral("result")));
        QCOMPARE(errorCodeOf(v.call(QStringLiteral("mode.set"), manual)), -32009); // operator
        QCOMPARE(errorNameOf(o.call(QStringLiteral("tokens.list"))), QStringLiteral("permission_denied")); // admin
        QVERIFY(a.call(QStringLiteral("tokens.list")).contains(QStringLiteral("result")));
        QVERIFY(o.call(QStringLiteral("mode.set"), manual).contains(QStringLiteral("result")));
        QVERIFY(server.stop());
        QStringList actors;
        for (const QJsonObject &entry : auditEntries(dir.path()))
            if (entry.value(QStringLiteral("action")).toString() == u"mode.set")
                actors << entry.value(QStringLiteral("actor")).toString();
        QCOMPARE(actors, QStringList { QStringLiteral("token:ops") });
    }

    void jsonRpcExactly()
    {
        QTemporaryDir dir;
        const QByteArray ops = makeToken(dir.path(), QStringLiteral("ops"), QStringLiteral("operator"));
        ServerProcess server;
        QVERIFY(server.start(dir.path()));
        WsClient c;
        QVERIFY(c.open(server.port, ops));
        auto raw = [&](const QByteArray &text) {
            c.send(text);
            return c.next();
        };
        // -32700, with a null id.
        const QJsonObject parse = raw("{\"jsonrpc\": \"2.0\", \"method\"").toObject();
        QCOMPARE(errorCodeOf(parse), -32700);
        QVERIFY(parse.value(QStringLiteral("id")).isNull());
        // -32600: not 2.0, not an object, a bad id, an unknown member.
        QCOMPARE(errorCodeOf(raw("{\"jsonrpc\":\"1.0\",\"method\":\"mode.get\",\"id\":1}").toObject()), -32600);
        QCOMPARE(errorCodeOf(raw("42").toObject()), -32600);
        QCOMPARE(errorCodeOf(raw("{\"jsonrpc\":\"2.0\",\"method\":\"mode.get\",\"id\":{}}").toObject()), -32600);
        QCOMPARE(errorCodeOf(raw("{\"jsonrpc\":\"2.0\",\"method\":\"mode.get\",\"id\":1,\"extra\":1}").toObject()), -32600);
        // -32601, -32602 (positional params; a bad member of a known one).
        QCOMPARE(errorCodeOf(c.call(QStringLiteral("nothing.here"))), -32601);
        QCOMPARE(errorCodeOf(raw("{\"jsonrpc\":\"2.0\",\"method\":\"mode.get\",\"params\":[1],\"id\":1}").toObject()), -32602);
        QCOMPARE(errorCodeOf(c.call(QStringLiteral("mode.set"), { { QStringLiteral("mode"), 7 } })), -32602);
        // The catalogue's codes in the server range, with data.code.
        const QJsonObject missing = c.call(QStringLiteral("tasks.get"), { { QStringLiteral("id"), QStringLiteral("01J0000000000000000000000A") } });
        QCOMPARE(errorCodeOf(missing), -32001);
        QCOMPARE(errorNameOf(missing), QStringLiteral("not_found"));
        // Ids of every allowed type come back as they were.
        QCOMPARE(raw("{\"jsonrpc\":\"2.0\",\"method\":\"mode.get\",\"id\":\"abc\"}").toObject().value(QStringLiteral("id")).toString(), QStringLiteral("abc"));
        QCOMPARE(raw("{\"jsonrpc\":\"2.0\",\"method\":\"mode.get\",\"id\":-7}").toObject().value(QStringLiteral("id")).toInt(), -7);
        QCOMPARE(raw("{\"jsonrpc\":\"2.0\",\"method\":\"mode.get\",\"id\":2.5}").toObject().value(QStringLiteral("id")).toDouble(), 2.5);
        QVERIFY(raw("{\"jsonrpc\":\"2.0\",\"method\":\"mode.get\",\"id\":null}").toObject().value(QStringLiteral("id")).isNull());

        // A batch: answers for the requests, none for the notification.
        const QJsonArray batch = raw("[" + WsClient::request(QStringLiteral("mode.get"), {}, 1) + ","
                                     + WsClient::request(QStringLiteral("mode.get"), {}, QJsonValue::Undefined) + ","
                                     + WsClient::request(QStringLiteral("nothing.here"), {}, 2) + "]")
                                         .toArray();
        QCOMPARE(batch.size(), 2);
        QVERIFY(batch[0].toObject().contains(QStringLiteral("result")));
        QCOMPARE(batch[0].toObject().value(QStringLiteral("id")).toInt(), 1);
        QCOMPARE(errorCodeOf(batch[1].toObject()), -32601);
        // Notifications alone: nothing comes back; the next answer is the next call's.
        c.send("[" + WsClient::request(QStringLiteral("mode.get"), {}, QJsonValue::Undefined) + "]");
        c.send(WsClient::request(QStringLiteral("mode.get"), {}, QJsonValue::Undefined));
        QCOMPARE(c.call(QStringLiteral("mode.get"), {}, 99).value(QStringLiteral("id")).toInt(), 99);
        QCOMPARE(errorCodeOf(raw("[]").toObject()), -32600);
        QByteArray tooMany = "[";
        for (int i = 0; i <= 256; ++i)
            tooMany += (i ? "," : "") + WsClient::request(QStringLiteral("mode.get"), {}, i);
        QCOMPARE(errorCodeOf(raw(tooMany + "]").toObject()), -32600);
        QVERIFY(!c.closed);
        QVERIFY(server.stop());
    }

    void malformedAndOversized()
    {
        QTemporaryDir dir;
        const QByteArray ops = makeToken(dir.path(), QStringLiteral("ops"), QStringLiteral("operator"));
        ServerProcess server;
        QVERIFY(server.start(dir.path(), { QStringLiteral("--set"), QStringLiteral("server.message_bytes=65536"), QStringLiteral("--set"),
                                           QStringLiteral("server.frame_bytes=16384") }));
        // A binary frame: 1003.
        RawWebSocket binary;
        QVERIFY(binary.handshake(server.port, ops).startsWith("HTTP/1.1 101 "));
        binary.sendFrame(0x2, "\x01\x02");
        QCOMPARE(binary.closeCode(), 1003);
        // Text that is not UTF-8: 1007 from QtWebSockets.
        RawWebSocket notUtf8;
        QVERIFY(notUtf8.handshake(server.port, ops).startsWith("HTTP/1.1 101 "));
        notUtf8.sendFrame(0x1, "\xff\xfe");
        QCOMPARE(notUtf8.closeCode(), 1007);
        // One frame over the frame limit, and a message over the message limit: 1009.
        RawWebSocket bigFrame;
        QVERIFY(bigFrame.handshake(server.port, ops).startsWith("HTTP/1.1 101 "));
        bigFrame.sendFrame(0x1, QByteArray(20000, ' '));
        QCOMPARE(bigFrame.closeCode(), 1009);
        WsClient big;
        QVERIFY(big.open(server.port, ops));
        big.send(QByteArray(100'000, ' '));
        QVERIFY(big.waitClosed());
        QCOMPARE(big.closeCode, 1009);
        // The server goes on for everyone else.
        WsClient fine;
        QVERIFY(fine.open(server.port, ops));
        QVERIFY(fine.call(QStringLiteral("mode.get")).contains(QStringLiteral("result")));
        QVERIFY(server.stop());
    }

    void callRateLimit()
    {
        QTemporaryDir dir;
        const QByteArray ops = makeToken(dir.path(), QStringLiteral("ops"), QStringLiteral("operator"));
        ServerProcess server;
        QVERIFY(server.start(dir.path(), { QStringLiteral("--set"), QStringLiteral("server.calls_per_second=20") }));
        WsClient c;
        QVERIFY(c.open(server.port, ops));
        QByteArray flood = "[";
        for (int i = 0; i < 200; ++i)
            flood += (i ? "," : "") + WsClient::request(QStringLiteral("mode.get"), {}, i);
        const QJsonArray answers = [&] {
            c.send(flood + "]");
            return c.next().toArray();
        }();
        QCOMPARE(answers.size(), 200);
        int ok = 0, limited = 0;
        for (const QJsonValue &answer : answers) {
            ok += answer.toObject().contains(QStringLiteral("result")) ? 1 : 0;
            limited += errorCodeOf(answer.toObject()) == -32007 ? 1 : 0;
        }
        QCOMPARE(ok + limited, 200);
        QVERIFY2(ok >= 40 && ok <= 60, qPrintable(QString::number(ok))); // the burst (twice the rate), and what refilled meanwhile
        QVERIFY(!c.closed);
        QVERIFY(server.stop());
    }

    void servesTls()
    {
        const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
        if (openssl.isEmpty())
            QSKIP("openssl is not installed: no certificate to test TLS with");
        QTemporaryDir dir;
        const QString cert = dir.filePath(QStringLiteral("cert.pem")), key = dir.filePath(QStringLiteral("key.pem"));
        QProcess make;
        make.start(openssl, { QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"), QStringLiteral("-nodes"),
                              QStringLiteral("-keyout"), key, QStringLiteral("-out"), cert, QStringLiteral("-days"), QStringLiteral("1"), QStringLiteral("-subj"),
                              QStringLiteral("/CN=127.0.0.1") });
        QVERIFY(make.waitForFinished(60000) && make.exitCode() == 0);
        const QString data = dir.filePath(QStringLiteral("data"));
        const QByteArray ops = makeToken(data, QStringLiteral("ops"), QStringLiteral("operator"));
        ServerProcess server;
        QVERIFY(server.start(data, { QStringLiteral("--tls-cert"), cert, QStringLiteral("--tls-key"), key }));
        QVERIFY(server.log.contains("wss://127.0.0.1:"));
        WsClient secure;
        QVERIFY(secure.open(server.port, ops, true));
        QVERIFY(secure.call(QStringLiteral("mode.get")).contains(QStringLiteral("result")));
        // Plain text on the TLS port gets nothing.
        QVERIFY(!httpGet(server.port, "/health").startsWith("HTTP/1.1"));
        QVERIFY(server.stop());
    }

    void refusesAnOpenAddressWithoutTls()
    {
        QTemporaryDir dir;
        // Refused before anything is bound.
        const Run open = runCabinet({ QStringLiteral("--headless"), QStringLiteral("--data-dir"), dir.path(), QStringLiteral("--listen"),
                                      QStringLiteral("0.0.0.0:0") });
        QCOMPARE(open.exitCode, 1);
        QVERIFY(open.err.contains(QStringLiteral("--insecure")));
        const Run halfTls = runCabinet({ QStringLiteral("--headless"), QStringLiteral("--data-dir"), dir.path(), QStringLiteral("--listen"),
                                         QStringLiteral("127.0.0.1:0"), QStringLiteral("--tls-cert"), dir.filePath(QStringLiteral("c.pem")) });
        QCOMPARE(halfTls.exitCode, 1);
        const Run badListen = runCabinet({ QStringLiteral("--headless"), QStringLiteral("--data-dir"), dir.path(), QStringLiteral("--listen"),
                                           QStringLiteral("localhost") });
        QCOMPARE(badListen.exitCode, 2);
        const Run notHeadless = runCabinet({ QStringLiteral("--data-dir"), dir.path(), QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0") });
        QCOMPARE(notHeadless.exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestServer)
#include "tst_server.moc"

// The HTTP reading of the server (core/server/HttpRequest.h): a request is
// read only once its headers are complete (its query and where its body
// starts kept), refused past the size limit
// before more is read, and refused when it is not HTTP/1.x; a WebSocket
// upgrade is recognised; a response is whole and closes.
#include "server/HttpRequest.h"

#include <QTest>

using namespace cabinet;
using namespace cabinet::server;

class TestHttpRequest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void readsARequest()
    {
        auto parsed = parseHttpRequest("GET /metrics?x=1 HTTP/1.1\r\nHost: a\r\nX-Thing:  v  \r\n\r\n", 1024);
        QVERIFY(parsed.ok() && parsed->has_value());
        const HttpRequest &request = **parsed;
        QCOMPARE(request.method, QByteArray("GET"));
        QCOMPARE(request.path, QByteArray("/metrics"));
        QCOMPARE(request.query, QByteArray("x=1"));
        QCOMPARE(request.version, QByteArray("HTTP/1.1"));
        QCOMPARE(request.header("x-thing"), QByteArray("v"));
        QCOMPARE(request.header("host"), QByteArray("a"));
        QVERIFY(request.header("missing").isEmpty());
        QVERIFY(!request.isWebSocketUpgrade());
    }

    void findsWhereTheBodyStarts()
    {
        const QByteArray head = "POST /hooks/slack HTTP/1.1\r\nContent-Length: 4\r\n\r\n";
        auto parsed = parseHttpRequest(head + "body", 1024);
        QVERIFY(parsed.ok() && parsed->has_value());
        QCOMPARE((*parsed)->headerBytes, head.size());
        QVERIFY((*parsed)->query.isEmpty());
    }

    void waitsForTheWholeHeader()
    {
        auto parsed = parseHttpRequest("GET / HTTP/1.1\r\nHost: a\r\n", 1024);
        QVERIFY(parsed.ok());
        QVERIFY(!parsed->has_value());
    }

    void refusesPastTheLimit()
    {
        const QByteArray big = "GET / HTTP/1.1\r\nX: " + QByteArray(100, 'a');
        auto parsed = parseHttpRequest(big, 64);
        QVERIFY(!parsed.ok());
        QCOMPARE(int(parsed.error().code), int(ErrorCode::ResourceExhausted));
        // Complete, but past the limit all the same.
        auto complete = parseHttpRequest(big + "\r\n\r\n", 64);
        QVERIFY(!complete.ok());
        QCOMPARE(int(complete.error().code), int(ErrorCode::ResourceExhausted));
    }

    void refusesWhatIsNotHttp_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("garbage") << QByteArray("hello\r\n\r\n");
        QTest::newRow("no path") << QByteArray("GET metrics HTTP/1.1\r\n\r\n");
        QTest::newRow("http2") << QByteArray("GET / HTTP/2\r\n\r\n");
        QTest::newRow("bad method") << QByteArray("G(T / HTTP/1.1\r\n\r\n");
        QTest::newRow("bad header") << QByteArray("GET / HTTP/1.1\r\nno colon here\r\n\r\n");
        QTest::newRow("bad header name") << QByteArray("GET / HTTP/1.1\r\nA B: c\r\n\r\n");
    }
    void refusesWhatIsNotHttp()
    {
        QFETCH(QByteArray, bytes);
        auto parsed = parseHttpRequest(bytes, 1024);
        QVERIFY(!parsed.ok());
        QCOMPARE(int(parsed.error().code), int(ErrorCode::InvalidArgument));
    }

    void recognisesAnUpgrade()
    {
        auto parsed = parseHttpRequest("GET / HTTP/1.1\r\nUpgrade: WebSocket\r\nConnection: keep-alive, Upgrade\r\n\r\n", 1024);
        QVERIFY(parsed.ok() && parsed->has_value());
        QVERIFY((*parsed)->isWebSocketUpgrade());
        auto half = parseHttpRequest("GET / HTTP/1.1\r\nUpgrade: websocket\r\n\r\n", 1024);
        QVERIFY(!(*half)->isWebSocketUpgrade());
    }

    void writesAResponse()
    {
        const QByteArray response = httpResponse(503, "application/json", "{}", "X-A: b\r\n");
        QVERIFY(response.startsWith("HTTP/1.1 503 Service Unavailable\r\n"));
        QVERIFY(response.contains("\r\nContent-Length: 2\r\n"));
        QVERIFY(response.contains("\r\nConnection: close\r\n"));
        QVERIFY(response.contains("\r\nX-A: b\r\n"));
        QVERIFY(response.endsWith("\r\n\r\n{}"));
    }
};

QTEST_GUILESS_MAIN(TestHttpRequest)
#include "tst_httprequest.moc"

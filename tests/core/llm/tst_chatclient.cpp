// ChatClient against a loopback OpenAI-compatible server (127.0.0.1 only):
// whole and streamed answers, usage, retries and their bounds, every kind of
// malformed or failed answer, time limits, cancellation, keep-alive reuse.
#include "LoopbackChatServer.h"
#include "llm/ChatClient.h"
#include "service/Scheduler.h"

#include <QSignalSpy>
#include <QTest>

#include <optional>

using namespace cabinet;
using namespace cabinet::llm;
using cabinet::test::LoopbackChatServer;
using Response = LoopbackChatServer::Response;

namespace {

struct Harness {
    ManualClock clock;
    ChatClient client { clock, 42 };
    TimedService service { QStringLiteral("llm.client"), client };
    Scheduler scheduler { clock };
    LoopbackChatServer server;
    Harness()
    {
        scheduler.add(service);
        if (!server.listen())
            qFatal("cannot listen on 127.0.0.1");
    }
    ~Harness() { scheduler.remove(service); }
    Endpoint endpoint() const
    {
        Endpoint e;
        e.baseUrl = server.baseUrl();
        e.apiKey = "sk-test-secret";
        e.timeoutMs = 5'000;
        return e;
    }
};

ChatRequest request(bool stream = false)
{
    ChatRequest r;
    r.model = QStringLiteral("test-model");
    r.messages = { { QStringLiteral("system"), QStringLiteral("You are terse.") }, { QStringLiteral("user"), QStringLiteral("Say hello.") } };
    r.temperature = 0.25;
    r.maxTokens = 64;
    r.stream = stream;
    return r;
}

struct Outcome {
    std::optional<Result<ChatReply>> result;
    QStringList tokens;
    int answers = 0;
};

quint64 run(Harness &h, const ChatRequest &req, Outcome &out, const Endpoint *endpoint = nullptr)
{
    return h.client.start(endpoint ? *endpoint : h.endpoint(), req, [&out](const QString &t) { out.tokens << t; },
                          [&out](Result<ChatReply> r) {
                              ++out.answers;
                              out.result = std::move(r);
                          });
}

bool wait(Outcome &out, int ms = 10'000)
{
    return QTest::qWaitFor([&] { return out.result.has_value(); }, ms);
}

// Moves the clock to the client's next retry, once one is waiting.
bool advanceToRetry(Harness &h)
{
    if (!QTest::qWaitFor([&] { return h.client.nextDeadlineNs().has_value(); }, 10'000))
        return false;
    h.clock.setNs(*h.client.nextDeadlineNs());
    return true;
}

} // namespace

class TestChatClient : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void wholeAnswerAndWhatTheRequestCarries()
    {
        Harness h;
        h.server.setHandler([](const auto &) { return LoopbackChatServer::whole(QStringLiteral("Hello there."), QStringLiteral("served-model"), 12, 3); });
        Endpoint endpoint = h.endpoint();
        endpoint.headers = { { "X-Title", "Cabinet" } };
        ChatRequest req = request();
        req.idempotencyKey = QStringLiteral("idem-123");
        Outcome out;
        run(h, req, out, &endpoint);
        QVERIFY(!out.result); // never answered inside start()
        QVERIFY(wait(out));
        QVERIFY2(out.result->ok(), qPrintable(out.result->ok() ? QString() : out.result->error().message));
        const ChatReply &reply = out.result->value();
        QCOMPARE(reply.content, QStringLiteral("Hello there."));
        QCOMPARE(reply.model, QStringLiteral("served-model"));
        QCOMPARE(reply.finishReason, QStringLiteral("stop"));
        QCOMPARE(reply.usage.promptTokens, 12);
        QCOMPARE(reply.usage.completionTokens, 3);
        QCOMPARE(reply.attempts, 1);
        QVERIFY(out.tokens.isEmpty());

        QCOMPARE(h.server.requests().size(), 1);
        const auto &sent = h.server.requests().first();
        QCOMPARE(sent.method, QByteArray("POST"));
        QCOMPARE(sent.path, QByteArray("/v1/chat/completions"));
        QCOMPARE(sent.headers.value("authorization"), QByteArray("Bearer sk-test-secret"));
        QCOMPARE(sent.headers.value("idempotency-key"), QByteArray("idem-123"));
        QCOMPARE(sent.headers.value("x-title"), QByteArray("Cabinet"));
        QCOMPARE(sent.headers.value("content-type"), QByteArray("application/json"));
        const QJsonObject body = sent.json();
        QCOMPARE(body.value(QStringLiteral("model")).toString(), QStringLiteral("test-model"));
        QCOMPARE(body.value(QStringLiteral("temperature")).toDouble(), 0.25);
        QCOMPARE(body.value(QStringLiteral("max_tokens")).toInt(), 64);
        QCOMPARE(body.value(QStringLiteral("messages")).toArray().size(), 2);
        QCOMPARE(body.value(QStringLiteral("messages")).toArray().at(1).toObject().value(QStringLiteral("content")).toString(), QStringLiteral("Say hello."));
        QVERIFY(!body.contains(QStringLiteral("stream")));
    }

    void baseUrlWithV1IsAcceptedAndNoKeyMeansNoAuthorization()
    {
        Harness h;
        Endpoint endpoint = h.endpoint();
        endpoint.baseUrl += QStringLiteral("/v1/");
        endpoint.apiKey.clear();
        Outcome out;
        run(h, request(), out, &endpoint);
        QVERIFY(wait(out));
        QVERIFY(out.result->ok());
        QCOMPARE(h.server.requests().first().path, QByteArray("/v1/chat/completions"));
        QVERIFY(!h.server.requests().first().headers.contains("authorization"));
    }

    void streamedTokensAndUsageFromTheFinalChunk()
    {
        Harness h;
        h.server.setHandler([](const auto &) { return LoopbackChatServer::stream({ QStringLiteral("Hel"), QStringLiteral("lo"), QStringLiteral(" world") }); });
        Outcome out;
        run(h, request(true), out);
        QVERIFY(wait(out));
        QVERIFY2(out.result->ok(), qPrintable(out.result->ok() ? QString() : out.result->error().message));
        QCOMPARE(out.tokens, QStringList({ QStringLiteral("Hel"), QStringLiteral("lo"), QStringLiteral(" world") }));
        QCOMPARE(out.result->value().content, QStringLiteral("Hello world"));
        QCOMPARE(out.result->value().usage.promptTokens, 11);
        QCOMPARE(out.result->value().usage.completionTokens, 3);
        QVERIFY(out.result->value().firstTokenNs >= 0);
        const QJsonObject body = h.server.requests().first().json();
        QCOMPARE(body.value(QStringLiteral("stream")).toBool(), true);
        QCOMPARE(body.value(QStringLiteral("stream_options")).toObject().value(QStringLiteral("include_usage")).toBool(), true);
        QCOMPARE(h.server.requests().first().headers.value("accept"), QByteArray("text/event-stream"));
    }

    void streamAskedButAnsweredWhole()
    {
        Harness h; // the default handler answers whole, as a server that ignores "stream" does
        Outcome out;
        run(h, request(true), out);
        QVERIFY(wait(out));
        QVERIFY(out.result->ok());
        QCOMPARE(out.tokens, QStringList { QStringLiteral("hello") });
        QCOMPARE(out.result->value().content, QStringLiteral("hello"));
    }

    void tokensArriveBeforeTheStreamEnds()
    {
        Harness h;
        h.server.setHandler([](const auto &) {
            auto r = LoopbackChatServer::stream({ QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c") });
            r.eventDelayMs = 150;
            return r;
        });
        Outcome out;
        run(h, request(true), out);
        QVERIFY(QTest::qWaitFor([&] { return !out.tokens.isEmpty(); }, 10'000));
        QCOMPARE(out.tokens.size(), 1);
        QVERIFY(!out.result); // the first token came while the stream was still open
        QVERIFY(wait(out));
        QVERIFY(out.result->ok());
        QCOMPARE(out.tokens.join(QString()), QStringLiteral("abc"));
    }

    void rateLimitedThenServedAfterRetryAfter()
    {
        Harness h;
        int calls = 0;
        h.server.setHandler([&calls](const auto &) {
            return ++calls == 1 ? LoopbackChatServer::error(429, "slow down", "2") : LoopbackChatServer::whole(QStringLiteral("ok"));
        });
        const qint64 startNs = h.clock.nowNs();
        Outcome out;
        run(h, request(), out);
        QVERIFY(QTest::qWaitFor([&] { return h.client.nextDeadlineNs().has_value(); }, 10'000));
        // Retry-After: 2 is honoured, with at most a tenth more of jitter.
        const qint64 waitNs = *h.client.nextDeadlineNs() - startNs;
        QVERIFY2(waitNs >= 2'000'000'000 && waitNs <= 2'200'000'000, qPrintable(QString::number(waitNs)));
        // Not retried before the clock gets there.
        h.clock.advanceMs(1'900);
        QTest::qWait(100);
        QCOMPARE(h.server.requests().size(), 1);
        QVERIFY(!out.result);
        QVERIFY(advanceToRetry(h));
        QVERIFY(wait(out));
        QVERIFY(out.result->ok());
        QCOMPARE(out.result->value().attempts, 2);
        QCOMPARE(h.server.requests().size(), 2);
    }

    void serverErrorThenServedAfterBackoff()
    {
        Harness h;
        int calls = 0;
        h.server.setHandler([&calls](const auto &) {
            return ++calls == 1 ? LoopbackChatServer::error(500, "boom") : LoopbackChatServer::whole(QStringLiteral("ok"));
        });
        const qint64 startNs = h.clock.nowNs();
        Outcome out;
        run(h, request(), out);
        QVERIFY(QTest::qWaitFor([&] { return h.client.nextDeadlineNs().has_value(); }, 10'000));
        // First backoff: half of BackoffBaseMs fixed, the other half jitter.
        const qint64 waitMs = (*h.client.nextDeadlineNs() - startNs) / 1'000'000;
        QVERIFY2(waitMs >= ChatClient::BackoffBaseMs / 2 && waitMs <= ChatClient::BackoffBaseMs, qPrintable(QString::number(waitMs)));
        QVERIFY(advanceToRetry(h));
        QVERIFY(wait(out));
        QVERIFY(out.result->ok());
        QCOMPARE(out.result->value().attempts, 2);
    }

    void retriesAreBoundedAndQuoteTheServer()
    {
        Harness h;
        h.server.setHandler([](const auto &) { return LoopbackChatServer::error(503, "overloaded, try later"); });
        Outcome out;
        run(h, request(), out);
        for (int i = 1; i < ChatClient::AttemptsMax; ++i)
            QVERIFY(advanceToRetry(h));
        QVERIFY(wait(out));
        QVERIFY(!out.result->ok());
        QCOMPARE(out.result->error().code, ErrorCode::Unavailable);
        QVERIFY2(out.result->error().message.contains(QStringLiteral("HTTP 503")), qPrintable(out.result->error().message));
        QVERIFY2(out.result->error().message.contains(QStringLiteral("'overloaded, try later'")), qPrintable(out.result->error().message));
        QCOMPARE(h.server.requests().size(), ChatClient::AttemptsMax);
        QCOMPARE(out.answers, 1);
        QVERIFY(!h.client.nextDeadlineNs());
    }

    void retryAfterBeyondTheLimitFailsAtOnce()
    {
        Harness h;
        h.server.setHandler([](const auto &) { return LoopbackChatServer::error(429, "quota", "3600"); });
        Outcome out;
        run(h, request(), out);
        QVERIFY(wait(out));
        QCOMPARE(out.result->error().code, ErrorCode::ResourceExhausted);
        QCOMPARE(h.server.requests().size(), 1);
    }

    void clientErrorsAreNotRetriedAndBounded()
    {
        Harness h;
        const QByteArray longMessage = QByteArray("bad model name ") + QByteArray(5'000, 'x');
        h.server.setHandler([&](const auto &) { return LoopbackChatServer::error(400, longMessage); });
        Outcome out;
        run(h, request(), out);
        QVERIFY(wait(out));
        QCOMPARE(out.result->error().code, ErrorCode::InvalidArgument);
        QVERIFY(out.result->error().message.contains(QStringLiteral("HTTP 400")));
        QVERIFY(out.result->error().message.contains(QStringLiteral("bad model name")));
        QVERIFY(out.result->error().message.size() < 500);
        QCOMPARE(h.server.requests().size(), 1);
    }

    void malformedAnswersAreInternalErrors_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("says");
        QTest::newRow("not json") << QByteArray("{\"choices\": [") << QStringLiteral("not JSON");
        QTest::newRow("not an object") << QByteArray("[1,2]") << QStringLiteral("not a JSON object");
        QTest::newRow("no choices") << QByteArray("{\"id\":\"x\"}") << QStringLiteral("no \"choices\"");
        QTest::newRow("empty choices") << QByteArray("{\"choices\":[]}") << QStringLiteral("\"choices\" is empty");
        QTest::newRow("no message") << QByteArray("{\"choices\":[{}]}") << QStringLiteral("no \"message\"");
        QTest::newRow("content not text") << QByteArray("{\"choices\":[{\"message\":{\"content\":5}}]}") << QStringLiteral("not text");
    }
    void malformedAnswersAreInternalErrors()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, says);
        Harness h;
        h.server.setHandler([&](const auto &) { return LoopbackChatServer::raw(200, body); });
        Outcome out;
        run(h, request(), out);
        QVERIFY(wait(out));
        QVERIFY(!out.result->ok());
        QCOMPARE(out.result->error().code, ErrorCode::Internal);
        QVERIFY2(out.result->error().message.contains(says), qPrintable(out.result->error().message));
        QCOMPARE(h.server.requests().size(), 1);
    }

    void malformedStreamChunk()
    {
        Harness h;
        h.server.setHandler([](const auto &) {
            auto r = LoopbackChatServer::stream({ QStringLiteral("a") }, false);
            r.events.append("{oops");
            return r;
        });
        Outcome out;
        run(h, request(true), out);
        QVERIFY(wait(out));
        QCOMPARE(out.result->error().code, ErrorCode::Internal);
        QVERIFY2(out.result->error().message.contains(QStringLiteral("chunk 2")), qPrintable(out.result->error().message));
        QCOMPARE(out.tokens, QStringList { QStringLiteral("a") });
        QCOMPARE(out.answers, 1);
    }

    void streamEndingWithoutDone()
    {
        Harness h;
        h.server.setHandler([](const auto &) {
            auto r = LoopbackChatServer::stream({ QStringLiteral("a"), QStringLiteral("b") });
            r.done = false;
            return r;
        });
        Outcome out;
        run(h, request(true), out);
        QVERIFY(wait(out));
        QCOMPARE(out.result->error().code, ErrorCode::Internal);
        QVERIFY2(out.result->error().message.contains(QStringLiteral("without [DONE]")), qPrintable(out.result->error().message));
    }

    void streamCutInTheMiddle()
    {
        Harness h;
        h.server.setHandler([](const auto &) {
            auto r = LoopbackChatServer::stream({ QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("d") });
            r.cutAfter = 2;
            return r;
        });
        Outcome out;
        run(h, request(true), out);
        QVERIFY(wait(out));
        QVERIFY(!out.result->ok());
        QCOMPARE(out.result->error().code, ErrorCode::Unavailable);
        QVERIFY2(out.result->error().message.contains(QStringLiteral("mid-stream")), qPrintable(out.result->error().message));
        QCOMPARE(out.tokens, QStringList({ QStringLiteral("a"), QStringLiteral("b") }));
        // Tokens were delivered: a retry would deliver them twice.
        QTest::qWait(50);
        QCOMPARE(h.server.requests().size(), 1);
        QVERIFY(!h.client.nextDeadlineNs());
    }

    void droppedConnectionIsRetried()
    {
        Harness h;
        int calls = 0;
        h.server.setHandler([&calls](const auto &) { return ++calls == 1 ? LoopbackChatServer::drop() : LoopbackChatServer::whole(QStringLiteral("ok")); });
        Outcome out;
        run(h, request(), out);
        QVERIFY(advanceToRetry(h));
        QVERIFY(wait(out));
        QVERIFY2(out.result->ok(), qPrintable(out.result->ok() ? QString() : out.result->error().message));
        QCOMPARE(out.result->value().content, QStringLiteral("ok"));
        QCOMPARE(out.result->value().attempts, 2);
    }

    void droppedEveryTimeIsUnavailable()
    {
        Harness h;
        h.server.setHandler([](const auto &) { return LoopbackChatServer::drop(); });
        Outcome out;
        run(h, request(), out);
        for (int i = 1; i < ChatClient::AttemptsMax; ++i)
            QVERIFY(advanceToRetry(h));
        QVERIFY(wait(out));
        QCOMPARE(out.result->error().code, ErrorCode::Unavailable);
        QVERIFY2(out.result->error().message.contains(QStringLiteral("dropped")), qPrintable(out.result->error().message));
    }

    void slowerThanTheTimeLimit()
    {
        Harness h;
        h.server.setHandler([](const auto &) {
            auto r = LoopbackChatServer::whole(QStringLiteral("late"));
            r.delayMs = 3'000;
            return r;
        });
        Endpoint endpoint = h.endpoint();
        endpoint.timeoutMs = 200;
        Outcome out;
        QElapsedTimer elapsed;
        elapsed.start();
        run(h, request(), out, &endpoint);
        for (int i = 1; i < ChatClient::AttemptsMax; ++i)
            QVERIFY(advanceToRetry(h));
        QVERIFY(wait(out));
        QCOMPARE(out.result->error().code, ErrorCode::Timeout);
        QVERIFY2(out.result->error().message.contains(QStringLiteral("within 200 ms")), qPrintable(out.result->error().message));
        QCOMPARE(h.server.requests().size(), ChatClient::AttemptsMax);
        QVERIFY(elapsed.elapsed() < 2'500); // each try gave up at its limit, not at the server's pace
    }

    void unreachableServer()
    {
        Harness h;
        QTcpServer closed;
        QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
        const quint16 port = closed.serverPort();
        closed.close();
        Endpoint endpoint = h.endpoint();
        endpoint.baseUrl = QStringLiteral("http://127.0.0.1:%1").arg(port);
        Outcome out;
        run(h, request(), out, &endpoint);
        QVERIFY(wait(out));
        QCOMPARE(out.result->error().code, ErrorCode::Unavailable);
        QVERIFY(out.result->error().message.contains(QStringLiteral("cannot reach")));
    }

    void cancelMidStream()
    {
        Harness h;
        h.server.setHandler([](const auto &) {
            auto r = LoopbackChatServer::stream({ QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("d") });
            r.eventDelayMs = 100;
            return r;
        });
        Outcome out;
        const quint64 id = run(h, request(true), out);
        QVERIFY(QTest::qWaitFor([&] { return !out.tokens.isEmpty(); }, 10'000));
        QVERIFY(h.client.cancel(id));
        QVERIFY(out.result);
        QCOMPARE(out.result->error().code, ErrorCode::Cancelled);
        QVERIFY(!h.client.cancel(id));
        QTest::qWait(400);
        QCOMPARE(out.tokens.size(), 1); // nothing after the cancel
        QCOMPARE(out.answers, 1);
        QCOMPARE(h.client.calls(), 0);
    }

    void cancelWhileWaitingToRetry()
    {
        Harness h;
        h.server.setHandler([](const auto &) { return LoopbackChatServer::error(500, "boom"); });
        Outcome out;
        const quint64 id = run(h, request(), out);
        QVERIFY(QTest::qWaitFor([&] { return h.client.nextDeadlineNs().has_value(); }, 10'000));
        QVERIFY(h.client.cancel(id));
        QCOMPARE(out.result->error().code, ErrorCode::Cancelled);
        QVERIFY(!h.client.nextDeadlineNs());
        h.clock.advanceMs(60'000);
        QTest::qWait(50);
        QCOMPARE(h.server.requests().size(), 1);
    }

    void cancelFromTheTokenHandler()
    {
        Harness h;
        h.server.setHandler([](const auto &) { return LoopbackChatServer::stream({ QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c") }); });
        std::optional<Result<ChatReply>> result;
        QStringList tokens;
        quint64 id = 0;
        id = h.client.start(h.endpoint(), request(true), [&](const QString &t) {
            tokens << t;
            h.client.cancel(id);
        }, [&](Result<ChatReply> r) { result = std::move(r); });
        QVERIFY(QTest::qWaitFor([&] { return result.has_value(); }, 10'000));
        QCOMPARE(result->error().code, ErrorCode::Cancelled);
        QCOMPARE(tokens.size(), 1);
    }

    void keepAliveReusesOneConnection()
    {
        Harness h;
        for (int i = 0; i < 10; ++i) {
            Outcome out;
            run(h, request(i % 2 == 1), out);
            QVERIFY(wait(out));
            QVERIFY(out.result->ok());
        }
        QCOMPARE(h.server.accepted(), 1);
        QCOMPARE(h.client.connectionsOpened(), 1u);
    }

    void concurrentCallsOpenAtMostOneConnectionEach()
    {
        Harness h;
        std::vector<Outcome> outs(4);
        for (int round = 0; round < 3; ++round) {
            for (auto &out : outs) {
                out = {};
                run(h, request(), out);
            }
            for (auto &out : outs)
                QVERIFY(wait(out) && out.result->ok());
        }
        QVERIFY2(h.server.accepted() <= 4, qPrintable(QString::number(h.server.accepted())));
        QCOMPARE(h.server.requests().size(), 12);
    }

    void answerOverTheSizeLimit()
    {
        Harness h;
        const QByteArray huge = "{\"choices\":[{\"message\":{\"content\":\"" + QByteArray(ChatClient::ResponseBytesMax + 10, 'a') + "\"}}]}";
        h.server.setHandler([&](const auto &) { return LoopbackChatServer::raw(200, huge); });
        Outcome out;
        run(h, request(), out);
        QVERIFY(wait(out, 30'000));
        QCOMPARE(out.result->error().code, ErrorCode::Internal);
        QVERIFY2(out.result->error().message.contains(QStringLiteral("bytes")), qPrintable(out.result->error().message));
    }

    void badInputsAreRefusedWithoutACall()
    {
        Harness h;
        Endpoint endpoint = h.endpoint();
        endpoint.headers = { { "X-Evil", "a\r\nInjected: yes" } };
        Outcome out;
        run(h, request(), out, &endpoint);
        QVERIFY(wait(out));
        QCOMPARE(out.result->error().code, ErrorCode::InvalidArgument);
        Endpoint ftp = h.endpoint();
        ftp.baseUrl = QStringLiteral("file:///etc");
        Outcome out2;
        run(h, request(), out2, &ftp);
        QVERIFY(wait(out2));
        QCOMPARE(out2.result->error().code, ErrorCode::InvalidArgument);
        QCOMPARE(h.server.requests().size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestChatClient)
#include "tst_chatclient.moc"

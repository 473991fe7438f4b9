// The Router: routing, fallback order and the trail's reasons, the circuit
// breaker open -> half-open -> closed on a ManualClock, rate limits,
// concurrency, unconfigured providers, the budget check, configuration.
#include "LoopbackChatServer.h"
#include "llm/Router.h"
#include "llm/SimProvider.h"
#include "service/Scheduler.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using namespace cabinet;
using namespace cabinet::llm;

namespace {

ProviderSettings simProvider(const QString &name, double serverErrors = 0, double rateLimits = 0)
{
    ProviderSettings p;
    p.name = name;
    p.sim = true;
    p.timeoutMs = 1'000;
    p.simSettings.latencyMs = 0;
    p.simSettings.tokensPerSecond = 0;
    p.simSettings.serverErrorChance = serverErrors;
    p.simSettings.rateLimitChance = rateLimits;
    return p;
}

// Every alias on the quiet built-in sim, fallbacks as the defaults.
RouterSettings quietSettings()
{
    RouterSettings s = RouterSettings::defaults();
    s.providers[QStringLiteral("sim")] = simProvider(QStringLiteral("sim"));
    return s;
}

struct Harness {
    ManualClock clock;
    Router router;
    Scheduler scheduler { clock };
    explicit Harness(RouterSettings s = quietSettings()) : router(clock, std::move(s)) { scheduler.add(router); }
    ~Harness() { scheduler.remove(router); }

    RouterOutcome call(const QString &alias, bool stream = false, QStringList *tokens = nullptr, const QString &task = {})
    {
        Router::Request r;
        r.alias = alias;
        r.taskType = task;
        r.stream = stream;
        r.messages = { { QStringLiteral("user"), QStringLiteral("Say something.") } };
        std::optional<RouterOutcome> out;
        router.call(r, [tokens](const QString &t) { if (tokens) *tokens << t; }, [&out](RouterOutcome o) { out = std::move(o); });
        if (!QTest::qWaitFor([&] { return out.has_value(); }, 10'000))
            qFatal("no answer from the router");
        return std::move(*out);
    }
};

QStringList reasons(const Trail &trail)
{
    QStringList list;
    for (const Attempt &a : trail.attempts)
        list << a.alias + u':' + a.outcome + (a.reason.isEmpty() ? QString() : u':' + a.reason);
    return list;
}

} // namespace

class TestRouter : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void servedOfflineByDefault()
    {
        Harness h(RouterSettings::defaults()); // as shipped: latency and pace on the clock
        Router::Request r;
        r.alias = QStringLiteral("cloud/mid");
        r.messages = { { QStringLiteral("user"), QStringLiteral("hi") } };
        std::optional<RouterOutcome> out;
        h.router.call(r, {}, [&out](RouterOutcome o) { out = std::move(o); });
        QTest::qWait(20);
        QVERIFY(!out); // 300 ms of simulated latency first
        h.clock.advanceMs(60'000);
        QTRY_VERIFY(out);
        QVERIFY(!out->error);
        QVERIFY(out->reply.simulated);
        QVERIFY(out->trail.simulated);
        QCOMPARE(out->trail.servedModel, QStringLiteral("cloud-mid"));
        QCOMPARE(out->trail.servedProvider, QStringLiteral("sim"));
        QVERIFY(out->trail.latencyNs >= 300'000'000);
        QVERIFY(out->trail.usage.known());
        QCOMPARE(reasons(out->trail), QStringList { QStringLiteral("cloud/mid:served") });
    }

    void routingTable()
    {
        Harness h;
        auto review = h.router.route(QStringLiteral("review"));
        QVERIFY(review);
        QCOMPARE(review->alias, QStringLiteral("cloud/mid"));
        QCOMPARE(review->chain, QStringList({ QStringLiteral("cloud/mid"), QStringLiteral("cloud/fast"), QStringLiteral("local/quality") }));
        QCOMPARE(h.router.route(QStringLiteral("build"))->alias, QStringLiteral("cloud/frontier"));
        QVERIFY(h.router.route(QStringLiteral("build"))->alias != review->alias); // Hawk is not on Rex's model
        QCOMPARE(h.router.route(QStringLiteral("no_such_task"))->alias, QStringLiteral("local/quality")); // the default route
        QCOMPARE(h.router.route({}, QStringLiteral("local/fast"))->chain, QStringList { QStringLiteral("local/fast") });
        QCOMPARE(h.router.route({}, QStringLiteral("sim/anything"))->chain, QStringList { QStringLiteral("sim/anything") });
        QCOMPARE(h.router.route({}, QStringLiteral("cloud/nope")).error().code, ErrorCode::NotFound);
        // A call by task type goes where the table says.
        const RouterOutcome out = h.call({}, false, nullptr, QStringLiteral("deploy"));
        QCOMPARE(out.trail.servedAlias, QStringLiteral("cloud/fast"));
        QVERIFY(out.reply.content.contains(QStringLiteral("Deploy report")));
    }

    void fallbackOrderAndReasons()
    {
        RouterSettings s = quietSettings();
        s.providers[QStringLiteral("down")] = simProvider(QStringLiteral("down"), 1);
        s.providers[QStringLiteral("busy")] = simProvider(QStringLiteral("busy"), 0, 1);
        s.aliases[QStringLiteral("cloud/frontier")] = { QStringLiteral("down"), QStringLiteral("big") };
        s.aliases[QStringLiteral("cloud/mid")] = { QStringLiteral("busy"), QStringLiteral("mid") };
        Harness h(s);
        const RouterOutcome out = h.call(QStringLiteral("cloud/frontier"));
        QVERIFY(!out.error);
        QCOMPARE(reasons(out.trail), QStringList({ QStringLiteral("cloud/frontier:failed:unavailable"), QStringLiteral("cloud/mid:failed:resource_exhausted"),
                                                   QStringLiteral("local/quality:served") }));
        QCOMPARE(out.trail.attempts[0].provider, QStringLiteral("down"));
        QCOMPARE(out.trail.attempts[0].model, QStringLiteral("big"));
        QVERIFY(out.trail.attempts[0].message.contains(QStringLiteral("HTTP 503")));
        QCOMPARE(out.trail.servedAlias, QStringLiteral("local/quality"));
        QCOMPARE(out.trail.servedModel, QStringLiteral("local-quality"));
        const QJsonObject json = trailToJson(out.trail);
        QCOMPARE(json.value(QStringLiteral("attempts")).toArray().size(), 3);
        QCOMPARE(json.value(QStringLiteral("served")).toObject().value(QStringLiteral("alias")).toString(), QStringLiteral("local/quality"));
    }

    void timeOutFallsBack()
    {
        RouterSettings s = quietSettings();
        ProviderSettings slow = simProvider(QStringLiteral("slow"));
        slow.simSettings.timeoutChance = 1; // never answers within its time limit (1 s)
        s.providers[slow.name] = slow;
        s.aliases[QStringLiteral("cloud/fast")] = { QStringLiteral("slow"), QStringLiteral("fast") };
        Harness h(s);
        Router::Request r;
        r.alias = QStringLiteral("cloud/fast");
        r.messages = { { QStringLiteral("user"), QStringLiteral("Say something.") } };
        std::optional<RouterOutcome> out;
        h.router.call(r, {}, [&out](RouterOutcome o) { out = std::move(o); });
        QTest::qWait(20);
        QVERIFY(!out); // waiting on the slow provider's clock
        h.clock.advanceMs(1'000);
        QTRY_VERIFY(out.has_value());
        QVERIFY(!out->error);
        QCOMPARE(reasons(out->trail), QStringList({ QStringLiteral("cloud/fast:failed:timeout"), QStringLiteral("local/fast:served") }));
    }

    void everyModelFailing()
    {
        RouterSettings s = quietSettings();
        s.providers[QStringLiteral("sim")] = simProvider(QStringLiteral("sim"), 1);
        s.providers[QStringLiteral("sim")].breakerFailures = 100;
        Harness h(s);
        const RouterOutcome out = h.call(QStringLiteral("cloud/fast"));
        QVERIFY(out.error);
        QCOMPARE(out.error->code, ErrorCode::Unavailable);
        QVERIFY2(out.error->message.contains(QStringLiteral("cloud/fast unavailable, local/fast unavailable")), qPrintable(out.error->message));
        QCOMPARE(out.trail.attempts.size(), 2);
        QVERIFY(out.trail.servedModel.isEmpty());
    }

    void breakerOpensHalfOpensAndCloses()
    {
        RouterSettings s = quietSettings();
        ProviderSettings flaky = simProvider(QStringLiteral("flaky"), 1);
        flaky.breakerFailures = 2;
        flaky.breakerCooldownMs = 10'000;
        s.providers[flaky.name] = flaky;
        s.aliases[QStringLiteral("cloud/fast")] = { QStringLiteral("flaky"), QStringLiteral("fast") };
        Harness h(s);
        QSignalSpy changes(&h.router, &Router::providerChanged);

        QCOMPARE(reasons(h.call(QStringLiteral("cloud/fast")).trail), QStringList({ QStringLiteral("cloud/fast:failed:unavailable"), QStringLiteral("local/fast:served") }));
        QCOMPARE(h.router.breakerState(QStringLiteral("flaky")), CircuitBreaker::State::Closed);
        h.call(QStringLiteral("cloud/fast"));
        QCOMPARE(h.router.breakerState(QStringLiteral("flaky")), CircuitBreaker::State::Open);
        QCOMPARE(changes.size(), 1);
        // Open: not called at all, the trail says why.
        QCOMPARE(reasons(h.call(QStringLiteral("cloud/fast")).trail), QStringList({ QStringLiteral("cloud/fast:skipped:breaker_open"), QStringLiteral("local/fast:served") }));
        // The cool-down is a deadline on the scheduler: half-open when it ends, not before.
        QCOMPARE(*h.router.nextDeadlineNs(), h.clock.nowNs() + 10'000'000'000);
        h.clock.advanceMs(9'999);
        QCOMPARE(h.router.breakerState(QStringLiteral("flaky")), CircuitBreaker::State::Open);
        h.clock.advanceMs(1);
        QCOMPARE(h.router.breakerState(QStringLiteral("flaky")), CircuitBreaker::State::HalfOpen);
        QCOMPARE(changes.size(), 2);
        QCOMPARE(changes.last().at(1).toJsonObject().value(QStringLiteral("breaker")).toObject().value(QStringLiteral("state")).toString(), QStringLiteral("half_open"));
        // A failed probe opens it again for another cool-down.
        QCOMPARE(reasons(h.call(QStringLiteral("cloud/fast")).trail).first(), QStringLiteral("cloud/fast:failed:unavailable"));
        QCOMPARE(h.router.breakerState(QStringLiteral("flaky")), CircuitBreaker::State::Open);
        h.clock.advanceMs(10'000);
        QCOMPARE(h.router.breakerState(QStringLiteral("flaky")), CircuitBreaker::State::HalfOpen);
        // The provider recovers (its breaker is kept across the change): the probe closes it.
        s.providers[flaky.name].simSettings.serverErrorChance = 0;
        h.router.reconfigure(s);
        QCOMPARE(h.router.breakerState(QStringLiteral("flaky")), CircuitBreaker::State::HalfOpen);
        QCOMPARE(reasons(h.call(QStringLiteral("cloud/fast")).trail), QStringList { QStringLiteral("cloud/fast:served") });
        QCOMPARE(h.router.breakerState(QStringLiteral("flaky")), CircuitBreaker::State::Closed);
        QVERIFY(!h.router.nextDeadlineNs());
    }

    void halfOpenLetsOneProbeThrough()
    {
        CircuitBreaker breaker(1, 1'000);
        breaker.failed(0);
        QVERIFY(!breaker.allow(999'999'999));
        QVERIFY(breaker.allow(1'000'000'000));  // the probe
        QVERIFY(!breaker.allow(1'000'000'001)); // only one at a time
        breaker.succeeded();
        QVERIFY(breaker.allow(1'000'000'002));
    }

    void requestRateLimit()
    {
        RouterSettings s = quietSettings();
        ProviderSettings limited = simProvider(QStringLiteral("limited"));
        limited.requestsPerMinute = 2;
        s.providers[limited.name] = limited;
        s.aliases[QStringLiteral("cloud/fast")] = { QStringLiteral("limited"), QStringLiteral("fast") };
        Harness h(s);
        QCOMPARE(h.call(QStringLiteral("cloud/fast")).trail.servedAlias, QStringLiteral("cloud/fast"));
        QCOMPARE(h.call(QStringLiteral("cloud/fast")).trail.servedAlias, QStringLiteral("cloud/fast"));
        const RouterOutcome third = h.call(QStringLiteral("cloud/fast"));
        QCOMPARE(reasons(third.trail), QStringList({ QStringLiteral("cloud/fast:skipped:rate_limited"), QStringLiteral("local/fast:served") }));
        QVERIFY(third.trail.attempts.first().message.contains(QStringLiteral("2 requests a minute")));
        // Refilled evenly: one request back after 30 s, on the clock.
        QCOMPARE(*h.router.nextDeadlineNs(), h.clock.nowNs() + 30'000'000'000);
        QSignalSpy changes(&h.router, &Router::providerChanged);
        h.clock.advanceMs(30'000);
        QCOMPARE(changes.size(), 1); // headroom again, told at the refill
        QCOMPARE(h.call(QStringLiteral("cloud/fast")).trail.servedAlias, QStringLiteral("cloud/fast"));
        QCOMPARE(h.call(QStringLiteral("cloud/fast")).trail.servedAlias, QStringLiteral("local/fast"));
    }

    void tokenRateLimit()
    {
        RouterSettings s = quietSettings();
        ProviderSettings limited = simProvider(QStringLiteral("limited"));
        limited.tokensPerMinute = 120;
        s.providers[limited.name] = limited;
        s.aliases[QStringLiteral("cloud/fast")] = { QStringLiteral("limited"), QStringLiteral("fast") };
        Harness h(s);
        const RouterOutcome first = h.call(QStringLiteral("cloud/fast"));
        QCOMPARE(first.trail.servedAlias, QStringLiteral("cloud/fast"));
        const qint64 used = first.trail.usage.promptTokens + first.trail.usage.completionTokens;
        QVERIFY(used > 10);
        int served = 1;
        while (h.call(QStringLiteral("cloud/fast")).trail.servedAlias == QLatin1String("cloud/fast"))
            ++served;
        QVERIFY2(served <= 120 / used + 1, qPrintable(QString::number(served)));
        QCOMPARE(h.router.describe().value(QStringLiteral("providers")).toArray().at(0).toObject().value(QStringLiteral("name")).toString(),
                 QStringLiteral("limited"));
    }

    void concurrencyLimitQueues()
    {
        RouterSettings s = quietSettings();
        s.providers[QStringLiteral("sim")].concurrency = 1;
        s.providers[QStringLiteral("sim")].simSettings.latencyMs = 100;
        Harness h(s);
        std::vector<std::optional<RouterOutcome>> outs(3);
        for (auto &out : outs) {
            Router::Request r;
            r.alias = QStringLiteral("local/fast");
            r.messages = { { QStringLiteral("user"), QStringLiteral("q") } };
            h.router.call(r, {}, [&out](RouterOutcome o) { out = std::move(o); });
        }
        QTest::qWait(20);
        QVERIFY(h.router.describe().value(QStringLiteral("providers")).toArray().at(0).toObject().value(QStringLiteral("waiting")).toInt() == 2);
        // Each waiting call starts when the one before it ends.
        h.clock.advanceMs(100);
        QVERIFY(outs[0]);
        QTest::qWait(20);
        QVERIFY(!outs[1]);
        h.clock.advanceMs(100);
        QVERIFY(outs[1]);
        QTest::qWait(20);
        QVERIFY(!outs[2]);
        h.clock.advanceMs(100);
        QVERIFY(outs[2]);
        for (auto &out : outs)
            QVERIFY(!out->error);
    }

    void unconfiguredProviderIsNotCalled()
    {
        cabinet::test::LoopbackChatServer server;
        QVERIFY(server.listen());
        const QByteArray keyVariable = "CABINET_TEST_LLM_KEY_42";
        qunsetenv(keyVariable.constData());
        RouterSettings s = quietSettings();
        ProviderSettings remote;
        remote.name = QStringLiteral("remote");
        remote.baseUrl = server.baseUrl();
        remote.apiKeyEnv = QString::fromLatin1(keyVariable);
        s.providers[remote.name] = remote;
        s.aliases[QStringLiteral("cloud/mid")] = { QStringLiteral("remote"), QStringLiteral("gpt-x") };
        Harness h(s);
        const RouterOutcome skipped = h.call(QStringLiteral("cloud/mid"));
        QCOMPARE(reasons(skipped.trail).first(), QStringLiteral("cloud/mid:skipped:unconfigured"));
        QVERIFY(skipped.trail.attempts.first().message.contains(QString::fromLatin1(keyVariable)));
        QCOMPARE(server.requests().size(), 0);
        QJsonObject remoteState;
        for (const QJsonValue &p : h.router.describe().value(QStringLiteral("providers")).toArray())
            if (p.toObject().value(QStringLiteral("name")).toString() == QLatin1String("remote"))
                remoteState = p.toObject();
        QCOMPARE(remoteState.value(QStringLiteral("configured")).toBool(), false);

        // With the key set: called over HTTP, the key sent and never shown.
        const QByteArray secret = "sk-very-secret-value";
        qputenv(keyVariable.constData(), secret);
        server.setHandler([](const auto &) { return cabinet::test::LoopbackChatServer::whole(QStringLiteral("from the loopback server")); });
        QStringList tokens;
        const RouterOutcome served = h.call(QStringLiteral("cloud/mid"));
        QVERIFY(!served.error);
        QCOMPARE(served.reply.content, QStringLiteral("from the loopback server"));
        QCOMPARE(served.trail.servedProvider, QStringLiteral("remote"));
        QVERIFY(!served.trail.simulated);
        QCOMPARE(server.requests().size(), 1);
        QCOMPARE(server.requests().first().headers.value("authorization"), "Bearer " + secret);
        QCOMPARE(server.requests().first().json().value(QStringLiteral("model")).toString(), QStringLiteral("gpt-x"));
        const QByteArray described = QJsonDocument(h.router.describe()).toJson();
        QVERIFY(!described.contains(secret));
        QVERIFY(described.contains(keyVariable));
        QVERIFY(!QJsonDocument(trailToJson(served.trail)).toJson().contains(secret));
        qunsetenv(keyVariable.constData());
    }

    void streamedThroughTheRouter()
    {
        RouterSettings s = quietSettings();
        s.providers[QStringLiteral("sim")].simSettings.latencyMs = 50;
        s.providers[QStringLiteral("sim")].simSettings.tokensPerSecond = 1'000;
        Harness h(s);
        QStringList tokens;
        Router::Request r;
        r.alias = QStringLiteral("local/fast");
        r.stream = true;
        r.messages = { { QStringLiteral("user"), QStringLiteral("stream") } };
        std::optional<RouterOutcome> out;
        h.router.call(r, [&tokens](const QString &t) { tokens << t; }, [&out](RouterOutcome o) { out = std::move(o); });
        QTest::qWait(10);
        h.clock.advanceMs(50);
        QCOMPARE(tokens.size(), 1);
        h.clock.advanceMs(10'000);
        QTRY_VERIFY(out);
        QCOMPARE(tokens.join(QString()), out->reply.content);
        QCOMPARE(out->trail.firstTokenNs, 50'000'000);
        QCOMPARE(out->trail.usage.completionTokens, tokens.size());
    }

    void budgetRefusalFallsBack()
    {
        struct NoFrontier : BudgetCheck {
            Result<Handle> reserve(const Query &q) override
            {
                if (q.alias == QLatin1String("cloud/frontier"))
                    return Error { ErrorCode::BudgetExhausted, QStringLiteral("daily cap reached for cloud/frontier") };
                return Handle(0);
            }
            void settle(Handle, const Settlement &) override { }
        };
        Harness h;
        NoFrontier budget;
        h.router.setBudgetCheck(&budget);
        const RouterOutcome out = h.call(QStringLiteral("cloud/frontier"));
        QCOMPARE(reasons(out.trail), QStringList({ QStringLiteral("cloud/frontier:skipped:budget_refused"), QStringLiteral("cloud/mid:served") }));
        QCOMPARE(out.trail.attempts.first().message, QStringLiteral("daily cap reached for cloud/frontier"));
    }

    void attemptsNameTheirSpendRecord()
    {
        // Each model called carries the budget's reservation handle (the
        // costs' spend record), so a face can match costs.spent to the call.
        struct Numbered : BudgetCheck {
            Handle next = 40;
            Result<Handle> reserve(const Query &) override { return ++next; }
            void settle(Handle, const Settlement &) override { }
        };
        RouterSettings s = quietSettings();
        s.providers[QStringLiteral("flaky")] = simProvider(QStringLiteral("flaky"), 1.0);
        s.aliases[QStringLiteral("cloud/frontier")] = AliasTarget { QStringLiteral("flaky"), QStringLiteral("frontier") };
        Harness h(s);
        Numbered budget;
        h.router.setBudgetCheck(&budget);
        const RouterOutcome out = h.call(QStringLiteral("cloud/frontier"));
        QCOMPARE(reasons(out.trail), QStringList({ QStringLiteral("cloud/frontier:failed:unavailable"), QStringLiteral("cloud/mid:served") }));
        QCOMPARE(out.trail.attempts[0].record, BudgetCheck::Handle(41));
        QCOMPARE(out.trail.attempts[1].record, BudgetCheck::Handle(42));
        const QJsonArray attempts = trailToJson(out.trail).value(QStringLiteral("attempts")).toArray();
        QCOMPARE(attempts[1].toObject().value(QStringLiteral("record")).toDouble(), 42.0);
        // Without a budget nothing is reserved, and the trail names no record.
        h.router.setBudgetCheck(nullptr);
        const QJsonObject unbooked = trailToJson(h.call(QStringLiteral("cloud/mid")).trail);
        QVERIFY(!unbooked.value(QStringLiteral("attempts")).toArray().first().toObject().contains(QStringLiteral("record")));
    }

    void cancelACall()
    {
        RouterSettings s = quietSettings();
        s.providers[QStringLiteral("sim")].simSettings.latencyMs = 1'000;
        Harness h(s);
        Router::Request r;
        r.alias = QStringLiteral("local/fast");
        r.messages = { { QStringLiteral("user"), QStringLiteral("q") } };
        std::optional<RouterOutcome> out;
        const quint64 id = h.router.call(r, {}, [&out](RouterOutcome o) { out = std::move(o); });
        QTest::qWait(20);
        QVERIFY(h.router.cancel(id));
        QVERIFY(out && out->error);
        QCOMPARE(out->error->code, ErrorCode::Cancelled);
        QCOMPARE(h.router.calls(), 0);
        QCOMPARE(h.router.breakerState(QStringLiteral("sim")), CircuitBreaker::State::Closed);
    }

    void refusedRequests()
    {
        Harness h;
        Router::Request empty;
        empty.alias = QStringLiteral("local/fast");
        std::optional<RouterOutcome> out;
        h.router.call(empty, {}, [&out](RouterOutcome o) { out = std::move(o); });
        QVERIFY(!out);
        QTRY_VERIFY(out);
        QCOMPARE(out->error->code, ErrorCode::InvalidArgument);
        QCOMPARE(h.call(QStringLiteral("cloud/none")).error->code, ErrorCode::NotFound);
    }

    void settingsFromTheConfiguration()
    {
        QMap<QString, QString> values {
            { QStringLiteral("llm.providers.openai.base_url"), QStringLiteral("https://api.openai.com") },
            { QStringLiteral("llm.providers.openai.api_key_env"), QStringLiteral("OPENAI_API_KEY") },
            { QStringLiteral("llm.providers.openai.concurrency"), QStringLiteral("8") },
            { QStringLiteral("llm.providers.openai.requests_per_minute"), QStringLiteral("500") },
            { QStringLiteral("llm.providers.openai.headers.openai_organization"), QStringLiteral("org-1") },
            { QStringLiteral("llm.providers.flaky.kind"), QStringLiteral("sim") },
            { QStringLiteral("llm.providers.flaky.server_error_chance"), QStringLiteral("0.25") },
            { QStringLiteral("llm.providers.sim.latency_ms"), QStringLiteral("0") },
            { QStringLiteral("llm.aliases.cloud.frontier"), QStringLiteral("openai/gpt-4o") },
            { QStringLiteral("llm.aliases.team.special"), QStringLiteral("flaky/special") },
            { QStringLiteral("llm.fallbacks.cloud.frontier"), QStringLiteral("team/special, local/fast") },
            { QStringLiteral("llm.routing.research"), QStringLiteral("team/special") },
        };
        auto loaded = loadRouterSettings([&values](const QString &k) { return values.value(k); }, values.keys());
        QVERIFY2(loaded, qPrintable(loaded ? QString() : loaded.error().message));
        const ProviderSettings &openai = loaded->providers.at(QStringLiteral("openai"));
        QCOMPARE(openai.baseUrl, QStringLiteral("https://api.openai.com"));
        QCOMPARE(openai.apiKeyEnv, QStringLiteral("OPENAI_API_KEY"));
        QCOMPARE(openai.concurrency, 8);
        QCOMPARE(openai.requestsPerMinute, 500);
        QCOMPARE(openai.headers.size(), 1);
        QCOMPARE(openai.headers.first().first, QByteArray("Openai-Organization"));
        QVERIFY(!openai.sim);
        QVERIFY(loaded->providers.at(QStringLiteral("flaky")).sim);
        QCOMPARE(loaded->providers.at(QStringLiteral("flaky")).simSettings.serverErrorChance, 0.25);
        QCOMPARE(loaded->providers.at(QStringLiteral("sim")).simSettings.latencyMs, 0);
        QCOMPARE(loaded->aliases.at(QStringLiteral("cloud/frontier")).text(), QStringLiteral("openai/gpt-4o"));
        QCOMPARE(loaded->aliases.at(QStringLiteral("team/special")).text(), QStringLiteral("flaky/special"));
        QCOMPARE(loaded->aliases.at(QStringLiteral("cloud/mid")).text(), QStringLiteral("sim/cloud-mid")); // untouched default
        QCOMPARE(loaded->fallbacks.at(QStringLiteral("cloud/frontier")), QStringList({ QStringLiteral("team/special"), QStringLiteral("local/fast") }));
        QCOMPARE(loaded->routing.at(QStringLiteral("research")), QStringLiteral("team/special"));

        const std::pair<const char *, const char *> bad[] = {
            { "llm.providers.openai.concurrency", "many" },
            { "llm.providers.openai.base_url", "ftp://x" },
            { "llm.providers.openai.api_key_env", "sk-live-abc def" },
            { "llm.providers.sim.timeout_chance", "2" },
            { "llm.aliases.cloud.frontier", "nobody/gpt" },
            { "llm.routing.research", "cloud/none" },
            { "llm.providers.openai.kind", "grpc" },
        };
        for (const auto &[key, value] : bad) {
            QMap<QString, QString> broken = values;
            broken[QLatin1String(key)] = QLatin1String(value);
            auto refused = loadRouterSettings([&broken](const QString &k) { return broken.value(k); }, broken.keys());
            QVERIFY2(!refused, key);
            QCOMPARE(refused.error().code, ErrorCode::InvalidArgument);
            QVERIFY2(refused.error().message.contains(QLatin1String(key)), qPrintable(refused.error().message));
        }
    }
};

QTEST_GUILESS_MAIN(TestRouter)
#include "tst_router.moc"

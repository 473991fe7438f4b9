// What the Router reserves is what it lets the provider spend (issue 12,
// fix 6): a call without max_tokens is sent with the output tokens its
// reservation assumed, and the prompt's tokens are estimated on the safe
// side (docs/costs.md, "A call").
#include "LoopbackChatServer.h"
#include "llm/BudgetCheck.h"
#include "llm/Router.h"
#include "service/Scheduler.h"

#include <QJsonObject>
#include <QTest>

#include <vector>

using namespace cabinet;
using namespace cabinet::llm;

namespace {

// Keeps what each reservation asked for; allows every call.
struct Recorder : BudgetCheck {
    std::vector<Query> queries;
    Result<Handle> reserve(const Query &query) override
    {
        queries.push_back(query);
        return Handle(0);
    }
    void settle(Handle, const Settlement &) override { }
};

} // namespace

class TestRouterReservation : public QObject {
    Q_OBJECT

private:
    test::LoopbackChatServer m_server;

    RouterOutcome call(Router &router, const QString &content, std::optional<int> maxTokens)
    {
        Router::Request r;
        r.alias = QStringLiteral("cloud/mid");
        r.messages = { { QStringLiteral("user"), content } };
        r.maxTokens = maxTokens;
        std::optional<RouterOutcome> out;
        router.call(r, {}, [&out](RouterOutcome o) { out = std::move(o); });
        if (!QTest::qWaitFor([&] { return out.has_value(); }, 10'000))
            qFatal("no answer from the router");
        return std::move(*out);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_server.listen());
        m_server.setHandler([](const auto &) { return test::LoopbackChatServer::whole(QStringLiteral("ok")); });
    }

    void theRequestCarriesTheOutputTokensReserved()
    {
        RouterSettings s = RouterSettings::defaults();
        ProviderSettings remote;
        remote.name = QStringLiteral("remote");
        remote.baseUrl = m_server.baseUrl();
        s.providers[remote.name] = remote;
        s.aliases[QStringLiteral("cloud/mid")] = { QStringLiteral("remote"), QStringLiteral("gpt-x") };
        ManualClock clock;
        Router router(clock, s);
        Scheduler scheduler { clock };
        scheduler.add(router);
        Recorder budget;
        router.setBudgetCheck(&budget);

        QVERIFY(!call(router, QStringLiteral("Say something."), std::nullopt).error);
        QCOMPARE(budget.queries.size(), size_t(1));
        QCOMPARE(budget.queries[0].maxTokens, BudgetCheck::UnboundedOutputTokens);
        QCOMPARE(m_server.requests().last().json().value(QStringLiteral("max_tokens")).toInteger(), BudgetCheck::UnboundedOutputTokens);

        // The caller's own bound is reserved and sent as it is.
        QVERIFY(!call(router, QStringLiteral("Say something."), 100).error);
        QCOMPARE(budget.queries[1].maxTokens, 100);
        QCOMPARE(m_server.requests().last().json().value(QStringLiteral("max_tokens")).toInteger(), 100);
        scheduler.remove(router);
    }

    void thePromptIsEstimatedOnTheSafeSide()
    {
        RouterSettings s = RouterSettings::defaults();
        ProviderSettings remote;
        remote.name = QStringLiteral("remote");
        remote.baseUrl = m_server.baseUrl();
        s.providers[remote.name] = remote;
        s.aliases[QStringLiteral("cloud/mid")] = { QStringLiteral("remote"), QStringLiteral("gpt-x") };
        ManualClock clock;
        Router router(clock, s);
        Scheduler scheduler { clock };
        scheduler.add(router);
        Recorder budget;
        router.setBudgetCheck(&budget);
        // 14 bytes: 5 tokens at 3 bytes a token, 4 for the message's framing, 3 to prime the reply.
        QVERIFY(!call(router, QStringLiteral("Say something."), 10).error);
        QCOMPARE(budget.queries.back().promptTokensEstimate, 12);
        // 30 characters of 2 bytes each: 20 tokens, not the 8 that 4 characters a token would say.
        QVERIFY(!call(router, QString(30, QChar(0xE9)), 10).error);
        QCOMPARE(budget.queries.back().promptTokensEstimate, 27);
        scheduler.remove(router);
    }
};

QTEST_GUILESS_MAIN(TestRouterReservation)
#include "tst_routerreservation.moc"

// The offline provider: deterministic for a seed, paced on the Clock,
// realistic token counts, role-shaped answers, failures at their chances.
#include "llm/SimProvider.h"
#include "service/Scheduler.h"

#include <QRegularExpression>
#include <QTest>

using namespace cabinet;
using namespace cabinet::llm;

namespace {

struct Harness {
    ManualClock clock;
    SimProvider sim;
    TimedService service { QStringLiteral("llm.sim"), sim };
    Scheduler scheduler { clock };
    explicit Harness(SimSettings s = zero()) : sim(clock, settings(s)) { scheduler.add(service); }
    ~Harness() { scheduler.remove(service); }
    static SimSettings zero()
    {
        SimSettings s;
        s.latencyMs = 0;
        s.tokensPerSecond = 0;
        return s;
    }
    static ProviderSettings settings(SimSettings s)
    {
        ProviderSettings p;
        p.name = QStringLiteral("sim");
        p.sim = true;
        p.timeoutMs = 5'000;
        p.simSettings = s;
        return p;
    }
};

ChatRequest ask(const QString &prompt, const QString &task = {}, bool stream = false)
{
    ChatRequest r;
    r.model = QStringLiteral("cloud-mid");
    r.messages = { { QStringLiteral("user"), prompt } };
    r.taskType = task;
    r.stream = stream;
    return r;
}

struct Outcome {
    std::optional<Result<ChatReply>> result;
    QStringList tokens;
};

void start(Harness &h, const ChatRequest &r, Outcome &out)
{
    h.sim.start(r, [&out](const QString &t) { out.tokens << t; }, [&out](Result<ChatReply> res) { out.result = std::move(res); });
}

} // namespace

class TestSimProvider : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void deterministicForASeed()
    {
        SimSettings a = Harness::zero();
        a.seed = 7;
        SimSettings b = a;
        b.seed = 8;
        const ChatRequest r = ask(QStringLiteral("Why is the build slow?"));
        QCOMPARE(SimProvider::replyText(a, r), SimProvider::replyText(a, r));
        QVERIFY(SimProvider::replyText(a, r) != SimProvider::replyText(b, r));
        QVERIFY(SimProvider::replyText(a, r) != SimProvider::replyText(a, ask(QStringLiteral("Why is the test slow?"))));
        // Through the provider: the same words and counts, call after call.
        Harness h1(a), h2(a);
        Outcome o1, o2;
        start(h1, r, o1);
        start(h2, r, o2);
        QTRY_VERIFY(o1.result && o2.result);
        QCOMPARE(o1.result->value().content, o2.result->value().content);
        QCOMPARE(o1.result->value().content, SimProvider::replyText(a, r));
        QCOMPARE(o1.result->value().usage.completionTokens, o2.result->value().usage.completionTokens);
    }

    void saysItIsSimulated()
    {
        Harness h;
        Outcome out;
        start(h, ask(QStringLiteral("hello")), out);
        QVERIFY(!out.result); // never inside start()
        QTRY_VERIFY(out.result);
        QVERIFY(out.result->value().simulated);
        QVERIFY(out.result->value().content.startsWith(SimProvider::Marker));
        QCOMPARE(out.result->value().model, QStringLiteral("sim/cloud-mid"));
    }

    void tokenCountsFollowTheRuleOfThumb()
    {
        Harness h;
        Outcome out;
        const ChatRequest r = ask(QStringLiteral("Twelve chars"));
        start(h, r, out);
        QTRY_VERIFY(out.result);
        const ChatReply &reply = out.result->value();
        QCOMPARE(reply.usage.completionTokens, (reply.content.size() + 3) / 4);
        // 12 characters: 3 tokens, 4 for the message, 3 to prime the reply.
        QCOMPARE(reply.usage.promptTokens, 3 + 4 + 3);
        QCOMPARE(SimProvider::tokens(QStringLiteral("abcdefghij")), QStringList({ QStringLiteral("abcd"), QStringLiteral("efgh"), QStringLiteral("ij") }));
    }

    void streamedAtItsRateAfterItsLatency()
    {
        SimSettings s;
        s.latencyMs = 200;
        s.tokensPerSecond = 10; // one every 100 ms
        Harness h(s);
        Outcome out;
        start(h, ask(QStringLiteral("stream this"), {}, true), out);
        QTest::qWait(20);
        QVERIFY(out.tokens.isEmpty());
        h.clock.advanceMs(199);
        QVERIFY(out.tokens.isEmpty());
        h.clock.advanceMs(1);
        QCOMPARE(out.tokens.size(), 1);
        h.clock.advanceMs(250);
        QCOMPARE(out.tokens.size(), 3);
        QVERIFY(!out.result);
        h.clock.advanceMs(60'000);
        QVERIFY(out.result && out.result->ok());
        QCOMPARE(out.tokens.join(QString()), out.result->value().content);
        QCOMPARE(out.result->value().firstTokenNs, 200'000'000);
        QCOMPARE(qsizetype(out.result->value().usage.completionTokens), out.tokens.size());
    }

    void wholeAnswerComesWhenItsLastTokenWould()
    {
        SimSettings s;
        s.latencyMs = 100;
        s.tokensPerSecond = 100;
        Harness h(s);
        Outcome out;
        const ChatRequest r = ask(QStringLiteral("whole"));
        start(h, r, out);
        const qint64 n = SimProvider::tokens(SimProvider::replyText(s, r)).size();
        h.clock.advanceMs(100 + (n - 1) * 10 - 1);
        QVERIFY(!out.result);
        h.clock.advanceMs(1);
        QVERIFY(out.result && out.result->ok());
        QVERIFY(out.tokens.isEmpty());
        QCOMPARE(out.result->value().latencyNs, (100 + (n - 1) * 10) * 1'000'000);
    }

    void roleShapedAnswers()
    {
        const SimSettings s = Harness::zero();
        QVERIFY(SimProvider::replyText(s, ask(QStringLiteral("caching options"), QStringLiteral("research"))).contains(QStringLiteral("Research brief (Scout)")));
        QVERIFY(SimProvider::replyText(s, ask(QStringLiteral("add a bound"), QStringLiteral("build"))).contains(QStringLiteral("```diff\n--- a/")));
        QVERIFY(SimProvider::replyText(s, ask(QStringLiteral("ship it"), QStringLiteral("deploy"))).contains(QStringLiteral("Deploy report (Forge)")));
        QVERIFY(SimProvider::replyText(s, ask(QStringLiteral("ship it"), QStringLiteral("deploy"))).contains(QStringLiteral("simulated")));
        const QString review = SimProvider::replyText(s, ask(QStringLiteral("check the patch"), QStringLiteral("review")));
        QVERIFY(QRegularExpression(QStringLiteral("VERDICT: (PASS|FAIL)")).match(review).hasMatch());
        // The role is also read from the agent's system prompt.
        ChatRequest byPrompt = ask(QStringLiteral("look at this"));
        byPrompt.messages.prepend({ QStringLiteral("system"), QStringLiteral("You are Hawk, the QA agent.") });
        QVERIFY(SimProvider::replyText(s, byPrompt).contains(QStringLiteral("VERDICT:")));
        for (const QString &task : { QStringLiteral("research"), QStringLiteral("build"), QStringLiteral("review"), QStringLiteral("deploy"), QString() })
            QVERIFY(SimProvider::replyText(s, ask(QStringLiteral("x"), task)).startsWith(SimProvider::Marker));
    }

    void aSeededFractionOfFirstReviewsFail()
    {
        SimSettings s = Harness::zero();
        s.reviewFailChance = 0.3;
        int failed = 0;
        const int reviews = 400;
        for (int i = 0; i < reviews; ++i)
            if (SimProvider::replyText(s, ask(QStringLiteral("patch %1").arg(i), QStringLiteral("review"))).contains(QStringLiteral("VERDICT: FAIL")))
                ++failed;
        QVERIFY2(failed > reviews * 0.2 && failed < reviews * 0.4, qPrintable(QString::number(failed)));
        // A review after an earlier verdict (the loop's second round) passes.
        s.reviewFailChance = 1;
        ChatRequest first = ask(QStringLiteral("patch"), QStringLiteral("review"));
        QVERIFY(SimProvider::replyText(s, first).contains(QStringLiteral("VERDICT: FAIL")));
        ChatRequest second = first;
        second.messages.append({ QStringLiteral("assistant"), SimProvider::replyText(s, first) });
        second.messages.append({ QStringLiteral("user"), QStringLiteral("fixed, please review again") });
        QVERIFY(SimProvider::replyText(s, second).contains(QStringLiteral("VERDICT: PASS")));
        // A workflow's later round starts a fresh conversation with a JSON
        // prompt: its visit number says it is not a first review.
        ChatRequest json = ask(QStringLiteral("patch. Answer with one JSON object and nothing else."), QStringLiteral("review"));
        QVERIFY(SimProvider::replyText(s, json).contains(QStringLiteral("\"verdict\":\"fail\"")));
        json.visit = 2;
        QVERIFY(SimProvider::replyText(s, json).contains(QStringLiteral("\"verdict\":\"pass\"")));
    }

    void failuresAtTheirChances()
    {
        {
            SimSettings s = Harness::zero();
            s.rateLimitChance = 1;
            Harness h(s);
            Outcome out;
            start(h, ask(QStringLiteral("x")), out);
            QTRY_VERIFY(out.result);
            QCOMPARE(out.result->error().code, ErrorCode::ResourceExhausted);
            QVERIFY(out.result->error().message.contains(QStringLiteral("simulated")));
        }
        {
            SimSettings s = Harness::zero();
            s.serverErrorChance = 1;
            Harness h(s);
            Outcome out;
            start(h, ask(QStringLiteral("x")), out);
            QTRY_VERIFY(out.result);
            QCOMPARE(out.result->error().code, ErrorCode::Unavailable);
        }
        {
            SimSettings s = Harness::zero();
            s.timeoutChance = 1;
            Harness h(s);
            Outcome out;
            start(h, ask(QStringLiteral("x")), out);
            h.clock.advanceMs(4'999);
            QTest::qWait(20);
            QVERIFY(!out.result);
            h.clock.advanceMs(1);
            QVERIFY(out.result);
            QCOMPARE(out.result->error().code, ErrorCode::Timeout);
        }
        {
            // A chance of a half: some of 200 calls fail, some do not, and
            // the same seed fails the same calls.
            SimSettings s = Harness::zero();
            s.serverErrorChance = 0.5;
            s.seed = 99;
            auto pattern = [&s] {
                Harness h(s);
                QString result;
                for (int i = 0; i < 200; ++i) {
                    Outcome out;
                    start(h, ask(QStringLiteral("x")), out);
                    (void)QTest::qWaitFor([&] { return out.result.has_value(); }, 5'000);
                    result += out.result && out.result->ok() ? u'.' : u'x';
                }
                return result;
            };
            const QString first = pattern();
            QVERIFY(first.count(u'x') > 60 && first.count(u'x') < 140);
            QCOMPARE(pattern(), first);
        }
    }

    void maxTokensCutsTheReply()
    {
        Harness h;
        Outcome out;
        ChatRequest r = ask(QStringLiteral("long"));
        r.maxTokens = 3;
        start(h, r, out);
        QTRY_VERIFY(out.result);
        QCOMPARE(out.result->value().usage.completionTokens, 3);
        QCOMPARE(out.result->value().finishReason, QStringLiteral("length"));
    }

    void cancel()
    {
        SimSettings s;
        s.latencyMs = 100;
        Harness h(s);
        Outcome out;
        const quint64 id = h.sim.start(ask(QStringLiteral("x"), {}, true), [&out](const QString &t) { out.tokens << t; },
                                       [&out](Result<ChatReply> r) { out.result = std::move(r); });
        QVERIFY(h.sim.cancel(id));
        QCOMPARE(out.result->error().code, ErrorCode::Cancelled);
        h.clock.advanceMs(10'000);
        QVERIFY(out.tokens.isEmpty());
        QVERIFY(!h.sim.nextDeadlineNs());
    }
};

QTEST_GUILESS_MAIN(TestSimProvider)
#include "tst_simprovider.moc"

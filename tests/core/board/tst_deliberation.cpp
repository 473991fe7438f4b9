// The three rounds (docs/board.md): with the shipped personas a hand-made
// summary gives the votes their formulas say; every statement is labelled as
// composed; one engine run per deliberation, and the same seed gives the same
// transcript, votes and consensus.
#include "Assert.h"
#include "board/BoardRun.h"
#include "llm/RouterSettings.h"
#include "orchestrator/AgentRegistry.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <cmath>

using namespace cabinet;
using namespace cabinet::board;

namespace {

QList<Persona> shippedPersonas()
{
    orchestrator::AgentRegistry registry;
    const auto problems = registry.load(orchestrator::AgentRegistry::ShippedDir, QString(), llm::RouterSettings::defaults());
    CABINET_ASSERT(problems.empty());
    return boardPersonas(registry);
}

Proposal proposal(quint32 scenarios)
{
    // (No raw string literal here: moc does not read one that spans lines.)
    auto p = proposalFromJson(QJsonDocument::fromJson("{\"kind\": \"budget_change\", \"text\": \"Raise Rex's budget\", "
                                                      "\"cost_estimate_micros\": 20000000, \"assumptions\": {\"horizon_days\": 60, "
                                                      "\"budget_micros\": 150000000, \"expected_value_micros\": 40000000}}")
                                      .object());
    CABINET_ASSERT(p.ok());
    p->scenarios = scenarios;
    return *p;
}

} // namespace

class TestDeliberation : public QObject {
    Q_OBJECT

private slots:
    void votesFollowTheFormulas()
    {
        const QList<Persona> personas = shippedPersonas();
        QCOMPARE(personas.size(), 8);
        OutcomeSummary s;
        s.meanGain = 100;
        s.stdDev = 50;
        s.p5Gain = -20;
        s.p50Gain = 90;
        s.p95Gain = 200;
        s.cvar95Gain = -40;
        s.probabilityOfLoss = 0.2;
        s.probabilityOfBreach = 0.1;
        s.probabilityOfFailure = 0.25;
        s.scaleUsd = 100;
        const Deliberation d = deliberate(personas, s);
        QCOMPARE(d.statements.size(), 24);
        QCOMPARE(d.ballots.size(), 8);
        // By name: ceo cfo chro clo cmo coo cso cto.
        const QMap<QString, Vote> expected = {
            { QStringLiteral("ceo"), Vote::Approve },  // 100 - 0.5 x 50 = 75
            { QStringLiteral("cfo"), Vote::Reject },   // 0.5 (-20) + 0.5 (-40) = -30
            { QStringLiteral("chro"), Vote::Approve }, // P50 90
            { QStringLiteral("clo"), Vote::Reject },   // 0.05 - 0.1
            { QStringLiteral("cmo"), Vote::Approve },  // P95 200
            { QStringLiteral("coo"), Vote::Approve },  // 0.3 - 0.25
            { QStringLiteral("cso"), Vote::Reject },   // 0.1 - 0.2
            { QStringLiteral("cto"), Vote::Approve },  // 0.25 - 0.2 = 0.05, over 0.25: tanh(0.2)
        };
        for (const Ballot &b : d.ballots) {
            QCOMPARE(voteName(b.vote), voteName(expected.value(b.persona)));
        }
        QCOMPARE(d.ballots[0].confidence, std::tanh(0.75)); // ceo
        const Tally t = tally(d.ballots);
        QCOMPARE(d.tally.support, t.support);
        QCOMPARE(d.tally.verdict, t.verdict);
        // Rounds in order, each statement composed and labelled so.
        for (qsizetype i = 0; i < d.statements.size(); ++i) {
            QCOMPARE(d.statements[i].round, int(i / 8) + 1);
            QCOMPARE(d.statements[i].source, QLatin1String(ComposedSource));
            QVERIFY(d.statements[i].text.startsWith(QLatin1String("[composed from the numbers")));
        }
        // The recommendation names the numbers it rests on.
        for (const char *figure : { "P5 -20.00 USD", "P50 90.00 USD", "P95 200.00 USD", "P(loss) 20.0%", "P(budget breach) 10.0%", "CVaR95 -40.00 USD" })
            QVERIFY2(d.recommendation.contains(QLatin1String(figure)), figure);
        QVERIFY(d.dissent.has_value());
        // Round 2 answers the strongest dissent by name.
        const QString dissenter = d.ballots[*leadingSide(d.ballots) == Vote::Approve ? *strongestDissent(d.ballots, Vote::Approve)
                                                                                       : *strongestDissent(d.ballots, Vote::Reject)]
                                          .persona.toUpper();
        QVERIFY(d.statements[8].text.contains(dissenter));
    }

    void sameSeedSameDeliberation()
    {
        auto engine = gpu::makeEngine("cpu");
        QVERIFY(bool(engine));
        const QList<Persona> personas = shippedPersonas();
        History history;
        history.successes = 12;
        history.failures = 3;
        history.dailyCostsUsd = { 0.8, 1.1, 0.9 };
        auto a = runBoard(**engine, personas, proposal(2000), history, 42);
        auto b = runBoard(**engine, personas, proposal(2000), history, 42);
        auto c = runBoard(**engine, personas, proposal(2000), history, 43);
        QVERIFY(a.ok() && b.ok() && c.ok());
        QCOMPARE(a->result.scenarios, 2000u);
        QCOMPARE(deliberationToJson(a->deliberation), deliberationToJson(b->deliberation));
        QCOMPARE(evidenceToJson(a->evidence), evidenceToJson(b->evidence));
        QVERIFY(a->result.mean != c->result.mean); // the seed matters
        // The summary is the run's, against the cost estimate.
        QCOMPARE(a->deliberation.summary.p50Gain, a->result.p50 - 20.0);
        QCOMPARE(a->deliberation.summary.probabilityOfBreach, a->result.probability_of_budget_breach);
    }

    void badEvidenceRunsNothing()
    {
        auto engine = gpu::makeEngine("cpu");
        QVERIFY(bool(engine));
        Proposal p = proposal(100);
        p.horizonDays = 0; // past the parser: the engine's own check still refuses it
        auto run = runBoard(**engine, shippedPersonas(), p, {}, 1);
        QVERIFY(!run);
        QCOMPARE(run.error().code, ErrorCode::InvalidArgument);
    }
};

QTEST_GUILESS_MAIN(TestDeliberation)
#include "tst_deliberation.moc"

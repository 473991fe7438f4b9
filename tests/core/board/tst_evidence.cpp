// A proposal read strictly (each bad field refused, naming it), and the
// posteriors fed from what happened: tasks done and failed per agent, posted
// spend per day, the stated priors when nothing has happened.
#include "board/Evidence.h"
#include "store/Database.h"
#include "store/Statement.h"

#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace cabinet;
using namespace cabinet::board;

namespace {

constexpr qint64 Day = 86'400'000'000'000;

QJsonObject json(const char *text) { return QJsonDocument::fromJson(text).object(); }

QJsonObject goodProposal()
{
    return json(R"({"kind": "tier2_action", "text": "Deploy the billing service", "cost_estimate_micros": 50000000,
                    "assumptions": {"horizon_days": 30, "scenarios": 500, "budget_micros": 80000000}})");
}

void exec(Database &db, const QString &sql)
{
    auto done = db.execScript(sql);
    QVERIFY2(done.ok(), qPrintable(done.ok() ? QString() : done.error().message));
}

void addTask(Database &db, const QString &id, const char *state)
{
    exec(db, QStringLiteral("INSERT INTO tasks (id, workflow, title, input, state, max_attempts, backoff_base_ms, not_before_ns, "
                            "submitted_by, created_ns, updated_ns) VALUES ('%1', 'w', 't', '{}', '%2', 1, 0, 0, 'person:alice', 0, 0)")
                 .arg(id, QLatin1String(state)));
}

void addSpend(Database &db, const char *agent, const QString &task, qint64 micros, qint64 createdNs, const char *outcome = "posted")
{
    exec(db, QStringLiteral("INSERT INTO spend_records (agent, task, alias, model_asked, provider, cost_micros, created_ns, price_version, outcome) "
                            "VALUES ('%1', '%2', 'cloud/mid', 'sim/cloud-mid', 'sim', %3, %4, 'v1', '%5')")
                 .arg(QLatin1String(agent), task)
                 .arg(micros)
                 .arg(createdNs)
                 .arg(QLatin1String(outcome)));
}

} // namespace

class TestEvidence : public QObject {
    Q_OBJECT

private slots:
    void proposalReads()
    {
        auto p = proposalFromJson(goodProposal());
        QVERIFY(p.ok());
        QCOMPARE(p->kind, ProposalKind::Tier2Action);
        QCOMPARE(p->costEstimateMicros, 50'000'000);
        QCOMPARE(p->horizonDays, 30);
        QCOMPARE(p->scenarios, 500u);
        QCOMPARE(p->budgetMicros, std::optional<qint64>(80'000'000));
        QVERIFY(!p->successRate);
        // Written back, it reads the same.
        auto again = proposalFromJson(proposalToJson(*p));
        QVERIFY(again.ok());
        QCOMPARE(proposalToJson(*again), proposalToJson(*p));
        // The defaults.
        auto plain = proposalFromJson(json(R"({"kind": "question", "text": "Hire?", "cost_estimate_micros": 0})"));
        QVERIFY(plain.ok());
        QCOMPARE(plain->horizonDays, DefaultHorizonDays);
        QCOMPARE(plain->scenarios, DefaultScenarios);
    }

    void badProposalRefused_data()
    {
        QTest::addColumn<QString>("member");
        QTest::addColumn<QString>("value"); // JSON; empty: remove the member
        QTest::addColumn<QString>("field");
        QTest::newRow("unknown member") << QStringLiteral("colour") << QStringLiteral("\"red\"") << QStringLiteral("colour");
        QTest::newRow("unknown kind") << QStringLiteral("kind") << QStringLiteral("\"wish\"") << QStringLiteral("kind");
        QTest::newRow("no text") << QStringLiteral("text") << QString() << QStringLiteral("text");
        QTest::newRow("text too long") << QStringLiteral("text") << u'"' + QString(ProposalTextMax + 1, u'x') + u'"' << QStringLiteral("text");
        QTest::newRow("cost negative") << QStringLiteral("cost_estimate_micros") << QStringLiteral("-1") << QStringLiteral("cost_estimate_micros");
        QTest::newRow("cost fractional") << QStringLiteral("cost_estimate_micros") << QStringLiteral("1.5") << QStringLiteral("cost_estimate_micros");
        QTest::newRow("cost over the limit") << QStringLiteral("cost_estimate_micros") << QString::number(ProposalMicrosMax + 1)
                                             << QStringLiteral("cost_estimate_micros");
        QTest::newRow("cost a text") << QStringLiteral("cost_estimate_micros") << QStringLiteral("\"5\"") << QStringLiteral("cost_estimate_micros");
        QTest::newRow("assumptions a list") << QStringLiteral("assumptions") << QStringLiteral("[]") << QStringLiteral("assumptions");
        QTest::newRow("assumption unknown") << QStringLiteral("assumptions") << QStringLiteral("{\"luck\": 1}") << QStringLiteral("assumptions.luck");
        QTest::newRow("horizon zero") << QStringLiteral("assumptions") << QStringLiteral("{\"horizon_days\": 0}") << QStringLiteral("assumptions.horizon_days");
        QTest::newRow("horizon over the limit") << QStringLiteral("assumptions") << QStringLiteral("{\"horizon_days\": 3651}")
                                                << QStringLiteral("assumptions.horizon_days");
        QTest::newRow("scenarios over the limit") << QStringLiteral("assumptions") << QStringLiteral("{\"scenarios\": 1000001}")
                                                  << QStringLiteral("assumptions.scenarios");
        QTest::newRow("budget zero") << QStringLiteral("assumptions") << QStringLiteral("{\"budget_micros\": 0}") << QStringLiteral("assumptions.budget_micros");
        QTest::newRow("success rate above 1") << QStringLiteral("assumptions") << QStringLiteral("{\"success_rate\": 1.2}")
                                              << QStringLiteral("assumptions.success_rate");
        QTest::newRow("tasks per day negative") << QStringLiteral("assumptions") << QStringLiteral("{\"tasks_per_day\": -1}")
                                                << QStringLiteral("assumptions.tasks_per_day");
        QTest::newRow("volatility over the engine's limit") << QStringLiteral("assumptions") << QStringLiteral("{\"volatility_daily\": 0.6}")
                                                            << QStringLiteral("assumptions.volatility_daily");
    }
    void badProposalRefused()
    {
        QFETCH(QString, member);
        QFETCH(QString, value);
        QFETCH(QString, field);
        QJsonObject proposal = goodProposal();
        if (value.isEmpty())
            proposal.remove(member);
        else
            proposal.insert(member, QJsonDocument::fromJson(QStringLiteral("{\"v\": %1}").arg(value).toUtf8()).object().value(QStringLiteral("v")));
        auto p = proposalFromJson(proposal);
        QVERIFY(!p);
        QCOMPARE(p.error().code, ErrorCode::InvalidArgument);
        QCOMPARE(p.error().field, field);
    }

    void priorsWithoutHistory()
    {
        QTemporaryDir dir;
        auto db = Database::open(dir.filePath(QStringLiteral("c.db")));
        QVERIFY(db.ok());
        auto history = readHistory(**db, QString());
        QVERIFY(history.ok());
        QCOMPARE(history->successes + history->failures, 0u);
        QVERIFY(history->dailyCostsUsd.empty());
        auto e = buildEvidence(*proposalFromJson(goodProposal()), *history, 7);
        QVERIFY(e.ok());
        QCOMPARE(e->successRateMean, PriorSuccesses / (PriorSuccesses + PriorFailures)); // 0.8
        QVERIFY(qAbs(e->medianDailyCostUsd - std::exp(PriorLogCostMean)) < 1e-12);         // 1 USD
        QCOMPARE(e->params.initial_capital, 50.0);
        QCOMPARE(e->params.budget, 80.0);
        QCOMPARE(e->params.failure_cost, 12.5); // a quarter of the estimate
        QCOMPARE(e->params.failure_probability_per_scenario.size(), size_t(500));
        QCOMPARE(e->params.cost_log_mean_per_scenario.size(), size_t(500));
    }

    void posteriorsFromWhatHappened()
    {
        QTemporaryDir dir;
        auto opened = Database::open(dir.filePath(QStringLiteral("c.db")));
        QVERIFY(opened.ok());
        Database &db = **opened;
        // rex: 6 done, 2 failed; kev: 1 done; a task nobody called a model for: 1 failed.
        for (int i = 0; i < 8; ++i) {
            const QString id = QStringLiteral("rex%1").arg(i);
            addTask(db, id, i < 6 ? "done" : "failed");
            addSpend(db, "rex", id, 0, 0, "voided");
        }
        addTask(db, QStringLiteral("kev0"), "done");
        addTask(db, QStringLiteral("lone"), "failed");
        addTask(db, QStringLiteral("open"), "pending");
        // rex spends 2 USD on day 0 (1.5 + 0.5) and 4 on day 1; kev 10 on day 0;
        // a pending record does not count.
        addSpend(db, "rex", QStringLiteral("rex0"), 1'500'000, 10);
        addSpend(db, "rex", QStringLiteral("rex1"), 500'000, Day - 1);
        addSpend(db, "rex", QStringLiteral("rex2"), 4'000'000, Day + 5);
        addSpend(db, "kev", QStringLiteral("kev0"), 10'000'000, 20);
        addSpend(db, "rex", QStringLiteral("rex3"), 9'000'000, Day + 6, "pending");

        auto rex = readHistory(db, QStringLiteral("rex"));
        QVERIFY(rex.ok());
        QCOMPARE(rex->successes, 6u);
        QCOMPARE(rex->failures, 2u);
        QCOMPARE(rex->dailyCostsUsd, (std::vector<double> { 4.0, 2.0 })); // newest first
        auto all = readHistory(db, QString());
        QVERIFY(all.ok());
        QCOMPARE(all->successes, 7u);
        QCOMPARE(all->failures, 3u);
        QCOMPARE(all->dailyCostsUsd, (std::vector<double> { 4.0, 12.0 }));

        auto e = buildEvidence(*proposalFromJson(goodProposal()), *rex, 7);
        QVERIFY(e.ok());
        // Beta(4 + 6, 1 + 2): mean 10 / 13.
        QVERIFY(qAbs(e->successRateMean - 10.0 / 13.0) < 1e-12);
        // m' = (kappa m + n ybar) / (kappa + n) = (ln 0.1 + 2 x mean(ln 4, ln 2)) / 3 = (ln 0.1 + ln 8) / 3.
        QVERIFY(qAbs(e->medianDailyCostUsd - std::cbrt(0.8)) < 1e-9);
        // The failure draws are the posterior's, one per scenario, and reproducible by seed.
        double mean = 0;
        for (float f : e->params.failure_probability_per_scenario)
            mean += f;
        mean /= 500;
        QVERIFY2(qAbs(mean - 3.0 / 13.0 * DefaultTasksPerDay) < 0.003, qPrintable(QString::number(mean))); // (1 - p) x tasks a day
        QCOMPARE(buildEvidence(*proposalFromJson(goodProposal()), *rex, 7)->params.failure_probability_per_scenario,
                 e->params.failure_probability_per_scenario);
        QVERIFY(buildEvidence(*proposalFromJson(goodProposal()), *rex, 8)->params.failure_probability_per_scenario
                != e->params.failure_probability_per_scenario);
    }

    void successRateOverride()
    {
        QJsonObject proposal = goodProposal();
        proposal.insert(QStringLiteral("assumptions"), json(R"({"success_rate": 0.9, "tasks_per_day": 2})"));
        History history;
        history.successes = 1;
        history.failures = 100; // ignored: the override wins
        auto e = buildEvidence(*proposalFromJson(proposal), history, 1);
        QVERIFY(e.ok());
        QCOMPARE(e->successRateMean, 0.9);
        QVERIFY(e->params.failure_probability_per_scenario.empty());
        QVERIFY(qAbs(e->params.failure_probability_daily - 0.2) < 1e-12); // (1 - 0.9) x 2
    }
};

QTEST_GUILESS_MAIN(TestEvidence)
#include "tst_evidence.moc"

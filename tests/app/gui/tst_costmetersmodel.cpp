// The Cost meters' view-models: every number is what budget.show,
// costs.report and costs.alerts say (the report itself is checked against
// the ledger in tests/core/costs), kept current by the costs.* events, and
// each model passes QAbstractItemModelTester.
#include "LedgerFixtures.h"
#include "TestActor.h"
#include "costs/Budgets.h"
#include "gui/CostAlertsModel.h"
#include "gui/CostMetersModel.h"
#include "gui/CostSpendModel.h"
#include "gui/LedgerAccountsModel.h"
#include "gui/LedgerText.h"

#include <QJsonArray>
#include <QSignalSpy>

using namespace cabinet;
using namespace cabinet::gui;
using namespace cabinet::test;
using Query = llm::BudgetCheck::Query;
using Settlement = llm::BudgetCheck::Settlement;

namespace {

QString usd(qint64 micros)
{
    return ledgertext::amount(ledger::u128(micros), 1);
}

// One sim/cloud-mid call for `agent` on `task` (3 USD per million in, 15
// out): 500 tokens in and 200 out, reserved and used: 1,500 + 3,000 micro-USD.
constexpr qint64 CallMicros = 4'500;

bool spend(RunningCore &core, const QString &agent, const QString &task)
{
    const auto done = core.call([=](Cabinet &cabinet) {
        auto &budgets = cabinet.service<costs::Budgets>();
        Query q;
        q.alias = QStringLiteral("cloud/mid");
        q.provider = QStringLiteral("sim");
        q.model = QStringLiteral("cloud-mid");
        q.promptTokensEstimate = 500;
        q.maxTokens = 200;
        q.timeLimitMs = 30'000;
        q.agent = agent;
        q.task = task;
        auto handle = budgets.reserve(q);
        if (!handle)
            return false;
        Settlement s;
        s.served = true;
        s.usage.promptTokens = 500;
        s.usage.completionTokens = 200;
        s.servedModel = QStringLiteral("cloud-mid");
        budgets.settle(*handle, s);
        return true;
    });
    return done && *done;
}

QJsonObject group(const char *by, const char *key, qint64 micros, qint64 calls = 1)
{
    return { { QString::fromLatin1(by), QString::fromLatin1(key) }, { QStringLiteral("cost_micros"), QString::number(micros) },
             { QStringLiteral("calls"), calls }, { QStringLiteral("pricing_gaps"), 0 }, { QStringLiteral("pricing_gap_tokens"), 0 } };
}

QJsonObject report(const QJsonArray &groups)
{
    return { { QStringLiteral("groups"), groups } };
}

QString text(const QAbstractItemModel &model, int row, int role)
{
    return model.index(row, 0).data(role).toString();
}

} // namespace

class TestCostMetersModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void spendMergesTodayAndWeekCostliestFirst()
    {
        CostSpendModel model;
        attachTester(&model);
        model.setReports(QStringLiteral("agent"), report({ group("agent", "rex", 20) }),
                         report({ group("agent", "hawk", 100, 3), group("agent", "rex", 70, 2), group("agent", "scout", 0, 1) }));
        QCOMPARE(model.count(), 3);
        QCOMPARE(text(model, 0, CostSpendModel::KeyRole), QStringLiteral("hawk"));
        QCOMPARE(text(model, 0, CostSpendModel::TodayMicrosRole), QStringLiteral("0"));
        QCOMPARE(text(model, 1, CostSpendModel::KeyRole), QStringLiteral("rex"));
        QCOMPARE(text(model, 1, CostSpendModel::TodayMicrosRole), QStringLiteral("20"));
        QCOMPARE(text(model, 1, CostSpendModel::WeekTextRole), usd(70));
        QCOMPARE(model.index(1, 0).data(CostSpendModel::ShareRole).toDouble(), 0.7);
        QCOMPARE(model.index(2, 0).data(CostSpendModel::CallsRole).toInt(), 1);

        // New amounts, same order: changed in place, no reset.
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.setReports(QStringLiteral("agent"), report({ group("agent", "rex", 25) }),
                         report({ group("agent", "hawk", 100, 3), group("agent", "rex", 75, 3), group("agent", "scout", 0, 1) }));
        QCOMPARE(reset.count(), 0);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(text(model, 1, CostSpendModel::WeekMicrosRole), QStringLiteral("75"));
        // Rows beyond MaxRows are left to the report.
        QJsonArray many;
        for (int i = 0; i < CostSpendModel::MaxRows + 5; ++i)
            many.append(group("task", "t", i + 1));
        for (int i = 0; i < many.size(); ++i) {
            QJsonObject g = many[i].toObject();
            g.insert(QStringLiteral("task"), QStringLiteral("t%1").arg(i));
            many[i] = g;
        }
        model.setReports(QStringLiteral("task"), {}, report(many));
        QCOMPARE(model.count(), CostSpendModel::MaxRows);
        QCOMPARE(text(model, 0, CostSpendModel::WeekMicrosRole), QString::number(CostSpendModel::MaxRows + 5));
    }

    void alertsNewestFirstAndBounded()
    {
        CostAlertsModel model;
        attachTester(&model);
        QJsonArray alerts;
        for (int i = 0; i < CostAlertsModel::MaxRows + 3; ++i)
            alerts.append(QJsonObject { { QStringLiteral("agent"), QStringLiteral("rex") }, { QStringLiteral("period"), QStringLiteral("2026-12-07") },
                                        { QStringLiteral("percent"), 80 }, { QStringLiteral("at_ns"), QStringLiteral("1700000000000000000") } });
        model.setAlerts(alerts);
        QCOMPARE(model.count(), CostAlertsModel::MaxRows);
        QCOMPARE(model.index(0, 0).data(CostAlertsModel::PercentRole).toInt(), 80);
        QCOMPARE(model.index(0, 0).data(CostAlertsModel::AtRole).toDateTime().toMSecsSinceEpoch(), 1'700'000'000'000LL);
        model.setAlerts({});
        QCOMPARE(model.count(), 0);
    }

    void metersFollowTheBooks()
    {
        RunningCore core;
        QVERIFY(core.start());
        // The agents have their envelopes from their files; these caps are
        // set as budget.set does, and take effect at the refill.
        QVERIFY(core.call([](Cabinet &cabinet) {
            auto &budgets = cabinet.service<costs::Budgets>();
            return budgets.setCaps({ QStringLiteral("rex"), 10'000, std::nullopt }, test::tester()).ok()
                && budgets.setCaps({ QStringLiteral("hawk"), 1'000'000, std::nullopt }, test::tester()).ok()
                && budgets.refill(test::tester()).ok();
        }).value_or(false));

        CostMetersModel meters;
        attachTester(&meters);
        attachTester(meters.agents());
        attachTester(meters.models());
        attachTester(meters.tasks());
        attachTester(meters.alerts());
        meters.setConnection(&core.connection);
        QTRY_VERIFY(meters.loaded());
        QCOMPARE(meters.todayText(), usd(0));
        QCOMPARE(meters.chartCounts().size(), CostMetersModel::ChartMinutes);

        // Two calls for rex (90 % of its 10,000 micro-USD: the 50 and 80 %
        // alerts), one for hawk.
        QVERIFY(spend(core, QStringLiteral("rex"), QStringLiteral("task-a")));
        QVERIFY(spend(core, QStringLiteral("rex"), QStringLiteral("task-b")));
        QVERIFY(spend(core, QStringLiteral("hawk"), QStringLiteral("task-a")));
        QTRY_COMPARE(meters.todayText(), usd(3 * CallMicros));
        QCOMPARE(meters.weekText(), usd(3 * CallMicros));
        QCOMPARE(meters.burnRateText(), usd(3 * CallMicros) + QStringLiteral("/h"));
        QCOMPARE(meters.chartCounts().last(), 3 * CallMicros / 1e6); // this minute
        QCOMPARE(meters.chartPeakText(), usd(3 * CallMicros));

        int rex = -1;
        for (int row = 0; row < meters.rowCount(); ++row)
            if (text(meters, row, CostMetersModel::AgentRole) == u"rex")
                rex = row;
        QVERIFY(rex >= 0);
        QCOMPARE(text(meters, rex, CostMetersModel::SpentTodayTextRole), usd(2 * CallMicros));
        QCOMPARE(text(meters, rex, CostMetersModel::DailyCapTextRole), usd(10'000));
        QCOMPARE(text(meters, rex, CostMetersModel::AvailableTextRole), usd(10'000 - 2 * CallMicros));
        QCOMPARE(meters.index(rex, 0).data(CostMetersModel::SpentFractionRole).toDouble(), 0.9);
        QCOMPARE(meters.index(rex, 0).data(CostMetersModel::AlertsFiredRole).value<QList<int>>(), (QList<int> { 50, 80 }));
        QTRY_COMPARE(meters.alerts()->count(), 2);

        QCOMPARE(meters.agents()->count(), 2);
        QCOMPARE(text(*meters.agents(), 0, CostSpendModel::KeyRole), QStringLiteral("rex"));
        QCOMPARE(text(*meters.agents(), 0, CostSpendModel::WeekMicrosRole), QString::number(2 * CallMicros));
        QCOMPARE(text(*meters.models(), 0, CostSpendModel::KeyRole), QStringLiteral("sim/cloud-mid"));
        QCOMPARE(text(*meters.tasks(), 0, CostSpendModel::KeyRole), QStringLiteral("task-a"));
        QCOMPARE(text(*meters.tasks(), 0, CostSpendModel::TodayMicrosRole), QString::number(2 * CallMicros));

        // An hour later the chart has moved on; today's spend has not.
        core.clock->advanceMs(61 * 60 * 1000);
        QVERIFY(spend(core, QStringLiteral("hawk"), QStringLiteral("task-c")));
        QTRY_COMPARE(meters.burnRateText(), usd(CallMicros) + QStringLiteral("/h"));
        QCOMPARE(meters.todayText(), usd(4 * CallMicros));
        QVERIFY(meters.errorMessage().isEmpty());
    }

    void ledgerAccountsCarryTheCostsNames()
    {
        RunningCore core;
        QVERIFY(core.start());
        QVERIFY(create(core, { account(1) })); // not the costs': no name
        LedgerAccountsModel model;
        attachTester(&model);
        model.setConnection(&core.connection);
        QTRY_VERIFY(model.loaded());
        const auto nameOf = [&model](const QString &id) {
            for (int row = 0; row < model.rowCount(); ++row)
                if (text(model, row, LedgerAccountsModel::IdRole) == id)
                    return text(model, row, LedgerAccountsModel::NameRole);
            return QStringLiteral("<no row>");
        };
        QTRY_COMPARE(nameOf(ledger::toDecimal(costs::treasuryAccount())), QStringLiteral("treasury"));
        QCOMPARE(nameOf(ledger::toDecimal(costs::envelopeAccount(QStringLiteral("system")))), QStringLiteral("envelope system"));
        QCOMPARE(nameOf(QStringLiteral("1")), QString());

        // A new envelope and the first call's provider account come with their names.
        QVERIFY(core.call([](Cabinet &cabinet) {
            return cabinet.service<costs::Budgets>().setEnvelopes({ { QStringLiteral("rex"), 1'000'000, std::nullopt } }).ok();
        }).value_or(false));
        QVERIFY(spend(core, QStringLiteral("rex"), QStringLiteral("task-a")));
        QTRY_COMPARE(nameOf(ledger::toDecimal(costs::envelopeAccount(QStringLiteral("rex")))), QStringLiteral("envelope rex"));
        QTRY_COMPARE(nameOf(ledger::toDecimal(costs::providerAccount(QStringLiteral("sim")))), QStringLiteral("provider sim"));
    }
};

QTEST_MAIN(TestCostMetersModel)
#include "tst_costmetersmodel.moc"

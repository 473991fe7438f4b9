// The Models panel's recent calls against a running core: the router's ring
// first, then each llm.call at the top with its fallback trail, its cost
// from costs.spent (before or after the trail arrives), at most
// Router::RecentCallsMax rows.
#include "ModelFixtures.h"
#include "gui/LedgerText.h"
#include "gui/ModelCallsModel.h"
#include "llm/Router.h"

#include <QJsonArray>

using namespace cabinet;
using namespace cabinet::gui;
using namespace cabinet::test;

namespace {

QJsonObject trail(int call, qint64 record = 0)
{
    QJsonObject attempt { { QStringLiteral("alias"), QStringLiteral("cloud/mid") }, { QStringLiteral("provider"), QStringLiteral("sim") },
                          { QStringLiteral("model"), QStringLiteral("cloud-mid") }, { QStringLiteral("outcome"), QStringLiteral("served") },
                          { QStringLiteral("latency_ms"), 1.5 } };
    if (record)
        attempt.insert(QStringLiteral("record"), double(record));
    return { { QStringLiteral("call"), call }, { QStringLiteral("alias"), QStringLiteral("cloud/mid") },
             { QStringLiteral("attempts"), QJsonArray { attempt } }, { QStringLiteral("latency_ms"), 1.5 },
             { QStringLiteral("served"), QJsonObject { { QStringLiteral("alias"), QStringLiteral("cloud/mid") }, { QStringLiteral("provider"), QStringLiteral("sim") },
                                                       { QStringLiteral("model"), QStringLiteral("cloud-mid") } } },
             { QStringLiteral("simulated"), true } };
}

QJsonObject spent(qint64 record, const QJsonValue &micros)
{
    return { { QStringLiteral("calls"), QJsonArray { QJsonObject { { QStringLiteral("record"), double(record) }, { QStringLiteral("cost_micros"), micros } } } } };
}

QVariant top(const ModelCallsModel &model, int role) { return model.index(0, 0).data(role); }

} // namespace

class TestModelCallsModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void callsArriveWithTheirTrailAndCost()
    {
        RunningCore core;
        QVERIFY(startWithFlakyModels(core));
        QVERIFY(!modelsTest(core, QStringLiteral("cloud/mid")).isEmpty());

        ModelCallsModel calls;
        QVERIFY(follow(calls, core));
        // Made before the model opened: from the router's ring, its cost unseen here.
        QCOMPARE(calls.count(), 1);
        QCOMPARE(top(calls, ModelCallsModel::AliasRole).toString(), QStringLiteral("cloud/mid"));
        QCOMPARE(top(calls, ModelCallsModel::CostMicrosRole).toDouble(), -1.0);
        QCOMPARE(top(calls, ModelCallsModel::CostRole).toString(), QString());

        const QJsonObject answer = modelsTest(core, QStringLiteral("cloud/frontier"), true);
        QVERIFY(!answer.isEmpty());
        QTRY_COMPARE(calls.count(), 2);
        QCOMPARE(top(calls, ModelCallsModel::CallRole).toLongLong(), answer.value(u"trail").toObject().value(u"call").toInteger());
        QCOMPARE(top(calls, ModelCallsModel::AliasRole).toString(), QStringLiteral("cloud/frontier"));
        QCOMPARE(top(calls, ModelCallsModel::ServedAliasRole).toString(), QStringLiteral("cloud/mid"));
        QCOMPARE(top(calls, ModelCallsModel::ServedModelRole).toString(), QStringLiteral("sim/cloud-mid"));
        QCOMPARE(top(calls, ModelCallsModel::ErrorRole).toString(), QString());
        QVERIFY(top(calls, ModelCallsModel::SimulatedRole).toBool());
        QVERIFY(top(calls, ModelCallsModel::StreamRole).toBool());
        QVERIFY(top(calls, ModelCallsModel::FellBackRole).toBool());
        QVERIFY(top(calls, ModelCallsModel::TokensInRole).toLongLong() > 0);
        QVERIFY(top(calls, ModelCallsModel::TokensOutRole).toLongLong() > 0);
        QVERIFY(top(calls, ModelCallsModel::FirstTokenMsRole).toDouble() >= 0);
        const QVariantList attempts = top(calls, ModelCallsModel::AttemptsRole).toList();
        QCOMPARE(attempts.size(), 2);
        QCOMPARE(attempts[0].toMap().value(QStringLiteral("alias")).toString(), QStringLiteral("cloud/frontier"));
        QCOMPARE(attempts[0].toMap().value(QStringLiteral("provider")).toString(), QStringLiteral("flaky"));
        QCOMPARE(attempts[0].toMap().value(QStringLiteral("outcome")).toString(), QStringLiteral("failed"));
        QCOMPARE(attempts[0].toMap().value(QStringLiteral("reason")).toString(), QStringLiteral("unavailable"));
        QCOMPARE(attempts[1].toMap().value(QStringLiteral("outcome")).toString(), QStringLiteral("served"));
        // The books settled both attempts: flaky/frontier has no price (an
        // unpriced record), sim/cloud-mid a made-up one that is not zero.
        QTRY_VERIFY(top(calls, ModelCallsModel::CostMicrosRole).toDouble() > 0);
        const QString cost = top(calls, ModelCallsModel::CostRole).toString();
        QVERIFY2(cost.startsWith(u'$') && cost.endsWith(QStringLiteral(" + unpriced")), qPrintable(cost));
    }

    void costSeenBeforeItsCall()
    {
        ModelCallsModel calls;
        attachTester(&calls);
        calls.addSpend(spent(7, QStringLiteral("1500")));
        calls.addCall(trail(1, 7));
        QCOMPARE(top(calls, ModelCallsModel::CostMicrosRole).toDouble(), 1500.0);
        QCOMPARE(top(calls, ModelCallsModel::CostRole).toString(), ledgertext::amount(1500, ledgertext::UsdLedger));
        // Seen after: the row's cost follows.
        calls.addCall(trail(2, 8));
        QCOMPARE(top(calls, ModelCallsModel::CostMicrosRole).toDouble(), -1.0);
        calls.addSpend(spent(8, QStringLiteral("20")));
        QCOMPARE(top(calls, ModelCallsModel::CostMicrosRole).toDouble(), 20.0);
        // An unpriced call has no cost to show; a call with no record neither.
        calls.addCall(trail(3, 9));
        calls.addSpend(spent(9, QJsonValue()));
        QCOMPARE(top(calls, ModelCallsModel::CostMicrosRole).toDouble(), -1.0);
        calls.addCall(trail(4));
        QCOMPARE(top(calls, ModelCallsModel::CostRole).toString(), QString());
    }

    void keepsTheNewestCalls()
    {
        ModelCallsModel calls;
        attachTester(&calls);
        for (int i = 1; i <= llm::Router::RecentCallsMax + 10; ++i)
            calls.addCall(trail(i));
        QCOMPARE(calls.count(), llm::Router::RecentCallsMax);
        QCOMPARE(top(calls, ModelCallsModel::CallRole).toInt(), llm::Router::RecentCallsMax + 10);
        QCOMPARE(calls.index(calls.count() - 1, 0).data(ModelCallsModel::CallRole).toInt(), 11);
        // The same call again replaces its row.
        calls.addCall(trail(llm::Router::RecentCallsMax + 10));
        QCOMPARE(calls.count(), llm::Router::RecentCallsMax);
        // Spend records that never meet their call are bounded too.
        for (int i = 0; i < ModelCallsModel::CostsWaitingMax + 5; ++i)
            calls.addSpend(spent(1000 + i, QStringLiteral("1")));
        calls.addCall(trail(999, 1000)); // the oldest waiting one went
        QCOMPARE(top(calls, ModelCallsModel::CostMicrosRole).toDouble(), -1.0);
        calls.addCall(trail(998, 1000 + ModelCallsModel::CostsWaitingMax + 4));
        QCOMPARE(top(calls, ModelCallsModel::CostMicrosRole).toDouble(), 1.0);
    }
};

QTEST_MAIN(TestModelCallsModel)
#include "tst_modelcallsmodel.moc"

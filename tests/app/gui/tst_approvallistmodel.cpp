// The Approvals panel's view-model against a running core: pending requests
// by deadline (tier 3 last) with their evidence, decided from the model
// through approvals.decide (the row leaves the pending list and joins the
// history with who and why), refusals reported with nothing changed, and
// merges that keep the rows that stay in place.
#include "GuiTestSupport.h"
#include "approvals/ApprovalService.h"
#include "board/BoardService.h"
#include "gui/ApprovalListModel.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonObject>
#include <QSignalSpy>

using namespace cabinet;
using namespace cabinet::gui;
using namespace cabinet::test;

namespace {

void attachTester(QAbstractItemModel *model)
{
    new QAbstractItemModelTester(model, QAbstractItemModelTester::FailureReportingMode::QtTest, model);
}

// A production deploy (tier 2, 4 h), or with `tier3` a switch to autonomous
// mode, requested by forge after the clock moved `afterMs`: its id.
QString request(RunningCore &core, bool tier3 = false, qint64 afterMs = 0)
{
    core.clock->advanceMs(afterMs);
    const auto id = core.call([tier3](Cabinet &cabinet) {
        approvals::NewApproval asked;
        asked.action.kind = tier3 ? approvals::ActionKind::ModeChange : approvals::ActionKind::Deploy;
        asked.action.agent = QStringLiteral("forge");
        asked.action.environment = tier3 ? QString() : QStringLiteral("production");
        asked.action.target = tier3 ? QStringLiteral("autonomous") : QStringLiteral("./deploy.sh");
        asked.evidence = R"({"cost_micros":1250000,"command":"./deploy.sh --prod"})";
        auto made = cabinet.service<approvals::ApprovalService>().request(asked, Actor::agent(QStringLiteral("forge")));
        return made ? made->id : QString();
    });
    return id.value_or(QString());
}

QStringList ids(const QAbstractItemModel &model)
{
    QStringList result;
    for (int row = 0; row < model.rowCount(); ++row)
        result << model.index(row, 0).data(ApprovalListModel::IdRole).toString();
    return result;
}

ApprovalRow row(const QString &id, qint64 deadlineMs)
{
    ApprovalRow r;
    r.id = id;
    r.state = QStringLiteral("pending");
    r.deadlineMs = deadlineMs;
    return r;
}

} // namespace

class TestApprovalListModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void pendingByDeadlineWithTheirEvidence()
    {
        RunningCore core;
        QVERIFY(core.start());
        const QString tier3 = request(core, true);
        const QString later = request(core, false, 1000);
        const QString first = request(core, false, 0);
        QVERIFY(!tier3.isEmpty() && !later.isEmpty() && !first.isEmpty());

        ApprovalListModel model;
        attachTester(&model);
        model.setConnection(&core.connection);
        QTRY_VERIFY(model.loaded());
        // Same deadline: by id (request order); tier 3 has none and goes last.
        QCOMPARE(ids(model), (QStringList { later, first, tier3 }));
        QCOMPARE(model.total(), 3);
        const QModelIndex deploy = model.index(0, 0);
        QCOMPARE(deploy.data(ApprovalListModel::TierRole).toInt(), 2);
        QCOMPARE(deploy.data(ApprovalListModel::RuleRole).toString(), QStringLiteral("production-deploy"));
        QCOMPARE(deploy.data(ApprovalListModel::CommandRole).toString(), QStringLiteral("./deploy.sh --prod"));
        QCOMPARE(deploy.data(ApprovalListModel::CostTextRole).toString(), QStringLiteral("$1.250000"));
        const double created = deploy.data(ApprovalListModel::CreatedMsRole).toDouble();
        const double deadline = deploy.data(ApprovalListModel::DeadlineMsRole).toDouble();
        QCOMPARE(deadline - created, double(approvals::DeadlineMsDefault));
        QCOMPARE(deploy.data(ApprovalListModel::Reminder50MsRole).toDouble(), created + approvals::DeadlineMsDefault / 2);
        QCOMPARE(deploy.data(ApprovalListModel::Reminder90MsRole).toDouble(), created + approvals::DeadlineMsDefault / 10 * 9);
        QCOMPARE(model.index(2, 0).data(ApprovalListModel::DeadlineMsRole).toDouble(), 0.0);
        QCOMPARE(model.index(2, 0).data(ApprovalListModel::ApprovalsNeededRole).toInt(), 2);

        // A new request goes in at its place; the others stay.
        const QString newest = request(core, false, 0);
        QTRY_COMPARE(model.count(), 4);
        QCOMPARE(ids(model), (QStringList { later, first, newest, tier3 }));
    }

    // The Shadow Board deliberates on a production deploy (its rule says
    // deliberate: true) and the row shows the recommendation when it is
    // saved; the switch to autonomous mode (a rule without it) has none.
    void rowsShowTheBoardsRecommendation()
    {
        RunningCore core;
        QVERIFY(core.start());
        const QString tier3 = request(core, true);
        const QString deploy = request(core);
        ApprovalListModel model;
        attachTester(&model);
        model.setConnection(&core.connection);
        QTRY_VERIFY(model.loaded());
        const auto rowOf = [&](const QString &id) { return model.index(int(ids(model).indexOf(id)), 0); };
        QTRY_VERIFY_WITH_TIMEOUT(rowOf(deploy).data(ApprovalListModel::BoardIdRole).toDouble() > 0, 30000);
        const QModelIndex row = rowOf(deploy);
        const QString verdict = row.data(ApprovalListModel::BoardVerdictRole).toString();
        const auto saved = core.call([deploy](Cabinet &cabinet) {
            auto list = cabinet.service<board::BoardService>().list(10, deploy);
            return list && list->size() == 1 ? list->first().toObject() : QJsonObject();
        });
        QVERIFY(saved && !saved->isEmpty());
        QCOMPARE(row.data(ApprovalListModel::BoardIdRole).toDouble(), saved->value(QStringLiteral("id")).toDouble());
        QCOMPARE(verdict, saved->value(QStringLiteral("verdict")).toString());
        QCOMPARE(row.data(ApprovalListModel::BoardApproveShareRole).toDouble(), saved->value(QStringLiteral("approve_share")).toDouble());
        // Eight personas vote: the split adds up.
        const QStringList split = row.data(ApprovalListModel::BoardVotesTextRole).toString().split(QStringLiteral(" · "));
        QCOMPARE(split.size(), 3);
        int votes = 0;
        for (const QString &part : split)
            votes += part.section(u' ', 0, 0).toInt();
        QCOMPARE(votes, 8);
        QCOMPARE(rowOf(tier3).data(ApprovalListModel::BoardIdRole).toDouble(), 0.0);
        QVERIFY(rowOf(tier3).data(ApprovalListModel::BoardVotesTextRole).toString().isEmpty());
    }

    void decidingMovesARowIntoTheHistory()
    {
        RunningCore core;
        QVERIFY(core.start());
        const QString a = request(core);
        const QString b = request(core);
        const QString c = request(core, true);

        ApprovalListModel pending, history;
        attachTester(&pending);
        attachTester(&history);
        history.setHistory(true);
        pending.setConnection(&core.connection);
        history.setConnection(&core.connection);
        QTRY_VERIFY(pending.loaded() && history.loaded());
        QCOMPARE(history.count(), 0);

        QSignalSpy decided(&pending, &ApprovalListModel::decided);
        pending.decide({ a, b }, false, QStringLiteral("not today"));
        QTRY_COMPARE(decided.size(), 1);
        QVERIFY(decided.first().at(0).toBool());
        QTRY_COMPARE(ids(pending), QStringList { c });
        QTRY_COMPARE(ids(history), (QStringList { b, a })); // newest first
        QCOMPARE(history.index(0, 0).data(ApprovalListModel::StateRole).toString(), QStringLiteral("denied"));
        QCOMPARE(history.index(0, 0).data(ApprovalListModel::ReasonRole).toString(), QStringLiteral("not today"));
        QCOMPARE(history.index(0, 0).data(ApprovalListModel::OperatorsRole).toString(), CoreConnection::actor().id());
        QCOMPARE(pending.total(), 1);

        // Tier 3: the console's operator approves once; the row stays, with its vote.
        pending.decide({ c }, true);
        QTRY_COMPARE(decided.size(), 2);
        QTRY_COMPARE(pending.index(0, 0).data(ApprovalListModel::ApprovalsRole).toInt(), 1);
        QCOMPARE(pending.count(), 1);
    }

    void aRefusalSaysWhyAndChangesNothing()
    {
        RunningCore core;
        QVERIFY(core.start());
        const QString a = request(core);
        ApprovalListModel model;
        attachTester(&model);
        model.setConnection(&core.connection);
        QTRY_VERIFY(model.loaded());
        QSignalSpy decided(&model, &ApprovalListModel::decided);
        model.decide({ a, QStringLiteral("01J0000000000000000000000A") }, true);
        QTRY_COMPARE(decided.size(), 1);
        QVERIFY(!decided.first().at(0).toBool());
        QVERIFY(!decided.first().at(1).toString().isEmpty());
        QTest::qWait(50);
        QCOMPARE(ids(model), QStringList { a });
        QCOMPARE(model.index(0, 0).data(ApprovalListModel::StateRole).toString(), QStringLiteral("pending"));
    }

    void limitBoundsTheRows()
    {
        RunningCore core;
        QVERIFY(core.start());
        for (int i = 0; i < 5; ++i)
            QVERIFY(!request(core, false, 1).isEmpty());
        ApprovalListModel model;
        attachTester(&model);
        model.setLimit(2);
        model.setConnection(&core.connection);
        QTRY_VERIFY(model.loaded());
        QCOMPARE(model.count(), 2);
        QCOMPARE(model.total(), 5);
        model.setLimit(0);
        QCOMPARE(model.limit(), 1);
    }

    void mergeKeepsTheRowsThatStay()
    {
        ApprovalListModel model;
        attachTester(&model);
        model.merge({ row(QStringLiteral("a"), 10), row(QStringLiteral("c"), 30), row(QStringLiteral("e"), 0) });
        QCOMPARE(ids(model), (QStringList { QStringLiteral("a"), QStringLiteral("c"), QStringLiteral("e") }));
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        model.merge({ row(QStringLiteral("b"), 20), row(QStringLiteral("c"), 30), row(QStringLiteral("d"), 40), row(QStringLiteral("e"), 0) });
        QCOMPARE(ids(model), (QStringList { QStringLiteral("b"), QStringLiteral("c"), QStringLiteral("d"), QStringLiteral("e") }));
        QCOMPARE(removed.size(), 1);
        QCOMPARE(inserted.size(), 2);
        QCOMPARE(reset.size(), 0);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        ApprovalRow voted = row(QStringLiteral("c"), 30);
        voted.operators << QStringLiteral("alice");
        voted.approvals = 1;
        model.merge({ row(QStringLiteral("b"), 20), voted, row(QStringLiteral("d"), 40), row(QStringLiteral("e"), 0) });
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed.first().at(0).toModelIndex().row(), 1);
        model.merge({});
        QCOMPARE(model.count(), 0);
    }
};

QTEST_MAIN(TestApprovalListModel)
#include "tst_approvallistmodel.moc"

// The Task board's view-models against a running core: a column pages
// through its state with fetchMore, follows tasks as they move (rows
// updated in place, so selections survive), and the task pane's actions are
// operations whose refusals show without changing anything.
#include "GuiTestSupport.h"
#include "gui/TaskDetail.h"
#include "gui/TaskListModel.h"
#include "orchestrator/TaskQueue.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

using namespace cabinet;
using namespace cabinet::gui;
using namespace cabinet::test;

namespace {

void attachTester(QAbstractItemModel *model)
{
    new QAbstractItemModelTester(model, QAbstractItemModelTester::FailureReportingMode::QtTest, model);
}

// Submits `count` tasks titled "task N" (N from `first`), returning their ids.
QStringList submit(RunningCore &core, int count, int first = 0)
{
    const auto ids = core.call([count, first](Cabinet &cabinet) {
        QStringList submitted;
        for (int i = first; i < first + count; ++i) {
            orchestrator::SubmitRequest request;
            request.workflow = QStringLiteral("default");
            request.title = QStringLiteral("task %1").arg(i);
            auto task = cabinet.service<orchestrator::TaskQueue>().submit(request, Actor::person(QStringLiteral("tester")));
            if (task)
                submitted << task->task.id;
        }
        return submitted;
    });
    return ids ? *ids : QStringList();
}

QStringList ids(const QAbstractItemModel &model)
{
    QStringList result;
    for (int row = 0; row < model.rowCount(); ++row)
        result << model.index(row, 0).data(TaskListModel::IdRole).toString();
    return result;
}

TaskListModel::Row row(const QString &id, const QString &title)
{
    return { id, QJsonObject { { QStringLiteral("id"), id }, { QStringLiteral("title"), title } } };
}

} // namespace

class TestTaskListModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void columnPagesThroughItsState()
    {
        RunningCore core;
        QVERIFY(core.start());
        const QStringList submitted = submit(core, 250);
        QCOMPARE(submitted.size(), 250);

        TaskListModel pending;
        attachTester(&pending);
        pending.setState(QStringLiteral("pending"));
        pending.setConnection(&core.connection);
        QTRY_VERIFY(pending.loaded());
        QCOMPARE(pending.count(), TaskListModel::PageSize);
        QCOMPARE(pending.total(), 250);
        QCOMPARE(ids(pending), submitted.mid(0, TaskListModel::PageSize));
        QVERIFY(pending.canFetchMore({}));
        pending.fetchMore({});
        QVERIFY(!pending.canFetchMore({})); // one page at a time
        QTRY_COMPARE(pending.count(), 2 * TaskListModel::PageSize);
        pending.fetchMore({});
        QTRY_COMPARE(pending.count(), 250);
        QVERIFY(!pending.canFetchMore({}));
        QCOMPARE(ids(pending), submitted);
        const QModelIndex first = pending.index(0, 0);
        QCOMPARE(first.data(TaskListModel::TitleRole).toString(), QStringLiteral("task 0"));
        QCOMPARE(first.data(TaskListModel::WorkflowRole).toString(), QStringLiteral("default"));
        QCOMPARE(first.data(TaskListModel::StateRole).toString(), QStringLiteral("pending"));
        QCOMPARE(first.data(TaskListModel::SubmittedByRole).toString(), QStringLiteral("operator:tester"));
        QVERIFY(first.data(TaskListModel::UpdatedRole).toDateTime().isValid());

        TaskListModel all;
        attachTester(&all);
        all.setConnection(&core.connection);
        QTRY_VERIFY(all.loaded());
        QCOMPARE(all.total(), 250);
        QCOMPARE(all.count(), TaskListModel::PageSize);
    }

    void tasksMoveBetweenColumnsInPlace()
    {
        RunningCore core;
        QVERIFY(core.start());
        const QStringList submitted = submit(core, 20);
        TaskListModel pending;
        TaskListModel cancelled;
        attachTester(&pending);
        attachTester(&cancelled);
        pending.setState(QStringLiteral("pending"));
        cancelled.setState(QStringLiteral("cancelled"));
        pending.setConnection(&core.connection);
        cancelled.setConnection(&core.connection);
        QTRY_VERIFY(pending.loaded() && cancelled.loaded());
        QCOMPARE(cancelled.count(), 0);
        const QPersistentModelIndex kept = pending.index(10, 0);

        TaskDetail detail;
        detail.setConnection(&core.connection);
        detail.setTaskId(submitted[3]);
        QTRY_VERIFY(detail.loaded());
        QCOMPARE(detail.task().value(QStringLiteral("state")).toString(), QStringLiteral("pending"));
        detail.act(QStringLiteral("cancel"), QStringLiteral("not needed"));
        QTRY_COMPARE(detail.task().value(QStringLiteral("state")).toString(), QStringLiteral("cancelled"));
        QCOMPARE(detail.actionError(), QString());

        QTRY_COMPARE(pending.total(), 19);
        QTRY_COMPARE(cancelled.count(), 1);
        QCOMPARE(pending.rowOf(submitted[3]), -1);
        QCOMPARE(cancelled.rowOf(submitted[3]), 0);
        // The other rows stayed where they were, as the view holds them.
        QVERIFY(kept.isValid());
        QCOMPARE(kept.data(TaskListModel::IdRole).toString(), submitted[10]);
        QCOMPARE(kept.row(), 9);

        // Paused in place: the row changes, nothing moves.
        detail.setTaskId(submitted[5]);
        QTRY_VERIFY(detail.loaded());
        detail.act(QStringLiteral("pause"));
        QTRY_VERIFY(pending.index(pending.rowOf(submitted[5]), 0).data(TaskListModel::PausedRole).toBool());
        QCOMPARE(pending.count(), 19);
    }

    void refusedActionsChangeNothing()
    {
        RunningCore core;
        QVERIFY(core.start());
        const QStringList submitted = submit(core, 1);
        TaskDetail detail;
        detail.setConnection(&core.connection);
        detail.setTaskId(submitted[0]);
        QTRY_VERIFY(detail.loaded());
        detail.act(QStringLiteral("cancel"));
        QTRY_COMPARE(detail.task().value(QStringLiteral("state")).toString(), QStringLiteral("cancelled"));
        // Cancelled is finished: a second cancel is an illegal transition.
        detail.act(QStringLiteral("cancel"));
        QTRY_VERIFY(!detail.actionError().isEmpty());
        QCOMPARE(detail.task().value(QStringLiteral("state")).toString(), QStringLiteral("cancelled"));
        detail.act(QStringLiteral("retry"));
        QTRY_COMPARE(detail.task().value(QStringLiteral("state")).toString(), QStringLiteral("pending"));
        QCOMPARE(detail.actionError(), QString());
        detail.act(QStringLiteral("explode"));
        QVERIFY(!detail.actionError().isEmpty());

        // A submission with input that is not a JSON object is refused here;
        // a good one becomes the selected task.
        QSignalSpy submittedSpy(&detail, &TaskDetail::submitted);
        detail.submit(QStringLiteral("default"), QStringLiteral("bad input"), QStringLiteral("[1, 2]"));
        QVERIFY(!detail.actionError().isEmpty());
        QCOMPARE(submittedSpy.count(), 0);
        detail.submit(QStringLiteral("default"), QStringLiteral("from the board"), QStringLiteral(R"({"goal": "x"})"));
        QTRY_COMPARE(submittedSpy.count(), 1);
        QTRY_VERIFY(detail.loaded());
        QCOMPARE(detail.task().value(QStringLiteral("title")).toString(), QStringLiteral("from the board"));
        QCOMPARE(detail.task().value(QStringLiteral("input")).toMap().value(QStringLiteral("goal")).toString(), QStringLiteral("x"));
        QCOMPARE(detail.actionError(), QString());
    }

    void mergeInsertsRemovesAndUpdatesInPlace()
    {
        TaskListModel model;
        attachTester(&model);
        model.merge({ row(QStringLiteral("b"), QStringLiteral("B")), row(QStringLiteral("d"), QStringLiteral("D")),
                      row(QStringLiteral("f"), QStringLiteral("F")) },
                    true);
        QCOMPARE(ids(model), (QStringList { QStringLiteral("b"), QStringLiteral("d"), QStringLiteral("f") }));
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        // Complete: rows not in the answer go, new ones come.
        model.merge({ row(QStringLiteral("h"), QStringLiteral("H")) }, true);
        model.merge({ row(QStringLiteral("b"), QStringLiteral("B")), row(QStringLiteral("d"), QStringLiteral("D")),
                      row(QStringLiteral("f"), QStringLiteral("F")), row(QStringLiteral("g"), QStringLiteral("G")) },
                    true);
        changed.clear();
        // a new, b changed, d gone, e new, f same; g lies beyond the range
        // the answer covers (not complete) and stays untouched.
        model.merge({ row(QStringLiteral("a"), QStringLiteral("A")), row(QStringLiteral("b"), QStringLiteral("B2")),
                      row(QStringLiteral("e"), QStringLiteral("E")), row(QStringLiteral("f"), QStringLiteral("F")) },
                    false);
        QCOMPARE(ids(model), (QStringList { QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("e"), QStringLiteral("f"),
                                            QStringLiteral("g") }));
        QCOMPARE(changed.count(), 1);
        QCOMPARE(model.index(1, 0).data(TaskListModel::TitleRole).toString(), QStringLiteral("B2"));
        QCOMPARE(reset.count(), 0);
        // Complete and empty: everything is gone.
        model.merge({}, true);
        QCOMPARE(model.rowCount(), 0);
    }
};

QTEST_MAIN(TestTaskListModel)
#include "tst_tasklistmodel.moc"

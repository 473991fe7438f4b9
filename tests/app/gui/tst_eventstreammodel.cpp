#include "GuiTestSupport.h"
#include "events/EventBus.h"
#include "gui/EventStreamModel.h"

#include <QAbstractItemModelTester>

using namespace cabinet;
using namespace cabinet::gui;
using namespace cabinet::test;

class TestEventStreamModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void startsFromRecentEventsThenFollows()
    {
        RunningCore core;
        QVERIFY(core.start());
        // The start's events (core.started, the services' first work) arrived
        // before any view; all are listed, the newest first.
        QTRY_VERIFY(!core.connection.recentEvents().isEmpty());

        EventStreamModel model;
        new QAbstractItemModelTester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest, &model);
        model.setConnection(&core.connection);
        QCOMPARE(model.count(), int(core.connection.recentEvents().count()));
        QStringList types;
        for (int row = 0; row < model.count(); ++row)
            types << model.index(row, 0).data(EventStreamModel::TypeRole).toString();
        QVERIFY(types.contains(events::CoreStarted));
        QCOMPARE(model.index(0, 0).data(EventStreamModel::SeqRole).toLongLong(),
                 core.connection.recentEvents().last().seq); // the newest first

        QVERIFY(core.call([](Cabinet &cabinet) {
            cabinet.events().publishEphemeral(
                QStringLiteral("token.stream"), { { QStringLiteral("text"), QStringLiteral("hi") } });
            return true;
        }));
        QTRY_COMPARE(model.index(0, 0).data(EventStreamModel::TypeRole).toString(), QStringLiteral("token.stream"));
        const QModelIndex newest = model.index(0, 0);
        QVERIFY(newest.data(EventStreamModel::EphemeralRole).toBool());
        QCOMPARE(newest.data(EventStreamModel::SeqRole).toLongLong(), 0);
        QCOMPARE(newest.data(EventStreamModel::PayloadRole).toString(), QStringLiteral(R"({"text":"hi"})"));
        QVERIFY(!model.index(1, 0).data(EventStreamModel::EphemeralRole).toBool());
    }

    void keepsTheNewestMaxRows()
    {
        RunningCore core;
        QVERIFY(core.start());
        EventStreamModel model;
        new QAbstractItemModelTester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest, &model);
        model.setConnection(&core.connection);
        const int total = EventStreamModel::MaxRows + 20;
        QVERIFY(core.call([total](Cabinet &cabinet) {
            for (int i = 0; i < total; ++i)
                cabinet.events().publishEphemeral(QStringLiteral("tick"), { { QStringLiteral("i"), i } });
            return true;
        }));
        QTRY_COMPARE(
            model.index(0, 0).data(EventStreamModel::PayloadRole).toString(), QStringLiteral(R"({"i":%1})").arg(total - 1));
        QCOMPARE(model.count(), EventStreamModel::MaxRows);
        QTRY_VERIFY(core.connection.eventRate() > 0);
    }
};

QTEST_GUILESS_MAIN(TestEventStreamModel)
#include "tst_eventstreammodel.moc"

#include "GuiTestSupport.h"
#include "events/EventBus.h"
#include "gui/CoreModel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

using namespace cabinet;
using namespace cabinet::gui;
using namespace cabinet::test;

namespace {
// The least a CoreModel can be: records what the base hands it.
class ProbeModel : public CoreModel {
public:
    ProbeModel()
        : CoreModel({ QStringLiteral("probe."), QStringLiteral("other.exact") }, nullptr)
    { }
    int rowCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : int(events.size()); }
    QVariant data(const QModelIndex &index, int role) const override
    {
        return index.isValid() && role == Qt::DisplayRole ? QVariant(events.at(index.row())) : QVariant();
    }
    using CoreModel::setErrorMessage;
    using CoreModel::setLoaded;

    QStringList events;
    int readyCalls = 0;
    int switches = 0;

private:
    void onCoreReady() override { ++readyCalls; }
    void onCoreEvent(const Event &event) override
    {
        beginInsertRows({}, int(events.size()), int(events.size()));
        events << event.type;
        endInsertRows();
    }
    void onConnectionChanged() override { ++switches; }
};

bool publish(RunningCore &core, const QStringList &types)
{
    const auto done = core.call([types](Cabinet &cabinet) {
        for (const QString &type : types)
            cabinet.events().publishEphemeral(type, {});
        return true;
    });
    return done && *done;
}
} // namespace

// The block every list model of the core shares (connection, loaded,
// errorMessage, its own event types).
class TestCoreModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void receivesOnlyItsTypesOnceReady()
    {
        RunningCore core;
        QVERIFY(core.start());
        ProbeModel model;
        new QAbstractItemModelTester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest, &model);
        QSignalSpy changed(&model, &CoreModel::connectionChanged);
        model.setConnection(&core.connection);
        QCOMPARE(model.readyCalls, 1); // ready already: at once
        QCOMPARE(model.switches, 1);
        QCOMPARE(changed.count(), 1);
        model.setConnection(&core.connection);
        QCOMPARE(changed.count(), 1);

        QVERIFY(publish(core, { QStringLiteral("probe.a"), QStringLiteral("other.else"), QStringLiteral("other.exact"),
                                QStringLiteral("probes.b"), QStringLiteral("probe.c") }));
        QTRY_COMPARE(model.events.size(), 3);
        QTest::qWait(20);
        QCOMPARE(model.events,
                 (QStringList { QStringLiteral("probe.a"), QStringLiteral("other.exact"), QStringLiteral("probe.c") }));
    }

    void readyWhenTheCoreComesUp()
    {
        RunningCore core;
        ProbeModel model;
        model.setConnection(&core.connection); // not opened yet
        QCOMPARE(model.readyCalls, 0);
        QVERIFY(core.start());
        QTRY_COMPARE(model.readyCalls, 1);
    }

    void anotherConnectionTakesTheSubscription()
    {
        RunningCore first, second;
        QVERIFY(first.start());
        QVERIFY(second.start());
        ProbeModel model;
        model.setConnection(&first.connection);
        model.setConnection(&second.connection);
        QCOMPARE(model.readyCalls, 2);
        QVERIFY(publish(first, { QStringLiteral("probe.first") }));
        QVERIFY(publish(second, { QStringLiteral("probe.second") }));
        QTRY_COMPARE(model.events, QStringList { QStringLiteral("probe.second") });
        QTest::qWait(20);
        QCOMPARE(model.events, QStringList { QStringLiteral("probe.second") });

        model.setConnection(nullptr);
        QCOMPARE(model.connection(), nullptr);
        QVERIFY(publish(second, { QStringLiteral("probe.after") }));
        QTest::qWait(20);
        QCOMPARE(model.events.size(), 1);
    }

    void loadedAndErrorSignalOnChange()
    {
        ProbeModel model;
        QSignalSpy loaded(&model, &CoreModel::loadedChanged);
        QSignalSpy error(&model, &CoreModel::errorMessageChanged);
        model.setLoaded(true);
        model.setLoaded(true);
        QCOMPARE(loaded.count(), 1);
        QVERIFY(model.loaded());
        model.setErrorMessage(QStringLiteral("database is locked"));
        model.setErrorMessage(QStringLiteral("database is locked"));
        model.setErrorMessage({});
        QCOMPARE(error.count(), 2);
        QVERIFY(model.errorMessage().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestCoreModel)
#include "tst_coremodel.moc"

#include "GuiTestSupport.h"
#include "gui/OperatingMode.h"

#include <QSignalSpy>

using namespace cabinet;
using namespace cabinet::gui;
using namespace cabinet::test;

// The status bar's operating mode, read from the core (core.status) and
// read again when `mode` is set.
class TestOperatingMode : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void followsTheModeInEffect()
    {
        RunningCore core;
        QVERIFY(core.start());
        OperatingMode mode;
        QSignalSpy changed(&mode, &OperatingMode::modeChanged);
        mode.setConnection(&core.connection);
        QTRY_VERIFY(mode.loaded());
        QCOMPARE(mode.mode(), QStringLiteral("supervised")); // the default
        QVERIFY(mode.errorMessage().isEmpty());

        // The configuration's `mode` only seeds a new data directory: setting
        // it changes nothing; mode.set does.
        bool set = false;
        QObject receiver;
        core.connection.call(&receiver, QStringLiteral("config.set"), R"({"key": "mode", "value": "manual"})",
                             [&set](const Result<QByteArray> &reply) { set = reply.ok(); });
        QTRY_VERIFY(set);
        set = false;
        core.connection.call(&receiver, QStringLiteral("mode.set"), R"({"mode": "paused"})",
                             [&set](const Result<QByteArray> &reply) { set = reply.ok(); });
        QTRY_VERIFY(set);
        QTRY_COMPARE(mode.mode(), QStringLiteral("paused"));
        QCOMPARE(changed.count(), 2);
    }

    void waitsForTheCore()
    {
        CoreConnection idle;
        OperatingMode mode;
        mode.setConnection(&idle);
        QTest::qWait(20);
        QVERIFY(!mode.loaded());
        QVERIFY(mode.mode().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestOperatingMode)
#include "tst_operatingmode.moc"

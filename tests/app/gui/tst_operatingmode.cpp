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

        // Another key changes nothing; `mode` is read again.
        bool set = false;
        QObject receiver;
        core.connection.call(&receiver, QStringLiteral("config.set"), R"({"key": "events.retention", "value": "5000"})",
                             [&set](const Result<QByteArray> &reply) { set = reply.ok(); });
        QTRY_VERIFY(set);
        set = false;
        core.connection.call(&receiver, QStringLiteral("config.set"), R"({"key": "mode", "value": "paused"})",
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

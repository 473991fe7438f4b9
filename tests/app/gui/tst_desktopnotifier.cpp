// DesktopNotifier against a desktop notification service of the test's own
// (org.freedesktop.Notifications exported on a private dbus-daemon): each
// new approval request is one Notify call with what it asks, a later one
// replaces it, clicking it says which request to show; a bus without the
// service turns `available` off; a bus that is not there sends nothing.
#include "GuiTestSupport.h"
#include "approvals/ApprovalService.h"
#include "gui/DesktopNotifier.h"

#include <QDBusConnection>
#include <QDBusMessage>
#include <QFile>
#include <QTemporaryDir>
#include <QProcess>
#include <QSignalSpy>

using namespace cabinet;
using namespace cabinet::gui;
using namespace cabinet::test;

namespace {

constexpr int BusStartMs = 10'000;

// The service's side of the specification (Notify's arguments in order).
class FakeNotifications : public QObject {
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.Notifications")
public:
    struct Shown {
        uint replaces;
        QString summary, body;
        QStringList actions;
        QVariantMap hints;
    };
    QList<Shown> shown;

public Q_SLOTS:
    uint Notify(const QString &appName, uint replacesId, const QString &icon, const QString &summary, const QString &body,
                const QStringList &actions, const QVariantMap &hints, int timeout)
    {
        Q_UNUSED(appName) Q_UNUSED(icon) Q_UNUSED(timeout)
        shown.append({ replacesId, summary, body, actions, hints });
        return replacesId ? replacesId : uint(100 + shown.size());
    }
};

// A session bus of the test's own. Its configuration names no service
// directory: a desktop's own notification daemon is never started on it.
// (Plain literals: moc misreads raw strings, HACKING.md.)
constexpr char BusConfig[] =
    "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
    " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
    "<busconfig>\n"
    "  <type>session</type>\n"
    "  <listen>unix:tmpdir=/tmp</listen>\n"
    "  <auth>EXTERNAL</auth>\n"
    "  <policy context=\"default\">\n"
    "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
    "    <allow eavesdrop=\"true\"/>\n"
    "    <allow own=\"*\"/>\n"
    "  </policy>\n"
    "</busconfig>\n";

struct PrivateBus {
    QTemporaryDir dir;
    QProcess daemon;
    QString address;
    bool start()
    {
        const QString config = dir.filePath(QStringLiteral("bus.conf"));
        QFile file(config);
        if (!file.open(QIODevice::WriteOnly) || file.write(BusConfig) != qint64(sizeof(BusConfig) - 1))
            return false;
        file.close();
        daemon.start(QStringLiteral("dbus-daemon"),
                     { QStringLiteral("--config-file=") + config, QStringLiteral("--nofork"), QStringLiteral("--print-address") });
        if (!daemon.waitForStarted(BusStartMs) || !daemon.waitForReadyRead(BusStartMs))
            return false;
        address = QString::fromUtf8(daemon.readLine()).trimmed();
        return !address.isEmpty();
    }
    QDBusConnection connect(const QString &name) { return QDBusConnection::connectToBus(address, name); }
    ~PrivateBus()
    {
        daemon.terminate();
        daemon.waitForFinished();
    }
};

QString requestDeploy(RunningCore &core, int tier)
{
    const auto id = core.call([tier](Cabinet &cabinet) {
        approvals::NewApproval asked;
        asked.action.kind = tier == 3 ? approvals::ActionKind::ModeChange : approvals::ActionKind::Deploy;
        asked.action.agent = QStringLiteral("forge");
        asked.action.environment = tier == 3 ? QString() : QStringLiteral("production");
        asked.action.target = tier == 3 ? QStringLiteral("autonomous") : QStringLiteral("./deploy.sh");
        asked.action.amountMicros = 1'250'000;
        auto made = cabinet.service<approvals::ApprovalService>().request(asked, Actor::agent(QStringLiteral("forge")));
        return made ? made->id : QString();
    });
    return id.value_or(QString());
}

} // namespace

class TestDesktopNotifier : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void eachRequestIsShownAndAClickNamesIt()
    {
        PrivateBus bus;
        QVERIFY(bus.start());
        QDBusConnection service = bus.connect(QStringLiteral("service"));
        FakeNotifications fake;
        QVERIFY(service.registerObject(QLatin1String(DesktopNotifier::Path), &fake, QDBusConnection::ExportAllSlots));
        QVERIFY(service.registerService(QLatin1String(DesktopNotifier::Service)));

        RunningCore core;
        QVERIFY(core.start());
        DesktopNotifier notifier(bus.connect(QStringLiteral("console")));
        QSignalSpy activated(&notifier, &DesktopNotifier::activated);
        notifier.setConnection(&core.connection);
        QVERIFY(notifier.available());

        const QString first = requestDeploy(core, 2);
        QVERIFY(!first.isEmpty());
        QTRY_COMPARE(fake.shown.size(), 1);
        const FakeNotifications::Shown one = fake.shown.first();
        QCOMPARE(one.replaces, 0u);
        QVERIFY2(one.body.contains(QStringLiteral("deploy ./deploy.sh in production")), qPrintable(one.body));
        QVERIFY(one.body.contains(QStringLiteral("forge")));
        QVERIFY(one.body.contains(QStringLiteral("$1.25")));
        QVERIFY(one.actions.contains(QStringLiteral("default")));
        QCOMPARE(one.hints.value(QStringLiteral("urgency")).toInt(), 1);

        // Later requests replace the notification shown, a burst too: one
        // call at a time, the newest waiting its turn.
        QVERIFY(!requestDeploy(core, 2).isEmpty());
        QVERIFY(!requestDeploy(core, 2).isEmpty());
        const QString second = requestDeploy(core, 3);
        QTRY_VERIFY(fake.shown.size() >= 2 && fake.shown.last().hints.value(QStringLiteral("urgency")).toInt() == 2);
        QVERIFY(fake.shown.size() <= 4);
        for (qsizetype i = 1; i < fake.shown.size(); ++i)
            QCOMPARE(fake.shown[i].replaces, 101u);
        QVERIFY(fake.shown.last().summary.contains(QStringLiteral("two operators")));
        QTest::qWait(50); // the last reply, so a click names the newest request

        // A click on someone else's notification is not ours.
        QDBusMessage other = QDBusMessage::createSignal(QLatin1String(DesktopNotifier::Path), QLatin1String(DesktopNotifier::Interface),
                                                        QStringLiteral("ActionInvoked"));
        other << 7u << QStringLiteral("default");
        QVERIFY(service.send(other));
        QDBusMessage click = QDBusMessage::createSignal(QLatin1String(DesktopNotifier::Path), QLatin1String(DesktopNotifier::Interface),
                                                        QStringLiteral("ActionInvoked"));
        click << 101u << QStringLiteral("default");
        QVERIFY(service.send(click));
        QTRY_COMPARE(activated.count(), 1);
        QCOMPARE(activated.first().first().toString(), second);
    }

    void aBusWithoutTheServiceTurnsItOff()
    {
        PrivateBus bus;
        QVERIFY(bus.start());
        RunningCore core;
        QVERIFY(core.start());
        DesktopNotifier notifier(bus.connect(QStringLiteral("lonely")));
        QSignalSpy changed(&notifier, &DesktopNotifier::availableChanged);
        notifier.setConnection(&core.connection);
        QVERIFY(notifier.available());
        QVERIFY(!requestDeploy(core, 2).isEmpty());
        QTRY_COMPARE(changed.count(), 1);
        QVERIFY(!notifier.available());
    }

    void noBusSendsNothing()
    {
        DesktopNotifier notifier(QDBusConnection(QStringLiteral("not-connected")));
        QVERIFY(!notifier.available());
    }

    void longTargetsAreCut()
    {
        const QJsonObject requested { { QStringLiteral("tier"), 2 },
                                      { QStringLiteral("action"), QJsonObject { { QStringLiteral("kind"), QStringLiteral("tool_run") },
                                                                                { QStringLiteral("target"), QString(5'000, u'x') } } } };
        QCOMPARE(DesktopNotifier::bodyOf(requested).size(), DesktopNotifier::BodyCharsMax);
    }
};

QTEST_MAIN(TestDesktopNotifier)
#include "tst_desktopnotifier.moc"

#include "gui/DesktopNotifier.h"

#include "events/EventTypes.h"

#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QDateTime>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QVariantMap>

#include <utility>

Q_LOGGING_CATEGORY(lcDesktopNotifier, "cabinet.gui.notifications")

namespace cabinet::gui {

namespace {

// A private name for the console's own connection to the session bus.
const QString SessionBusName = QStringLiteral("cabinet-desktop-notifications");

// libdbus finds the session bus by DBUS_SESSION_BUS_ADDRESS or at
// $XDG_RUNTIME_DIR/bus; without either it would try to start a bus of its
// own (X11 autolaunch), which a console must not do behind the user's back.
bool sessionBusAdvertised()
{
    if (!qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
        return true;
    const QString runtime = qEnvironmentVariable("XDG_RUNTIME_DIR");
    return !runtime.isEmpty() && QFileInfo::exists(runtime + QStringLiteral("/bus"));
}

QDBusConnection sessionBus()
{
    if (!sessionBusAdvertised())
        return QDBusConnection(QString()); // not connected
    return QDBusConnection::connectToBus(QDBusConnection::SessionBus, SessionBusName);
}

QString usd(qint64 micros)
{
    return QStringLiteral("$%1.%2").arg(micros / 1'000'000).arg((micros % 1'000'000) / 10'000, 2, 10, QLatin1Char('0'));
}

} // namespace

DesktopNotifier::DesktopNotifier(QObject *parent) : DesktopNotifier(sessionBus(), parent) { }

DesktopNotifier::DesktopNotifier(const QDBusConnection &bus, QObject *parent)
    : QObject(parent)
    , m_link(
              this, { events::ApprovalRequested }, [this](const Event &event) { notify(event.payload); }, [] {})
    , m_bus(bus)
{
    if (!m_bus.isConnected()) {
        m_available = false;
        return;
    }
    // Any sender: naming the service would have QtDBus look its owner up.
    // Our own notification's id tells ours apart.
    m_bus.connect(QString(), QLatin1String(Path), QLatin1String(Interface), QStringLiteral("ActionInvoked"), this,
                  SLOT(onActionInvoked(uint, QString)));
    m_bus.connect(QString(), QLatin1String(Path), QLatin1String(Interface), QStringLiteral("NotificationClosed"), this,
                  SLOT(onNotificationClosed(uint, uint)));
}

void DesktopNotifier::setConnection(CoreConnection *connection)
{
    if (m_link.setConnection(connection))
        Q_EMIT connectionChanged();
}

QString DesktopNotifier::summaryOf(const QJsonObject &requested)
{
    const int tier = requested.value(u"tier").toInt(2);
    return tier >= 3 ? tr("Cabinet: a tier-3 approval needs two operators") : tr("Cabinet: an approval is waiting");
}

QString DesktopNotifier::bodyOf(const QJsonObject &requested)
{
    const QJsonObject action = requested.value(u"action").toObject();
    QStringList parts;
    QString what = action.value(u"kind").toString();
    const QString target = action.value(u"target").toString();
    if (!target.isEmpty())
        what += u' ' + target;
    const QString environment = action.value(u"environment").toString();
    if (!environment.isEmpty())
        what += tr(" in %1").arg(environment);
    parts << what;
    const QString agent = action.value(u"agent").toString();
    if (!agent.isEmpty())
        parts << tr("asked by %1").arg(agent);
    const qint64 amount = qint64(action.value(u"amount").toDouble());
    if (amount > 0)
        parts << usd(amount);
    const QJsonValue deadline = requested.value(u"deadline_ms");
    if (deadline.isDouble())
        parts << tr("decide by %1").arg(QLocale().toString(QDateTime::fromMSecsSinceEpoch(qint64(deadline.toDouble())).time(), QLocale::ShortFormat));
    QString body = parts.join(QStringLiteral(" · "));
    if (body.size() > BodyCharsMax)
        body = body.left(BodyCharsMax - 1) + QChar(0x2026);
    return body;
}

void DesktopNotifier::notify(const QJsonObject &requested)
{
    if (!m_available)
        return;
    // One call in flight: a request that comes meanwhile waits (only the
    // newest), so that it can replace the notification the call shows.
    if (m_inFlight) {
        m_waiting = requested;
        return;
    }
    m_inFlight = true;
    const QString id = requested.value(u"id").toString();
    QVariantMap hints;
    hints.insert(QStringLiteral("urgency"), QVariant::fromValue(uchar(requested.value(u"tier").toInt(2) >= 3 ? 2 : 1)));
    hints.insert(QStringLiteral("desktop-entry"), QStringLiteral("cabinet"));
    QDBusMessage call = QDBusMessage::createMethodCall(QLatin1String(Service), QLatin1String(Path), QLatin1String(Interface), QStringLiteral("Notify"));
    call << QStringLiteral("Cabinet") << m_shown << QStringLiteral("cabinet") << summaryOf(requested) << bodyOf(requested)
         << QStringList { QStringLiteral("default"), tr("Show approvals") } << hints << qint32(-1);
    auto *watcher = new QDBusPendingCallWatcher(m_bus.asyncCall(call), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this, [this, watcher, id] {
        watcher->deleteLater();
        m_inFlight = false;
        const QDBusPendingReply<uint> reply = *watcher;
        if (reply.isError()) {
            qCInfo(lcDesktopNotifier).noquote() << "no desktop notifications:" << reply.error().message();
            m_waiting = {};
            setAvailable(false);
            return;
        }
        m_shown = reply.value();
        m_shownRequest = id;
        if (!m_waiting.isEmpty())
            notify(std::exchange(m_waiting, {}));
    });
}

void DesktopNotifier::onActionInvoked(uint notification, const QString &action)
{
    Q_UNUSED(action) // "default" (a click on the notification) or ours: both show the panel
    if (notification != 0 && notification == m_shown)
        Q_EMIT activated(m_shownRequest);
}

void DesktopNotifier::onNotificationClosed(uint notification, uint reason)
{
    Q_UNUSED(reason)
    if (notification != 0 && notification == m_shown) {
        m_shown = 0;
        m_shownRequest.clear();
    }
}

void DesktopNotifier::setAvailable(bool available)
{
    if (available == m_available)
        return;
    m_available = available;
    Q_EMIT availableChanged();
}

} // namespace cabinet::gui

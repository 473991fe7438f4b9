#pragma once

#include "gui/CoreConnection.h"
#include "gui/CoreLink.h"

#include <QDBusConnection>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QtQml/qqmlregistration.h>

namespace cabinet::gui {

// Tells the desktop's notification service (org.freedesktop.Notifications
// on the session bus) of each new approval request, so an operator who is
// in another window sees it; clicking the notification asks the console to
// show the Approvals panel. One notification at a time: a new request
// replaces the one shown, so a burst of requests is one notification, not a
// flood: one call is in flight at a time, and of the requests that come
// meanwhile only the newest is sent after it. Every call is asynchronous;
// the connection to the session bus is made once, when the console starts
// (a local socket's handshake).
// Where there is no session bus or no service, `available` turns false and
// nothing more is sent; the toast and the badges remain (docs/approvals.md).
class DesktopNotifier : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(cabinet::gui::CoreConnection *connection READ connection WRITE setConnection NOTIFY connectionChanged)
    Q_PROPERTY(bool available READ available NOTIFY availableChanged)
public:
    // The service's well-known name, object path and interface.
    static constexpr char Service[] = "org.freedesktop.Notifications";
    static constexpr char Path[] = "/org/freedesktop/Notifications";
    static constexpr char Interface[] = "org.freedesktop.Notifications";
    // A notification's body, in characters: targets and commands can be long.
    static constexpr int BodyCharsMax = 300;

    explicit DesktopNotifier(QObject *parent = nullptr);
    // The bus to use instead of the session bus (tests run their own).
    DesktopNotifier(const QDBusConnection &bus, QObject *parent = nullptr);

    CoreConnection *connection() const { return m_link.connection(); }
    void setConnection(CoreConnection *connection);
    // True until a call to the service failed (no bus, no service).
    bool available() const { return m_available; }

    // The summary and body shown for an approval.requested event's payload.
    static QString summaryOf(const QJsonObject &requested);
    static QString bodyOf(const QJsonObject &requested);

Q_SIGNALS:
    void connectionChanged();
    void availableChanged();
    // The operator clicked the notification of this request.
    void activated(const QString &approvalId);

private Q_SLOTS:
    void onActionInvoked(uint notification, const QString &action);
    void onNotificationClosed(uint notification, uint reason);

private:
    void notify(const QJsonObject &requested);
    void setAvailable(bool available);

    CoreLink m_link;
    QDBusConnection m_bus;
    bool m_available = true;
    // The notification shown (0: none) and the request it tells of.
    uint m_shown = 0;
    QString m_shownRequest;
    // A Notify call is on its way; the newest request that came meanwhile.
    bool m_inFlight = false;
    QJsonObject m_waiting;
};

} // namespace cabinet::gui

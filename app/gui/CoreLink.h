#pragma once

#include "gui/CoreConnection.h"

#include <QObject>
#include <QPointer>
#include <QStringList>

#include <functional>

namespace cabinet::gui {

// What every view-model of the core holds: the connection it follows, its
// subscription to the event types it asked for, and what it does once the
// core is ready. Switching connections moves both; the view-model only says
// what it wants (CoreModel for list models; OperatingMode and AuditChain
// hold one directly).
class CoreLink {
public:
    // `owner` is the view-model: events and state changes are delivered in
    // its name, and stop when it goes. onEvent gets the events of `types`
    // (exact names or "group." prefixes; empty: every type), none when it is
    // null. onReady runs whenever the connection becomes Ready, and at once
    // from setConnection() when it already is.
    CoreLink(QObject *owner, QStringList types, CoreConnection::EventHandler onEvent, std::function<void()> onReady);
    ~CoreLink();
    CoreLink(const CoreLink &) = delete;
    CoreLink &operator=(const CoreLink &) = delete;

    CoreConnection *connection() const { return m_connection; }
    // Follows `connection` instead (null: none); false when it was already
    // the one followed.
    bool setConnection(CoreConnection *connection);
    // A connection whose core runs.
    bool ready() const { return m_connection && m_connection->state() == CoreConnection::Ready; }

private:
    void release();

    QObject *m_owner;
    QStringList m_types;
    CoreConnection::EventHandler m_onEvent;
    std::function<void()> m_onReady;
    QPointer<CoreConnection> m_connection;
    int m_subscription = 0;
    QMetaObject::Connection m_stateConnection;
};

} // namespace cabinet::gui

#include "gui/CoreLink.h"

#include "Assert.h"

namespace cabinet::gui {

CoreLink::CoreLink(QObject *owner, QStringList types, CoreConnection::EventHandler onEvent, std::function<void()> onReady)
    : m_owner(owner)
    , m_types(std::move(types))
    , m_onEvent(std::move(onEvent))
    , m_onReady(std::move(onReady))
{
    CABINET_ASSERT(m_owner && m_onReady);
}

CoreLink::~CoreLink()
{
    release();
}

bool CoreLink::setConnection(CoreConnection *connection)
{
    if (connection == m_connection)
        return false;
    release();
    m_connection = connection;
    if (!m_connection)
        return true;
    if (m_onEvent)
        m_subscription = m_connection->subscribe(m_types, m_owner, m_onEvent);
    m_stateConnection = QObject::connect(m_connection, &CoreConnection::stateChanged, m_owner, [this] {
        if (ready())
            m_onReady();
    });
    if (ready())
        m_onReady();
    return true;
}

void CoreLink::release()
{
    QObject::disconnect(m_stateConnection);
    if (m_connection && m_subscription)
        m_connection->unsubscribe(m_subscription);
    m_subscription = 0;
}

} // namespace cabinet::gui

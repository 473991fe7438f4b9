#include "gui/CoreModel.h"

namespace cabinet::gui {

CoreModel::CoreModel(const QStringList &eventTypes, QObject *parent)
    : QAbstractListModel(parent)
    , m_link(this, eventTypes, [this](const Event &event) { onCoreEvent(event); }, [this] { onCoreReady(); })
{ }

void CoreModel::setConnection(CoreConnection *connection)
{
    if (!m_link.setConnection(connection))
        return;
    onConnectionChanged();
    Q_EMIT connectionChanged();
}

void CoreModel::setLoaded(bool loaded)
{
    if (loaded == m_loaded)
        return;
    m_loaded = loaded;
    Q_EMIT loadedChanged();
}

void CoreModel::setErrorMessage(const QString &message)
{
    if (message == m_errorMessage)
        return;
    m_errorMessage = message;
    Q_EMIT errorMessageChanged();
}

} // namespace cabinet::gui

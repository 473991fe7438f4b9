#include "gui/OperatingMode.h"

#include "events/EventTypes.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace cabinet::gui {

OperatingMode::OperatingMode(QObject *parent)
    : QObject(parent)
    , m_link(
              this, { events::ModeChanged }, [this](const Event &) { read(); },
              [this] { read(); })
{ }

void OperatingMode::setConnection(CoreConnection *connection)
{
    if (m_link.setConnection(connection))
        Q_EMIT connectionChanged();
}

void OperatingMode::read()
{
    if (!m_link.ready())
        return;
    m_link.connection()->call(this, QStringLiteral("core.status"), "{}", [this](const Result<QByteArray> &reply) {
        const QString message = reply ? QString() : reply.error().message;
        if (message != m_errorMessage) {
            m_errorMessage = message;
            Q_EMIT errorMessageChanged();
        }
        if (!reply)
            return;
        const QString mode = QJsonDocument::fromJson(*reply).object().value(u"mode").toString();
        if (mode != m_mode) {
            m_mode = mode;
            Q_EMIT modeChanged();
        }
        if (!m_loaded) {
            m_loaded = true;
            Q_EMIT loadedChanged();
        }
    });
}

} // namespace cabinet::gui

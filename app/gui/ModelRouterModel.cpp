#include "gui/ModelRouterModel.h"

#include "gui/RefreshThrottle.h"

#include <QJsonDocument>

namespace cabinet::gui {

ModelRouterModel::ModelRouterModel(const QStringList &eventTypes, QObject *parent)
    : CoreModel(eventTypes, parent)
    , m_throttle(new RefreshThrottle([this] { return reload(); }, this))
{ }

ModelRouterModel::~ModelRouterModel() = default;

void ModelRouterModel::refresh()
{
    m_throttle->schedule();
}

void ModelRouterModel::onCoreReady()
{
    refresh();
}

bool ModelRouterModel::reload()
{
    if (!coreReady())
        return false;
    connection()->call(this, QStringLiteral("models.list"), "{}", [this](const Result<QByteArray> &reply) {
        m_throttle->finished();
        setErrorMessage(reply ? QString() : reply.error().message);
        if (!reply)
            return;
        apply(QJsonDocument::fromJson(*reply).object());
        setLoaded(true);
    });
    return true;
}

} // namespace cabinet::gui

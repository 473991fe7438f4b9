#pragma once

#include "gui/CoreModel.h"

#include <QJsonObject>
#include <QtQml/qqmlregistration.h>

namespace cabinet::gui {

class RefreshThrottle;

// The base of the Models panel's list models: each shows a part of the one
// models.list answer (providers, aliases and routing, recent calls; see
// docs/models.md). The list is read when the core is ready and again when
// a subclass asks with refresh(), at most once per RefreshThrottle interval
// and never two at once, so a burst of calls costs one read.
class ModelRouterModel : public CoreModel {
    Q_OBJECT
    QML_ANONYMOUS
protected:
    ModelRouterModel(const QStringList &eventTypes, QObject *parent);
    ~ModelRouterModel() override;

    void refresh();
    // A models.list answer; `loaded` becomes true after the first.
    virtual void apply(const QJsonObject &list) = 0;
    void onCoreReady() override;

private:
    bool reload();

    RefreshThrottle *m_throttle;
};

} // namespace cabinet::gui

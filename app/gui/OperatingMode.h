#pragma once

#include "gui/CoreConnection.h"
#include "gui/CoreLink.h"

#include <QObject>
#include <QtQml/qqmlregistration.h>

namespace cabinet::gui {

// The core's operating mode (autonomous, supervised, manual or paused) for
// the status bar: read with core.status when the core is ready and again
// after each mode.changed event (the mode is state in the store, switched
// with mode.set; docs/costs.md).
class OperatingMode : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(cabinet::gui::CoreConnection *connection READ connection WRITE setConnection NOTIFY connectionChanged)
    Q_PROPERTY(QString mode READ mode NOTIFY modeChanged)
    Q_PROPERTY(bool loaded READ loaded NOTIFY loadedChanged)
    Q_PROPERTY(QString errorMessage READ errorMessage NOTIFY errorMessageChanged)
public:
    explicit OperatingMode(QObject *parent = nullptr);

    CoreConnection *connection() const { return m_link.connection(); }
    void setConnection(CoreConnection *connection);
    // Empty until read.
    QString mode() const { return m_mode; }
    bool loaded() const { return m_loaded; }
    QString errorMessage() const { return m_errorMessage; }

Q_SIGNALS:
    void connectionChanged();
    void modeChanged();
    void loadedChanged();
    void errorMessageChanged();

private:
    void read();

    CoreLink m_link;
    QString m_mode;
    bool m_loaded = false;
    QString m_errorMessage;
};

} // namespace cabinet::gui

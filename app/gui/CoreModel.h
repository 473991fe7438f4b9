#pragma once

#include "events/Event.h"
#include "gui/CoreConnection.h"
#include "gui/CoreLink.h"

#include <QAbstractListModel>
#include <QStringList>
#include <QtQml/qqmlregistration.h>

namespace cabinet::gui {

// The base of the console's list models of the core: the `connection` it
// follows, `loaded` once its first snapshot is in, and `errorMessage` of the
// last request that failed (empty after one that worked). A model names the
// event types it follows in the constructor and gets only those in
// onCoreEvent(); onCoreReady() is where it asks for its snapshot.
class CoreModel : public QAbstractListModel {
    Q_OBJECT
    QML_ANONYMOUS
    Q_PROPERTY(cabinet::gui::CoreConnection *connection READ connection WRITE setConnection NOTIFY connectionChanged)
    Q_PROPERTY(bool loaded READ loaded NOTIFY loadedChanged)
    Q_PROPERTY(QString errorMessage READ errorMessage NOTIFY errorMessageChanged)
public:
    CoreConnection *connection() const { return m_link.connection(); }
    void setConnection(CoreConnection *connection);
    bool loaded() const { return m_loaded; }
    QString errorMessage() const { return m_errorMessage; }

Q_SIGNALS:
    void connectionChanged();
    void loadedChanged();
    void errorMessageChanged();

protected:
    // `eventTypes`: exact names or "group." prefixes (EventBus::matches);
    // empty: every type.
    CoreModel(const QStringList &eventTypes, QObject *parent);

    // The connection's core runs: requests may go out.
    bool coreReady() const { return m_link.ready(); }
    // The connection became Ready (or was Ready when set).
    virtual void onCoreReady() { }
    virtual void onCoreEvent(const cabinet::Event &event) { Q_UNUSED(event); }
    // After the switch to another connection, before connectionChanged().
    virtual void onConnectionChanged() { }

    void setLoaded(bool loaded);
    void setErrorMessage(const QString &message);

private:
    CoreLink m_link;
    bool m_loaded = false;
    QString m_errorMessage;
};

} // namespace cabinet::gui

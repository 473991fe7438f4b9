#pragma once

#include "Cabinet.h"
#include "events/Event.h"
#include "gui/CoreHost.h"

#include <QContiguousCache>
#include <QObject>
#include <QPointer>
#include <QThread>
#include <QTimer>
#include <QtQml/qqmlregistration.h>
#include <array>
#include <utility>

namespace cabinet::gui {

// The GUI thread's handle on the core, which runs on a thread of its own.
// View-models never touch the Cabinet directly: they send work with
// request() and get the result back on the GUI thread, and they follow
// changes through eventPublished(). Nothing here blocks the GUI thread,
// except the destructor, which waits for the core to stop.
class CoreConnection : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("The console creates the connection to the core.")
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(QString errorMessage READ errorMessage NOTIFY stateChanged)
    Q_PROPERTY(QString dataDir READ dataDir NOTIFY dataDirChanged)
    Q_PROPERTY(QString operatingMode READ operatingMode NOTIFY operatingModeChanged)
    Q_PROPERTY(double eventRate READ eventRate NOTIFY eventRateChanged)
public:
    enum State { Idle, Starting, Ready, Failed };
    Q_ENUM(State)

    static constexpr int RateWindowSeconds = 5;
    static constexpr int RecentEventsLimit = 500;

    explicit CoreConnection(QObject *parent = nullptr);
    ~CoreConnection() override;

    // Starts the core thread and opens the Cabinet there.
    void open(Cabinet::Options options);

    State state() const { return m_state; }
    QString errorMessage() const { return m_errorMessage; }
    QString dataDir() const { return m_dataDir; }
    QString operatingMode() const { return m_operatingMode; }
    // Events per second, averaged over the last RateWindowSeconds.
    double eventRate() const { return m_eventRate; }
    // The newest events received, oldest first, for views that open late.
    const QContiguousCache<Event> &recentEvents() const { return m_recent; }

    // Runs work(Cabinet &) on the core thread, then done(result) on the GUI
    // thread, unless receiver has been deleted meanwhile. Work never runs
    // when the core failed to open.
    template <typename Work, typename Done> void request(QObject *receiver, Work work, Done done);

Q_SIGNALS:
    void stateChanged();
    void dataDirChanged();
    void operatingModeChanged();
    void eventRateChanged();
    void eventPublished(const cabinet::Event &event);

private:
    void onOpened(const QString &dataDir, const QString &operatingMode);
    void onFailed(const QString &message);
    void onPublished(const cabinet::Event &event);
    void sampleRate();
    void setOperatingMode(const QString &mode);

    QThread m_thread;
    CoreHost *m_host = nullptr; // lives on m_thread
    State m_state = Idle;
    QString m_errorMessage;
    QString m_dataDir;
    QString m_operatingMode;
    QContiguousCache<Event> m_recent { RecentEventsLimit };

    QTimer m_rateTimer;
    std::array<int, RateWindowSeconds> m_perSecond {};
    int m_samples = 0;
    int m_thisSecond = 0;
    double m_eventRate = 0;
};

template <typename Work, typename Done> void CoreConnection::request(QObject *receiver, Work work, Done done)
{
    // The guard is only read back on the GUI thread; the core thread merely
    // carries it.
    QPointer<QObject> guard(receiver);
    QMetaObject::invokeMethod(
        m_host,
        [this, guard, work = std::move(work), done = std::move(done)]() mutable {
            Cabinet *cabinet = m_host->cabinet();
            if (!cabinet)
                return;
            auto result = work(*cabinet);
            QMetaObject::invokeMethod(
                this,
                [guard, done = std::move(done), result = std::move(result)]() mutable {
                    if (guard)
                        done(std::move(result));
                },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

// Points a view-model's `current` connection at `connection`: the view-model
// then follows its events and state changes, and `onState` runs once now.
// Returns whether anything changed (then emit connectionChanged()).
template <typename Subscriber>
bool followConnection(QPointer<CoreConnection> &current, CoreConnection *connection, Subscriber *subscriber,
                      void (Subscriber::*onEvent)(const cabinet::Event &), void (Subscriber::*onState)())
{
    if (connection == current)
        return false;
    if (current)
        current->disconnect(subscriber);
    current = connection;
    if (current) {
        QObject::connect(current, &CoreConnection::eventPublished, subscriber, onEvent);
        QObject::connect(current, &CoreConnection::stateChanged, subscriber, onState);
        (subscriber->*onState)();
    }
    return true;
}

} // namespace cabinet::gui

#pragma once

#include "Actor.h"
#include "Cabinet.h"
#include "events/Event.h"
#include "gui/CoreHost.h"

#include <QByteArray>
#include <QContiguousCache>
#include <QHash>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <QThread>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <utility>
#include <vector>

namespace cabinet::gui {

// The GUI thread's handle on the core, which runs on a thread of its own:
// transport only, no domain state. View-models never touch the Cabinet
// directly: they read with request(), act with call() (an operation of the
// catalogue, as the CLI and the server do) and follow changes with
// subscribe(), each for the event types it asked for. Nothing here blocks
// the GUI thread, except the destructor, which waits for the core to stop.
class CoreConnection : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("The console creates the connection to the core.")
    Q_PROPERTY(State state READ state NOTIFY stateChanged)
    Q_PROPERTY(QString errorMessage READ errorMessage NOTIFY stateChanged)
    Q_PROPERTY(QString dataDir READ dataDir NOTIFY dataDirChanged)
    Q_PROPERTY(double eventRate READ eventRate NOTIFY eventRateChanged)
public:
    enum State { Idle, Starting, Ready, Failed };
    Q_ENUM(State)

    static constexpr int RateWindowSeconds = 5;
    static constexpr int RecentEventsLimit = 500;

    using Reply = std::function<void(Result<QByteArray>)>;
    using EventHandler = std::function<void(const cabinet::Event &)>;

    explicit CoreConnection(QObject *parent = nullptr);
    ~CoreConnection() override;

    // Starts the core thread and opens the Cabinet there.
    void open(Cabinet::Options options);

    State state() const { return m_state; }
    QString errorMessage() const { return m_errorMessage; }
    QString dataDir() const { return m_dataDir; }
    // Events per second, averaged over the last RateWindowSeconds.
    double eventRate() const { return m_eventRate; }
    // The newest events received, oldest first, for views that open late.
    const QContiguousCache<Event> &recentEvents() const { return m_recent; }
    // Who the console acts as: the person at this terminal, as for the CLI.
    static Actor actor();

    // Runs work(Cabinet &) on the core thread, then done(result) on the GUI
    // thread, unless receiver has been deleted meanwhile. Work never runs
    // when the core failed to open. For reads: a write goes through call().
    template <typename Work, typename Done> void request(QObject *receiver, Work work, Done done);

    // Calls an operation of the catalogue (core/api) as actor(), with the
    // JSON text of its params, and gives done() its answer on the GUI thread
    // (unless receiver has been deleted meanwhile), however late a long job
    // answers. Without a running core the answer is `unavailable`.
    void call(QObject *receiver, const QString &operation, const QByteArray &params, Reply done);

    // Calls handler(event) on the GUI thread for every event whose type is
    // in `types`: exact names ("ledger.transfers_created") or groups ending
    // in a dot ("job."), as EventBus::matches reads them; empty means every
    // type. Ends with unsubscribe() or when receiver is destroyed. Returns
    // the id for unsubscribe().
    int subscribe(const QStringList &types, QObject *receiver, EventHandler handler);
    void unsubscribe(int id);

Q_SIGNALS:
    void stateChanged();
    void dataDirChanged();
    void eventRateChanged();

private:
    struct Subscription {
        QStringList types;
        QPointer<QObject> receiver;
        // Shared: a handler may unsubscribe itself while it runs.
        std::shared_ptr<const EventHandler> handler;
        QMetaObject::Connection destroyed;
    };

    void onOpened(const QString &dataDir);
    void onFailed(const QString &message);
    void onPublished(const cabinet::Event &event);
    const std::vector<int> &routeFor(const QString &type);
    void sampleRate();

    QThread m_thread;
    CoreHost *m_host = nullptr; // lives on m_thread
    State m_state = Idle;
    QString m_errorMessage;
    QString m_dataDir;
    QContiguousCache<Event> m_recent { RecentEventsLimit };

    int m_lastSubscriptionId = 0;
    std::map<int, Subscription> m_subscriptions; // ascending id: handlers run in the order they subscribed
    // The subscriptions each event type reaches, worked out once per type
    // (a busy ledger sends thousands of events a second, of a few types);
    // cleared whenever a subscription comes or goes.
    QHash<QString, std::vector<int>> m_routes;

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

} // namespace cabinet::gui

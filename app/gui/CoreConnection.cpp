#include "gui/CoreConnection.h"

#include "Assert.h"
#include "api/Dispatcher.h"
#include "events/EventBus.h"

#include <numeric>

namespace cabinet::gui {

CoreConnection::CoreConnection(QObject *parent)
    : QObject(parent)
    , m_host(new CoreHost)
{
    m_thread.setObjectName(QStringLiteral("cabinet-core"));
    m_host->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_host, &QObject::deleteLater);
    connect(m_host, &CoreHost::opened, this, &CoreConnection::onOpened, Qt::QueuedConnection);
    connect(m_host, &CoreHost::failed, this, &CoreConnection::onFailed, Qt::QueuedConnection);
    connect(m_host, &CoreHost::published, this, &CoreConnection::onPublished, Qt::QueuedConnection);

    m_rateTimer.setInterval(1000);
    connect(&m_rateTimer, &QTimer::timeout, this, &CoreConnection::sampleRate);
}

CoreConnection::~CoreConnection()
{
    if (!m_thread.isRunning()) {
        delete m_host; // never moved off to a running thread
        return;
    }
    // Shutting down is the one time the GUI thread waits: the core must audit
    // its stop and release the data directory before the process ends.
    QMetaObject::invokeMethod(m_host, &CoreHost::shutdown, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void CoreConnection::open(Cabinet::Options options)
{
    CABINET_ASSERT_MSG(m_state == Idle, "state %d", int(m_state)); // one core per connection, opened once
    m_dataDir = options.dataDir;
    m_state = Starting;
    Q_EMIT dataDirChanged();
    Q_EMIT stateChanged();
    m_thread.start();
    QMetaObject::invokeMethod(
        m_host, [host = m_host, options = std::move(options)]() mutable { host->open(std::move(options)); },
        Qt::QueuedConnection);
}

Actor CoreConnection::actor()
{
    return Actor::person(Cabinet::localLogin());
}

void CoreConnection::call(QObject *receiver, const QString &operation, const QByteArray &params, Reply done)
{
    QPointer<QObject> guard(receiver);
    // Runs on the core thread, at once or when a long job ends; the answer
    // itself is taken on the GUI thread.
    Reply answer = [this, guard, done = std::move(done)](Result<QByteArray> result) {
        QMetaObject::invokeMethod(
            this,
            [guard, done, result = std::move(result)]() mutable {
                if (guard)
                    done(std::move(result));
            },
            Qt::QueuedConnection);
    };
    QMetaObject::invokeMethod(
        m_host,
        [this, operation, params, answer = std::move(answer)]() mutable {
            Cabinet *cabinet = m_host->cabinet();
            if (!cabinet) {
                answer(Error { ErrorCode::Unavailable, tr("The core is not running.") });
                return;
            }
            cabinet->api().call(operation, actor(), params, std::move(answer));
        },
        Qt::QueuedConnection);
}

int CoreConnection::subscribe(const QStringList &types, QObject *receiver, EventHandler handler)
{
    CABINET_ASSERT(receiver && handler);
    const int id = ++m_lastSubscriptionId;
    Subscription subscription { types, receiver, std::make_shared<const EventHandler>(std::move(handler)), {} };
    subscription.destroyed = connect(receiver, &QObject::destroyed, this, [this, id] { unsubscribe(id); });
    m_subscriptions.emplace(id, std::move(subscription));
    m_routes.clear();
    return id;
}

void CoreConnection::unsubscribe(int id)
{
    const auto it = m_subscriptions.find(id);
    if (it == m_subscriptions.end())
        return;
    disconnect(it->second.destroyed);
    m_subscriptions.erase(it);
    m_routes.clear();
}

const std::vector<int> &CoreConnection::routeFor(const QString &type)
{
    auto route = m_routes.find(type);
    if (route == m_routes.end()) {
        std::vector<int> ids;
        for (const auto &[id, subscription] : m_subscriptions) {
            if (EventBus::matches(subscription.types, type))
                ids.push_back(id);
        }
        route = m_routes.insert(type, std::move(ids));
    }
    return *route;
}

void CoreConnection::onOpened(const QString &dataDir)
{
    if (dataDir != m_dataDir) {
        m_dataDir = dataDir;
        Q_EMIT dataDirChanged();
    }
    m_state = Ready;
    Q_EMIT stateChanged();
    m_rateTimer.start();
}

void CoreConnection::onFailed(const QString &message)
{
    m_errorMessage = message;
    m_state = Failed;
    Q_EMIT stateChanged();
}

void CoreConnection::onPublished(const Event &event)
{
    ++m_thisSecond;
    m_recent.append(event);
    // Copied: a handler may subscribe or unsubscribe, which clears the routes.
    const std::vector<int> ids = routeFor(event.type);
    for (const int id : ids) {
        const auto it = m_subscriptions.find(id);
        if (it == m_subscriptions.end() || !it->second.receiver)
            continue;
        const std::shared_ptr<const EventHandler> handler = it->second.handler;
        (*handler)(event);
    }
}

void CoreConnection::sampleRate()
{
    m_perSecond[size_t(m_samples % RateWindowSeconds)] = m_thisSecond;
    m_thisSecond = 0;
    ++m_samples;
    const int seconds = std::min(m_samples, RateWindowSeconds);
    const double rate = double(std::accumulate(m_perSecond.begin(), m_perSecond.begin() + seconds, 0)) / seconds;
    if (rate != m_eventRate) {
        m_eventRate = rate;
        Q_EMIT eventRateChanged();
    }
}

} // namespace cabinet::gui

#include "gui/CoreConnection.h"

#include "Assert.h"

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

void CoreConnection::onOpened(const QString &dataDir, const QString &operatingMode)
{
    if (dataDir != m_dataDir) {
        m_dataDir = dataDir;
        Q_EMIT dataDirChanged();
    }
    setOperatingMode(operatingMode);
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
    if (event.type == events::ConfigChanged && event.payload.value(QStringLiteral("key")).toString() == u"mode") {
        request(
            this, [](Cabinet &cabinet) { return cabinet.operatingMode(); },
            [this](const QString &mode) { setOperatingMode(mode); });
    }
    Q_EMIT eventPublished(event);
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

void CoreConnection::setOperatingMode(const QString &mode)
{
    if (mode == m_operatingMode)
        return;
    m_operatingMode = mode;
    Q_EMIT operatingModeChanged();
}

} // namespace cabinet::gui

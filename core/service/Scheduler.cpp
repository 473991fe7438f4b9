#include "service/Scheduler.h"

#include "Assert.h"
#include "service/Service.h"

#include <QLoggingCategory>
#include <QThread>

#include <algorithm>

Q_LOGGING_CATEGORY(lcScheduler, "cabinet.scheduler")

namespace cabinet {

Scheduler::Scheduler(const Clock &clock, QObject *parent) : QObject(parent), m_clock(clock)
{
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &Scheduler::runDue);
    if (!m_clock.movesOnItsOwn())
        m_listenerId = const_cast<Clock &>(m_clock).addListener([this] { wakeFromAnyThread(); });
}

Scheduler::~Scheduler()
{
    if (m_listenerId)
        const_cast<Clock &>(m_clock).removeListener(m_listenerId);
    for (Service *service : m_services)
        service->m_wake = {};
}

void Scheduler::add(Service &service)
{
    CABINET_ASSERT(std::find(m_services.begin(), m_services.end(), &service) == m_services.end());
    m_services.push_back(&service);
    service.m_wake = [this] { wakeFromAnyThread(); };
    runDue();
}

void Scheduler::remove(Service &service)
{
    service.m_wake = {};
    std::erase(m_services, &service);
    reschedule();
}

void Scheduler::wakeFromAnyThread()
{
    if (QThread::currentThread() == thread()) {
        runDue();
        return;
    }
    // One queued pass is enough however many wakes arrive before it runs.
    if (m_wakeQueued.exchange(true))
        return;
    QMetaObject::invokeMethod(this, [this] {
        m_wakeQueued = false;
        runDue();
    }, Qt::QueuedConnection);
}

std::optional<qint64> Scheduler::nextDeadlineNs() const
{
    std::optional<qint64> earliest;
    for (Service *service : m_services) {
        const auto deadline = service->nextDeadlineNs();
        if (deadline && (!earliest || *deadline < *earliest))
            earliest = deadline;
    }
    return earliest;
}

void Scheduler::runDue()
{
    // A service's runDue() may wake the scheduler (it created more work, or
    // a test's service moved the ManualClock); the pass in progress sees that
    // work and reads the clock afresh for each run, so no nested pass is
    // needed and no wake is lost.
    if (std::exchange(m_running, true))
        return;
    for (int runs = 0;; ++runs) {
        const qint64 nowNs = m_clock.nowNs();
        Service *due = nullptr;
        qint64 dueAt = 0;
        for (Service *service : m_services) {
            const auto deadline = service->nextDeadlineNs();
            if (deadline && *deadline <= nowNs && (!due || *deadline < dueAt)) {
                due = service;
                dueAt = *deadline;
            }
        }
        if (!due)
            break;
        if (runs == RunsPerPassMax) {
            qCWarning(lcScheduler).noquote() << "service" << due->name() << "is still due after" << RunsPerPassMax
                                             << "runs in one pass; going on at the next";
            break;
        }
        due->runDue(nowNs);
    }
    m_running = false;
    reschedule();
}

void Scheduler::reschedule()
{
    if (!m_clock.movesOnItsOwn())
        return; // the clock tells us when it moves
    const auto deadline = nextDeadlineNs();
    if (!deadline) {
        m_timer.stop();
        return;
    }
    const qint64 waitNs = std::max<qint64>(0, *deadline - m_clock.nowNs());
    // Round up: a timer that fires a hair early would find nothing due.
    const qint64 waitMs = std::min<qint64>((waitNs + 999'999) / 1'000'000, TimerWaitMaxMs);
    m_timer.start(int(waitMs));
}

} // namespace cabinet

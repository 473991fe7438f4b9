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
        service->setWake({});
}

void Scheduler::add(Service &service)
{
    CABINET_ASSERT(std::find(m_services.begin(), m_services.end(), &service) == m_services.end());
    m_services.push_back(&service);
    service.setWake([this] { wakeFromAnyThread(); });
    runDue();
}

void Scheduler::remove(Service &service)
{
    service.setWake({});
    std::erase(m_services, &service);
    m_held.erase(&service);
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

std::optional<qint64> Scheduler::effectiveDeadlineNs(Service *service) const
{
    auto deadline = service->nextDeadlineNs();
    if (const auto held = m_held.find(service); deadline && held != m_held.end())
        deadline = std::max(*deadline, held->second.untilNs);
    return deadline;
}

std::optional<qint64> Scheduler::nextDeadlineNs() const
{
    std::optional<qint64> earliest;
    for (Service *service : m_services) {
        const auto deadline = effectiveDeadlineNs(service);
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
    std::unordered_map<Service *, int> runsThisPass;
    for (;;) {
        const qint64 nowNs = m_clock.nowNs();
        Service *due = nullptr;
        qint64 dueAt = 0;
        for (Service *service : m_services) {
            const auto deadline = effectiveDeadlineNs(service);
            if (deadline && *deadline <= nowNs && (!due || *deadline < dueAt)) {
                due = service;
                dueAt = *deadline;
            }
        }
        if (!due)
            break;
        if (++runsThisPass[due] > RunsPerPassMax) {
            Hold &hold = m_held[due];
            hold.backoffNs = std::clamp(hold.backoffNs * 2, StuckBackoffMinNs, StuckBackoffMaxNs);
            hold.untilNs = nowNs + hold.backoffNs;
            qCWarning(lcScheduler).noquote() << "service" << due->name() << "is still due after" << RunsPerPassMax
                                             << "runs in one pass; held back" << hold.backoffNs / 1'000'000 << "ms";
            continue;
        }
        due->runDue(nowNs);
        // Not due any more: whatever held it back is over.
        if (const auto held = m_held.find(due); held != m_held.end()) {
            const auto next = due->nextDeadlineNs();
            if (!next || *next > m_clock.nowNs())
                m_held.erase(held);
        }
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

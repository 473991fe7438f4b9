#include "pilot/PilotRunner.h"

#include "Assert.h"
#include "events/EventBus.h"
#include "events/EventTypes.h"

#include <ctime>

#include <condition_variable>
#include <deque>
#include <mutex>

namespace cabinet::pilot {

namespace {

// This thread's CPU time: a step's work, apart from the waits for a core
// that a loaded machine adds to its wall time.
qint64 threadCpuNs()
{
    timespec t {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return qint64(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

} // namespace

struct PilotRunner::Shared {
    std::mutex mutex; // guards everything below
    std::condition_variable room;
    std::deque<WindowOrders> ready;
    // A worker works while it is the generation's: a day's end or the
    // next day's start moves it on, and a worker left behind stops.
    quint64 generation = 0;
    // Cleared by the runner's destructor first; the worker posts to the
    // runner only while holding the mutex with owner set.
    PilotRunner *owner = nullptr;
};

PilotRunner::PilotRunner(ledger::Ledger &ledger, AuditLog &audit, EventBus &events)
    : m_ledger(ledger), m_audit(audit), m_events(events), m_shared(std::make_shared<Shared>())
{
    m_shared->owner = this;
    m_worker.setMaxThreadCount(1);
}

PilotRunner::~PilotRunner()
{
    std::lock_guard lock(m_shared->mutex);
    m_shared->owner = nullptr;
    ++m_shared->generation;
    m_shared->room.notify_all();
}

void PilotRunner::start(quint32 run, const PilotParams &params, Finished finished)
{
    CABINET_ASSERT(!busy());
    m_run = run;
    m_finished = std::move(finished);
    m_day = std::make_unique<PilotDay>(m_ledger, m_audit, run, params);
    m_longestStepNs = 0;
    m_longestStep.clear();
    m_longestStepCpuNs = 0;
    m_sinceProgress.invalidate();
    quint64 generation = 0;
    {
        std::lock_guard lock(m_shared->mutex);
        m_shared->ready.clear();
        generation = ++m_shared->generation;
    }
    auto shared = m_shared;
    m_worker.start([shared, generation, run, params] {
        PilotOrders orders(run, params);
        while (!orders.done()) {
            WindowOrders window = orders.next();
            std::unique_lock lock(shared->mutex);
            const auto stopped = [&] { return shared->generation != generation || !shared->owner; };
            shared->room.wait(lock, [&] { return stopped() || shared->ready.size() < WindowsAheadMax; });
            if (stopped())
                return;
            shared->ready.push_back(std::move(window));
            PilotRunner *owner = shared->owner;
            QMetaObject::invokeMethod(&owner->m_context, [owner] { owner->schedule(); }, Qt::QueuedConnection);
        }
    });
    schedule(); // the accounts open meanwhile
}

void PilotRunner::schedule()
{
    if (m_scheduled || !m_day)
        return;
    m_scheduled = true;
    QMetaObject::invokeMethod(&m_context, [this] {
        m_scheduled = false;
        turn();
    }, Qt::QueuedConnection);
}

void PilotRunner::turn()
{
    if (!m_day)
        return;
    const PilotDay::TakeOrders take = [this]() -> std::optional<WindowOrders> {
        std::lock_guard lock(m_shared->mutex);
        if (m_shared->ready.empty())
            return std::nullopt;
        WindowOrders window = std::move(m_shared->ready.front());
        m_shared->ready.pop_front();
        m_shared->room.notify_all();
        return window;
    };
    const QString phase = m_day->phaseName();
    QElapsedTimer timer;
    timer.start();
    const qint64 cpuBefore = threadCpuNs();
    auto step = m_day->step(take);
    m_longestStepCpuNs = std::max(m_longestStepCpuNs, threadCpuNs() - cpuBefore);
    if (timer.nsecsElapsed() > m_longestStepNs) {
        m_longestStepNs = timer.nsecsElapsed();
        m_longestStep = phase;
    }
    if (!step)
        return finish(step.error());
    if (*step == PilotDay::Step::Done)
        return finish(m_day->result());
    if (!m_sinceProgress.isValid() || m_sinceProgress.elapsed() >= 1000 / ProgressEventsPerSecond) {
        m_sinceProgress.start();
        m_events.publishEphemeral(events::PilotRunProgress, m_day->progress());
    }
    // Waiting for orders: the worker's next window schedules the next turn.
    if (*step == PilotDay::Step::Worked)
        schedule();
}

void PilotRunner::finish(Result<DayResult> result)
{
    {
        std::lock_guard lock(m_shared->mutex);
        ++m_shared->generation; // a failed day's worker stops too
        m_shared->ready.clear();
        m_shared->room.notify_all();
    }
    if (result) {
        result->performance.insert(QStringLiteral("longest_step_ms"), double(m_longestStepNs) / 1e6);
        result->performance.insert(QStringLiteral("longest_step"), m_longestStep);
        result->performance.insert(QStringLiteral("longest_step_cpu_ms"), double(m_longestStepCpuNs) / 1e6);
        result->performance.insert(QStringLiteral("windows"), m_day->windows());
    }
    m_day.reset();
    if (auto finished = std::exchange(m_finished, {}))
        finished(std::move(result));
}

void PilotRunner::abandon(const Error &why)
{
    if (m_day)
        finish(why);
}

QJsonObject PilotRunner::progress() const
{
    return m_day ? m_day->progress() : QJsonObject {};
}

} // namespace cabinet::pilot

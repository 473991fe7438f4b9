#pragma once

// Runs a pilot day in the background, as ScenarioRunner runs a
// simulation: the orders (PilotOrders: key pairs, signatures and their
// checks) on a worker thread of its own, the ledger's part (PilotDay's
// steps) on this thread, which owns the database, one bounded step per turn
// of its event loop, so the core keeps answering while the day runs.
// Progress goes out as ephemeral pilot.run_progress events (at most
// ProgressEventsPerSecond); the end goes to the Finished callback.
#include "Result.h"
#include "pilot/PilotDay.h"

#include <QObject>
#include <QThreadPool>

#include <memory>

namespace cabinet {
class AuditLog;
class EventBus;
} // namespace cabinet

namespace cabinet::pilot {

// Windows of orders made ahead of the ledger, at most: the worker waits
// for room beyond it (a window of 10,000 participants' orders is ~300 holds).
inline constexpr size_t WindowsAheadMax = 16;
inline constexpr int ProgressEventsPerSecond = 5;

class PilotRunner {
public:
    PilotRunner(ledger::Ledger &ledger, AuditLog &audit, EventBus &events);
    // Stops the worker; a day in flight is abandoned where it is (the
    // ledger's sweep voids its open holds when their timeouts pass).
    ~PilotRunner();

    using Finished = std::function<void(Result<DayResult>)>;
    // Starts run `run`'s day; `finished` gets its result on this thread.
    // One day at a time: busy() must be false.
    void start(quint32 run, const PilotParams &params, Finished finished);
    // Stops the day in flight where it is; its Finished gets `why`.
    void abandon(const Error &why);
    bool busy() const { return bool(m_day); }
    quint32 currentRun() const { return m_day ? m_run : 0; }
    // The running day's progress (PilotDay::progress), {} when none.
    QJsonObject progress() const;

private:
    struct Shared;
    void schedule();
    void turn();
    void finish(Result<DayResult> result);

    ledger::Ledger &m_ledger;
    AuditLog &m_audit;
    EventBus &m_events;
    QObject m_context; // the steps are queued to it; pending ones die with it
    std::shared_ptr<Shared> m_shared;
    std::unique_ptr<PilotDay> m_day;
    quint32 m_run = 0;
    Finished m_finished;
    bool m_scheduled = false;
    qint64 m_longestStepNs = 0;
    QString m_longestStep; // its phase
    qint64 m_longestStepCpuNs = 0; // the most CPU time a step took on this thread
    QElapsedTimer m_sinceProgress;
    // The orders' worker: one thread of the runner's own, not the global
    // pool's, which the board and the scenario runs share (a day holds its
    // worker for the whole day). Last, so it goes first: its destructor
    // waits for a worker the destructor above told to stop.
    QThreadPool m_worker;
};

} // namespace cabinet::pilot

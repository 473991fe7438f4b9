#pragma once

#include "Result.h"

#include <QString>

#include <functional>
#include <mutex>
#include <optional>

namespace cabinet {

// A part of the core that runs while the core runs: the ledger's expiry
// sweep, the audit chain's watch, and from the orchestrator on lease expiry,
// approval deadlines, budget refills. Cabinet starts the services from one
// list in dependency order and stops them in reverse; one Scheduler runs
// every service's deadlines from the Clock, so no service owns a timer and a
// ManualClock fires them at once in tests (docs/architecture.md).
class Service {
public:
    virtual ~Service() = default;

    // Short, stable, for logs and the console ("ledger.expiry").
    virtual QString name() const = 0;
    virtual Status start() { return {}; }
    virtual void stop() { }

    // The next time on the Clock (ns since the epoch) at which this service
    // needs runDue(), or nothing when no deadline is pending. Asked again
    // after every runDue() and after every wake().
    virtual std::optional<qint64> nextDeadlineNs() { return std::nullopt; }
    // Does what has fallen due by nowNs. Called by the scheduler only.
    virtual void runDue(qint64 nowNs) { Q_UNUSED(nowNs); }

    // Tells the scheduler the deadline may have moved (work arrived that is
    // due sooner). Safe to call at any time and from any thread, also before
    // the service runs and while the scheduler lets it go: the scheduler sets
    // and clears its hook under the same lock.
    void wake()
    {
        std::lock_guard lock(m_wakeMutex);
        if (m_wake)
            m_wake();
    }

private:
    friend class Scheduler;
    void setWake(std::function<void()> wake)
    {
        std::lock_guard lock(m_wakeMutex);
        m_wake = std::move(wake);
    }

    // Recursive: on the scheduler's thread a wake runs the due pass at once,
    // and a service may wake itself from its runDue().
    std::recursive_mutex m_wakeMutex;
    std::function<void()> m_wake;
};

} // namespace cabinet

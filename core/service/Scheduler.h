#pragma once

#include "Clock.h"

#include <QObject>
#include <QTimer>

#include <atomic>
#include <optional>
#include <unordered_map>
#include <vector>

namespace cabinet {

class Service;

// Runs every service's deadlines from the one Clock, on the thread it lives
// on. With a clock that moves on its own it sleeps on a single timer until
// the earliest deadline; with a ManualClock it runs whatever fell due as soon
// as the clock is moved (at once when moved on its own thread), so a test that
// advances four hours sees four hours of deadlines fire, in deadline order,
// none early, with no real waiting.
class Scheduler : public QObject {
    Q_OBJECT
public:
    // A service whose deadline is still due after this many runs in one pass
    // is held back (and logged): a bug there, or a write that keeps failing,
    // must not spin the core's thread. It is asked again after a back-off
    // that doubles from StuckBackoffMinNs up to StuckBackoffMaxNs while it
    // stays stuck, and ends the first time a run leaves it not due.
    static constexpr int RunsPerPassMax = 10'000;
    static constexpr qint64 StuckBackoffMinNs = 10'000'000;      // 10 ms
    static constexpr qint64 StuckBackoffMaxNs = 60'000'000'000;  // 60 s
    // The longest a timer waits before deadlines are asked again, so a clock
    // step (NTP, suspend) is noticed within it.
    static constexpr qint64 TimerWaitMaxMs = 60'000;

    explicit Scheduler(const Clock &clock, QObject *parent = nullptr);
    ~Scheduler() override;

    // Services may be added while running; the scheduler does not own them.
    void add(Service &service);
    void remove(Service &service);

    // Runs everything due now, then waits for the next deadline.
    void runDue();
    // The earliest deadline among the services, if any (a held-back
    // service's counts from the end of its back-off).
    std::optional<qint64> nextDeadlineNs() const;

private:
    struct Hold {
        qint64 untilNs = 0;
        qint64 backoffNs = 0;
    };
    // The deadline the scheduler keeps for `service`: its own, or the end of
    // its back-off when that is later.
    std::optional<qint64> effectiveDeadlineNs(Service *service) const;
    void reschedule();
    void wakeFromAnyThread();

    const Clock &m_clock;
    std::vector<Service *> m_services;
    std::unordered_map<Service *, Hold> m_held; // stuck services and their back-off
    QTimer m_timer;
    int m_listenerId = 0;
    bool m_running = false;
    std::atomic<bool> m_wakeQueued = false; // set by other threads (wakeFromAnyThread)
};

} // namespace cabinet

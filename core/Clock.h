#pragma once

#include <QtGlobal>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <vector>

namespace cabinet {

// Every service takes time from a Clock, so a test can replace it and a
// four-hour deadline is tested in milliseconds.
class Clock {
public:
    virtual ~Clock() = default;
    // Nanoseconds since the Unix epoch (the ledger's resolution).
    virtual qint64 nowNs() const = 0;
    qint64 nowMs() const { return nowNs() / 1'000'000; }
    // Whether time moves on its own. The scheduler waits on a real timer for
    // a clock that does, and is told of every move of one that does not.
    virtual bool movesOnItsOwn() const { return true; }
    // Called after every move of a clock that does not move on its own, on
    // the thread that moved it. Returns an id for removeListener().
    virtual int addListener(std::function<void()>) { return 0; }
    virtual void removeListener(int) { }
};

class SystemClock final : public Clock {
public:
    qint64 nowNs() const override
    {
        using namespace std::chrono;
        return duration_cast<nanoseconds>(system_clock::now().time_since_epoch()).count();
    }
};

// A clock that moves only when told to. Thread-safe so a test can advance it
// while a service on another thread reads it. Every move tells the listeners
// (the scheduler), so deadlines that fall due fire at once, with no waiting.
// Listeners are called under a lock that removeListener() takes too: once it
// returns, the listener is not running on any thread and never runs again,
// so its owner may go. A listener may add or remove listeners itself.
class ManualClock final : public Clock {
public:
    explicit ManualClock(qint64 startNs = 1'700'000'000'000'000'000) : m_nowNs(startNs) { }
    qint64 nowNs() const override { return m_nowNs.load(); }
    bool movesOnItsOwn() const override { return false; }
    void setNs(qint64 ns)
    {
        m_nowNs.store(ns);
        notify();
    }
    void advanceMs(qint64 ms) { advanceNs(ms * 1'000'000); }
    void advanceNs(qint64 ns)
    {
        m_nowNs.fetch_add(ns);
        notify();
    }

    int addListener(std::function<void()> listener) override
    {
        std::lock_guard lock(m_mutex);
        m_listeners.push_back({ ++m_lastId, std::move(listener) });
        return m_lastId;
    }
    void removeListener(int id) override
    {
        std::lock_guard lock(m_mutex);
        std::erase_if(m_listeners, [id](const auto &entry) { return entry.first == id; });
    }

private:
    void notify()
    {
        std::lock_guard lock(m_mutex);
        // A copy: a listener may change the list while it runs.
        const auto listeners = m_listeners;
        for (const auto &entry : listeners) {
            const bool stillListening = std::any_of(m_listeners.begin(), m_listeners.end(),
                                                    [&entry](const auto &l) { return l.first == entry.first; });
            if (stillListening)
                entry.second();
        }
    }

    std::atomic<qint64> m_nowNs;
    std::recursive_mutex m_mutex;
    int m_lastId = 0;
    std::vector<std::pair<int, std::function<void()>>> m_listeners;
};

} // namespace cabinet

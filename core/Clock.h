#pragma once

#include <QtGlobal>

#include <atomic>
#include <chrono>

namespace cabinet {

// Every service takes time from a Clock, so a test can replace it and a
// four-hour deadline is tested in milliseconds.
class Clock {
public:
    virtual ~Clock() = default;
    // Nanoseconds since the Unix epoch (the ledger's resolution).
    virtual qint64 nowNs() const = 0;
    qint64 nowMs() const { return nowNs() / 1'000'000; }
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
// while a service on another thread reads it.
class ManualClock final : public Clock {
public:
    explicit ManualClock(qint64 startNs = 1'700'000'000'000'000'000) : m_nowNs(startNs) { }
    qint64 nowNs() const override { return m_nowNs.load(); }
    void setNs(qint64 ns) { m_nowNs.store(ns); }
    void advanceMs(qint64 ms) { m_nowNs.fetch_add(ms * 1'000'000); }
    void advanceNs(qint64 ns) { m_nowNs.fetch_add(ns); }

private:
    std::atomic<qint64> m_nowNs;
};

} // namespace cabinet

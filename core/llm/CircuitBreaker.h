#pragma once

#include <QString>
#include <QtGlobal>

#include <optional>

namespace cabinet::llm {

// One provider's circuit breaker, on Clock time: closed until `failures`
// failures in a row, then open (no calls) for the cool-down, then half-open
// (one probe call at a time); the probe's success closes it, its failure
// opens it again for another cool-down. The Router moves it to half-open
// when the cool-down ends, as a deadline on the scheduler.
class CircuitBreaker {
public:
    enum class State { Closed, Open, HalfOpen };

    CircuitBreaker(int failures = 5, qint64 cooldownMs = 30'000) { configure(failures, cooldownMs); }
    void configure(int failures, qint64 cooldownMs)
    {
        m_failuresToOpen = std::max(1, failures);
        m_cooldownNs = std::max<qint64>(0, cooldownMs) * 1'000'000;
    }

    State state() const { return m_state; }
    int consecutiveFailures() const { return m_failures; }
    // When an open breaker half-opens.
    std::optional<qint64> openUntilNs() const { return m_state == State::Open ? std::optional(m_openUntilNs) : std::nullopt; }

    // Whether a call may go now (a half-open breaker lets one probe through).
    bool allow(qint64 nowNs)
    {
        advance(nowNs);
        if (m_state == State::Closed)
            return true;
        if (m_state == State::HalfOpen && !m_probing) {
            m_probing = true;
            return true;
        }
        return false;
    }
    // A call let through by allow() ended without its result counting
    // (cancelled, refused before it went).
    void abandoned() { m_probing = false; }
    void succeeded()
    {
        m_state = State::Closed;
        m_failures = 0;
        m_probing = false;
    }
    void failed(qint64 nowNs)
    {
        advance(nowNs);
        ++m_failures;
        m_probing = false;
        if (m_state == State::HalfOpen || m_failures >= m_failuresToOpen) {
            m_state = State::Open;
            m_openUntilNs = nowNs + m_cooldownNs;
        }
    }
    // Open -> half-open once the cool-down is over; true when it moved.
    bool advance(qint64 nowNs)
    {
        if (m_state == State::Open && nowNs >= m_openUntilNs) {
            m_state = State::HalfOpen;
            m_probing = false;
            return true;
        }
        return false;
    }

    static QString stateName(State state)
    {
        switch (state) {
        case State::Closed: return QStringLiteral("closed");
        case State::Open: return QStringLiteral("open");
        case State::HalfOpen: return QStringLiteral("half_open");
        }
        return QStringLiteral("closed");
    }

private:
    State m_state = State::Closed;
    int m_failuresToOpen = 5;
    qint64 m_cooldownNs = 0;
    int m_failures = 0;
    qint64 m_openUntilNs = 0;
    bool m_probing = false;
};

} // namespace cabinet::llm

#pragma once

#include "service/Service.h"

#include <QtGlobal>

#include <functional>
#include <optional>

namespace cabinet::llm {

// A part of the model layer with deadlines on the Clock (a retry's backoff,
// the offline provider's pacing). The Router, itself a Service, asks each of
// its parts and runs what falls due, so the one Scheduler drives them all
// and a ManualClock fires them at once (docs/models.md).
class Timed {
public:
    virtual ~Timed() = default;
    virtual std::optional<qint64> nextDeadlineNs() const = 0;
    virtual void runDue(qint64 nowNs) = 0;
    // Called when the deadline may have moved sooner.
    void setWake(std::function<void()> wake) { m_wake = std::move(wake); }

protected:
    void wake()
    {
        if (m_wake)
            m_wake();
    }

private:
    std::function<void()> m_wake;
};

// A Timed part on its own, as a Service, for a scheduler without a Router
// (the ChatClient's tests and benchmark).
class TimedService final : public Service {
public:
    TimedService(QString name, Timed &timed) : m_name(std::move(name)), m_timed(timed)
    {
        m_timed.setWake([this] { Service::wake(); });
    }
    ~TimedService() override { m_timed.setWake({}); }
    QString name() const override { return m_name; }
    std::optional<qint64> nextDeadlineNs() override { return m_timed.nextDeadlineNs(); }
    void runDue(qint64 nowNs) override { m_timed.runDue(nowNs); }

private:
    QString m_name;
    Timed &m_timed;
};

} // namespace cabinet::llm

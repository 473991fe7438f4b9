#pragma once

#include "Clock.h"
#include "service/Service.h"

#include <functional>

namespace cabinet {

class EventBus;

// Keeps the events table within its retention limit (config key
// events.retention, default EventBus::RetentionDefault): prunes once at start
// and then every PruneIntervalNs on the Clock.
class EventRetention final : public Service {
public:
    static constexpr qint64 PruneIntervalNs = 3600LL * 1'000'000'000; // hourly

    // `keep` is read at each pass, so a changed setting applies at the next.
    EventRetention(EventBus &events, const Clock &clock, std::function<qint64()> keep);

    QString name() const override { return QStringLiteral("events.retention"); }
    Status start() override;
    void stop() override { m_nextNs = 0; }
    std::optional<qint64> nextDeadlineNs() override;
    void runDue(qint64 nowNs) override;

private:
    EventBus &m_events;
    const Clock &m_clock;
    std::function<qint64()> m_keep;
    qint64 m_nextNs = 0; // 0: not running
};

} // namespace cabinet

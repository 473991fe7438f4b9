#include "events/EventRetention.h"

#include "events/EventBus.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcRetention, "cabinet.events")

namespace cabinet {

EventRetention::EventRetention(EventBus &events, const Clock &clock, std::function<qint64()> keep)
    : m_events(events), m_clock(clock), m_keep(std::move(keep))
{
}

Status EventRetention::start()
{
    m_nextNs = m_clock.nowNs(); // prune once at start
    wake();
    return {};
}

std::optional<qint64> EventRetention::nextDeadlineNs()
{
    if (m_nextNs == 0)
        return std::nullopt;
    return m_nextNs;
}

void EventRetention::runDue(qint64 nowNs)
{
    m_nextNs = nowNs + PruneIntervalNs;
    auto removed = m_events.prune(m_keep());
    if (!removed)
        qCWarning(lcRetention).noquote() << "cannot prune old events:" << removed.error().message;
    else if (*removed > 0)
        qCInfo(lcRetention).noquote() << "pruned" << *removed << "events beyond the retention limit";
}

} // namespace cabinet

#include "gui/RefreshThrottle.h"

namespace cabinet::gui {

RefreshThrottle::RefreshThrottle(std::function<bool()> refresh, QObject *parent)
    : QObject(parent)
    , m_refresh(std::move(refresh))
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &RefreshThrottle::fire);
}

void RefreshThrottle::schedule()
{
    m_wanted = true;
    if (!m_inFlight && !m_timer.isActive())
        startTimer();
}

void RefreshThrottle::finished()
{
    m_inFlight = false;
    m_sinceAnswer.start();
    if (m_wanted && !m_timer.isActive())
        startTimer();
}

void RefreshThrottle::startTimer()
{
    const qint64 waited = m_sinceAnswer.isValid() ? m_sinceAnswer.elapsed() : m_intervalMs;
    m_timer.start(int(std::max<qint64>(0, m_intervalMs - waited)));
}

void RefreshThrottle::fire()
{
    if (m_inFlight || !m_wanted)
        return;
    m_wanted = false;
    m_inFlight = true;
    // Nothing asked (no core yet, no account chosen): no answer to space from.
    if (!m_refresh())
        m_inFlight = false;
}

} // namespace cabinet::gui

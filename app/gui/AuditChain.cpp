#include "gui/AuditChain.h"

#include "audit/AuditLog.h"

namespace cabinet::gui {

AuditChain::AuditChain(QObject *parent)
    : QObject(parent)
{
    m_debounce.setSingleShot(true);
    connect(&m_debounce, &QTimer::timeout, this, &AuditChain::verify);
}

void AuditChain::setConnection(CoreConnection *connection)
{
    if (followConnection(m_connection, connection, this, &AuditChain::onEvent, &AuditChain::verify))
        Q_EMIT connectionChanged();
}

void AuditChain::setDebounceMs(int ms)
{
    if (ms == m_debounceMs)
        return;
    m_debounceMs = ms;
    Q_EMIT debounceMsChanged();
}

void AuditChain::verify()
{
    if (!m_connection || m_connection->state() != CoreConnection::Ready)
        return;
    if (m_busy) {
        m_again = true;
        return;
    }
    m_debounce.stop();
    setBusy(true);
    m_running.start();
    m_connection->request(
        this, [](Cabinet &cabinet) { return cabinet.audit().verify(); },
        [this](const Result<AuditLog::Verification> &result) {
            m_lastDurationMs = m_running.elapsed();
            if (result) {
                m_verdict = result->intact ? Intact : Broken;
                m_entries = result->entries;
                m_brokenAt = result->firstBrokenSeq;
                m_reason = result->reason;
            } else {
                m_verdict = Unreadable;
                m_reason = result.error().message;
            }
            Q_EMIT resultChanged();
            setBusy(false);
            if (std::exchange(m_again, false))
                verify();
        });
}

void AuditChain::onEvent(const Event &event)
{
    // Not restarted by every entry, so a steady stream is still verified.
    if (event.type == events::AuditAppended && !m_debounce.isActive())
        m_debounce.start(int(std::max<qint64>(m_debounceMs, CoreShareDivisor * m_lastDurationMs)));
}

void AuditChain::setBusy(bool busy)
{
    if (busy == m_busy)
        return;
    m_busy = busy;
    Q_EMIT busyChanged();
}

} // namespace cabinet::gui

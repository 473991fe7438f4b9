#include "gui/AuditChain.h"

namespace cabinet::gui {

AuditChain::AuditChain(QObject *parent)
    : QObject(parent)
{
    m_debounce.setSingleShot(true);
    connect(&m_debounce, &QTimer::timeout, this, [this] { check(Scope::New); });
    m_wholeTimer.setSingleShot(true);
    connect(&m_wholeTimer, &QTimer::timeout, this, [this] { check(Scope::Whole); });
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

void AuditChain::setWholeIntervalMs(int ms)
{
    if (ms == m_wholeIntervalMs)
        return;
    m_wholeIntervalMs = ms;
    Q_EMIT wholeIntervalMsChanged();
}

void AuditChain::verify()
{
    check(Scope::Whole);
}

void AuditChain::check(Scope scope)
{
    if (!m_connection || m_connection->state() != CoreConnection::Ready)
        return;
    if (m_busy) {
        m_again = scope == Scope::Whole || m_again == Scope::Whole ? Scope::Whole : Scope::New;
        return;
    }
    // Going on from a checkpoint needs a trail found sound. Before the first
    // whole walk, or with a broken or unreadable trail, new entries change
    // nothing: the next whole walk (on its timer, or asked for) tells.
    if (scope == Scope::New && m_verdict != Intact)
        return;
    const bool whole = scope == Scope::Whole;
    const AuditLog::Checkpoint from = whole ? AuditLog::Checkpoint {} : m_checkpoint;
    m_debounce.stop();
    if (whole)
        m_wholeTimer.stop();
    setBusy(true);
    m_running.start();
    m_connection->request(
        this, [from](Cabinet &cabinet) { return cabinet.audit().verifyAfter(from); },
        [this, whole](const Result<AuditLog::Verification> &result) {
            const qint64 tookMs = m_running.elapsed();
            if (whole) {
                m_wholeCheckedAt = QDateTime::currentDateTime();
                m_wholeTimer.start(int(std::max<qint64>(m_wholeIntervalMs, CoreShareDivisor * tookMs)));
            } else {
                m_lastNewCheckMs = tookMs;
            }
            if (result) {
                m_verdict = result->intact ? Intact : Broken;
                m_entries = result->entries;
                m_brokenAt = result->firstBrokenSeq;
                m_reason = result->reason;
                m_checkpoint = result->last;
            } else {
                m_verdict = Unreadable;
                m_reason = result.error().message;
            }
            Q_EMIT resultChanged();
            setBusy(false);
            if (const auto again = std::exchange(m_again, std::nullopt))
                check(*again);
        });
}

void AuditChain::onEvent(const Event &event)
{
    // Not restarted by every entry, so a steady stream is still verified.
    if (event.type == events::AuditAppended && !m_debounce.isActive())
        m_debounce.start(int(std::max<qint64>(m_debounceMs, CoreShareDivisor * m_lastNewCheckMs)));
}

void AuditChain::setBusy(bool busy)
{
    if (busy == m_busy)
        return;
    m_busy = busy;
    Q_EMIT busyChanged();
}

} // namespace cabinet::gui

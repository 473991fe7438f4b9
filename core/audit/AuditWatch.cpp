#include "audit/AuditWatch.h"

#include "Assert.h"
#include "events/EventBus.h"

#include <QLoggingCategory>

#include <algorithm>

Q_LOGGING_CATEGORY(lcAuditWatch, "cabinet.audit.watch")

namespace cabinet {

AuditWatch::AuditWatch(AuditLog &audit, EventBus &events, const Clock &clock) : m_audit(audit), m_events(events), m_clock(clock) { }

AuditWatch::~AuditWatch()
{
    stop();
}

Status AuditWatch::start()
{
    if (m_running)
        return {};
    m_running = true;
    m_subscription = m_events.subscribe({ events::AuditAppended }, [this](const Event &) { onAppended(); });
    m_wholeDueNs = m_clock.nowNs() + FirstWalkDelayNs;
    wake();
    return {};
}

void AuditWatch::stop()
{
    if (!m_running)
        return;
    m_running = false;
    m_events.unsubscribe(std::exchange(m_subscription, 0));
    m_wholeDueNs.reset();
    m_newDueNs.reset();
}

std::optional<qint64> AuditWatch::nextDeadlineNs()
{
    if (!m_running)
        return std::nullopt;
    if (m_wholeDueNs && m_newDueNs)
        return std::min(*m_wholeDueNs, *m_newDueNs);
    return m_wholeDueNs ? m_wholeDueNs : m_newDueNs;
}

void AuditWatch::runDue(qint64 nowNs)
{
    // A whole walk also covers whatever is new.
    if (m_wholeDueNs && *m_wholeDueNs <= nowNs)
        (void)walkWhole(); // its result is the state, published
    else if (m_newDueNs && *m_newDueNs <= nowNs)
        checkNew();
}

void AuditWatch::onAppended()
{
    // Going on from a sound entry needs a trail found sound. Before the first
    // walk, or with a broken or unreadable trail, new entries change nothing:
    // the next whole walk tells. Not pushed back by every entry, so a steady
    // stream is still verified.
    if (!m_running || m_verdict != Verdict::Intact || m_newDueNs)
        return;
    m_newDueNs = m_clock.nowNs() + std::max(NewEntriesDelayNs, CoreShareDivisor * m_lastNewCheckNs);
    wake();
}

Result<AuditLog::Verification> AuditWatch::walkNow()
{
    if (!m_running)
        return m_audit.verify();
    return walkWhole();
}

Result<AuditLog::Verification> AuditWatch::walkWhole()
{
    m_checking = true;
    publish();
    const qint64 startNs = m_clock.nowNs();
    const auto result = m_audit.verify();
    const qint64 endNs = m_clock.nowNs();
    m_checking = false;
    m_lastWholeWalkEndNs = endNs;
    m_newDueNs.reset();
    if (m_running)
        m_wholeDueNs = endNs + std::max(WholeWalkIntervalNs, CoreShareDivisor * std::max<qint64>(0, endNs - startNs));
    apply(result);
    publish(); // the walk's time changed, whatever else did
    return result;
}

void AuditWatch::checkNew()
{
    m_newDueNs.reset();
    if (m_verdict != Verdict::Intact)
        return;
    const qint64 startNs = m_clock.nowNs();
    const auto result = m_audit.verifyAfter(m_sound);
    m_lastNewCheckNs = std::max<qint64>(0, m_clock.nowNs() - startNs);
    if (apply(result))
        publish();
}

bool AuditWatch::apply(const Result<AuditLog::Verification> &result)
{
    const Verdict before = m_verdict;
    const qint64 entriesBefore = m_entries;
    const qint64 brokenBefore = m_firstBrokenSeq;
    const QString reasonBefore = m_reason;
    if (result) {
        m_verdict = result->intact ? Verdict::Intact : Verdict::Broken;
        m_entries = result->entries;
        m_firstBrokenSeq = result->firstBrokenSeq;
        m_reason = result->reason;
        m_sound = result->last;
    } else {
        m_verdict = Verdict::Unreadable;
        m_firstBrokenSeq = 0;
        m_reason = result.error().message;
        m_sound = {};
    }
    if (m_verdict != before) {
        if (m_verdict == Verdict::Intact)
            qCInfo(lcAuditWatch).noquote() << "audit trail intact:" << m_entries << "entries";
        else if (m_verdict == Verdict::Broken)
            qCWarning(lcAuditWatch).noquote() << "audit trail broken at entry" << m_firstBrokenSeq << ":" << m_reason;
        else
            qCWarning(lcAuditWatch).noquote() << "audit trail unreadable:" << m_reason;
    }
    return m_verdict != before || m_entries != entriesBefore || m_firstBrokenSeq != brokenBefore || m_reason != reasonBefore;
}

void AuditWatch::publish()
{
    ++m_revision;
    if (m_running)
        m_events.publishEphemeral(events::ServiceState, status());
}

QString AuditWatch::verdictName(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Unknown: return QStringLiteral("unknown");
    case Verdict::Intact: return QStringLiteral("intact");
    case Verdict::Broken: return QStringLiteral("broken");
    case Verdict::Unreadable: return QStringLiteral("unreadable");
    }
    CABINET_ASSERT_MSG(false, "verdict %d", int(verdict));
    return {};
}

QJsonObject AuditWatch::status() const
{
    const QString verdict = verdictName(m_verdict);
    return { { QStringLiteral("service"), name() },
             { QStringLiteral("state"), m_checking ? QStringLiteral("checking") : verdict },
             { QStringLiteral("verdict"), verdict },
             { QStringLiteral("running"), m_running },
             { QStringLiteral("entries"), m_entries },
             { QStringLiteral("first_broken_seq"), m_firstBrokenSeq },
             { QStringLiteral("reason"), m_reason },
             { QStringLiteral("last_whole_walk_ms"), m_lastWholeWalkEndNs / NsPerMs },
             { QStringLiteral("next_whole_walk_ms"), m_running && m_wholeDueNs ? *m_wholeDueNs / NsPerMs : 0 },
             { QStringLiteral("revision"), m_revision } };
}

} // namespace cabinet

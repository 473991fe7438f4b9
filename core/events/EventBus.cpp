#include "events/EventBus.h"

#include "Assert.h"
#include "store/Database.h"

#include <QJsonDocument>

#include <algorithm>

namespace cabinet {

EventBus::EventBus(Database &db, const Clock &clock, QObject *parent) : QObject(parent), m_db(db), m_clock(clock)
{
    qRegisterMetaType<cabinet::Event>();
    // Delivery starts once a transaction has ended, commit callbacks and all.
    m_db.setAfterTransaction([this] { deliver(); });
}

EventBus::~EventBus()
{
    m_db.setAfterTransaction({});
}

Result<qint64> EventBus::append(Transaction &tx, const QString &type, const QJsonObject &payload)
{
    // The outbox row commits with the change it reports: same connection.
    CABINET_ASSERT(&tx.database() == &m_db);
    Event event { 0, m_clock.nowMs(), type, payload };
    auto &insert = m_db.statement("INSERT INTO events(time_ms, type, payload) VALUES (?1, ?2, ?3) RETURNING seq");
    insert.bind(1, event.timeMs).bind(2, type).bindText(3, QJsonDocument(payload).toJson(QJsonDocument::Compact).toStdString());
    auto row = insert.step();
    if (!row || !*row) {
        const QString message = row ? m_db.lastError() : row.error().message;
        insert.reset();
        return Error { ErrorCode::Internal, QStringLiteral("cannot store event %1: %2").arg(type, message) };
    }
    event.seq = insert.int64(0);
    insert.reset();
    tx.onCommit([this, event] { enqueue(event); });
    return event.seq;
}

void EventBus::publishEphemeral(const QString &type, const QJsonObject &payload)
{
    enqueue(Event { 0, m_clock.nowMs(), type, payload });
    // Outside a commit nothing else would start the delivery.
    if (!m_db.inTransaction())
        deliver();
}

int EventBus::subscribe(QStringList types, Handler handler)
{
    m_subscriptions.push_back({ ++m_lastSubscriptionId, std::move(types), std::move(handler) });
    return m_lastSubscriptionId;
}

void EventBus::unsubscribe(int id)
{
    std::erase_if(m_subscriptions, [id](const Subscription &s) { return s.id == id; });
}

bool EventBus::matches(const QStringList &types, const QString &type)
{
    if (types.isEmpty())
        return true;
    for (const QString &wanted : types) {
        if (wanted.endsWith(u'.') ? type.startsWith(wanted) : type == wanted)
            return true;
    }
    return false;
}

void EventBus::enqueue(Event event)
{
    m_queue.push_back(std::move(event));
}

void EventBus::deliver()
{
    // A subscriber's own commit lands here again: its events wait in the
    // queue behind the one being delivered.
    if (std::exchange(m_delivering, true))
        return;
    qint64 lastStoredSeq = 0;
    while (!m_queue.empty()) {
        const Event event = std::move(m_queue.front());
        m_queue.pop_front();
        if (!event.ephemeral()) {
            CABINET_ASSERT_MSG(event.seq > lastStoredSeq, "event %lld delivered after %lld", qlonglong(event.seq),
                               qlonglong(lastStoredSeq));
            lastStoredSeq = event.seq;
        }
        ++m_publishedCount;
        // Copied: a handler may subscribe or unsubscribe. One unsubscribed
        // by an earlier handler is not called any more, not even for this
        // event: whatever its handler captured may be gone.
        const auto subscriptions = m_subscriptions;
        for (const Subscription &subscription : subscriptions) {
            const bool stillSubscribed = std::any_of(m_subscriptions.begin(), m_subscriptions.end(),
                                                     [&](const Subscription &s) { return s.id == subscription.id; });
            if (stillSubscribed && matches(subscription.types, event.type))
                subscription.handler(event);
        }
        Q_EMIT published(event);
    }
    m_delivering = false;
}

Result<QList<Event>> EventBus::replay(qint64 afterSeq, int limit) const
{
    limit = std::clamp(limit, 1, ReplayLimitMax);
    auto first = firstRetainedSequence();
    if (!first)
        return first.error();
    if (afterSeq + 1 < *first)
        return Error { ErrorCode::NotFound,
                       QStringLiteral("events before %1 are no longer kept (the retention limit pruned them); "
                                      "history now starts at %1")
                               .arg(*first),
                       QStringLiteral("from_seq") };
    auto &select = m_db.statement("SELECT seq, time_ms, type, payload FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2");
    select.bind(1, afterSeq).bind(2, qint64(limit));
    QList<Event> result;
    for (;;) {
        auto row = select.step();
        if (!row) {
            select.reset();
            return Error { row.error().code, QStringLiteral("cannot read events: ") + row.error().message };
        }
        if (!*row)
            break;
        result.append(Event { select.int64(0), select.int64(1), select.text(2),
                              QJsonDocument::fromJson(select.blob(3)).object() });
    }
    select.reset();
    return result;
}

qint64 EventBus::lastSequence() const
{
    auto &select = m_db.statement("SELECT coalesce(max(seq), 0) FROM events");
    auto row = select.step();
    const qint64 seq = (row && *row) ? select.int64(0) : 0;
    select.reset();
    return seq;
}

Result<qint64> EventBus::firstRetainedSequence() const
{
    auto &select = m_db.statement("SELECT pruned_through_seq + 1 FROM event_history WHERE id = 1");
    auto row = select.step();
    if (!row || !*row) {
        select.reset();
        return Error { ErrorCode::DataLoss, QStringLiteral("cannot read where the event history starts: ") + m_db.lastError() };
    }
    const qint64 seq = select.int64(0);
    select.reset();
    return seq;
}

Result<qint64> EventBus::prune(qint64 keep)
{
    keep = std::max(keep, RetentionMin);
    const qint64 through = lastSequence() - keep;
    if (through <= 0)
        return qint64(0);
    auto tx = m_db.begin();
    if (!tx)
        return tx.error();
    auto &remove = m_db.statement("DELETE FROM events WHERE seq <= ?1"
                                  " AND seq IS NOT (SELECT max(seq) FROM events WHERE type = ?2)");
    remove.bind(1, through).bind(2, events::AuditAppended);
    if (auto status = remove.exec(); !status)
        return status.error();
    const qint64 removed = m_db.changes();
    auto &mark = m_db.statement("UPDATE event_history SET pruned_through_seq = max(pruned_through_seq, ?1) WHERE id = 1");
    mark.bind(1, through);
    if (auto status = mark.exec(); !status)
        return status.error();
    if (auto status = tx->commit(); !status)
        return status.error();
    return removed;
}

} // namespace cabinet

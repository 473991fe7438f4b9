#include "events/EventBus.h"

#include "store/Database.h"

#include <QJsonDocument>

namespace cabinet {

EventBus::EventBus(Database &db, const Clock &clock, QObject *parent) : QObject(parent), m_db(db), m_clock(clock)
{
    qRegisterMetaType<cabinet::Event>();
}

Result<qint64> EventBus::append(Transaction &tx, const QString &type, const QJsonObject &payload)
{
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
    tx.onCommit([this, event] { publish(event); });
    return event.seq;
}

void EventBus::publishEphemeral(const QString &type, const QJsonObject &payload)
{
    publish(Event { 0, m_clock.nowMs(), type, payload });
}

void EventBus::publish(const Event &event)
{
    ++m_publishedCount;
    Q_EMIT published(event);
}

Result<QList<Event>> EventBus::replay(qint64 afterSeq, int limit) const
{
    auto &select = m_db.statement("SELECT seq, time_ms, type, payload FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2");
    select.bind(1, afterSeq).bind(2, qint64(limit));
    QList<Event> result;
    for (;;) {
        auto row = select.step();
        if (!row) {
            select.reset();
            return Error { ErrorCode::Internal, QStringLiteral("cannot read events: ") + row.error().message };
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

} // namespace cabinet

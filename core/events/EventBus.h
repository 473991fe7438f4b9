#pragma once

#include "Clock.h"
#include "Result.h"
#include "events/Event.h"

#include <QList>
#include <QObject>

namespace cabinet {

class Database;
class Transaction;

// Typed events through an outbox: append() writes the event in the caller's
// transaction and publishes it only after that transaction commits, so a
// rolled-back change publishes nothing. Subscribers connect to published()
// and catch up with replay() from any sequence number.
class EventBus : public QObject {
    Q_OBJECT
public:
    EventBus(Database &db, const Clock &clock, QObject *parent = nullptr);

    Result<qint64> append(Transaction &tx, const QString &type, const QJsonObject &payload);
    void publishEphemeral(const QString &type, const QJsonObject &payload);

    // Stored events with seq > afterSeq, oldest first, at most `limit`.
    Result<QList<Event>> replay(qint64 afterSeq, int limit = 1000) const;
    qint64 lastSequence() const;
    // Events published since start (stored and ephemeral), for the event rate.
    quint64 publishedCount() const { return m_publishedCount; }

Q_SIGNALS:
    void published(const cabinet::Event &event);

private:
    void publish(const Event &event);

    Database &m_db;
    const Clock &m_clock;
    quint64 m_publishedCount = 0;
};

} // namespace cabinet

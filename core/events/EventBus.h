#pragma once

#include "Clock.h"
#include "Result.h"
#include "events/Event.h"

#include <QList>
#include <QObject>
#include <QStringList>

#include <deque>
#include <functional>
#include <vector>

namespace cabinet {

class Database;
class Transaction;

// Typed events through an outbox: append() writes the event in the caller's
// transaction; once that transaction has committed the event joins a queue
// and is delivered from it in sequence order, never from inside a commit. A
// subscriber that writes starts its own transaction; its events are queued
// behind the ones being delivered, so every subscriber sees every event in
// sequence order. A rolled-back change publishes nothing.
//
// In-core subscribers use subscribe() with the types (or "prefix." groups)
// they want; published() carries every event to the faces (the console's
// relay). Events are kept for replay up to a retention limit.
class EventBus : public QObject {
    Q_OBJECT
public:
    // Stored events kept for replay by default; prune() removes older ones.
    static constexpr qint64 RetentionDefault = 1'000'000;
    static constexpr qint64 RetentionMin = 1'000;
    // Events read by one replay() call at most.
    static constexpr int ReplayLimitMax = 10'000;

    EventBus(Database &db, const Clock &clock, QObject *parent = nullptr);
    ~EventBus() override;

    Result<qint64> append(Transaction &tx, const QString &type, const QJsonObject &payload);
    void publishEphemeral(const QString &type, const QJsonObject &payload);

    using Handler = std::function<void(const Event &)>;
    // `types` holds exact type names ("ledger.transfers_created") or groups
    // ending in a dot ("ledger."); empty means every type. Returns an id for
    // unsubscribe(). Handlers run on the bus's thread, in sequence order.
    int subscribe(QStringList types, Handler handler);
    // Once it returns the handler is not called again, also when it is
    // called from inside a delivery.
    void unsubscribe(int id);
    static bool matches(const QStringList &types, const QString &type);

    // Stored events with seq > afterSeq, oldest first, at most `limit`
    // (clamped to ReplayLimitMax). Asking from before the retained history
    // is an error (not_found) that names where history now starts.
    Result<QList<Event>> replay(qint64 afterSeq, int limit = 1000) const;
    qint64 lastSequence() const;
    // The first seq that replay() can still serve (1 when nothing was ever
    // pruned).
    Result<qint64> firstRetainedSequence() const;
    // Removes stored events beyond the newest `keep` (at least RetentionMin),
    // in its own transaction, and records where history now starts. The
    // newest audit.appended event stays (the audit trail's tail check reads
    // it) but is never replayed. Returns how many went.
    Result<qint64> prune(qint64 keep);

    // Events published since start (stored and ephemeral), for the event rate.
    quint64 publishedCount() const { return m_publishedCount; }

Q_SIGNALS:
    void published(const cabinet::Event &event);

private:
    void enqueue(Event event);
    void deliver();

    struct Subscription {
        int id;
        QStringList types;
        Handler handler;
    };

    Database &m_db;
    const Clock &m_clock;
    quint64 m_publishedCount = 0;
    std::deque<Event> m_queue;
    bool m_delivering = false;
    std::vector<Subscription> m_subscriptions;
    int m_lastSubscriptionId = 0;
};

} // namespace cabinet

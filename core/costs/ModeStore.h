#pragma once

#include "Actor.h"
#include "Clock.h"
#include "Result.h"
#include "service/Service.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace cabinet {
class AuditLog;
class Database;
class EventBus;
class Transaction;
} // namespace cabinet

namespace cabinet::costs {

// The operating mode (autonomous, supervised, manual, paused) is state in
// the store, changed only through set() (the mode.set operation: audited,
// with the event mode.changed) or, for a switch the tier policy holds for an
// approval, switchIn() inside the approval's decision. The configuration's
// `mode` key (its environment variable, --set) only seeds a data directory
// whose store holds no mode yet, so no override can bypass the approval
// tier of a switch (docs/costs.md).
class ModeStore : public Service {
public:
    static const QStringList &modes();
    static constexpr const char *SeedDefault = "supervised";

    ModeStore(Database &db, EventBus &events, AuditLog &audit, const Clock &clock, QString seed);

    QString name() const override { return QStringLiteral("mode"); }
    // Seeds the store's mode from the configuration when it holds none.
    Status start() override;

    // The mode in the store; the seed while the store holds none yet (a
    // read-only core, or one not started). `paused` when the store cannot
    // be read: a read error must not put a laxer mode (the seed may be
    // autonomous) in force.
    QString mode() const;
    struct Change {
        QString from, to;
        bool changed = false;
    };
    // Switches now, audited as mode.set under `actor`. The caller has
    // checked the switch's tier (mode.set does).
    Result<Change> set(const QString &mode, const Actor &actor);
    // Switches inside the caller's transaction (an approved mode change's
    // decision, which carries the audit entry): the row and mode.changed,
    // naming `by` and the approval request.
    Status switchIn(Transaction &tx, const QString &mode, const QString &by, const QString &approvalId);

private:
    Result<Change> write(Transaction &tx, const QString &mode, const QString &by, QJsonObject &details);

    Database &m_db;
    EventBus &m_events;
    AuditLog &m_audit;
    const Clock &m_clock;
    QString m_seed;
};

} // namespace cabinet::costs

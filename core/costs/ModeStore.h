#pragma once

#include "Actor.h"
#include "Clock.h"
#include "Result.h"
#include "service/Service.h"

#include <QString>
#include <QStringList>

namespace cabinet {
class AuditLog;
class Database;
class EventBus;
} // namespace cabinet

namespace cabinet::costs {

// The operating mode (autonomous, supervised, manual, paused) is state in
// the store, changed only through set() (the mode.set operation: audited,
// with the event mode.changed). The configuration's `mode` key (its
// environment variable, --set) only seeds a data directory whose store
// holds no mode yet, so no override can bypass the approval tier of a
// switch (docs/costs.md).
class ModeStore : public Service {
public:
    static const QStringList &modes();
    static constexpr const char *SeedDefault = "supervised";

    ModeStore(Database &db, EventBus &events, AuditLog &audit, const Clock &clock, QString seed);

    QString name() const override { return QStringLiteral("mode"); }
    // Seeds the store's mode from the configuration when it holds none.
    Status start() override;

    // The mode in the store; the seed while the store holds none yet (a
    // read-only core, or one not started).
    QString mode() const;
    struct Change {
        QString from, to;
        bool changed = false;
    };
    Result<Change> set(const QString &mode, const Actor &actor);

private:
    Database &m_db;
    EventBus &m_events;
    AuditLog &m_audit;
    const Clock &m_clock;
    QString m_seed;
};

} // namespace cabinet::costs

#include "costs/ModeStore.h"

#include "audit/AuditLog.h"
#include "events/EventBus.h"
#include "events/EventTypes.h"
#include "store/Database.h"

#include <QJsonObject>
#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcCosts) // Budgets.cpp

namespace cabinet::costs {

const QStringList &ModeStore::modes()
{
    static const QStringList all { QStringLiteral("autonomous"), QStringLiteral("supervised"), QStringLiteral("manual"), QStringLiteral("paused") };
    return all;
}

ModeStore::ModeStore(Database &db, EventBus &events, AuditLog &audit, const Clock &clock, QString seed)
    : m_db(db), m_events(events), m_audit(audit), m_clock(clock), m_seed(std::move(seed))
{
    if (!modes().contains(m_seed)) {
        qCWarning(lcCosts).noquote() << "the configured mode" << m_seed.left(32) << "is not one of" << modes().join(QStringLiteral(", "))
                                     << "- seeding" << SeedDefault;
        m_seed = QLatin1String(SeedDefault);
    }
}

Status ModeStore::start()
{
    auto tx = m_db.begin();
    if (!tx)
        return tx.error();
    auto &insert = m_db.statement("INSERT OR IGNORE INTO operating_mode(id, mode, changed_by, changed_ns) VALUES (1, ?1, 'system:config', ?2)");
    if (auto s = insert.bind(1, m_seed).bind(2, m_clock.nowNs()).exec(); !s)
        return s;
    if (m_db.changes() > 0)
        if (auto e = m_events.append(*tx, events::ModeChanged, { { QStringLiteral("from"), QJsonValue() }, { QStringLiteral("to"), m_seed },
                                                                 { QStringLiteral("by"), QStringLiteral("system:config") } });
            !e)
            return e.error();
    return tx->commit();
}

QString ModeStore::mode() const
{
    auto &q = m_db.statement("SELECT mode FROM operating_mode WHERE id = 1");
    auto row = q.step();
    QString mode = QStringLiteral("paused");
    if (!row)
        qCWarning(lcCosts).noquote() << "cannot read the operating mode; paused until it reads:" << row.error().message;
    else
        mode = *row ? q.text(0) : m_seed;
    q.reset();
    return mode;
}

Result<ModeStore::Change> ModeStore::write(Transaction &tx, const QString &mode, const QString &by, QJsonObject &details)
{
    if (!modes().contains(mode))
        return Error { ErrorCode::InvalidArgument, QStringLiteral("the mode must be one of %1").arg(modes().join(QStringLiteral(", "))), QStringLiteral("mode") };
    Change change { this->mode(), mode, false };
    change.changed = change.from != change.to;
    auto &upsert = m_db.statement("INSERT INTO operating_mode(id, mode, changed_by, changed_ns) VALUES (1, ?1, ?2, ?3) "
                                  "ON CONFLICT(id) DO UPDATE SET mode = excluded.mode, changed_by = excluded.changed_by, changed_ns = excluded.changed_ns");
    if (auto s = upsert.bind(1, mode).bind(2, by).bind(3, m_clock.nowNs()).exec(); !s)
        return s.error();
    details.insert(QStringLiteral("from"), change.from);
    details.insert(QStringLiteral("to"), mode);
    details.insert(QStringLiteral("by"), by);
    if (change.changed)
        if (auto e = m_events.append(tx, events::ModeChanged, details); !e)
            return e.error();
    return change;
}

Result<ModeStore::Change> ModeStore::set(const QString &mode, const Actor &actor)
{
    auto tx = m_db.begin();
    if (!tx)
        return tx.error();
    QJsonObject details;
    auto change = write(*tx, mode, actor.toString(), details);
    if (!change)
        return change.error();
    if (auto entry = m_audit.append(*tx, actor.toString(), QStringLiteral("mode.set"), mode, details); !entry)
        return entry.error();
    if (auto s = tx->commit(); !s)
        return s.error();
    return change;
}

Status ModeStore::switchIn(Transaction &tx, const QString &mode, const QString &by, const QString &approvalId)
{
    QJsonObject details { { QStringLiteral("approval_id"), approvalId } };
    if (auto change = write(tx, mode, by, details); !change)
        return change.error();
    return {};
}

} // namespace cabinet::costs

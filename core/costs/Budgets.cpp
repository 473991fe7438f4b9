#include "costs/Budgets.h"

#include "Assert.h"
#include "audit/AuditLog.h"
#include "costs/Money.h"
#include "costs/SpendQueries.h"
#include "events/EventBus.h"
#include "events/EventTypes.h"
#include "ledger/Ledger.h"
#include "ledger/U128.h"
#include "store/Database.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcCosts, "cabinet.costs")

namespace cabinet::costs {

using ledger::u128;
namespace TF = ledger::TransferFlag;
using TS = ledger::CreateTransferStatus;

namespace {

const Actor &costsActor()
{
    static const Actor actor = Actor::system(QStringLiteral("costs"));
    return actor;
}

// What an envelope can still spend: credits less debits posted and pending.
qint64 available(const ledger::Account &a)
{
    const u128 debits = a.debits_posted + a.debits_pending;
    return a.credits_posted > debits ? qint64(a.credits_posted - debits) : -qint64(debits - a.credits_posted);
}

Error badStatus(TS status, const QString &what)
{
    return Error { ErrorCode::Internal, QStringLiteral("the ledger refused %1: %2").arg(what, statusName(status)) };
}

QJsonValue optionalMicros(const std::optional<qint64> &micros)
{
    return micros ? QJsonValue(microsText(*micros)) : QJsonValue();
}

} // namespace

// A reservation in flight: what its settlement needs.
struct Budgets::Open {
    u128 reserveId = 0;
    qint64 reservedMicros = 0;
    QString agent, task, provider, model;
    std::optional<ModelPrice> price; // none: a pricing gap, nothing reserved
};

struct Budgets::ReserveRequest {
    Query query;
    std::function<void(Result<Handle>)> done;
    // Filled as the batch runs.
    Handle handle = 0;
    u128 transferId = 0;
    qint64 amount = 0;
    std::optional<ModelPrice> price;
    std::optional<Error> refused;
    int transferIndex = -1;
};

struct Budgets::SettleRequest {
    Handle handle = 0;
    Settlement settlement;
    std::function<void(Status)> done;
    // Filled as the batch runs.
    Open open;
    u128 transferId = 0;
    qint64 costMicros = 0;
    qint64 overrunMicros = 0;
    bool post = false;
    int transferIndex = -1;
    std::optional<Error> failed;
    // Decided in the batch's transaction (settledOutcomes).
    QString outcome;
    bool expired = false;
    bool refusedByLedger = false; // neither taken nor expired: the reservation stays open
    bool opened = false;          // its reservation was found open (and taken out of m_open)
};

Budgets::Budgets(ledger::Ledger &ledger, Database &db, EventBus &events, AuditLog &audit, const Clock &clock, BudgetSettings settings,
                 QObject *parent)
    : QObject(parent), m_ledger(ledger), m_db(db), m_events(events), m_audit(audit), m_clock(clock), m_settings(std::move(settings)),
      m_prices(PriceTable::builtIn())
{
    reloadPrices(true);
}

Budgets::~Budgets() = default;

// ---- periods -------------------------------------------------------------

QString Budgets::periodOf(qint64 ns) const
{
    const QDateTime local = QDateTime::fromMSecsSinceEpoch(ns / 1'000'000, m_settings.timeZone);
    return local.addSecs(-m_settings.refillSecondsAfterMidnight).date().toString(Qt::ISODate);
}

qint64 Budgets::periodStartNs(qint64 ns) const
{
    const QDate day = QDate::fromString(periodOf(ns), Qt::ISODate);
    const QDateTime start = QDateTime(day, QTime(0, 0), m_settings.timeZone).addSecs(m_settings.refillSecondsAfterMidnight);
    return start.toMSecsSinceEpoch() * 1'000'000;
}

// ---- start and the scheduler ---------------------------------------------

Status Budgets::start()
{
    if (m_started)
        return {};
    if (m_db.readOnly())
        return Error { ErrorCode::FailedPrecondition, QStringLiteral("the budgets cannot start on a read-only data directory") };
    if (auto s = ensureAccounts({ fundingAccount(), treasuryAccount(), envelopeAccount(QStringLiteral("system")) },
                                { AccountCode::Funding, AccountCode::Treasury, AccountCode::Envelope }, costsActor());
        !s)
        return s;
    // A new data directory's treasury holds its seed, so the offline
    // pipeline runs before anyone funds it. Whether it was seeded is the
    // ledger's own state: a treasury never credited (credits posted only
    // grow), so a start that died between creating it and seeding it seeds
    // it at the next start, and a seeded one is never seeded again.
    auto treasury = m_ledger.lookupAccounts(std::vector<u128> { treasuryAccount() });
    if (!treasury)
        return treasury.error();
    CABINET_ASSERT(treasury->size() == 1);
    if (treasury->front().credits_posted == 0 && m_settings.treasurySeedMicros > 0)
        if (auto s = fund(m_settings.treasurySeedMicros, costsActor()); !s)
            return s;
    if (auto s = loadEnvelopes(); !s)
        return s;
    if (!m_envelopes.count(QStringLiteral("system")))
        if (auto s = addEnvelopes({ { QStringLiteral("system"), m_settings.systemDailyMicros, std::nullopt } }); !s)
            return s;
    if (auto s = markLeftPending(); !s)
        return s;
    if (auto s = loadTotals(); !s)
        return s;
    m_started = m_loaded = true;
    return refillIfDue();
}

Status Budgets::ready()
{
    if (m_started)
        return {};
    if (!m_db.readOnly())
        return start();
    return loaded();
}

Status Budgets::loaded()
{
    if (m_loaded)
        return {};
    // Reads only: a read-only core, or a read on a core not started, sees
    // the store as it is and writes nothing.
    auto &q = m_db.statement("SELECT agent, daily_cap_micros, per_call_cap_micros, paused FROM cost_envelopes");
    m_envelopes.clear();
    for (;;) {
        auto row = q.step();
        if (!row) {
            q.reset();
            return row.error();
        }
        if (!*row)
            break;
        Envelope e;
        e.dailyCapMicros = q.int64(1);
        if (!q.isNull(2))
            e.perCallCapMicros = q.int64(2);
        e.paused = q.int64(3) != 0;
        m_envelopes[q.text(0)] = e;
    }
    q.reset();
    if (auto s = loadTotals(); !s)
        return s;
    m_loaded = true;
    return {};
}

Status Budgets::refillIfDue()
{
    auto &last = m_db.statement("SELECT period FROM cost_refills ORDER BY period DESC LIMIT 1");
    auto row = last.step();
    if (!row)
        return row.error();
    const QString done = *row ? last.text(0) : QString();
    last.reset();
    // One refill however many periods passed while the process was down: a
    // refill fills to the cap, days skipped do not add up.
    if (done == periodOf(m_clock.nowNs()))
        return {};
    return refillNow(costsActor());
}

std::optional<qint64> Budgets::nextDeadlineNs()
{
    const qint64 now = m_clock.nowNs();
    // The next period's start: a day on, found from a time safely inside it.
    const qint64 next = periodStartNs(periodStartNs(now) + 36LL * 3600 * 1'000'000'000);
    const qint64 soonest = std::min(next, std::max(m_nextPriceCheckNs, now));
    return m_retries.empty() ? soonest : std::min(soonest, std::max(m_nextRetryNs, now));
}

void Budgets::runDue(qint64 nowNs)
{
    if (nowNs >= m_nextPriceCheckNs)
        reloadPrices(false);
    if (!m_retries.empty() && nowNs >= m_nextRetryNs)
        retrySettles();
    if (auto refilled = refillIfDue(); !refilled)
        qCWarning(lcCosts).noquote() << "the refill did not run:" << refilled.error().message;
}

void Budgets::reloadPrices(bool force)
{
    m_nextPriceCheckNs = m_clock.nowNs() + PriceCheckIntervalNs;
    if (m_settings.pricesPath.isEmpty())
        return;
    const QFileInfo info(m_settings.pricesPath);
    if (!info.exists()) {
        if (m_pricesModified.isValid() || force) {
            m_prices = PriceTable::builtIn();
            m_pricesError.reset();
            m_pricesModified = {};
        }
        return;
    }
    if (!force && info.lastModified() == m_pricesModified)
        return;
    m_pricesModified = info.lastModified();
    auto loaded = PriceTable::load(m_settings.pricesPath);
    if (!loaded) {
        // The table in force stays; the reason is shown by budget.show.
        m_pricesError = loaded.error();
        qCWarning(lcCosts).noquote() << "the price table does not read, keeping version" << m_prices.version() << ":" << loaded.error().message;
        return;
    }
    m_pricesError.reset();
    m_prices = std::move(*loaded);
    qCInfo(lcCosts).noquote() << "price table" << m_prices.version() << "from" << m_prices.source();
}

// ---- accounts and envelopes ----------------------------------------------

Status Budgets::ensureAccounts(const std::vector<u128> &ids, const std::vector<quint16> &codes, const Actor &actor)
{
    std::vector<ledger::Account> missing;
    std::vector<u128> unknown;
    for (u128 id : ids)
        if (!m_accounts.count(id))
            unknown.push_back(id);
    if (unknown.empty())
        return {};
    auto found = m_ledger.lookupAccounts(unknown);
    if (!found)
        return found.error();
    for (const ledger::Account &a : *found)
        m_accounts.insert(a.id);
    for (size_t i = 0; i < ids.size(); ++i) {
        if (m_accounts.count(ids[i]))
            continue;
        ledger::Account a;
        a.id = ids[i];
        a.ledger = UsdLedger;
        a.code = codes[i];
        // An envelope and the treasury can never spend what they were not given.
        if (codes[i] == AccountCode::Envelope || codes[i] == AccountCode::Treasury)
            a.flags = ledger::AccountFlag::DebitsMustNotExceedCredits;
        missing.push_back(a);
    }
    if (missing.empty())
        return {};
    auto created = m_ledger.createAccounts(missing, actor);
    if (!created)
        return created.error();
    for (const auto &r : *created)
        if (r.status != ledger::CreateAccountStatus::Created && r.status != ledger::CreateAccountStatus::Exists)
            return Error { ErrorCode::DataLoss, QStringLiteral("a costs account is in the ledger with other flags or code: %1").arg(statusName(r.status)) };
    for (const ledger::Account &a : missing)
        m_accounts.insert(a.id);
    return {};
}

Status Budgets::loadEnvelopes()
{
    m_loaded = false;
    if (auto s = loaded(); !s)
        return s;
    std::vector<u128> ids;
    for (const auto &[agent, e] : m_envelopes)
        ids.push_back(envelopeAccount(agent));
    return ensureAccounts(ids, std::vector<quint16>(ids.size(), AccountCode::Envelope), costsActor());
}

Status Budgets::setEnvelopes(const std::vector<EnvelopeCaps> &agents)
{
    if (auto s = ready(); !s)
        return s;
    return addEnvelopes(agents);
}

Status Budgets::addEnvelopes(const std::vector<EnvelopeCaps> &agents)
{
    std::vector<EnvelopeCaps> fresh;
    for (const EnvelopeCaps &caps : agents) {
        if (caps.agent.isEmpty() || caps.agent.size() > AgentNameMax)
            return Error { ErrorCode::InvalidArgument, QStringLiteral("an agent's name is 1 to %1 characters").arg(AgentNameMax), QStringLiteral("agent") };
        if (caps.dailyCapMicros < 0 || caps.dailyCapMicros > AmountMaxMicros || (caps.perCallCapMicros && *caps.perCallCapMicros < 0))
            return Error { ErrorCode::InvalidArgument, QStringLiteral("%1's caps must be from 0 to %2 USD").arg(caps.agent).arg(AmountMaxMicros / MicrosPerUsd) };
        if (!m_envelopes.count(caps.agent))
            fresh.push_back(caps);
    }
    if (fresh.empty())
        return {};
    if (int(m_envelopes.size() + fresh.size()) > EnvelopesMax)
        return Error { ErrorCode::ResourceExhausted, QStringLiteral("at most %1 agents have an envelope").arg(EnvelopesMax) };
    std::vector<u128> ids;
    for (const EnvelopeCaps &caps : fresh)
        ids.push_back(envelopeAccount(caps.agent));
    if (auto s = ensureAccounts(ids, std::vector<quint16>(ids.size(), AccountCode::Envelope), costsActor()); !s)
        return s;
    // An account a start that died left behind is empty; it is looked at
    // all the same, so the funding below fills exactly to the cap.
    auto accounts = m_ledger.lookupAccounts(ids);
    if (!accounts)
        return accounts.error();
    CABINET_ASSERT(accounts->size() == fresh.size());
    // A new agent can work today: its envelope is funded up to its cap, and
    // only it (the others keep what they have left of the period). Its row
    // is written in the funding's own ledger batch, so a process killed
    // half-way leaves neither, and the next start does both.
    std::vector<ledger::Transfer> transfers;
    QJsonArray listed;
    for (size_t i = 0; i < fresh.size(); ++i) {
        const EnvelopeCaps &caps = fresh[i];
        if (auto t = toCap((*accounts)[i], caps.dailyCapMicros, false))
            transfers.push_back(*t);
        listed.append(QJsonObject { { QStringLiteral("agent"), caps.agent },
                                    { QStringLiteral("daily_cap_micros"), microsText(caps.dailyCapMicros) },
                                    { QStringLiteral("per_call_cap_micros"), optionalMicros(caps.perCallCapMicros) },
                                    { QStringLiteral("set_by"), costsActor().toString() } });
    }
    auto rows = [&](Transaction &tx) -> Status {
        for (qsizetype i = 0; i < qsizetype(fresh.size()); ++i) {
            const EnvelopeCaps &caps = fresh[size_t(i)];
            auto &insert = m_db.statement("INSERT INTO cost_envelopes(agent, daily_cap_micros, per_call_cap_micros, set_by, updated_ns) "
                                          "VALUES (?1, ?2, ?3, ?4, ?5)");
            insert.bind(1, caps.agent).bind(2, caps.dailyCapMicros).bind(4, costsActor().toString()).bind(5, m_clock.nowNs());
            if (caps.perCallCapMicros)
                insert.bind(3, *caps.perCallCapMicros);
            else
                insert.bindNull(3);
            if (auto s = insert.exec(); !s)
                return s;
            // The costs subsystem decided it: audited under system:costs.
            if (auto entry = m_audit.append(tx, costsActor().toString(), QStringLiteral("budget.create"), caps.agent, listed[i].toObject()); !entry)
                return entry.error();
        }
        auto e = m_events.append(tx, events::CostsBudgetSet, { { QStringLiteral("envelopes"), listed } });
        return e ? Status() : Status(e.error());
    };
    if (transfers.empty()) {
        // Caps of 0: nothing to fund, the rows alone.
        auto tx = m_db.begin();
        if (!tx)
            return tx.error();
        if (auto s = rows(*tx); !s)
            return s;
        if (auto s = tx->commit(); !s)
            return s;
    } else {
        auto results = m_ledger.createTransfers(transfers, costsActor(), rows);
        if (!results)
            return results.error();
        // A treasury that holds nothing funds nothing; the next refill does.
        for (const auto &r : *results)
            if (r.status != TS::Created)
                qCWarning(lcCosts).noquote() << "a new envelope's funding was refused:" << statusName(r.status);
    }
    for (const EnvelopeCaps &caps : fresh)
        m_envelopes[caps.agent] = Envelope { caps.dailyCapMicros, caps.perCallCapMicros, false };
    return {};
}

std::optional<ledger::Transfer> Budgets::toCap(const ledger::Account &envelope, qint64 cap, bool trim)
{
    // What is left after what was posted: the reservations still pending
    // (calls of the last period, in flight at its end) are this period's
    // spend, so what they release at their post or void never lifts the
    // envelope over its cap (docs/costs.md, "Daily refill").
    const qint64 left = envelope.credits_posted > envelope.debits_posted ? qint64(envelope.credits_posted - envelope.debits_posted)
                                                                         : -qint64(envelope.debits_posted - envelope.credits_posted);
    if (left == cap || (left > cap && !trim))
        return std::nullopt;
    ledger::Transfer t;
    t.id = newTransferId();
    t.ledger = UsdLedger;
    if (left < cap) {
        // As much as the treasury holds, up to the cap.
        t.debit_account_id = treasuryAccount();
        t.credit_account_id = envelope.id;
        t.amount = u128(cap - left);
        t.flags = TF::BalancingDebit;
        t.code = TransferCode::Refill;
    } else {
        // A lowered cap: the excess goes back, so the cap holds today; as
        // much as is not held by reservations (the rest at the next refill).
        t.debit_account_id = envelope.id;
        t.credit_account_id = treasuryAccount();
        t.amount = u128(left - cap);
        t.flags = TF::BalancingDebit;
        t.code = TransferCode::Trim;
    }
    return t;
}

Status Budgets::setCaps(const EnvelopeCaps &caps, const Actor &actor)
{
    if (auto s = ready(); !s)
        return s;
    auto it = m_envelopes.find(caps.agent);
    if (it == m_envelopes.end()) {
        QStringList known;
        for (const auto &[agent, e] : m_envelopes)
            known << agent;
        return Error { ErrorCode::NotFound, QStringLiteral("no agent named %1 has an envelope (agents: %2)").arg(caps.agent, known.join(QStringLiteral(", "))),
                       QStringLiteral("agent") };
    }
    if (caps.dailyCapMicros < 0 || caps.dailyCapMicros > AmountMaxMicros)
        return Error { ErrorCode::InvalidArgument, QStringLiteral("the daily cap must be from 0 to %1 USD").arg(AmountMaxMicros / MicrosPerUsd), QStringLiteral("daily") };
    if (caps.perCallCapMicros && (*caps.perCallCapMicros < 0 || *caps.perCallCapMicros > AmountMaxMicros))
        return Error { ErrorCode::InvalidArgument, QStringLiteral("the per-call cap must be from 0 to %1 USD").arg(AmountMaxMicros / MicrosPerUsd), QStringLiteral("per_call") };
    auto tx = m_db.begin();
    if (!tx)
        return tx.error();
    auto &update = m_db.statement("UPDATE cost_envelopes SET daily_cap_micros = ?2, per_call_cap_micros = ?3, set_by = ?4, updated_ns = ?5 WHERE agent = ?1");
    update.bind(1, caps.agent).bind(2, caps.dailyCapMicros).bind(4, actor.toString()).bind(5, m_clock.nowNs());
    if (caps.perCallCapMicros)
        update.bind(3, *caps.perCallCapMicros);
    else
        update.bindNull(3);
    if (auto s = update.exec(); !s)
        return s;
    const QJsonObject details { { QStringLiteral("agent"), caps.agent },
                                { QStringLiteral("daily_cap_micros"), microsText(caps.dailyCapMicros) },
                                { QStringLiteral("per_call_cap_micros"), optionalMicros(caps.perCallCapMicros) },
                                { QStringLiteral("previous_daily_cap_micros"), microsText(it->second.dailyCapMicros) },
                                { QStringLiteral("previous_per_call_cap_micros"), optionalMicros(it->second.perCallCapMicros) },
                                { QStringLiteral("set_by"), actor.toString() } };
    if (auto entry = m_audit.append(*tx, actor.toString(), QStringLiteral("budget.set"), caps.agent, details); !entry)
        return entry.error();
    if (auto e = m_events.append(*tx, events::CostsBudgetSet, { { QStringLiteral("envelopes"), QJsonArray { details } } }); !e)
        return e.error();
    if (auto s = tx->commit(); !s)
        return s;
    it->second.dailyCapMicros = caps.dailyCapMicros;
    it->second.perCallCapMicros = caps.perCallCapMicros;
    return {};
}

Status Budgets::resume(const QString &agent, const Actor &actor)
{
    if (auto s = ready(); !s)
        return s;
    auto it = m_envelopes.find(agent);
    if (it == m_envelopes.end())
        return Error { ErrorCode::NotFound, QStringLiteral("no agent named %1 has an envelope").arg(agent), QStringLiteral("agent") };
    auto tx = m_db.begin();
    if (!tx)
        return tx.error();
    auto &update = m_db.statement("UPDATE cost_envelopes SET paused = 0, paused_reason = NULL WHERE agent = ?1");
    if (auto s = update.bind(1, agent).exec(); !s)
        return s;
    const QJsonObject details { { QStringLiteral("agent"), agent }, { QStringLiteral("was_paused"), it->second.paused } };
    if (auto entry = m_audit.append(*tx, actor.toString(), QStringLiteral("budget.resume"), agent, details); !entry)
        return entry.error();
    if (it->second.paused)
        if (auto e = m_events.append(*tx, events::CostsAgentResumed, { { QStringLiteral("agent"), agent }, { QStringLiteral("by"), actor.toString() } }); !e)
            return e.error();
    if (auto s = tx->commit(); !s)
        return s;
    it->second.paused = false;
    return {};
}

Status Budgets::fundTreasury(qint64 micros, const Actor &actor)
{
    if (auto s = ready(); !s)
        return s;
    return fund(micros, actor);
}

Status Budgets::fund(qint64 micros, const Actor &actor)
{
    if (micros <= 0 || micros > AmountMaxMicros)
        return Error { ErrorCode::InvalidArgument, QStringLiteral("fund the treasury with 0.000001 to %1 USD").arg(AmountMaxMicros / MicrosPerUsd), QStringLiteral("amount") };
    ledger::Transfer t;
    t.id = newTransferId();
    t.debit_account_id = fundingAccount();
    t.credit_account_id = treasuryAccount();
    t.amount = u128(micros);
    t.ledger = UsdLedger;
    t.code = TransferCode::Fund;
    const ledger::Transfer batch[] = { t };
    // The ledger's batch is the one audit entry, under the operator; the
    // event says what it was for.
    auto results = m_ledger.createTransfers(batch, actor, [&](Transaction &tx) -> Status {
        auto e = m_events.append(tx, events::CostsTreasuryFunded, { { QStringLiteral("amount_micros"), microsText(micros) },
                                                                    { QStringLiteral("transfer_id"), ledger::toDecimal(t.id) },
                                                                    { QStringLiteral("by"), actor.toString() } });
        return e ? Status() : Status(e.error());
    });
    if (!results)
        return results.error();
    if (!results->empty() && results->front().status != TS::Created)
        return badStatus(results->front().status, QStringLiteral("the treasury's funding"));
    return {};
}

Status Budgets::refill(const Actor &actor)
{
    if (auto s = ready(); !s)
        return s;
    return refillNow(actor);
}

Status Budgets::refillNow(const Actor &actor)
{
    const QString period = periodOf(m_clock.nowNs());
    std::vector<u128> ids;
    std::vector<QString> agents;
    for (const auto &[agent, e] : m_envelopes) {
        ids.push_back(envelopeAccount(agent));
        agents.push_back(agent);
    }
    auto accounts = m_ledger.lookupAccounts(ids);
    if (!accounts)
        return accounts.error();
    std::vector<ledger::Transfer> transfers;
    QJsonArray changes;
    for (size_t i = 0; i < accounts->size(); ++i) {
        const ledger::Account &a = (*accounts)[i];
        const QString &agent = agents[i];
        CABINET_ASSERT(a.id == ids[i]);
        const qint64 left = available(a);
        const qint64 cap = m_envelopes.at(agent).dailyCapMicros;
        auto t = toCap(a, cap, true);
        if (!t)
            continue;
        transfers.push_back(*t);
        changes.append(QJsonObject { { QStringLiteral("agent"), agent },
                                     { QStringLiteral("before_micros"), microsText(left) },
                                     { QStringLiteral("cap_micros"), microsText(cap) } });
    }
    auto record = [&](Transaction &tx) -> Status {
        auto &insert = m_db.statement("INSERT OR REPLACE INTO cost_refills(period, at_ns) VALUES (?1, ?2)");
        if (auto s = insert.bind(1, period).bind(2, m_clock.nowNs()).exec(); !s)
            return s;
        auto e = m_events.append(tx, events::CostsRefilled, { { QStringLiteral("period"), period }, { QStringLiteral("envelopes"), changes } });
        return e ? Status() : Status(e.error());
    };
    if (transfers.empty()) {
        // Nothing to move; the refill is still done, and said by whom.
        auto tx = m_db.begin();
        if (!tx)
            return tx.error();
        if (auto entry = m_audit.append(*tx, actor.toString(), QStringLiteral("budget.refill"), period, { { QStringLiteral("transfers"), 0 } }); !entry)
            return entry.error();
        if (auto s = record(*tx); !s)
            return s;
        return tx->commit();
    }
    auto results = m_ledger.createTransfers(transfers, actor, record);
    if (!results)
        return results.error();
    for (const auto &r : *results)
        if (r.status != TS::Created)
            qCWarning(lcCosts).noquote() << "a refill transfer was refused:" << statusName(r.status);
    return {};
}

// ---- reservations ----------------------------------------------------------

Status Budgets::markLeftPending()
{
    // Records still pending belong to calls of a process that is gone: their
    // outcome is unknown, and the ledger's expiry releases the reservation.
    auto tx = m_db.begin();
    if (!tx)
        return tx.error();
    auto &update = m_db.statement("UPDATE spend_records SET outcome = 'unknown', settled_ns = ?1, "
                                  "error = 'the process ended during the call; the reservation expires' WHERE outcome = 'pending'");
    if (auto s = update.bind(1, m_clock.nowNs()).exec(); !s)
        return s;
    const qint64 count = m_db.changes();
    if (count > 0)
        if (auto e = m_events.append(*tx, events::CostsUnknown, { { QStringLiteral("records"), count } }); !e)
            return e.error();
    return tx->commit();
}

Status Budgets::loadTotals()
{
    const qint64 now = m_clock.nowNs();
    m_totalsPeriod = periodOf(now);
    const QDateTime local = QDateTime::fromMSecsSinceEpoch(now / 1'000'000, m_settings.timeZone);
    m_totalsMonth = local.date().toString(QStringLiteral("yyyy-MM"));
    const qint64 monthStart = QDateTime(QDate(local.date().year(), local.date().month(), 1), QTime(0, 0), m_settings.timeZone).toMSecsSinceEpoch() * 1'000'000;
    auto sum = [&](qint64 from) -> Result<qint64> {
        auto &q = m_db.statement(sql::SpentSince);
        q.bind(1, from);
        auto row = q.step();
        if (!row)
            return row.error();
        const qint64 total = q.int64(0);
        q.reset();
        return total;
    };
    auto day = sum(periodStartNs(now));
    if (!day)
        return day.error();
    auto month = sum(monthStart);
    if (!month)
        return month.error();
    m_daySpent = *day;
    m_monthSpent = *month;
    m_taskSpent.clear();
    return {};
}

qint64 Budgets::taskSpent(const QString &task)
{
    if (auto it = m_taskSpent.find(task); it != m_taskSpent.end())
        return it->second;
    if (int(m_taskSpent.size()) >= TasksTrackedMax)
        m_taskSpent.erase(m_taskSpent.begin()); // read again from the records when next asked
    auto &q = m_db.statement(sql::TaskSpent);
    q.bind(1, task);
    auto row = q.step();
    const qint64 total = row && *row ? q.int64(0) : 0;
    q.reset();
    m_taskSpent[task] = total;
    return total;
}

Result<Budgets::Handle> Budgets::reserve(const Query &query)
{
    std::vector<ReserveRequest> batch(1);
    batch[0].query = query;
    std::optional<Result<Handle>> answer;
    batch[0].done = [&answer](Result<Handle> r) { answer = std::move(r); };
    runReserves(batch);
    CABINET_ASSERT(answer);
    return *answer;
}

void Budgets::settle(Handle handle, const Settlement &settlement)
{
    std::vector<SettleRequest> batch(1);
    batch[0].handle = handle;
    batch[0].settlement = settlement;
    settleDirect(batch);
}

void Budgets::settleDirect(std::vector<SettleRequest> &requests)
{
    // The Router's settle has no one to answer: a settle that was not
    // written (its reservation still open) waits for a retry, so a served
    // call is still charged.
    const bool first = m_retries.empty();
    for (SettleRequest &r : requests)
        r.done = [this, handle = r.handle, settlement = r.settlement](Status s) {
            if (s || !m_open.count(handle))
                return;
            if (int(m_retries.size()) >= SettleRetriesMax) {
                qCWarning(lcCosts).noquote() << "reservation" << handle << "was not settled and" << SettleRetriesMax
                                             << "settles wait already; it is left to expire:" << s.error().message;
                return;
            }
            qCWarning(lcCosts).noquote() << "reservation" << handle << "was not settled, trying again:" << s.error().message;
            m_retries.emplace_back(handle, settlement);
        };
    runSettles(requests);
    if (first && !m_retries.empty())
        m_nextRetryNs = m_clock.nowNs() + SettleRetryIntervalNs;
}

void Budgets::retrySettles()
{
    const size_t n = std::min<size_t>(m_retries.size(), BatchRequestsMax);
    std::vector<SettleRequest> batch(n);
    for (size_t i = 0; i < n; ++i) {
        batch[i].handle = m_retries[i].first;
        batch[i].settlement = std::move(m_retries[i].second);
    }
    m_retries.erase(m_retries.begin(), m_retries.begin() + qsizetype(n));
    settleDirect(batch);
    if (!m_retries.empty())
        m_nextRetryNs = m_clock.nowNs() + SettleRetryIntervalNs;
}

void Budgets::reserve(Query query, std::function<void(Result<Handle>)> done)
{
    std::lock_guard lock(m_inboxMutex);
    m_reserveInbox.push_back(ReserveRequest { std::move(query), std::move(done) });
    if (!std::exchange(m_drainQueued, true))
        QMetaObject::invokeMethod(this, &Budgets::drain, Qt::QueuedConnection);
}

void Budgets::settle(Handle handle, Settlement settlement, std::function<void(Status)> done)
{
    std::lock_guard lock(m_inboxMutex);
    SettleRequest request;
    request.handle = handle;
    request.settlement = std::move(settlement);
    request.done = std::move(done);
    m_settleInbox.push_back(std::move(request));
    if (!std::exchange(m_drainQueued, true))
        QMetaObject::invokeMethod(this, &Budgets::drain, Qt::QueuedConnection);
}

void Budgets::drain()
{
    for (;;) {
        std::vector<ReserveRequest> reserves;
        std::vector<SettleRequest> settles;
        {
            std::lock_guard lock(m_inboxMutex);
            const size_t r = std::min<size_t>(m_reserveInbox.size(), BatchRequestsMax);
            std::move(m_reserveInbox.begin(), m_reserveInbox.begin() + r, std::back_inserter(reserves));
            m_reserveInbox.erase(m_reserveInbox.begin(), m_reserveInbox.begin() + r);
            const size_t s = std::min<size_t>(m_settleInbox.size(), BatchRequestsMax);
            std::move(m_settleInbox.begin(), m_settleInbox.begin() + s, std::back_inserter(settles));
            m_settleInbox.erase(m_settleInbox.begin(), m_settleInbox.begin() + s);
            if (reserves.empty() && settles.empty()) {
                m_drainQueued = false;
                return;
            }
        }
        // Settles first: the money they release is there for the reserves.
        if (!settles.empty())
            runSettles(settles);
        if (!reserves.empty())
            runReserves(reserves);
    }
}

void Budgets::runReserves(std::vector<ReserveRequest> &requests)
{
    const qint64 now = m_clock.nowNs();
    if (auto s = ready(); !s)
        for (ReserveRequest &r : requests)
            r.refused = s.error();
    if (periodOf(now) != m_totalsPeriod)
        if (auto s = loadTotals(); !s)
            for (ReserveRequest &r : requests)
                r.refused = s.error();
    std::vector<ledger::Transfer> transfers;
    std::vector<u128> providers;
    qint64 dayPlanned = m_daySpent, monthPlanned = m_monthSpent;
    std::map<QString, qint64> taskPlanned;
    int open = int(m_open.size());
    for (ReserveRequest &r : requests) {
        if (r.refused)
            continue;
        const Query &q = r.query;
        const QString agent = q.agent.isEmpty() ? QStringLiteral("system") : q.agent;
        auto envelope = m_envelopes.find(agent);
        auto refuse = [&](ErrorCode code, const QString &message) { r.refused = Error { code, message }; };
        if (envelope == m_envelopes.end()) {
            refuse(ErrorCode::BudgetExhausted, QStringLiteral("agent %1 has no budget envelope").arg(agent));
            continue;
        }
        if (envelope->second.paused) {
            refuse(ErrorCode::BudgetExhausted, QStringLiteral("agent %1 is paused for its spend rate until an operator resumes it").arg(agent));
            continue;
        }
        if (open >= OpenReservationsMax) {
            refuse(ErrorCode::ResourceExhausted, QStringLiteral("%1 model calls hold reservations already").arg(OpenReservationsMax));
            continue;
        }
        r.price = m_prices.price(q.provider, q.model);
        if (r.price) {
            const qint64 output = q.maxTokens >= 0 ? q.maxTokens : UnboundedOutputTokens;
            r.amount = PriceTable::cost(*r.price, std::max<qint64>(q.promptTokensEstimate, 0), 0, output);
            if (envelope->second.perCallCapMicros && r.amount > *envelope->second.perCallCapMicros) {
                refuse(ErrorCode::BudgetExhausted, QStringLiteral("a call on %1/%2 may cost up to %3 USD, over %4's per-call cap of %5 USD")
                                                           .arg(q.provider, q.model, formatUsd(r.amount), agent, formatUsd(*envelope->second.perCallCapMicros)));
                continue;
            }
            if (m_settings.globalDailyMicros && dayPlanned + r.amount > *m_settings.globalDailyMicros) {
                refuse(ErrorCode::BudgetExhausted, QStringLiteral("the global daily budget of %1 USD is reached (%2 USD spent or reserved today)")
                                                           .arg(formatUsd(*m_settings.globalDailyMicros), formatUsd(dayPlanned)));
                continue;
            }
            if (m_settings.monthlyMicros && monthPlanned + r.amount > *m_settings.monthlyMicros) {
                refuse(ErrorCode::BudgetExhausted, QStringLiteral("the monthly budget of %1 USD is reached (%2 USD spent or reserved this month)")
                                                           .arg(formatUsd(*m_settings.monthlyMicros), formatUsd(monthPlanned)));
                continue;
            }
            if (m_settings.perTaskMicros && !q.task.isEmpty()) {
                if (!taskPlanned.count(q.task))
                    taskPlanned[q.task] = taskSpent(q.task);
                if (taskPlanned[q.task] + r.amount > *m_settings.perTaskMicros) {
                    refuse(ErrorCode::BudgetExhausted, QStringLiteral("task %1 would pass its budget of %2 USD (%3 USD spent or reserved)")
                                                               .arg(q.task, formatUsd(*m_settings.perTaskMicros), formatUsd(taskPlanned[q.task])));
                    continue;
                }
                taskPlanned[q.task] += r.amount;
            }
            dayPlanned += r.amount;
            monthPlanned += r.amount;
            ledger::Transfer t;
            t.id = r.transferId = newTransferId();
            t.debit_account_id = envelopeAccount(agent);
            t.credit_account_id = providerAccount(q.provider);
            t.amount = u128(r.amount);
            t.flags = TF::Pending;
            t.timeout = quint32(std::clamp<qint64>((q.timeLimitMs + 999) / 1000 + ReservationMarginSeconds, 1, 7 * 24 * 3600));
            t.ledger = UsdLedger;
            t.code = TransferCode::Reservation;
            r.transferIndex = int(transfers.size());
            transfers.push_back(t);
            providers.push_back(providerAccount(q.provider));
        }
        ++open;
    }
    for (u128 id : providers)
        if (auto s = ensureAccounts({ id }, { AccountCode::Provider }, costsActor()); !s) {
            for (ReserveRequest &r : requests)
                if (!r.refused)
                    r.refused = s.error();
            transfers.clear();
            break;
        }

    // The spend records, in the reservations' own transaction.
    const QString version = m_prices.version();
    auto records = [&](Transaction &) -> Status {
        for (ReserveRequest &r : requests) {
            if (r.refused)
                continue;
            const Query &q = r.query;
            auto &insert = m_db.statement(
                    "INSERT INTO spend_records(agent, task, node, attempt, alias, model_asked, provider, tokens_in, reserved_micros, "
                    "created_ns, price_version, reserve_id, outcome, pricing_gap) "
                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) RETURNING id");
            insert.bind(1, q.agent.isEmpty() ? QStringLiteral("system") : q.agent).bind(2, q.task).bind(3, q.node).bind(4, q.attempt);
            insert.bind(5, q.alias).bind(6, q.provider + u'/' + q.model).bind(7, q.provider).bind(8, q.promptTokensEstimate);
            insert.bind(9, r.amount).bind(10, now).bind(11, version);
            if (r.price)
                insert.bind(12, ledger::toDecimal(r.transferId));
            else
                insert.bindNull(12);
            insert.bind(13, r.price ? QStringLiteral("pending") : QStringLiteral("unpriced")).bind(14, r.price ? 0 : 1);
            auto row = insert.step();
            if (!row)
                return row.error();
            r.handle = Handle(insert.int64(0));
            insert.reset();
        }
        return {};
    };
    Status written;
    std::vector<ledger::CreateTransferResult> results;
    if (!transfers.empty()) {
        auto created = m_ledger.createTransfers(transfers, costsActor(), records);
        if (created)
            results = std::move(*created);
        else
            written = created.error();
        ++m_batches;
    } else if (std::any_of(requests.begin(), requests.end(), [](const ReserveRequest &r) { return !r.refused; })) {
        // Only pricing gaps: their records alone.
        auto tx = m_db.begin();
        written = tx ? records(*tx) : Status(tx.error());
        if (written)
            written = tx->commit();
    }
    if (!written)
        for (ReserveRequest &r : requests)
            if (!r.refused)
                r.refused = written.error();

    // The ledger's verdicts: a refusal for credits is the budget saying no.
    std::vector<ReserveRequest *> refusedByLedger;
    for (ReserveRequest &r : requests) {
        if (r.refused || r.transferIndex < 0)
            continue;
        auto it = std::find_if(results.begin(), results.end(), [&](const auto &res) { return res.index == ledger::u32(r.transferIndex); });
        const TS status = it == results.end() ? TS::Created : it->status;
        if (status == TS::Created)
            continue;
        const QString agent = r.query.agent.isEmpty() ? QStringLiteral("system") : r.query.agent;
        if (status == TS::ExceedsCredits)
            r.refused = Error { ErrorCode::BudgetExhausted, QStringLiteral("%1's budget is exhausted: a call on %2/%3 needs up to %4 USD reserved")
                                                                   .arg(agent, r.query.provider, r.query.model, formatUsd(r.amount)) };
        else
            r.refused = badStatus(status, QStringLiteral("a reservation"));
        refusedByLedger.push_back(&r);
    }
    if (!refusedByLedger.empty()) {
        auto tx = m_db.begin();
        Status marked = tx ? Status() : Status(tx.error());
        QJsonArray listed;
        for (ReserveRequest *r : refusedByLedger) {
            if (!marked)
                break;
            auto &update = m_db.statement("UPDATE spend_records SET outcome = 'refused', settled_ns = ?2, error = ?3 WHERE id = ?1");
            marked = update.bind(1, qint64(r->handle)).bind(2, now).bind(3, r->refused->message).exec();
            listed.append(QJsonObject { { QStringLiteral("agent"), r->query.agent.isEmpty() ? QStringLiteral("system") : r->query.agent },
                                        { QStringLiteral("model"), QString(r->query.provider + u'/' + r->query.model) },
                                        { QStringLiteral("reserve_micros"), microsText(r->amount) },
                                        { QStringLiteral("message"), r->refused->message } });
        }
        if (marked)
            if (auto e = m_events.append(*tx, events::CostsBudgetRefused, { { QStringLiteral("refusals"), listed } }); !e)
                marked = e.error();
        if (marked)
            marked = tx->commit();
        if (!marked)
            qCWarning(lcCosts).noquote() << "refused reservations were not marked:" << marked.error().message;
    }

    for (ReserveRequest &r : requests) {
        if (r.refused) {
            r.done(*r.refused);
            continue;
        }
        const Query &q = r.query;
        m_open[r.handle] = Open { r.transferId, r.amount, q.agent.isEmpty() ? QStringLiteral("system") : q.agent, q.task, q.provider, q.model, r.price };
        m_daySpent += r.amount;
        m_monthSpent += r.amount;
        if (!q.task.isEmpty() && m_taskSpent.count(q.task))
            m_taskSpent[q.task] += r.amount;
        r.done(r.handle);
    }
}

void Budgets::runSettles(std::vector<SettleRequest> &requests)
{
    const qint64 now = m_clock.nowNs();
    std::vector<ledger::Transfer> transfers;
    std::set<QString> agents;
    for (SettleRequest &r : requests) {
        auto it = m_open.find(r.handle);
        if (it == m_open.end()) {
            r.failed = Error { ErrorCode::NotFound, QStringLiteral("no open reservation %1").arg(r.handle) };
            continue;
        }
        r.open = it->second;
        r.opened = true;
        m_open.erase(it);
        agents.insert(r.open.agent);
        const llm::Usage &u = r.settlement.usage;
        if (!r.open.price) {
            r.costMicros = 0; // a pricing gap: tokens recorded, no cost invented
            continue;
        }
        if (u.completionTokens < 0 || (r.settlement.served && u.promptTokens < 0)) {
            // The provider did not say what it used (or a stream broke after
            // tokens came out): the worst case reserved is what it cost.
            r.costMicros = r.open.reservedMicros;
        } else {
            r.costMicros = PriceTable::cost(*r.open.price, std::max<qint64>(u.promptTokens, 0), r.settlement.cachedInputTokens, u.completionTokens);
        }
        r.post = r.costMicros > 0;
        // More than reserved: the reservation is posted in full and the rest
        // recorded as an overrun (the ledger cannot take more than was held).
        r.overrunMicros = std::max<qint64>(0, r.costMicros - r.open.reservedMicros);
        ledger::Transfer t;
        t.id = r.transferId = newTransferId();
        t.pending_id = r.open.reserveId;
        t.amount = r.post ? u128(std::min(r.costMicros, r.open.reservedMicros)) : 0;
        t.flags = r.post ? TF::PostPendingTransfer : TF::VoidPendingTransfer;
        t.ledger = UsdLedger;
        t.code = TransferCode::Reservation;
        r.transferIndex = int(transfers.size());
        transfers.push_back(t);
    }
    QJsonArray spent, alerts, paused;
    auto records = [&](Transaction &tx) -> Status {
        if (auto s = settledOutcomes(requests); !s)
            return s;
        for (SettleRequest &r : requests) {
            if (r.failed)
                continue;
            const llm::Usage &u = r.settlement.usage;
            auto &update = m_db.statement(
                    "UPDATE spend_records SET outcome = ?2, model_served = ?3, tokens_in = ?4, tokens_out = ?5, tokens_cached = ?6, "
                    "cost_micros = ?7, overrun_micros = ?8, latency_ns = ?9, first_token_ns = ?10, settled_ns = ?11, settle_id = ?12, error = ?13 "
                    "WHERE id = ?1");
            update.bind(1, qint64(r.handle));
            update.bind(2, r.outcome);
            if (r.settlement.servedModel.isEmpty())
                update.bindNull(3);
            else
                update.bind(3, r.settlement.servedModel);
            if (u.promptTokens >= 0)
                update.bind(4, u.promptTokens);
            else
                update.bindNull(4);
            if (u.completionTokens >= 0)
                update.bind(5, u.completionTokens);
            else
                update.bindNull(5);
            update.bind(6, r.settlement.cachedInputTokens);
            if (r.open.price)
                update.bind(7, r.costMicros);
            else
                update.bindNull(7);
            // Expired: what it cost is all an overrun the ledger never saw.
            if (r.expired)
                r.overrunMicros = r.costMicros;
            update.bind(8, r.overrunMicros).bind(9, r.settlement.latencyNs);
            if (r.settlement.firstTokenNs >= 0)
                update.bind(10, r.settlement.firstTokenNs);
            else
                update.bindNull(10);
            update.bind(11, now);
            if (r.transferIndex >= 0 && !r.expired)
                update.bind(12, ledger::toDecimal(r.transferId));
            else
                update.bindNull(12);
            if (r.expired)
                update.bind(13, QStringLiteral("the reservation expired before the call ended"));
            else if (r.settlement.error)
                update.bind(13, r.settlement.error->message);
            else
                update.bindNull(13);
            if (auto s = update.exec(); !s)
                return s;
            QJsonObject o { { QStringLiteral("record"), qint64(r.handle) },
                            { QStringLiteral("agent"), r.open.agent },
                            { QStringLiteral("task"), r.open.task },
                            { QStringLiteral("model"), QString(r.open.provider + u'/' + r.open.model) },
                            { QStringLiteral("cost_micros"), r.open.price ? QJsonValue(microsText(r.costMicros)) : QJsonValue() },
                            { QStringLiteral("tokens_in"), u.promptTokens },
                            { QStringLiteral("tokens_out"), u.completionTokens },
                            { QStringLiteral("outcome"), r.outcome } };
            if (!r.open.price)
                o.insert(QStringLiteral("pricing_gap"), true);
            if (r.overrunMicros > 0)
                o.insert(QStringLiteral("overrun_micros"), microsText(r.overrunMicros));
            spent.append(o);
        }
        if (auto s = checkAlerts(tx, agents, alerts); !s)
            return s;
        if (auto s = checkVelocity(tx, agents, paused); !s)
            return s;
        if (!spent.isEmpty())
            if (auto e = m_events.append(tx, events::CostsSpent, { { QStringLiteral("calls"), spent } }); !e)
                return e.error();
        return {};
    };
    Status written;
    std::vector<ledger::CreateTransferResult> results;
    if (!transfers.empty()) {
        auto created = m_ledger.createTransfers(transfers, costsActor(), records);
        if (created)
            results = std::move(*created);
        else
            written = created.error();
        ++m_batches;
    } else if (!spent.isEmpty() || std::any_of(requests.begin(), requests.end(), [](const SettleRequest &r) { return !r.failed; })) {
        auto tx = m_db.begin();
        written = tx ? records(*tx) : Status(tx.error());
        if (written)
            written = tx->commit();
    }
    if (!written) {
        // Nothing was settled: the reservations stay open, to settle again
        // or to expire.
        for (SettleRequest &r : requests)
            if (r.opened) {
                m_open[r.handle] = r.open;
                r.failed = written.error();
            }
    }
    // A settlement the hook found refused but not expired: its reservation
    // stays open, and the ledger's status says why.
    for (SettleRequest &r : requests) {
        if (!written || !r.refusedByLedger)
            continue;
        m_open[r.handle] = r.open;
        auto it = std::find_if(results.begin(), results.end(), [&](const auto &res) { return res.index == ledger::u32(r.transferIndex); });
        if (it != results.end())
            r.failed = badStatus(it->status, QStringLiteral("the settlement of reservation %1").arg(r.handle));
    }
    for (SettleRequest &r : requests) {
        if (!r.failed && r.open.price) {
            // The totals held the reservation; now they hold the cost (an
            // expired call's too: it was spent).
            const qint64 delta = (r.post ? r.costMicros : 0) - r.open.reservedMicros;
            m_daySpent += delta;
            m_monthSpent += delta;
            if (auto t = m_taskSpent.find(r.open.task); t != m_taskSpent.end())
                t->second += delta;
        }
        if (r.done)
            r.done(r.failed ? Status(*r.failed) : Status());
    }
}

Status Budgets::settledOutcomes(std::vector<SettleRequest> &requests)
{
    // The batch's own rows, read in its transaction: a settlement found
    // there was taken. The ledger's results come only after the commit, and
    // a record must say what happened in the same transaction as its money.
    std::vector<u128> ids;
    for (const SettleRequest &r : requests)
        if (!r.failed && r.transferIndex >= 0)
            ids.push_back(r.transferId);
    std::set<u128> taken;
    if (!ids.empty()) {
        auto found = m_ledger.lookupTransfers(ids);
        if (!found)
            return found.error();
        for (const ledger::Transfer &t : *found)
            taken.insert(t.id);
    }
    const ledger::u64 now = ledger::u64(std::max<qint64>(m_clock.nowNs(), 0));
    for (SettleRequest &r : requests) {
        if (r.failed)
            continue;
        if (!r.open.price) {
            r.outcome = QStringLiteral("unpriced");
            continue;
        }
        if (taken.count(r.transferId)) {
            r.outcome = r.post ? QStringLiteral("posted") : QStringLiteral("voided");
            continue;
        }
        // Refused. Each reservation is settled once, for at most what it
        // holds, so what refuses it is its expiry: its time is past by the
        // clock (the batch's time is never earlier). Otherwise (a ledger
        // whose time ran ahead of the clock, or a refusal that should not
        // be) the record stays pending and the reservation open, to settle
        // again or to expire.
        auto pending = m_ledger.lookupTransfers(std::vector<u128> { r.open.reserveId });
        if (!pending)
            return pending.error();
        const bool pastItsTime = !pending->empty() && pending->front().timeout > 0
                && pending->front().timestamp + pending->front().timeoutNs() <= now;
        if (pastItsTime) {
            r.outcome = QStringLiteral("expired");
            r.expired = true;
        } else {
            r.refusedByLedger = true;
            r.failed = Error { ErrorCode::Internal, QStringLiteral("the ledger refused the settlement of reservation %1").arg(r.handle) };
        }
    }
    return {};
}

// ---- alerts and velocity ---------------------------------------------------

Status Budgets::checkAlerts(Transaction &tx, const std::set<QString> &agents, QJsonArray &fired)
{
    const qint64 now = m_clock.nowNs();
    const QString period = periodOf(now);
    const qint64 from = periodStartNs(now);
    for (const QString &agent : agents) {
        const qint64 cap = m_envelopes.count(agent) ? m_envelopes.at(agent).dailyCapMicros : 0;
        if (cap <= 0)
            continue;
        auto &q = m_db.statement(sql::AgentSpentSince);
        q.bind(1, agent).bind(2, from);
        auto row = q.step();
        if (!row)
            return row.error();
        const qint64 spent = q.int64(0);
        q.reset();
        for (int percent : AlertPercents) {
            if (__int128(spent) * 100 < __int128(cap) * percent)
                break;
            auto &insert = m_db.statement("INSERT OR IGNORE INTO cost_alerts(agent, period, percent, at_ns) VALUES (?1, ?2, ?3, ?4)");
            if (auto s = insert.bind(1, agent).bind(2, period).bind(3, percent).bind(4, now).exec(); !s)
                return s;
            if (m_db.changes() == 0)
                continue; // fired already this period
            const QJsonObject alert { { QStringLiteral("agent"), agent }, { QStringLiteral("period"), period }, { QStringLiteral("percent"), percent },
                                      { QStringLiteral("spent_micros"), microsText(spent) }, { QStringLiteral("cap_micros"), microsText(cap) } };
            if (auto e = m_events.append(tx, events::CostsAlert, alert); !e)
                return e.error();
            fired.append(alert);
        }
    }
    return {};
}

Status Budgets::checkVelocity(Transaction &tx, const std::set<QString> &agents, QJsonArray &paused)
{
    const qint64 now = m_clock.nowNs();
    for (const QString &agent : agents) {
        auto it = m_envelopes.find(agent);
        if (it == m_envelopes.end() || it->second.paused)
            continue;
        // The window first, a few minutes of records: below the floor the
        // agent is not judged, and the trailing day need not be read.
        auto &w = m_db.statement(sql::VelocityWindow);
        w.bind(1, agent).bind(2, now - VelocityWindowNs);
        auto windowRow = w.step();
        if (!windowRow)
            return windowRow.error();
        const bool belowFloor = w.int64(0) < VelocityFloorMicros;
        w.reset();
        if (belowFloor)
            continue;
        auto &q = m_db.statement(sql::VelocityTrailing);
        q.bind(1, agent).bind(2, now - VelocityWindowNs).bind(3, now - VelocityWindowNs - VelocityTrailingNs);
        auto row = q.step();
        if (!row)
            return row.error();
        const qint64 window = q.int64(0);
        const qint64 before = q.int64(1);
        const qint64 first = q.isNull(2) ? now : q.int64(2);
        q.reset();
        // The trailing normal: spend per window-length over the time the
        // agent has worked before the window (up to the trailing span). An
        // agent with no history has no normal yet and is not judged.
        const qint64 history = std::min(VelocityTrailingNs, now - VelocityWindowNs - first);
        if (window < VelocityFloorMicros || history < VelocityWindowNs)
            continue;
        const __int128 normalPerWindow = __int128(before) * VelocityWindowNs / history;
        if (__int128(window) <= normalPerWindow * VelocityFactor)
            continue;
        const QString reason = QStringLiteral("spent %1 USD in the last %2 minutes, over %3x its trailing rate of %4 USD per %2 minutes")
                                       .arg(formatUsd(window))
                                       .arg(VelocityWindowNs / 60'000'000'000LL)
                                       .arg(VelocityFactor)
                                       .arg(formatUsd(qint64(normalPerWindow)));
        auto &update = m_db.statement("UPDATE cost_envelopes SET paused = 1, paused_reason = ?2 WHERE agent = ?1");
        if (auto s = update.bind(1, agent).bind(2, reason).exec(); !s)
            return s;
        const QJsonObject event { { QStringLiteral("agent"), agent }, { QStringLiteral("reason"), reason },
                                  { QStringLiteral("window_micros"), microsText(window) },
                                  { QStringLiteral("normal_micros"), microsText(qint64(normalPerWindow)) } };
        if (auto entry = m_audit.append(tx, costsActor().toString(), QStringLiteral("budget.pause"), agent, event); !entry)
            return entry.error();
        if (auto e = m_events.append(tx, events::CostsAgentPaused, event); !e)
            return e.error();
        // Held in memory only once the batch commits.
        tx.onCommit([this, agent] {
            if (auto e = m_envelopes.find(agent); e != m_envelopes.end())
                e->second.paused = true;
        });
        paused.append(event);
    }
    return {};
}

// ---- reads -----------------------------------------------------------------

std::optional<qint64> Budgets::perCallCap(const QString &agent) const
{
    auto it = m_envelopes.find(agent);
    return it == m_envelopes.end() ? std::nullopt : it->second.perCallCapMicros;
}

Result<QJsonArray> Budgets::alerts(int limit)
{
    QJsonArray list;
    auto &q = m_db.statement("SELECT agent, period, percent, at_ns FROM cost_alerts ORDER BY at_ns DESC, percent DESC LIMIT ?1");
    q.bind(1, limit);
    for (;;) {
        auto row = q.step();
        if (!row) {
            q.reset();
            return row.error();
        }
        if (!*row)
            break;
        list.append(QJsonObject { { QStringLiteral("agent"), q.text(0) }, { QStringLiteral("period"), q.text(1) },
                                  { QStringLiteral("percent"), q.int64(2) }, { QStringLiteral("at_ns"), QString::number(q.int64(3)) } });
    }
    q.reset();
    return list;
}

Result<QJsonObject> Budgets::show()
{
    if (auto s = loaded(); !s)
        return s.error();
    std::vector<u128> ids { treasuryAccount() };
    for (const auto &[agent, e] : m_envelopes)
        ids.push_back(envelopeAccount(agent));
    auto accounts = m_ledger.lookupAccounts(ids);
    if (!accounts)
        return accounts.error();
    std::map<u128, ledger::Account> byId;
    for (const ledger::Account &a : *accounts)
        byId[a.id] = a;
    const qint64 now = m_clock.nowNs();
    const QString period = periodOf(now);
    QJsonArray envelopes;
    for (const auto &[agent, e] : m_envelopes) {
        const ledger::Account &a = byId[envelopeAccount(agent)];
        auto &q = m_db.statement(sql::AgentSpentSince);
        q.bind(1, agent).bind(2, periodStartNs(now));
        auto row = q.step();
        if (!row)
            return row.error();
        const qint64 today = q.int64(0);
        q.reset();
        auto &alerts = m_db.statement("SELECT percent FROM cost_alerts WHERE agent = ?1 AND period = ?2 ORDER BY percent");
        alerts.bind(1, agent).bind(2, period);
        QJsonArray fired;
        for (;;) {
            auto r = alerts.step();
            if (!r)
                return r.error();
            if (!*r)
                break;
            fired.append(alerts.int64(0));
        }
        alerts.reset();
        envelopes.append(QJsonObject { { QStringLiteral("agent"), agent },
                                       { QStringLiteral("daily_cap_micros"), microsText(e.dailyCapMicros) },
                                       { QStringLiteral("per_call_cap_micros"), optionalMicros(e.perCallCapMicros) },
                                       { QStringLiteral("credits_micros"), ledger::toDecimal(a.credits_posted) },
                                       { QStringLiteral("posted_micros"), ledger::toDecimal(a.debits_posted) },
                                       { QStringLiteral("pending_micros"), ledger::toDecimal(a.debits_pending) },
                                       { QStringLiteral("available_micros"), microsText(available(a)) },
                                       { QStringLiteral("spent_today_micros"), microsText(today) },
                                       { QStringLiteral("alerts_fired"), fired },
                                       { QStringLiteral("paused"), e.paused } });
    }
    const ledger::Account &t = byId[treasuryAccount()];
    QJsonObject prices { { QStringLiteral("version"), m_prices.version() },
                         { QStringLiteral("effective"), m_prices.effective().toString(Qt::ISODate) },
                         { QStringLiteral("source"), m_prices.source() },
                         { QStringLiteral("models"), int(m_prices.models().size()) } };
    if (m_pricesError)
        prices.insert(QStringLiteral("error"), QJsonObject { { QStringLiteral("message"), m_pricesError->message },
                                                             { QStringLiteral("where"), m_pricesError->field } });
    // The costs' accounts by name, for the console's ledger view: ids are
    // derived from names (CostAccounts.h) and cannot be read back. A
    // provider is named once the price table or a spend record names it
    // (an unpriced provider is never charged, so it has no account).
    std::set<QString> providers;
    for (const auto &[model, price] : m_prices.models())
        providers.insert(model.section(u'/', 0, 0));
    auto &used = m_db.statement("SELECT DISTINCT provider FROM spend_records WHERE reserve_id IS NOT NULL LIMIT ?1");
    used.bind(1, EnvelopesMax);
    for (;;) {
        auto r = used.step();
        if (!r) {
            used.reset();
            return r.error();
        }
        if (!*r)
            break;
        providers.insert(used.text(0));
    }
    used.reset();
    QJsonArray names;
    const auto name = [&names](u128 id, const QString &text) {
        names.append(QJsonObject { { QStringLiteral("id"), ledger::toDecimal(id) }, { QStringLiteral("name"), text } });
    };
    name(fundingAccount(), QStringLiteral("funding"));
    name(treasuryAccount(), QStringLiteral("treasury"));
    for (const auto &[agent, e] : m_envelopes)
        name(envelopeAccount(agent), QStringLiteral("envelope ") + agent);
    for (const QString &provider : providers)
        name(providerAccount(provider), QStringLiteral("provider ") + provider);
    return QJsonObject { { QStringLiteral("period"), period },
                         { QStringLiteral("accounts"), names },
                         { QStringLiteral("treasury_micros"), microsText(available(t)) },
                         { QStringLiteral("envelopes"), envelopes },
                         { QStringLiteral("global_daily_micros"), optionalMicros(m_settings.globalDailyMicros) },
                         { QStringLiteral("monthly_micros"), optionalMicros(m_settings.monthlyMicros) },
                         { QStringLiteral("per_task_micros"), optionalMicros(m_settings.perTaskMicros) },
                         { QStringLiteral("committed_today_micros"), microsText(m_daySpent) },
                         { QStringLiteral("committed_month_micros"), microsText(m_monthSpent) },
                         { QStringLiteral("open_reservations"), int(m_open.size()) },
                         { QStringLiteral("prices"), prices } };
}

std::unique_ptr<Budgets> makeBudgets(const Config &config, const QString &dataDir, ledger::Ledger &ledger, Database &db, EventBus &events,
                                     AuditLog &audit, const Clock &clock)
{
    const QString prices = dataDir + QStringLiteral("/prices.yaml");
    auto settings = loadBudgetSettings(config, prices);
    if (!settings)
        qCWarning(lcCosts).noquote() << "the costs settings do not load, using the defaults:" << settings.error().message;
    BudgetSettings chosen = settings ? *settings : BudgetSettings {};
    chosen.pricesPath = prices;
    return std::make_unique<Budgets>(ledger, db, events, audit, clock, std::move(chosen));
}

} // namespace cabinet::costs

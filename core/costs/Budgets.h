#pragma once

#include "Actor.h"
#include "Clock.h"
#include "Result.h"
#include "costs/BudgetSettings.h"
#include "costs/CostAccounts.h"
#include "costs/PriceTable.h"
#include "llm/BudgetCheck.h"
#include "service/Service.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QObject>

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <vector>

namespace cabinet {
class AuditLog;
class Config;
class Database;
class EventBus;
class Transaction;
namespace ledger {
class Ledger;
}
} // namespace cabinet

namespace cabinet::costs {

// An agent's caps, as the agent registry gives them (its file's defaults).
struct EnvelopeCaps {
    QString agent;
    qint64 dailyCapMicros = 0;
    std::optional<qint64> perCallCapMicros; // none: only the daily cap bounds a call
};

// Costs and budgets through the ledger (docs/costs.md).
//
// Money: a funding account (money from outside; an operator's fund
// transfers come from it), the treasury, one budget envelope per agent
// (debits_must_not_exceed_credits) and one account per provider, all on
// ledger 1 in micro-USD. Each period the treasury refills every envelope to
// its agent's daily cap. Before a model call its worst case is reserved as a
// pending transfer envelope -> provider with a timeout; after it the actual
// cost is posted (a partial post) or the reservation voided. The ledger
// refusing for credits is the budget saying no: budget_exhausted, which
// the Router turns into a fallback or the call's error.
//
// Every call gets a spend record, written in the reservation's own ledger
// transaction and settled in the post's or void's, so a record and its
// money never disagree; a process that died between the two leaves the
// record pending, and start() marks it unknown (the ledger's expiry
// releases the reservation).
//
// Group commit: reserve() and settle() from any thread put the request in
// an inbox, and the service's thread drains it into one ledger batch per
// turn (several calls' reservations in one transaction). The BudgetCheck
// face the Router uses runs a batch at once, on the service's thread.
class Budgets : public QObject, public Service, public llm::BudgetCheck {
    Q_OBJECT
public:
    // Agents with an envelope.
    static constexpr int EnvelopesMax = 1'000;
    // Reservations open at once (in flight); beyond it a call is refused
    // for now (resource_exhausted), before anything is written.
    static constexpr int OpenReservationsMax = 100'000;
    // Requests drained into one ledger batch (its transfers stay far under
    // the ledger's BatchMax).
    static constexpr int BatchRequestsMax = 1'024;
    // A reservation outlives the call's time limit by this much, so a
    // slow stream is still settled before the ledger expires it.
    static constexpr qint64 ReservationMarginSeconds = 60;
    // A settle that could not be written (the store failing) is tried again
    // this often on the scheduler, until it is written or its reservation
    // expires (then the post records it expired); at most this many wait,
    // and one more is left to its reservation's expiry (docs/costs.md).
    static constexpr qint64 SettleRetryIntervalNs = 1'000'000'000;
    static constexpr int SettleRetriesMax = 1'024;
    // A call that states no max_tokens is reserved as if it asked for this.
    static constexpr qint64 UnboundedOutputTokens = llm::BudgetCheck::UnboundedOutputTokens;
    // How often the data directory's prices.yaml is looked at for a change.
    static constexpr qint64 PriceCheckIntervalNs = 2'000'000'000;
    // Tasks whose spend is tracked for the per-task budget.
    static constexpr int TasksTrackedMax = 10'000;
    // Agent names: as the agent files spell them.
    static constexpr int AgentNameMax = 64;
    // Velocity: the spend rate over the last window against the trailing
    // normal rate over the hours before it (docs/costs.md).
    static constexpr qint64 VelocityWindowNs = 5LL * 60 * 1'000'000'000;
    static constexpr qint64 VelocityTrailingNs = 24LL * 3600 * 1'000'000'000;
    static constexpr int VelocityFactor = 3;
    // Below it a window's spend is noise, not a run-away agent.
    static constexpr qint64 VelocityFloorMicros = 100'000;
    // The alert levels, percent of an envelope's daily cap.
    static constexpr int AlertPercents[] = { 50, 80, 95, 100 };

    Budgets(ledger::Ledger &ledger, Database &db, EventBus &events, AuditLog &audit, const Clock &clock, BudgetSettings settings,
            QObject *parent = nullptr);
    ~Budgets() override;

    // Service: the accounts exist, records left pending by a process that
    // died are marked unknown, and a refill that is due runs.
    QString name() const override { return QStringLiteral("costs.budgets"); }
    Status start() override;
    // For a write: started, or for a core that is not (a command line's
    // own), started now. On a read-only core, as loaded().
    Status ready();
    // For a read: the store read as it is, nothing written.
    Status loaded();
    std::optional<qint64> nextDeadlineNs() override;
    void runDue(qint64 nowNs) override;

    // The agents and their default caps (the agent registry). An agent new
    // to the store gets its envelope, filled at once to its cap; caps set
    // with setCaps() (budget.set) stay as set.
    Status setEnvelopes(const std::vector<EnvelopeCaps> &agents);
    // budget.set: an agent's caps, audited under `actor` with the event
    // costs.budget_set. The new daily cap fills (or trims) the envelope at
    // the next refill; the per-call cap holds from the next call.
    Status setCaps(const EnvelopeCaps &caps, const Actor &actor);
    // treasury.fund: money into the treasury from the funding account.
    Status fundTreasury(qint64 micros, const Actor &actor);
    // Refills every envelope to its cap now (the daily refill; also
    // budget.refill), in one ledger batch.
    Status refill(const Actor &actor);
    // An operator resumes an agent velocity detection paused.
    Status resume(const QString &agent, const Actor &actor);

    // BudgetCheck, on the service's thread: a batch of one at once.
    Result<Handle> reserve(const Query &query) override;
    void settle(Handle handle, const Settlement &settlement) override;

    // The same from any thread; `done` runs on the service's thread after
    // the batch holding the request committed (or failed).
    void reserve(Query query, std::function<void(Result<Handle>)> done);
    void settle(Handle handle, Settlement settlement, std::function<void(Status)> done);

    // Reads, on the service's thread.
    const PriceTable &prices() const { return m_prices; }
    const std::optional<Error> &pricesError() const { return m_pricesError; }
    // Every envelope with its cap, posted and pending spend and what is
    // left; the treasury; the price table; the controls (budget.show).
    Result<QJsonObject> show();
    // The alerts fired, newest first (costs.alerts).
    Result<QJsonArray> alerts(int limit);
    std::optional<qint64> perCallCap(const QString &agent) const;
    // The period (YYYY-MM-DD) a time falls in, and when it starts (ns).
    QString periodOf(qint64 ns) const;
    qint64 periodStartNs(qint64 ns) const;
    const BudgetSettings &settings() const { return m_settings; }
    int openReservations() const { return int(m_open.size()); }
    int settlesToRetry() const { return int(m_retries.size()); }
    // Batches committed (each one ledger transaction), for tests and the benchmark.
    quint64 batchesCommitted() const { return m_batches; }

private:
    struct Envelope {
        qint64 dailyCapMicros = 0;
        std::optional<qint64> perCallCapMicros;
        bool paused = false;
    };
    struct Open;
    struct ReserveRequest;
    struct SettleRequest;

    Status ensureAccounts(const std::vector<ledger::u128> &ids, const std::vector<quint16> &codes, const Actor &actor);
    Status loadEnvelopes();
    Status addEnvelopes(const std::vector<EnvelopeCaps> &agents);
    Status fund(qint64 micros, const Actor &actor);
    Status refillNow(const Actor &actor);
    // The transfer that brings an envelope to `cap` (a trim only if
    // `trim`), or none when it is there.
    static std::optional<ledger::Transfer> toCap(const ledger::Account &envelope, qint64 cap, bool trim);
    Status loadTotals();
    Status refillIfDue();
    Status markLeftPending();
    void reloadPrices(bool force);
    void runReserves(std::vector<ReserveRequest> &requests);
    void runSettles(std::vector<SettleRequest> &requests);
    void settleDirect(std::vector<SettleRequest> &requests);
    void retrySettles();
    Status settledOutcomes(std::vector<SettleRequest> &requests);
    void drain();
    Status checkAlerts(Transaction &tx, const std::set<QString> &agents, QJsonArray &fired);
    Status checkVelocity(Transaction &tx, const std::set<QString> &agents, QJsonArray &paused);
    qint64 taskSpent(const QString &task);

    ledger::Ledger &m_ledger;
    Database &m_db;
    EventBus &m_events;
    AuditLog &m_audit;
    const Clock &m_clock;
    BudgetSettings m_settings;

    PriceTable m_prices;
    std::optional<Error> m_pricesError;
    QDateTime m_pricesModified;
    qint64 m_nextPriceCheckNs = 0;

    std::map<QString, Envelope> m_envelopes;
    std::set<ledger::u128> m_accounts; // known to exist
    std::map<Handle, Open> m_open;
    // Direct settles to try again, in the order they failed.
    std::vector<std::pair<Handle, Settlement>> m_retries;
    qint64 m_nextRetryNs = 0;
    // Spend (posted, and pending at its reservation) in the current period
    // and month, and per task: loaded from the spend records at start and
    // at a new period, kept as calls reserve and settle.
    QString m_totalsPeriod, m_totalsMonth;
    qint64 m_daySpent = 0, m_monthSpent = 0;
    std::map<QString, qint64> m_taskSpent;
    quint64 m_batches = 0;
    bool m_started = false;
    bool m_loaded = false;

    std::mutex m_inboxMutex;
    std::vector<ReserveRequest> m_reserveInbox;
    std::vector<SettleRequest> m_settleInbox;
    bool m_drainQueued = false;
};

// The core's budgets: settings from the configuration (a bad one is
// reported and the defaults run), prices.yaml from the data directory.
std::unique_ptr<Budgets> makeBudgets(const Config &config, const QString &dataDir, ledger::Ledger &ledger, Database &db, EventBus &events,
                                     AuditLog &audit, const Clock &clock);

} // namespace cabinet::costs

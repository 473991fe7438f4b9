#pragma once

#include "Actor.h"
#include "Result.h"
#include "events/EventTypes.h"
#include "service/Service.h"
#include "ledger/LedgerBackend.h"

#include <QObject>
#include <QStringList>

#include <functional>

#include <memory>
#include <optional>

namespace cabinet {
class AuditLog;
class EventBus;
} // namespace cabinet

namespace cabinet::ledger {

// The ledger as the rest of Cabinet sees it: a LedgerBackend plus what the
// house rules add around it. Each committed batch emits ONE event on the
// EventBus (not one per transfer: at 100,000 transfers a second an event per
// transfer would cost more than the transfers), listing the touched accounts
// up to TouchedAccountsListed so a view can refresh just those. Every batch
// that writes names its Actor and gets one audit entry under it, in the same
// transaction. As a Service, the ledger's next deadline is the soonest
// pending transfer's expiry, and the scheduler runs the sweep then.
class Ledger : public QObject, public Service {
    Q_OBJECT
public:
    // Touched account ids listed in an event; beyond it the event says
    // "accounts_truncated": true and a view refreshes all.
    static constexpr int TouchedAccountsListed = 256;

    Ledger(std::unique_ptr<LedgerBackend> backend, EventBus &events, AuditLog &audit, QObject *parent = nullptr);
    ~Ledger() override;

    LedgerBackend &backend() const { return *m_backend; }

    Result<std::vector<CreateAccountResult>> createAccounts(std::span<const Account> events, const Actor &actor);
    Result<std::vector<CreateTransferResult>> createTransfers(std::span<const Transfer> events, const Actor &actor);
    // The same, and `alongside` writes the caller's own rows (and events)
    // into the batch's transaction, after the ledger's audit entry (even
    // when every transfer failed, as that entry is written then too): they
    // commit or vanish with the transfers (core/costs writes a call's spend
    // record with its reservation, an envelope's cap with its account). An
    // error from it rolls the batch back.
    using Alongside = std::function<Status(Transaction &tx)>;
    Result<std::vector<CreateAccountResult>> createAccounts(std::span<const Account> events, const Actor &actor, Alongside alongside);
    Result<std::vector<CreateTransferResult>> createTransfers(std::span<const Transfer> events, const Actor &actor, Alongside alongside);

    Result<std::vector<Account>> lookupAccounts(std::span<const u128> ids) { return m_backend->lookupAccounts(ids); }
    Result<std::vector<Transfer>> lookupTransfers(std::span<const u128> ids) { return m_backend->lookupTransfers(ids); }
    Result<std::vector<Transfer>> getAccountTransfers(const AccountFilter &filter) { return m_backend->getAccountTransfers(filter); }
    Result<std::vector<AccountBalance>> getAccountBalances(const AccountFilter &filter) { return m_backend->getAccountBalances(filter); }
    Result<std::vector<Account>> queryAccounts(const QueryFilter &filter) { return m_backend->queryAccounts(filter); }
    Result<std::vector<Transfer>> queryTransfers(const QueryFilter &filter) { return m_backend->queryTransfers(filter); }
    Result<std::vector<JournalRecord>> journal(u64 afterTimestamp, u32 limit) { return m_backend->journal(afterTimestamp, limit); }

    // The expiry sweep: expires everything due by the clock, in batches of
    // at most BatchMax; returns how many expired.
    Result<u32> expirePending(const Actor &actor);
    Result<u64> nextExpiryNs() { return m_backend->nextExpiryNs(); }
    // The pending transfers still open, soonest expiry first, at most
    // `limit` (clamped to BatchMax), and how many are open in all.
    Result<OpenPendingTransfers> openPendingTransfers(u32 limit) { return m_backend->openPendingTransfers(limit); }

    struct ReplayReport {
        qint64 records = 0;  // journal records replayed
        qint64 accounts = 0; // accounts compared
        QStringList mismatches; // empty when every balance and flag matches
        bool matches() const { return mismatches.isEmpty(); }
    };
    // Recomputes every account from the journal, from the start, and
    // compares with the stored accounts exactly.
    Result<ReplayReport> replayJournal();

    // Service: the sweep runs when the soonest pending transfer expires.
    QString name() const override { return QStringLiteral("ledger"); }
    std::optional<qint64> nextDeadlineNs() override;
    void runDue(qint64 nowNs) override;

private:
    Status onBatchCommitting(Transaction &tx, const BatchSummary &summary);

    std::unique_ptr<LedgerBackend> m_backend;
    EventBus &m_events;
    AuditLog &m_audit;
    std::optional<Actor> m_actor; // of the batch in flight
    Alongside m_alongside;        // of the batch in flight, when given
};

} // namespace cabinet::ledger

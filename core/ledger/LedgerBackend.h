#pragma once

#include "Result.h"
#include "ledger/LedgerStatus.h"
#include "ledger/LedgerTypes.h"

#include <functional>
#include <memory>
#include <span>
#include <vector>

namespace cabinet {
class Transaction;
}

namespace cabinet::ledger {

// What one committed batch did: enough for one event, one audit entry and a
// view-model refresh, without one record per transfer.
struct BatchSummary {
    enum class Kind { Accounts, Transfers, Expiry };
    Kind kind = Kind::Transfers;
    u32 eventCount = 0;   // events in the batch (for an expiry: transfers expired)
    u32 createdCount = 0; // objects created (for an expiry: transfers expired)
    u64 timestampMin = 0; // the timestamps the batch consumed, inclusive
    u64 timestampMax = 0;
    // Accounts created or whose balances or flags changed, ascending, unique.
    std::vector<u128> touchedAccounts;
};

// One journal record. The journal is every committed account creation,
// transfer and expiry in timestamp order; replaying it from the start
// reproduces every account's balances and `closed` flag
// (Ledger::replayJournal), and a consumer can tail it from any timestamp.
struct JournalRecord {
    enum class Kind : quint8 { AccountCreated, Transfer, Expiry };
    Kind kind = Kind::Transfer;
    u64 timestamp = 0;  // the record's own
    Account account;    // AccountCreated: the account as created (zero balances, flags as created)
    Transfer transfer;  // Transfer: the transfer; Expiry: the pending transfer that expired
};

struct ExpiryResult {
    u32 expired = 0;
    u64 timestampMin = 0; // the timestamps the expiries consumed
    u64 timestampMax = 0;
};

// A pending transfer that is still open: not posted, voided or expired.
struct OpenPendingTransfer {
    Transfer transfer;    // the pending transfer as created
    u64 expiresAtNs = 0;  // timestamp + timeout (ns since the epoch); 0: never expires
};

// One reply of LedgerBackend::openPendingTransfers: the first `limit` open
// pending transfers in expiry order, and how many are open in all, so that a
// caller can say "showing N of M".
struct OpenPendingTransfers {
    std::vector<OpenPendingTransfer> transfers;
    u64 total = 0;
};

// A ledger with TigerBeetle's semantics, shaped like a TigerBeetle cluster's
// client (docs/ledger.md, Layout): batches of 128-byte events in, one
// result per event out, filters as TigerBeetle's 128- and 64-byte structs,
// and nothing of the storage underneath in the signatures. The embedded
// SqliteLedgerBackend is the default; a backend that hands the same batches
// to libtb_client fits behind it unchanged.
//
// Errors (Result's error) mean the batch could not be made durable and
// nothing of it was applied; an event the ledger refused is a status in its
// result, not an error.
class LedgerBackend {
public:
    // Called once for every batch while it is being made durable, before
    // the results are returned. The embedded backend calls it inside the
    // very SQLite transaction that holds the batch, so events and audit
    // entries written through `tx` commit or vanish with it. A cluster
    // backend calls it after the cluster's reply, in a local transaction of
    // its own. An error aborts the batch (embedded) or is reported
    // (cluster).
    using CommitHook = std::function<Status(Transaction &tx, const BatchSummary &summary)>;

    virtual ~LedgerBackend() = default;

    virtual QString name() const = 0;
    virtual void setCommitHook(CommitHook hook) = 0;

    // At most BatchMax events each.
    virtual Result<std::vector<CreateAccountResult>> createAccounts(std::span<const Account> events) = 0;
    virtual Result<std::vector<CreateTransferResult>> createTransfers(std::span<const Transfer> events) = 0;

    // Found objects in request order; missing ids are left out. More than
    // BatchMax ids is an error, as for a create batch.
    virtual Result<std::vector<Account>> lookupAccounts(std::span<const u128> ids) = 0;
    virtual Result<std::vector<Transfer>> lookupTransfers(std::span<const u128> ids) = 0;

    // Empty, never an error, for an invalid filter (as TigerBeetle). A limit
    // above BatchMax is clamped to it.
    virtual Result<std::vector<Transfer>> getAccountTransfers(const AccountFilter &filter) = 0;
    virtual Result<std::vector<AccountBalance>> getAccountBalances(const AccountFilter &filter) = 0;
    virtual Result<std::vector<Account>> queryAccounts(const QueryFilter &filter) = 0;
    virtual Result<std::vector<Transfer>> queryTransfers(const QueryFilter &filter) = 0;

    // Expires every pending transfer whose timeout has passed by the clock,
    // in expiry order (ties by the transfer's timestamp), at most BatchMax
    // per call; call again while it returns BatchMax. A cluster does this
    // on its own (its pulse) and returns 0 here.
    virtual Result<ExpiryResult> expirePending() = 0;
    // When the next pending transfer expires (ns since the epoch), 0 when none will.
    virtual Result<u64> nextExpiryNs() = 0;

    // The pending transfers still open (not posted, voided or expired), in
    // expiry order: soonest expiry first, ties by the transfer's timestamp,
    // then those that never expire by timestamp. At most `limit` of them (a
    // limit above BatchMax is clamped to it; 0 gives only the total), plus
    // the total open. "Expired" means the expiry has run: one past its
    // expiry time that the sweep (a cluster's pulse) has not reached yet is
    // still listed, with its expiry time saying so, as its reservation is
    // still held.
    //
    // This is not a TigerBeetle request (query_transfers cannot filter by
    // flags, and a transfer's record never says it was resolved), so a
    // cluster backend answers from an index of its own, kept beside the
    // cluster from the CDC feed: it tails get_change_events
    // (ChangeEventsFilter.timestamp_min = the last event's timestamp + 1),
    // adds the transfer of each two_phase_pending event (the event carries
    // every field of it, and transfer_timestamp; it expires at
    // transfer_timestamp + transfer_timeout s), and drops it at the
    // two_phase_posted or two_phase_voided event naming it as
    // transfer_pending_id, or its two_phase_expired event. It keeps the
    // index and its place in the feed in its local database, so a restart
    // goes on from there instead of reading the feed again, and brings it
    // up to date with the feed before answering. The shape is a query's:
    // one request, at most BatchMax results, nothing of the index in it.
    virtual Result<OpenPendingTransfers> openPendingTransfers(u32 limit) = 0;

    // Journal records with timestamp > afterTimestamp, oldest first, at most
    // `limit` (a consumer tails the journal by passing the last timestamp it saw).
    virtual Result<std::vector<JournalRecord>> journal(u64 afterTimestamp, u32 limit) = 0;

    // While the returned scope lives, every read through this backend sees
    // one committed state, however many requests it takes and whatever
    // another process commits meanwhile: a check that compares one read
    // with another (the journal with the balances) needs that, or a batch
    // committed between them reads as a mismatch. The embedded backend
    // holds one SQLite read transaction. A cluster has no snapshot across
    // requests; its backend would have to bound such a check by timestamps.
    class ReadScope {
    public:
        virtual ~ReadScope() = default;
    };
    virtual std::unique_ptr<ReadScope> readSnapshot() = 0;
};

} // namespace cabinet::ledger

#pragma once

#include "Result.h"
#include "ledger/LedgerStatus.h"
#include "ledger/LedgerTypes.h"

#include <functional>
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

// A ledger with TigerBeetle's semantics, shaped like a TigerBeetle cluster's
// client (shared/LEDGER.md section 6): batches of 128-byte events in, one
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

    // Empty, never an error, for an invalid filter (section 5). A limit
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

    // Journal records with timestamp > afterTimestamp, oldest first, at most
    // `limit` (a consumer tails the journal by passing the last timestamp it saw).
    virtual Result<std::vector<JournalRecord>> journal(u64 afterTimestamp, u32 limit) = 0;
};

} // namespace cabinet::ledger

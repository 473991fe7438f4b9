#pragma once

#include "ledger/LedgerTypes.h"

#include <optional>
#include <span>

namespace cabinet::ledger {

// One side of a stored transfer, for the per-account lists.
struct Posting {
    u64 epoch = 0;
    u64 account = 0;   // the account's timestamp
    u64 timestamp = 0; // the transfer's
    bool credit = false;
};

// What the rules need from durable storage while a batch runs: the cold
// state (transfers that are not pending any more) and the writes. Reads see
// the batch's own earlier writes. A failing call records the error and the
// backend aborts the batch (failed()), so the rules stay free of error
// plumbing; what they decide after a failure is thrown away with the batch.
class LedgerStorage {
public:
    virtual ~LedgerStorage() = default;

    virtual bool failed() const = 0;

    // The transfer with this id (committed, or written earlier in this batch).
    virtual std::optional<Transfer> transfer(u128 id) = 0;
    // The state of the pending transfer created at `pendingTimestamp`.
    virtual PendingStatus pendingStatus(u64 pendingTimestamp) = 0;
    virtual bool transferExistsAt(u64 timestamp) = 0;

    virtual void insertAccount(const Account &account) = 0;
    // Writes the balances and flags of accounts that already exist.
    virtual void updateAccounts(std::span<const Account *const> accounts) = 0;
    // Accounts are referred to by their timestamps; `epoch` groups the
    // transfer for the account indexes (see 0002_ledger.sql). Returns false,
    // writing nothing, when a transfer with this id is already stored: the
    // rules look for one only then, so a new transfer costs no extra read.
    virtual bool insertTransfer(const Transfer &transfer, u64 debitAccountTimestamp, u64 creditAccountTimestamp,
                                u64 epoch) = 0;
    virtual void startEpoch(u64 epoch, u64 firstTimestamp) = 0;
    virtual void setPendingStatus(u64 pendingTimestamp, PendingStatus status, u64 expiresAtNs) = 0;
    // Balances after a transfer for get_account_balances; null for a side without history.
    virtual void insertBalances(u64 timestamp, const Account *debit, const Account *credit) = 0;
    virtual void insertExpiry(u64 timestamp, u64 pendingTimestamp) = 0;
    virtual void insertOrphan(u128 id) = 0;
    // The batch's postings, ordered by (epoch, account, timestamp).
    virtual void appendPostings(std::span<const Posting> postings) = 0;
    virtual void setMarks(u64 lastTimestamp, u64 transferCount) = 0;

    // A linked chain's writes can be rolled back without the rest of the batch.
    virtual void beginChain() = 0;
    virtual void releaseChain() = 0;
    virtual void rollbackChain() = 0;
};

} // namespace cabinet::ledger

#pragma once

#include "ledger/HotState.h"
#include "ledger/LedgerStatus.h"
#include "ledger/LedgerStorage.h"

#include <optional>
#include <span>
#include <vector>

namespace cabinet::ledger {

// TigerBeetle's create_accounts / create_transfers / expiry rules over the
// hot state, writing through LedgerStorage. Every status check runs in the
// precedence order TigerBeetle uses (docs/ledger.md); the functions below are
// named after TigerBeetle's own so the two can be read side by side.
//
// A batch is begun, executed and then committed or aborted by the backend
// once storage has (or has not) made it durable. Every change to the hot
// state is logged, so a broken linked chain and an aborted batch are undone
// exactly.
class StateMachine {
public:
    explicit StateMachine(LedgerStorage &storage) : m_storage(storage) { }

    const HotState &state() const { return m_state; }
    void reset(HotState state);

    // The batch timestamp for `eventCount` events at clock time `nowNs`:
    // strictly after every timestamp handed out so far.
    u64 batchTimestamp(u64 nowNs, u32 eventCount) const;

    void beginBatch(u64 batchTimestamp);
    void commitBatch();
    void abortBatch();
    bool batchOpen() const { return m_batchOpen; }

    std::vector<CreateAccountResult> createAccounts(std::span<const Account> events);
    std::vector<CreateTransferResult> createTransfers(std::span<const Transfer> events);
    // Expires `due` (pending transfers in expiry order); returns how many.
    u32 expire(std::span<const ExpiryKey> due);
    // Pending transfers due by `nowNs`, in expiry order, at most `limit`.
    std::vector<ExpiryKey> dueExpiries(u64 nowNs, u32 limit) const;

    // Writes what the batch kept in memory until its end: every account it
    // changed (once each, however often it moved), the per-account transfer
    // lists and the clock marks. Call once, before commit. Returns the
    // accounts the batch created or changed, ascending.
    std::vector<u128> finishBatchWrites();

private:
    struct Mark {
        size_t accountUndo = 0;
        size_t pendingUndo = 0;
        size_t orphanUndo = 0;
        size_t postings = 0;
        u64 lastTimestamp = 0;
        u64 maxAccountTimestamp = 0;
        u64 maxTransferTimestamp = 0;
        u64 transferCount = 0;
    };
    Mark mark() const;
    void undoTo(const Mark &mark);

    template <typename Result, typename Event, typename Apply, typename OnFailure>
    std::vector<Result> executeCreate(std::span<const Event> events, u16 importedFlag, Apply apply, OnFailure onFailure);

    // One event each, after the batch-level checks; `t.timestamp` is set.
    CreateAccountStatus createAccount(const Account &a, u64 &objectTimestamp);
    CreateTransferStatus createTransfer(const Transfer &t, u64 &objectTimestamp);
    CreateTransferStatus createNewTransfer(const Transfer &t);
    CreateTransferStatus postOrVoidPendingTransfer(const Transfer &t);
    static CreateAccountStatus createAccountExists(const Account &a, const Account &e);
    CreateTransferStatus createTransferExists(const Transfer &t, const Transfer &e);
    static CreateTransferStatus postOrVoidPendingTransferExists(const Transfer &t, const Transfer &e, const Transfer &p);

    // Logged mutations of the hot state.
    void addAccount(const Account &account);
    // `slot` is the account's entry in the hot state (its address is stable).
    void setAccount(Account &slot, const Account &value);
    void addPending(const Transfer &transfer);
    void removePending(u128 id);
    void addOrphan(u128 id);
    // False when the id is already stored; nothing is written then.
    bool storeTransfer(const Transfer &transfer, const Account &debit, const Account &credit);
    void recordBalances(u64 timestamp, const Account &debit, const Account &credit);

    LedgerStorage &m_storage;
    HotState m_state;
    bool m_batchOpen = false;
    Mark m_batchMark;
    u64 m_batchTimestamp = 0;
    // Prior state of everything changed since the batch began, oldest first.
    struct AccountUndo {
        Account *slot;                // the hot state's entry
        std::optional<Account> prior; // nullopt: created in this batch
    };
    std::vector<AccountUndo> m_accountUndo;
    std::vector<std::pair<u128, std::optional<PendingEntry>>> m_pendingUndo;
    std::vector<u128> m_orphanUndo;
    std::vector<Posting> m_postings; // of the batch so far
};

} // namespace cabinet::ledger

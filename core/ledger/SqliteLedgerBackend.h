#pragma once

#include "Clock.h"
#include "ledger/LedgerBackend.h"
#include "ledger/SqliteLedgerStore.h"
#include "ledger/StateMachine.h"
#include "store/ReadSnapshot.h"

namespace cabinet {
class Database;
}

namespace cabinet::ledger {

// The embedded ledger, in the console's own SQLite database (docs/ledger.md,
// Storage).
//
// Accounts and still-pending transfers are held in memory (HotState) and
// mirrored to SQLite; a batch runs against memory, writes its rows as it
// goes, and is one SQLite transaction (synchronous=FULL): results come back
// only after COMMIT. If the commit fails, the transaction rolls back and the
// in-memory state is restored to what it was, so memory and file agree.
//
// The hot state is loaded on the first write (or the first read of the
// pending transfers, which it holds), so opening a Cabinet, or a read-only
// lookup from the command line, does not pay for it.
class SqliteLedgerBackend final : public LedgerBackend {
public:
    SqliteLedgerBackend(Database &db, const Clock &clock);

    QString name() const override { return QStringLiteral("sqlite"); }
    void setCommitHook(CommitHook hook) override { m_commitHook = std::move(hook); }

    Result<std::vector<CreateAccountResult>> createAccounts(std::span<const Account> events) override;
    Result<std::vector<CreateTransferResult>> createTransfers(std::span<const Transfer> events) override;
    Result<std::vector<Account>> lookupAccounts(std::span<const u128> ids) override;
    Result<std::vector<Transfer>> lookupTransfers(std::span<const u128> ids) override;
    Result<std::vector<Transfer>> getAccountTransfers(const AccountFilter &filter) override;
    Result<std::vector<AccountBalance>> getAccountBalances(const AccountFilter &filter) override;
    Result<std::vector<Account>> queryAccounts(const QueryFilter &filter) override;
    Result<std::vector<Transfer>> queryTransfers(const QueryFilter &filter) override;
    Result<ExpiryResult> expirePending() override;
    Result<u64> nextExpiryNs() override;
    Result<OpenPendingTransfers> openPendingTransfers(u32 limit) override;
    Result<std::vector<JournalRecord>> journal(u64 afterTimestamp, u32 limit) override;
    // One read transaction; each query's own snapshot nests in it.
    std::unique_ptr<ReadScope> readSnapshot() override
    {
        struct Scope final : ReadScope {
            explicit Scope(Database &db) : snapshot(db) { }
            ReadSnapshot snapshot;
        };
        return std::make_unique<Scope>(m_db);
    }

    // Loads the hot state now instead of on the first write.
    Status load();
    // Compares the in-memory state with a fresh load from the database and
    // names the first difference: the check that memory mirrors the file.
    Status verifyHotState();

private:
    // Runs `execute` as one durable batch of `eventCount` timestamps.
    template <typename Execute>
    Status runBatch(BatchSummary::Kind kind, u32 eventCount, u64 batchTimestamp, Execute execute);
    // createAccounts and createTransfers: size check, timestamps, one batch.
    template <typename Result_, typename Event, typename Apply>
    Result<std::vector<Result_>> createBatch(BatchSummary::Kind kind, std::span<const Event> events, Apply apply);

    Database &m_db;
    const Clock &m_clock;
    SqliteLedgerStore m_store;
    StateMachine m_machine;
    CommitHook m_commitHook;
    bool m_loaded = false;
};

} // namespace cabinet::ledger

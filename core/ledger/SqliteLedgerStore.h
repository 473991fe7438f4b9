#pragma once

#include "Result.h"
#include "ledger/HotState.h"
#include "ledger/LedgerBackend.h"
#include "ledger/LedgerStorage.h"

#include <span>
#include <string_view>
#include <vector>

namespace cabinet {
class Database;
class Statement;
} // namespace cabinet

namespace cabinet::ledger {

// All of the ledger's SQL (schema: resources/sql/0002_ledger.sql): the
// writes and reads a batch makes (LedgerStorage), loading the hot state, and
// the queries. Reads outside a batch go straight to the tables, so a
// read-only connection (the command line's lookups) needs no hot state.
class SqliteLedgerStore final : public LedgerStorage {
public:
    explicit SqliteLedgerStore(Database &db);

    // The first storage error of the batch, cleared for the next one.
    QString takeError();

    Result<HotState> loadHotState();

    Result<std::vector<Account>> lookupAccounts(std::span<const u128> ids);
    Result<std::vector<Transfer>> lookupTransfers(std::span<const u128> ids);
    Result<std::vector<Transfer>> accountTransfers(const AccountFilter &filter);
    Result<std::vector<AccountBalance>> accountBalances(const AccountFilter &filter);
    Result<std::vector<Account>> queryAccounts(const QueryFilter &filter);
    Result<std::vector<Transfer>> queryTransfers(const QueryFilter &filter);
    Result<std::vector<JournalRecord>> journal(u64 afterTimestamp, u32 limit);

    // LedgerStorage
    bool failed() const override { return !m_error.isEmpty(); }
    std::optional<Transfer> transfer(u128 id) override;
    PendingStatus pendingStatus(u64 pendingTimestamp) override;
    bool transferExistsAt(u64 timestamp) override;
    void insertAccount(const Account &account) override;
    void updateAccounts(std::span<const Account *const> accounts) override;
    bool insertTransfer(const Transfer &transfer, u64 debitAccountTimestamp, u64 creditAccountTimestamp,
                        u64 epoch) override;
    void startEpoch(u64 epoch, u64 firstTimestamp) override;
    void setPendingStatus(u64 pendingTimestamp, PendingStatus status, u64 expiresAtNs) override;
    void insertBalances(u64 timestamp, const Account *debit, const Account *credit) override;
    void insertExpiry(u64 timestamp, u64 pendingTimestamp) override;
    void insertOrphan(u128 id) override;
    void appendPostings(std::span<const Posting> postings) override;
    void setMarks(u64 lastTimestamp, u64 transferCount) override;
    void beginChain() override;
    void releaseChain() override;
    void rollbackChain() override;

private:
    // The statements a batch runs per event, prepared once and held, so the
    // hot path does not look them up by their SQL text.
    enum Hot {
        SelectTransfer,
        SelectTransferAt,
        InsertTransfer,
        UpdateAccount,
        UpdateAccounts,
        AppendPosting,
        AppendPostings,
        UpsertPending,
        InsertBalances,
        HotCount
    };
    Statement &hot(Hot which);

    // Epochs whose transfers may fall in [from, to], in scan order.
    Result<std::vector<u64>> epochsFor(u64 from, u64 to, bool reversed);
    Result<std::optional<u64>> accountTimestamp(u128 id);
    // Runs a transfer SELECT, appending up to `limit` rows.
    Status readTransfers(Statement &select, std::vector<Transfer> &out, size_t limit);

    void exec(Statement &statement, const char *what);
    void record(const QString &message);

    Database &m_db;
    QString m_error;
    Statement *m_hot[HotCount] = {};
};

} // namespace cabinet::ledger

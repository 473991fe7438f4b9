// SqliteLedgerStore's reads outside batches: lookups, TigerBeetle's query
// filters (docs/ledger.md, Command line), and the journal.
#include "ledger/LedgerFilters.h"
#include "ledger/SqliteLedgerRows.h"
#include "ledger/SqliteLedgerStore.h"
#include "store/ReadSnapshot.h"
#include "store/Database.h"

#include <algorithm>
#include <string>

namespace cabinet::ledger {

using namespace rows;

namespace {

// The optional AND terms of a filter, with fixed parameter numbers so one
// SQL text per combination is prepared once and cached. (The partial
// indexes are "WHERE x IS NOT NULL", which an "x = ?" term implies; "!= 0"
// is restated for the integer ones, as SQLite needs to use them.)
struct Terms {
    std::string sql;
    void add(std::string_view term) { (sql += " AND ") += term; }
};

void bindOptional(Statement &select, int index, u128 value)
{
    if (value != 0)
        bindU128(select, index, value);
}
void bindOptional(Statement &select, int index, u64 value)
{
    if (value != 0)
        select.bind(index, qint64(value));
}

Error readError(const char *what, const Error &error)
{
    return Error { ErrorCode::Internal, QStringLiteral("cannot read %1: %2").arg(QLatin1StringView(what), error.message) };
}

} // namespace

Result<std::optional<u64>> SqliteLedgerStore::accountTimestamp(u128 id)
{
    auto &select = m_db.statement("SELECT timestamp FROM ledger_accounts WHERE id = ?1");
    bindU128(select, 1, id);
    auto row = select.step();
    if (!row) {
        select.reset();
        return readError("an account", row.error());
    }
    std::optional<u64> timestamp;
    if (*row)
        timestamp = u64(select.int64(0));
    select.reset();
    return timestamp;
}

Status SqliteLedgerStore::readTransfers(Statement &select, std::vector<Transfer> &out, size_t limit)
{
    while (out.size() < limit) {
        auto row = select.step();
        if (!row) {
            select.reset();
            return readError("transfers", row.error());
        }
        if (!*row)
            break;
        out.push_back(readTransfer(select, 0));
    }
    select.reset();
    return {};
}

Result<std::vector<u64>> SqliteLedgerStore::epochsFor(u64 from, u64 to, bool reversed)
{
    // Epoch e holds the transfers from its first timestamp up to the next
    // epoch's first: start at the last epoch that began at or before `from`.
    auto &select = m_db.statement(reversed ? "SELECT epoch FROM ledger_epochs WHERE timestamp_first <= ?2 AND epoch >="
                                             " (SELECT coalesce(max(epoch), 0) FROM ledger_epochs WHERE timestamp_first <= ?1)"
                                             " ORDER BY epoch DESC"
                                           : "SELECT epoch FROM ledger_epochs WHERE timestamp_first <= ?2 AND epoch >="
                                             " (SELECT coalesce(max(epoch), 0) FROM ledger_epochs WHERE timestamp_first <= ?1)"
                                             " ORDER BY epoch");
    select.bind(1, qint64(from)).bind(2, qint64(to));
    std::vector<u64> epochs;
    for (;;) {
        auto row = select.step();
        if (!row) {
            select.reset();
            return readError("transfer epochs", row.error());
        }
        if (!*row)
            break;
        epochs.push_back(u64(select.int64(0)));
    }
    select.reset();
    return epochs;
}

Result<std::vector<Account>> SqliteLedgerStore::lookupAccounts(std::span<const u128> ids)
{
    const ReadSnapshot snapshot(m_db);
    if (ids.size() > BatchMax)
        return Error { ErrorCode::InvalidArgument, QStringLiteral("a lookup takes at most %1 ids, got %2").arg(BatchMax).arg(ids.size()) };
    std::vector<Account> found;
    auto &select = m_db.statement(sql::SelectAccountById);
    for (u128 id : ids) {
        bindU128(select, 1, id);
        auto row = select.step();
        if (!row) {
            select.reset();
            return readError("accounts", row.error());
        }
        if (*row)
            found.push_back(readAccount(select, 0));
        select.reset();
    }
    return found;
}

Result<std::vector<Transfer>> SqliteLedgerStore::lookupTransfers(std::span<const u128> ids)
{
    const ReadSnapshot snapshot(m_db);
    if (ids.size() > BatchMax)
        return Error { ErrorCode::InvalidArgument, QStringLiteral("a lookup takes at most %1 ids, got %2").arg(BatchMax).arg(ids.size()) };
    std::vector<Transfer> found;
    auto &select = m_db.statement(sql::SelectTransferById);
    for (u128 id : ids) {
        bindU128(select, 1, id);
        auto row = select.step();
        if (!row) {
            select.reset();
            return readError("transfers", row.error());
        }
        if (*row)
            found.push_back(readTransfer(select, 0));
        select.reset();
    }
    return found;
}

Result<std::vector<Transfer>> SqliteLedgerStore::accountTransfers(const AccountFilter &filter)
{
    const ReadSnapshot snapshot(m_db);
    std::vector<Transfer> result;
    if (!isValid(filter))
        return result;
    auto account = accountTimestamp(filter.account_id);
    if (!account)
        return account.error();
    if (!*account)
        return result;

    const bool reversed = filter.flags & AccountFilterFlag::Reversed;
    const u64 from = timestampFrom(filter.timestamp_min);
    const u64 to = timestampTo(filter.timestamp_max);
    const size_t limit = clampedLimit(filter.limit);
    auto matches = [&](const Transfer &t) {
        return (filter.user_data_128 == 0 || t.user_data_128 == filter.user_data_128)
               && (filter.user_data_64 == 0 || t.user_data_64 == filter.user_data_64)
               && (filter.user_data_32 == 0 || t.user_data_32 == filter.user_data_32) && (filter.code == 0 || t.code == filter.code);
    };

    auto epochs = epochsFor(from, to, reversed);
    if (!epochs)
        return epochs.error();
    auto &lists = m_db.statement("SELECT debits, credits FROM ledger_postings WHERE epoch = ?1 AND account = ?2");
    auto &byTimestamp = hot(SelectTransferAt);
    std::vector<u64> timestamps;
    for (u64 epoch : *epochs) {
        // The account's transfers in this epoch, from its lists, in order.
        lists.bind(1, qint64(epoch)).bind(2, qint64(**account));
        auto row = lists.step();
        if (!row) {
            lists.reset();
            return readError("an account's transfers", row.error());
        }
        timestamps.clear();
        if (*row) {
            for (int column = 0; column < 2; ++column) {
                if (!(filter.flags & (column == 0 ? AccountFilterFlag::Debits : AccountFilterFlag::Credits)))
                    continue;
                const auto *bytes = static_cast<const quint8 *>(lists.blobData(column));
                for (int at = 0; at + 8 <= lists.bytes(column); at += 8) {
                    u64 timestamp = 0;
                    for (int i = 0; i < 8; ++i)
                        timestamp = (timestamp << 8) | bytes[at + i];
                    if (timestamp >= from && timestamp <= to)
                        timestamps.push_back(timestamp);
                }
            }
        }
        lists.reset();
        // A transfer is on one side only, so merging the sides is sorting.
        std::sort(timestamps.begin(), timestamps.end());
        if (reversed)
            std::reverse(timestamps.begin(), timestamps.end());
        for (u64 timestamp : timestamps) {
            byTimestamp.bind(1, qint64(timestamp));
            auto found = byTimestamp.step();
            if (!found) {
                byTimestamp.reset();
                return readError("a transfer", found.error());
            }
            std::optional<Transfer> transfer;
            if (*found)
                transfer = readTransfer(byTimestamp, 0);
            byTimestamp.reset();
            if (!transfer)
                return Error { ErrorCode::DataLoss, QStringLiteral("the ledger's transfer lists name a transfer at %1 that is not stored").arg(timestamp) };
            if (matches(*transfer))
                result.push_back(*transfer);
            if (result.size() >= limit)
                return result;
        }
    }
    return result;
}

Result<std::vector<AccountBalance>> SqliteLedgerStore::accountBalances(const AccountFilter &filter)
{
    const ReadSnapshot snapshot(m_db);
    std::vector<AccountBalance> result;
    if (!isValid(filter))
        return result;
    auto account = lookupAccounts(std::span(&filter.account_id, 1));
    if (!account)
        return account.error();
    if (account->empty() || !account->front().has(AccountFlag::History))
        return result;

    auto transfers = accountTransfers(filter);
    if (!transfers)
        return transfers.error();
    auto &select = m_db.statement("SELECT debit_balance, credit_balance FROM ledger_balances WHERE timestamp = ?1");
    for (const Transfer &transfer : *transfers) {
        select.bind(1, qint64(transfer.timestamp));
        auto row = select.step();
        if (!row) {
            select.reset();
            return readError("account history", row.error());
        }
        AccountBalance balance;
        balance.timestamp = transfer.timestamp;
        const int column = transfer.debit_account_id == filter.account_id ? 0 : 1;
        const bool decoded = *row && decodeBalance(select, column, balance);
        select.reset();
        if (!decoded)
            return Error { ErrorCode::DataLoss, QStringLiteral("account history is missing the balance after transfer %1").arg(toDecimal(transfer.id)) };
        result.push_back(balance);
    }
    return result;
}

Result<std::vector<Account>> SqliteLedgerStore::queryAccounts(const QueryFilter &filter)
{
    const ReadSnapshot snapshot(m_db);
    std::vector<Account> result;
    if (!isValid(filter))
        return result;
    Terms terms;
    if (filter.user_data_128 != 0)
        terms.add("a.user_data_128 = ?3");
    if (filter.user_data_64 != 0)
        terms.add("a.user_data_64 = ?4 AND a.user_data_64 != 0");
    if (filter.user_data_32 != 0)
        terms.add("a.user_data_32 = ?5 AND a.user_data_32 != 0");
    if (filter.ledger != 0)
        terms.add("a.ledger = ?6");
    if (filter.code != 0)
        terms.add("a.code = ?7");
    const bool reversed = filter.flags & QueryFilterFlag::Reversed;
    const std::string text = std::string(sql::AccountSelect) + " WHERE a.timestamp BETWEEN ?1 AND ?2" + terms.sql
                             + (reversed ? " ORDER BY a.timestamp DESC LIMIT ?8" : " ORDER BY a.timestamp LIMIT ?8");
    auto &select = m_db.statement(text);
    select.bind(1, qint64(timestampFrom(filter.timestamp_min))).bind(2, qint64(timestampTo(filter.timestamp_max)));
    bindOptional(select, 3, filter.user_data_128);
    bindOptional(select, 4, filter.user_data_64);
    bindOptional(select, 5, u64(filter.user_data_32));
    bindOptional(select, 6, u64(filter.ledger));
    bindOptional(select, 7, u64(filter.code));
    const size_t limit = clampedLimit(filter.limit);
    select.bind(8, qint64(limit));
    while (result.size() < limit) {
        auto row = select.step();
        if (!row) {
            select.reset();
            return readError("accounts", row.error());
        }
        if (!*row)
            break;
        result.push_back(readAccount(select, 0));
    }
    select.reset();
    return result;
}

Result<std::vector<Transfer>> SqliteLedgerStore::queryTransfers(const QueryFilter &filter)
{
    const ReadSnapshot snapshot(m_db);
    std::vector<Transfer> result;
    if (!isValid(filter))
        return result;
    const bool reversed = filter.flags & QueryFilterFlag::Reversed;
    const u64 from = timestampFrom(filter.timestamp_min);
    const u64 to = timestampTo(filter.timestamp_max);
    const size_t limit = clampedLimit(filter.limit);

    Terms terms;
    if (filter.user_data_64 != 0)
        terms.add("t.user_data_64 = ?4");
    if (filter.user_data_32 != 0)
        terms.add("t.user_data_32 = ?5");
    if (filter.ledger != 0)
        terms.add("t.ledger = ?6");
    if (filter.code != 0)
        terms.add("t.code = ?7");
    const char *order = reversed ? " ORDER BY t.timestamp DESC LIMIT ?8" : " ORDER BY t.timestamp LIMIT ?8";

    auto bindAll = [&](Statement &select) {
        select.bind(1, qint64(from)).bind(2, qint64(to));
        bindOptional(select, 3, filter.user_data_128);
        bindOptional(select, 4, filter.user_data_64);
        bindOptional(select, 5, u64(filter.user_data_32));
        bindOptional(select, 6, u64(filter.ledger));
        bindOptional(select, 7, u64(filter.code));
        select.bind(8, qint64(limit - result.size()));
    };

    if (filter.user_data_128 == 0) {
        // No index for the other fields: walk the time range in order.
        auto &select = m_db.statement(std::string(sql::TransferSelect) + " WHERE t.timestamp BETWEEN ?1 AND ?2" + terms.sql + order);
        bindAll(select);
        if (auto read = readTransfers(select, result, limit); !read)
            return read.error();
        return result;
    }

    // user_data_128 is indexed per epoch.
    auto &select = m_db.statement(std::string(sql::TransferSelect) + " WHERE t.epoch = ?9 AND t.user_data_128 = ?3"
                                  " AND t.timestamp BETWEEN ?1 AND ?2" + terms.sql + order);
    auto epochs = epochsFor(from, to, reversed);
    if (!epochs)
        return epochs.error();
    for (u64 epoch : *epochs) {
        bindAll(select);
        select.bind(9, qint64(epoch));
        if (auto read = readTransfers(select, result, limit); !read)
            return read.error();
        if (result.size() >= limit)
            break;
    }
    return result;
}

Result<std::vector<JournalRecord>> SqliteLedgerStore::journal(u64 afterTimestamp, u32 limit)
{
    const ReadSnapshot snapshot(m_db);
    limit = clampedLimit(limit);
    // Three ordered sources, each read up to `limit`, merged by timestamp.
    struct Source {
        const char *sql;
        JournalRecord::Kind kind;
        std::vector<JournalRecord> records;
        size_t next = 0;
    };
    Source sources[] = { { sql::SelectJournalAccounts, JournalRecord::Kind::AccountCreated, {} },
                         { sql::SelectJournalTransfers, JournalRecord::Kind::Transfer, {} },
                         { sql::SelectExpiries, JournalRecord::Kind::Expiry, {} } };
    for (Source &source : sources) {
        auto &select = m_db.statement(source.sql);
        select.bind(1, qint64(afterTimestamp)).bind(2, qint64(limit));
        for (;;) {
            auto row = select.step();
            if (!row) {
                select.reset();
                return readError("the journal", row.error());
            }
            if (!*row)
                break;
            JournalRecord record;
            record.kind = source.kind;
            switch (source.kind) {
            case JournalRecord::Kind::AccountCreated:
                record.account = readAccount(select, 0);
                record.timestamp = record.account.timestamp;
                break;
            case JournalRecord::Kind::Transfer:
                record.transfer = readTransfer(select, 0);
                record.timestamp = record.transfer.timestamp;
                break;
            case JournalRecord::Kind::Expiry:
                record.timestamp = u64(select.int64(0));
                record.transfer = readTransfer(select, 1);
                break;
            }
            source.records.push_back(record);
        }
        select.reset();
    }

    std::vector<JournalRecord> merged;
    while (merged.size() < limit) {
        Source *earliest = nullptr;
        for (Source &source : sources) {
            if (source.next < source.records.size()
                && (!earliest || source.records[source.next].timestamp < earliest->records[earliest->next].timestamp))
                earliest = &source;
        }
        if (!earliest)
            break;
        merged.push_back(earliest->records[earliest->next++]);
    }
    return merged;
}

} // namespace cabinet::ledger

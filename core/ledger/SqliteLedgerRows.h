#pragma once

// How ledger objects map to rows of resources/sql/0002_ledger.sql. Private
// to SqliteLedgerStore.
#include "ledger/LedgerTypes.h"
#include "ledger/U128.h"
#include "store/Statement.h"

#include <array>
#include <string>

namespace cabinet::ledger::rows {

// Zero, the common value of pending_id and user_data_128, is stored as NULL:
// a byte in the row instead of seventeen, and outside the partial indexes.
inline void bindU128(Statement &statement, int index, u128 value)
{
    if (value == 0) {
        statement.bindNull(index);
        return;
    }
    const U128Bytes bytes = toBigEndian(value);
    statement.bindBlob(index, bytes.data(), int(bytes.size()));
}

// NULL is 0. Any other value that is not 16 bytes can only come from a
// damaged file; it reads as 0 rather than as a neighbour's bytes.
inline u128 readU128(const Statement &statement, int column)
{
    return statement.bytes(column) == 16 ? fromBigEndian(statement.blobData(column)) : u128(0);
}

namespace sql {

// Transfers come back with their accounts' ids (rows hold the accounts'
// timestamps). CROSS JOIN keeps the transfers table the outer loop.
#define CABINET_LEDGER_TRANSFER_COLUMNS                                                                                \
    "t.timestamp, t.id, da.id, ca.id, t.amount, t.pending_id, t.user_data_128, t.user_data_64, t.user_data_32,"       \
    " t.timeout, t.ledger, t.code, t.flags"
#define CABINET_LEDGER_TRANSFER_JOIN                                                                                   \
    " CROSS JOIN ledger_accounts da ON da.timestamp = t.debit_account"                                                 \
    " CROSS JOIN ledger_accounts ca ON ca.timestamp = t.credit_account"

inline constexpr const char *TransferSelect = "SELECT " CABINET_LEDGER_TRANSFER_COLUMNS " FROM ledger_transfers t" CABINET_LEDGER_TRANSFER_JOIN;
inline constexpr const char *SelectTransferById = "SELECT " CABINET_LEDGER_TRANSFER_COLUMNS
                                                  " FROM ledger_transfers t" CABINET_LEDGER_TRANSFER_JOIN " WHERE t.id = ?1";
inline constexpr const char *SelectTransferAt = "SELECT " CABINET_LEDGER_TRANSFER_COLUMNS
                                                " FROM ledger_transfers t" CABINET_LEDGER_TRANSFER_JOIN " WHERE t.timestamp = ?1";
inline constexpr const char *SelectOpenPending = "SELECT " CABINET_LEDGER_TRANSFER_COLUMNS ", p.expires_at"
                                                 " FROM ledger_pending p CROSS JOIN ledger_transfers t ON t.timestamp = p.timestamp"
                                                 CABINET_LEDGER_TRANSFER_JOIN " WHERE p.status = 1";
inline constexpr const char *SelectExpiries = "SELECT e.timestamp, " CABINET_LEDGER_TRANSFER_COLUMNS
                                              " FROM ledger_expiries e CROSS JOIN ledger_transfers t ON t.timestamp = e.pending_timestamp"
                                              CABINET_LEDGER_TRANSFER_JOIN " WHERE e.timestamp > ?1 ORDER BY e.timestamp LIMIT ?2";
inline constexpr const char *SelectJournalTransfers = "SELECT " CABINET_LEDGER_TRANSFER_COLUMNS " FROM ledger_transfers t"
                                                      CABINET_LEDGER_TRANSFER_JOIN " WHERE t.timestamp > ?1 ORDER BY t.timestamp LIMIT ?2";
inline constexpr const char *InsertTransfer = "INSERT INTO ledger_transfers(timestamp, id, debit_account, credit_account, amount,"
                                              " pending_id, user_data_128, user_data_64, user_data_32, timeout, ledger, code,"
                                              " flags, epoch) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";
#undef CABINET_LEDGER_TRANSFER_COLUMNS
#undef CABINET_LEDGER_TRANSFER_JOIN

// Accounts come back with their current state (balances and flags).
#define CABINET_LEDGER_ACCOUNT_COLUMNS                                                                                 \
    "a.timestamp, a.id, s.balances, a.user_data_128, a.user_data_64, a.user_data_32, a.reserved, a.ledger, a.code,"    \
    " s.flags"
#define CABINET_LEDGER_ACCOUNT_JOIN " FROM ledger_accounts a CROSS JOIN ledger_account_state s ON s.timestamp = a.timestamp"
inline constexpr const char *AccountSelect = "SELECT " CABINET_LEDGER_ACCOUNT_COLUMNS CABINET_LEDGER_ACCOUNT_JOIN;
inline constexpr const char *SelectAccountById = "SELECT " CABINET_LEDGER_ACCOUNT_COLUMNS CABINET_LEDGER_ACCOUNT_JOIN " WHERE a.id = ?1";
#undef CABINET_LEDGER_ACCOUNT_COLUMNS
#undef CABINET_LEDGER_ACCOUNT_JOIN
// The account as created: zero balances (an empty blob) and the flags it was created with.
inline constexpr const char *SelectJournalAccounts = "SELECT timestamp, id, x'', user_data_128, user_data_64, user_data_32,"
                                                     " reserved, ledger, code, flags FROM ledger_accounts"
                                                     " WHERE timestamp > ?1 ORDER BY timestamp LIMIT ?2";
inline constexpr const char *InsertAccount = "INSERT INTO ledger_accounts(timestamp, id, user_data_128, user_data_64, user_data_32,"
                                             " reserved, ledger, code, flags) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
inline constexpr const char *InsertAccountState = "INSERT INTO ledger_account_state(timestamp, balances, flags) VALUES (?1, ?2, ?3)";
inline constexpr const char *UpdateAccountState = "UPDATE ledger_account_state SET balances = ?2, flags = ?3 WHERE timestamp = ?1";
// Appends to an account's transfer lists. (|| makes TEXT of BLOBs; the
// cast keeps the bytes and makes them a BLOB again.)
inline constexpr int PostingRowsPerUpsert = 128;
inline const char *appendPostings(int rows)
{
    static const std::string many = [] {
        std::string sql = "INSERT INTO ledger_postings(epoch, account, debits, credits) VALUES ";
        for (int row = 0; row < PostingRowsPerUpsert; ++row)
            sql += row == 0 ? "(?, ?, ?, ?)" : ", (?, ?, ?, ?)";
        return sql + " ON CONFLICT(epoch, account) DO UPDATE SET debits = CAST(debits || excluded.debits AS BLOB),"
                     " credits = CAST(credits || excluded.credits AS BLOB)";
    }();
    static const std::string one = "INSERT INTO ledger_postings(epoch, account, debits, credits) VALUES (?, ?, ?, ?)"
                                   " ON CONFLICT(epoch, account) DO UPDATE SET debits = CAST(debits || excluded.debits AS BLOB),"
                                   " credits = CAST(credits || excluded.credits AS BLOB)";
    return rows == 1 ? one.c_str() : many.c_str();
}

// One statement for many accounts: per row it costs less than half of a
// single-row UPDATE (the rows all exist, so every one takes the UPDATE arm).
inline constexpr int AccountsPerUpsert = 128;
inline const char *upsertAccountStates()
{
    static const std::string text = [] {
        std::string sql = "INSERT INTO ledger_account_state(timestamp, balances, flags) VALUES ";
        for (int row = 0; row < AccountsPerUpsert; ++row)
            sql += row == 0 ? "(?, ?, ?)" : ", (?, ?, ?)";
        return sql + " ON CONFLICT(timestamp) DO UPDATE SET balances = excluded.balances, flags = excluded.flags";
    }();
    return text.c_str();
}

} // namespace sql

inline constexpr int TransferColumnCount = 13;

inline Transfer readTransfer(const Statement &row, int first)
{
    Transfer t;
    t.timestamp = u64(row.int64(first + 0));
    t.id = readU128(row, first + 1);
    t.debit_account_id = readU128(row, first + 2);
    t.credit_account_id = readU128(row, first + 3);
    t.amount = readU128(row, first + 4);
    t.pending_id = readU128(row, first + 5);
    t.user_data_128 = readU128(row, first + 6);
    t.user_data_64 = u64(row.int64(first + 7));
    t.user_data_32 = u32(row.int64(first + 8));
    t.timeout = u32(row.int64(first + 9));
    t.ledger = u32(row.int64(first + 10));
    t.code = u16(row.int64(first + 11));
    t.flags = u16(row.int64(first + 12));
    return t;
}

// An account's four balances, 16 bytes each, big-endian (ledger_account_state
// and ledger_balances).
using BalanceBytes = std::array<quint8, 64>;

// An empty blob reads as zero balances (an account as created).
inline void decodeBalances(const Statement &row, int column, u128 &debitsPending, u128 &debitsPosted, u128 &creditsPending,
                           u128 &creditsPosted)
{
    if (row.bytes(column) != 64) {
        debitsPending = debitsPosted = creditsPending = creditsPosted = 0;
        return;
    }
    const auto *bytes = static_cast<const quint8 *>(row.blobData(column));
    debitsPending = fromBigEndian(bytes);
    debitsPosted = fromBigEndian(bytes + 16);
    creditsPending = fromBigEndian(bytes + 32);
    creditsPosted = fromBigEndian(bytes + 48);
}

inline Account readAccount(const Statement &row, int first)
{
    Account a;
    a.timestamp = u64(row.int64(first + 0));
    a.id = readU128(row, first + 1);
    decodeBalances(row, first + 2, a.debits_pending, a.debits_posted, a.credits_pending, a.credits_posted);
    a.user_data_128 = readU128(row, first + 3);
    a.user_data_64 = u64(row.int64(first + 4));
    a.user_data_32 = u32(row.int64(first + 5));
    a.reserved = u32(row.int64(first + 6));
    a.ledger = u32(row.int64(first + 7));
    a.code = u16(row.int64(first + 8));
    a.flags = u16(row.int64(first + 9));
    return a;
}

inline BalanceBytes encodeBalance(const Account &account)
{
    BalanceBytes bytes;
    const u128 values[4] = { account.debits_pending, account.debits_posted, account.credits_pending, account.credits_posted };
    for (int i = 0; i < 4; ++i) {
        const U128Bytes part = toBigEndian(values[i]);
        std::copy(part.begin(), part.end(), bytes.begin() + 16 * i);
    }
    return bytes;
}

inline bool decodeBalance(const Statement &row, int column, AccountBalance &balance)
{
    if (row.bytes(column) != 64)
        return false;
    decodeBalances(row, column, balance.debits_pending, balance.debits_posted, balance.credits_pending, balance.credits_posted);
    return true;
}

} // namespace cabinet::ledger::rows

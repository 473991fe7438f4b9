#pragma once

// How ledger objects map to rows of resources/sql/0002_ledger.sql. Private
// to SqliteLedgerStore.
#include "ledger/LedgerTypes.h"
#include "ledger/U128.h"
#include "store/Statement.h"

#include <array>

namespace cabinet::ledger::rows {

inline void bindU128(Statement &statement, int index, u128 value)
{
    const U128Bytes bytes = toBigEndian(value);
    statement.bindBlob(index, bytes.data(), int(bytes.size()));
}

// A value that is not 16 bytes can only come from a damaged file; it reads
// as 0 rather than as a neighbour's bytes.
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

#define CABINET_LEDGER_ACCOUNT_COLUMNS                                                                                 \
    "timestamp, id, debits_pending, debits_posted, credits_pending, credits_posted, user_data_128, user_data_64,"     \
    " user_data_32, reserved, ledger, code, flags"
inline constexpr const char *AccountSelect = "SELECT " CABINET_LEDGER_ACCOUNT_COLUMNS " FROM ledger_accounts";
inline constexpr const char *SelectAccounts = "SELECT " CABINET_LEDGER_ACCOUNT_COLUMNS " FROM ledger_accounts";
inline constexpr const char *SelectAccountById = "SELECT " CABINET_LEDGER_ACCOUNT_COLUMNS " FROM ledger_accounts WHERE id = ?1";
// The account as created: zero balances and the flags it was created with.
inline constexpr const char *SelectJournalAccounts = "SELECT timestamp, id, x'', x'', x'', x'', user_data_128, user_data_64,"
                                                     " user_data_32, reserved, ledger, code, flags_created FROM ledger_accounts"
                                                     " WHERE timestamp > ?1 ORDER BY timestamp LIMIT ?2";
inline constexpr const char *InsertAccount = "INSERT INTO ledger_accounts(" CABINET_LEDGER_ACCOUNT_COLUMNS ", flags_created)"
                                             " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)";
#undef CABINET_LEDGER_ACCOUNT_COLUMNS
inline constexpr const char *UpdateAccount = "UPDATE ledger_accounts SET debits_pending = ?2, debits_posted = ?3,"
                                             " credits_pending = ?4, credits_posted = ?5, flags = ?6 WHERE timestamp = ?1";

} // namespace sql

inline constexpr int TransferColumnCount = 13;
inline constexpr int AccountColumnCount = 13;

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

inline Account readAccount(const Statement &row, int first)
{
    Account a;
    a.timestamp = u64(row.int64(first + 0));
    a.id = readU128(row, first + 1);
    a.debits_pending = readU128(row, first + 2);
    a.debits_posted = readU128(row, first + 3);
    a.credits_pending = readU128(row, first + 4);
    a.credits_posted = readU128(row, first + 5);
    a.user_data_128 = readU128(row, first + 6);
    a.user_data_64 = u64(row.int64(first + 7));
    a.user_data_32 = u32(row.int64(first + 8));
    a.reserved = u32(row.int64(first + 9));
    a.ledger = u32(row.int64(first + 10));
    a.code = u16(row.int64(first + 11));
    a.flags = u16(row.int64(first + 12));
    return a;
}

// An account's four balances, 16 bytes each, big-endian (ledger_balances).
using BalanceBytes = std::array<quint8, 64>;

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
    const auto *bytes = static_cast<const quint8 *>(row.blobData(column));
    balance.debits_pending = fromBigEndian(bytes);
    balance.debits_posted = fromBigEndian(bytes + 16);
    balance.credits_pending = fromBigEndian(bytes + 32);
    balance.credits_posted = fromBigEndian(bytes + 48);
    return true;
}

} // namespace cabinet::ledger::rows

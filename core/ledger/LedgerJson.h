#pragma once

// The ledger in JSON, with TigerBeetle's field names (the command line, and
// anything else that speaks JSON). Reading is strict: an unknown field, a
// value out of its type's range, a negative or fractional number, an unknown
// flag name are errors that name the field (and the event's index), so a bad
// batch is refused whole before anything is applied. Omitted fields are 0.
//
// 128- and 64-bit values are written as decimal strings (JSON numbers are
// doubles to most readers) and read from strings or numbers; 32- and 16-bit
// values are numbers. Flags are written as a list of names and read from a
// list of names or an integer. Statuses are written by name.
//
// Input is bounded before it costs: the limits of ExactJson.h (bytes, depth,
// keys, values) apply, and a batch is read event by event and refused at the
// first event past BatchMax (docs/ledger.md, "Limits and deviations").
#include "Result.h"
#include "ledger/LedgerBackend.h"

#include <QByteArray>

#include <span>
#include <vector>

namespace cabinet::ledger::json {

Result<std::vector<Account>> parseAccounts(const QByteArray &json);
Result<std::vector<Transfer>> parseTransfers(const QByteArray &json);
Result<AccountFilter> parseAccountFilter(const QByteArray &json);
Result<QueryFilter> parseQueryFilter(const QByteArray &json);
// A decimal 128-bit id (a command-line argument).
Result<u128> parseId(const QString &text);

QByteArray write(std::span<const CreateAccountResult> results);
QByteArray write(std::span<const CreateTransferResult> results);
QByteArray write(std::span<const Account> accounts);
QByteArray write(std::span<const Transfer> transfers);
QByteArray write(std::span<const AccountBalance> balances);
QByteArray write(const JournalRecord &record);

} // namespace cabinet::ledger::json

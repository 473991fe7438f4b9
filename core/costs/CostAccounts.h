#pragma once

#include "ledger/LedgerTypes.h"

#include <QString>

// The costs subsystem's ledger accounts and transfer codes (docs/costs.md).
namespace cabinet::costs {

inline constexpr ledger::u32 UsdLedger = 1; // micro-USD

namespace AccountCode {
enum : quint16 { Funding = 100, Treasury = 101, Envelope = 102, Provider = 103 };
}
namespace TransferCode {
// A post or void keeps its reservation's code, as the ledger requires.
enum : quint16 { Fund = 110, Refill = 111, Trim = 112, Reservation = 113 };
}

// An account's id, derived from what it is for, so every process finds the
// same one without a table: the first 128 bits of
// SHA-256("cabinet.costs/<kind>/<name>").
ledger::u128 accountId(const QString &kind, const QString &name = {});
inline ledger::u128 fundingAccount() { return accountId(QStringLiteral("funding")); }
inline ledger::u128 treasuryAccount() { return accountId(QStringLiteral("treasury")); }
inline ledger::u128 envelopeAccount(const QString &agent) { return accountId(QStringLiteral("envelope"), agent); }
inline ledger::u128 providerAccount(const QString &provider) { return accountId(QStringLiteral("provider"), provider); }

// A fresh transfer id: random, never zero or the maximum, so a retry after a
// refusal never reuses the id that failed.
ledger::u128 newTransferId();

} // namespace cabinet::costs

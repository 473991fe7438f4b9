#pragma once

#include "ledger/LedgerTypes.h"

#include <QDateTime>
#include <QLocale>
#include <QString>
#include <QStringList>

// How the console writes ledger values. Amounts are 128-bit integers and are
// never turned into a double: the exact digits are grouped and, for ledger 1
// (USD in micro-dollars), split at the sixth digit from the right.
namespace cabinet::gui::ledgertext {

inline constexpr ledger::u32 UsdLedger = 1;    // USD, in micro-dollars
inline constexpr ledger::u32 CreditsLedger = 2; // pilot credits, never converted
inline constexpr int MicroDigits = 6;

// The amount as the console shows it: "$1,234.567890" on ledger 1, "1,234"
// elsewhere, with the locale's separators.
QString amount(ledger::u128 value, ledger::u32 ledger, const QLocale &locale = {});
// credits - debits, signed, as amount() writes it ("-$12.000000").
QString net(ledger::u128 credits, ledger::u128 debits, ledger::u32 ledger, const QLocale &locale = {});
// credits - debits as exact decimal digits with a sign when negative.
QString netDecimal(ledger::u128 credits, ledger::u128 debits);

// TigerBeetle's flag names, in bit order.
QStringList accountFlags(ledger::u16 flags);
QStringList transferFlags(ledger::u16 flags);

// A ledger timestamp (nanoseconds since the epoch) as a date and time.
inline QDateTime time(ledger::u64 timestampNs)
{
    return QDateTime::fromMSecsSinceEpoch(qint64(timestampNs / 1'000'000));
}

} // namespace cabinet::gui::ledgertext

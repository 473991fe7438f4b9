#pragma once

#include "Result.h"

#include <QString>

namespace cabinet::costs {

// Money is an integer of micro-dollars (ledger 1); people read and write it
// as decimal USD text. Never a float: "0.1" is exactly 100000 micro-USD.
inline constexpr qint64 MicrosPerUsd = 1'000'000;
// The most a single amount may be: one billion dollars. Far above any budget,
// far below where a product of tokens and prices could overflow 64 bits.
inline constexpr qint64 AmountMaxMicros = 1'000'000'000LL * MicrosPerUsd;
// Decimal text a person may give for an amount ("1234.567890").
inline constexpr int UsdTextMax = 24;

// "12.5" -> 12500000. Refused: a sign, an exponent, more than six decimals,
// more than AmountMaxMicros, anything but digits and one point.
Result<qint64> parseUsd(const QString &text, const QString &field = {});
// 12500000 -> "12.500000": always six decimals, so text compares and sorts.
QString formatUsd(qint64 micros);
// The integer as JSON text wants it: "12500000".
inline QString microsText(qint64 micros) { return QString::number(micros); }

} // namespace cabinet::costs

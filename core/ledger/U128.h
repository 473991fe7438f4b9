#pragma once

// 128-bit helpers: decimal text (JSON, the command line) and the 16-byte
// big-endian form stored in SQLite, whose byte order is the numeric order.
#include "ledger/LedgerTypes.h"

#include <QString>

#include <array>
#include <optional>
#include <string_view>

namespace cabinet::ledger {

QString toDecimal(u128 value);
// The same digits in a fixed buffer, for CABINET_ASSERT_MSG's values: a
// failing invariant should not need the heap to say what it saw.
//   CABINET_ASSERT_MSG(a <= b, "a %s, b %s", decimalDigits(a).text, decimalDigits(b).text);
struct DecimalDigits {
    char text[40]; // 2^128-1 has 39 digits, and the terminating NUL
};
DecimalDigits decimalDigits(u128 value);
// Digits only (no sign, no spaces); nullopt when empty, not a number, or above `max`.
std::optional<u128> parseDecimal(std::string_view digits, u128 max = U128Max);

using U128Bytes = std::array<quint8, 16>;

inline U128Bytes toBigEndian(u128 value)
{
    U128Bytes bytes;
    for (int i = 15; i >= 0; --i) {
        bytes[size_t(i)] = quint8(value);
        value >>= 8;
    }
    return bytes;
}

inline u128 fromBigEndian(const void *data)
{
    const auto *bytes = static_cast<const quint8 *>(data);
    u128 value = 0;
    for (int i = 0; i < 16; ++i)
        value = (value << 8) | bytes[i];
    return value;
}

// a + b overflows u128.
inline bool sumOverflows(u128 a, u128 b) { return a + b < a; }
// Saturating subtraction (Zig's -|).
inline u128 subSaturating(u128 a, u128 b) { return a > b ? a - b : 0; }

} // namespace cabinet::ledger

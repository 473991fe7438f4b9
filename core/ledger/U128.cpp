#include "ledger/U128.h"

namespace cabinet::ledger {

QString toDecimal(u128 value)
{
    char buffer[40]; // 2^128-1 has 39 digits
    char *end = buffer + sizeof buffer;
    char *p = end;
    do {
        *--p = char('0' + int(value % 10));
        value /= 10;
    } while (value != 0);
    return QString::fromLatin1(p, qsizetype(end - p));
}

std::optional<u128> parseDecimal(std::string_view digits, u128 max)
{
    if (digits.empty())
        return std::nullopt;
    u128 value = 0;
    for (char c : digits) {
        if (c < '0' || c > '9')
            return std::nullopt;
        const unsigned digit = unsigned(c - '0');
        if (digit > max || value > (max - digit) / 10)
            return std::nullopt;
        value = value * 10 + digit;
    }
    return value;
}

} // namespace cabinet::ledger

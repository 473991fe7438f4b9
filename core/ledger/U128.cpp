#include "ledger/U128.h"

namespace cabinet::ledger {

DecimalDigits decimalDigits(u128 value)
{
    DecimalDigits digits;
    char reversed[39];
    int count = 0;
    do {
        reversed[count++] = char('0' + int(value % 10));
        value /= 10;
    } while (value != 0);
    for (int i = 0; i < count; ++i)
        digits.text[i] = reversed[count - 1 - i];
    digits.text[count] = '\0';
    return digits;
}

QString toDecimal(u128 value)
{
    return QString::fromLatin1(decimalDigits(value).text);
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

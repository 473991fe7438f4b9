#include "gui/LedgerText.h"

#include "ledger/LedgerStatus.h"
#include "ledger/U128.h"

namespace cabinet::gui::ledgertext {

namespace {

QString grouped(const QString &digits, const QLocale &locale)
{
    if (locale.numberOptions() & QLocale::OmitGroupSeparator)
        return digits;
    const QString separator = locale.groupSeparator();
    QString result;
    result.reserve(digits.size() + digits.size() / 3 * separator.size());
    for (qsizetype i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0)
            result += separator;
        result += digits.at(i);
    }
    return result;
}

QString unsignedAmount(ledger::u128 value, ledger::u32 ledger, const QLocale &locale)
{
    const QString digits = ledger::toDecimal(value);
    if (ledger != UsdLedger)
        return grouped(digits, locale);
    const QString padded = digits.rightJustified(MicroDigits + 1, u'0');
    const qsizetype whole = padded.size() - MicroDigits;
    return u'$' + grouped(padded.left(whole), locale) + locale.decimalPoint() + padded.mid(whole);
}

QStringList flagNames(ledger::u16 flags, QLatin1StringView (*nameOf)(int))
{
    QStringList names;
    for (int bit = 0; bit < 16; ++bit) {
        if (!(flags & (1u << bit)))
            continue;
        const QLatin1StringView name = nameOf(bit);
        // A reserved bit has no name; show it rather than hide it.
        names.append(name.isEmpty() ? QStringLiteral("bit_%1").arg(bit) : QString(name));
    }
    return names;
}

} // namespace

QString amount(ledger::u128 value, ledger::u32 ledger, const QLocale &locale)
{
    return unsignedAmount(value, ledger, locale);
}

QString net(ledger::u128 credits, ledger::u128 debits, ledger::u32 ledger, const QLocale &locale)
{
    if (credits >= debits)
        return unsignedAmount(credits - debits, ledger, locale);
    return locale.negativeSign() + unsignedAmount(debits - credits, ledger, locale);
}

QString netDecimal(ledger::u128 credits, ledger::u128 debits)
{
    if (credits >= debits)
        return ledger::toDecimal(credits - debits);
    return u'-' + ledger::toDecimal(debits - credits);
}

QStringList accountFlags(ledger::u16 flags)
{
    return flagNames(flags, ledger::accountFlagName);
}

QStringList transferFlags(ledger::u16 flags)
{
    return flagNames(flags, ledger::transferFlagName);
}

} // namespace cabinet::gui::ledgertext

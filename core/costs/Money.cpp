#include "costs/Money.h"

namespace cabinet::costs {

Result<qint64> parseUsd(const QString &text, const QString &field)
{
    auto refuse = [&](const QString &why) {
        return Error { ErrorCode::InvalidArgument, QStringLiteral("%1 is not an amount of USD: %2").arg(text.left(UsdTextMax), why), field };
    };
    if (text.isEmpty() || text.size() > UsdTextMax)
        return refuse(QStringLiteral("give 1 to %1 characters, e.g. 12.50").arg(UsdTextMax));
    qint64 whole = 0;
    qint64 fraction = 0;
    int decimals = 0;
    bool point = false;
    bool digits = false;
    for (const QChar c : text) {
        if (c == u'.') {
            if (point)
                return refuse(QStringLiteral("two decimal points"));
            point = true;
            continue;
        }
        if (c < u'0' || c > u'9')
            return refuse(QStringLiteral("only digits and one decimal point (no sign, no exponent)"));
        digits = true;
        const int d = c.unicode() - u'0';
        if (point) {
            if (++decimals > 6)
                return refuse(QStringLiteral("more than six decimals (a micro-dollar is the smallest amount)"));
            fraction = fraction * 10 + d;
        } else {
            whole = whole * 10 + d;
            if (whole > AmountMaxMicros / MicrosPerUsd)
                return refuse(QStringLiteral("more than %1 USD").arg(AmountMaxMicros / MicrosPerUsd));
        }
    }
    if (!digits)
        return refuse(QStringLiteral("no digits"));
    for (int i = decimals; i < 6; ++i)
        fraction *= 10;
    const qint64 micros = whole * MicrosPerUsd + fraction;
    if (micros > AmountMaxMicros)
        return refuse(QStringLiteral("more than %1 USD").arg(AmountMaxMicros / MicrosPerUsd));
    return micros;
}

QString formatUsd(qint64 micros)
{
    const bool negative = micros < 0;
    const quint64 magnitude = negative ? quint64(0) - quint64(micros) : quint64(micros);
    return QStringLiteral("%1%2.%3")
            .arg(negative ? QStringLiteral("-") : QString())
            .arg(magnitude / MicrosPerUsd)
            .arg(magnitude % MicrosPerUsd, 6, 10, QLatin1Char('0'));
}

} // namespace cabinet::costs

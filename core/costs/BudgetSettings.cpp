#include "costs/BudgetSettings.h"

#include "QuotedInput.h"
#include "config/Config.h"
#include "costs/Money.h"

#include <QTime>

namespace cabinet::costs {

Result<BudgetSettings> loadBudgetSettings(const Config &config, const QString &pricesPath)
{
    BudgetSettings s;
    s.pricesPath = pricesPath;
    const QString zone = config.value(QStringLiteral("costs.time_zone"), QStringLiteral("UTC"));
    s.timeZone = QTimeZone(zone.toUtf8());
    if (!s.timeZone.isValid())
        return Error { ErrorCode::InvalidArgument, QStringLiteral("costs.time_zone: %1 is not a time zone (e.g. UTC, Europe/Paris)").arg(quoteInput(zone)),
                       QStringLiteral("costs.time_zone") };
    const QString at = config.value(QStringLiteral("costs.refill_at"), QStringLiteral("00:00"));
    const QTime time = QTime::fromString(at, QStringLiteral("HH:mm"));
    if (!time.isValid())
        return Error { ErrorCode::InvalidArgument, QStringLiteral("costs.refill_at: %1 is not a time of day HH:MM").arg(quoteInput(at)),
                       QStringLiteral("costs.refill_at") };
    s.refillSecondsAfterMidnight = time.msecsSinceStartOfDay() / 1000;
    auto amount = [&config](const char *key, std::optional<qint64> &out) -> Status {
        const QString text = config.value(QLatin1String(key));
        if (text.isEmpty())
            return {};
        auto micros = parseUsd(text, QLatin1String(key));
        if (!micros)
            return Error { ErrorCode::InvalidArgument, QStringLiteral("%1: %2").arg(QLatin1String(key), micros.error().message), QLatin1String(key) };
        out = *micros;
        return {};
    };
    for (auto [key, out] : { std::pair { "costs.global_daily_usd", &s.globalDailyMicros }, std::pair { "costs.monthly_usd", &s.monthlyMicros },
                             std::pair { "costs.per_task_usd", &s.perTaskMicros } })
        if (auto loaded = amount(key, *out); !loaded)
            return loaded.error();
    std::optional<qint64> system;
    if (auto loaded = amount("costs.system_daily_usd", system); !loaded)
        return loaded.error();
    if (system)
        s.systemDailyMicros = *system;
    std::optional<qint64> seed;
    if (auto loaded = amount("costs.treasury_seed_usd", seed); !loaded)
        return loaded.error();
    if (seed)
        s.treasurySeedMicros = *seed;
    return s;
}

} // namespace cabinet::costs

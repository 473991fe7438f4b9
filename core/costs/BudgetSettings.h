#pragma once

#include "Result.h"

#include <QString>
#include <QTimeZone>

#include <optional>

namespace cabinet {
class Config;
}

namespace cabinet::costs {

// The budgets' settings, from the configuration's costs.* keys
// (docs/costs.md). Amounts are decimal USD text there, micro-USD here.
struct BudgetSettings {
    QString pricesPath;                  // the data directory's prices.yaml; empty: the shipped table only
    QTimeZone timeZone = QTimeZone::utc();
    int refillSecondsAfterMidnight = 0;  // the day's boundary in that zone
    std::optional<qint64> globalDailyMicros; // all agents together, per period
    std::optional<qint64> monthlyMicros;     // all agents together, per calendar month of the zone
    std::optional<qint64> perTaskMicros;     // one task, all its calls
    qint64 systemDailyMicros = 1'000'000;    // the envelope of calls made for no agent
    qint64 treasurySeedMicros = 100'000'000; // funds a new data directory's treasury once
};

// costs.time_zone (IANA, default UTC), costs.refill_at (HH:MM, default
// 00:00), costs.global_daily_usd, costs.monthly_usd, costs.per_task_usd
// (unset: no such budget), costs.system_daily_usd (default 1.00), costs.treasury_seed_usd (default
// 100.00; 0: a new treasury starts empty). An error
// names the key.
Result<BudgetSettings> loadBudgetSettings(const Config &config, const QString &pricesPath);

} // namespace cabinet::costs

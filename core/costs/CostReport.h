#pragma once

#include "Result.h"

#include <QJsonObject>
#include <QString>

namespace cabinet {
class Database;
namespace ledger {
class Ledger;
}
} // namespace cabinet

namespace cabinet::costs {

class Budgets;

// Spend records read over in one pass; a report beyond it says it was cut.
inline constexpr qint64 ReportRecordsMax = 1'000'000;
// Groups in one report, and unknown-outcome records listed.
inline constexpr int ReportGroupsMax = 10'000;
inline constexpr int ReportUnknownListed = 100;

struct ReportQuery {
    qint64 sinceNs = 0;                 // records created from then on
    QString by = QStringLiteral("agent"); // agent, model, task, day (in the budgets' time zone) or minute (UTC)
    qint64 nowNs = 0;                   // the Clock's now, said back as as_of_ns
};

// costs.report: spend from the spend records, grouped, with the totals and
// the reconciliation with the ledger (docs/costs.md): what the records say
// was posted against what the provider accounts were credited, to the
// micro-dollar, and the calls whose outcome is unknown. Every amount is an
// integer micro-USD string.
Result<QJsonObject> costReport(Database &db, ledger::Ledger &ledger, const Budgets &budgets, const ReportQuery &query);

} // namespace cabinet::costs

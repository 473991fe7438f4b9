#pragma once

// One pilot day, unattended (docs/pilot.md): the studio's participants
// send their signed orders through the attestor and the credit terminal
// onto ledger 2, the anchor fulfils the holds (simulated), and every hold
// is posted or voided. The simulated day is a schedule of its own: its
// hours are counted from 0 and drive the services' checks (velocity,
// freshness, timeouts); the ledger stamps every batch with its own clock as
// the batch commits, so no ledger timestamp is ever in the future. The day
// runs in windows of WindowMs simulated time: each window's due deliveries
// and voids are one ledger batch, its new holds another (with the
// refusals' audit entries), and after each the credits are counted.
#include "Result.h"
#include "pilot/PilotParams.h"

#include <QJsonObject>

#include <functional>

namespace cabinet {
class AuditLog;
}
namespace cabinet::ledger {
class Ledger;
}

namespace cabinet::pilot {

inline constexpr qint64 WindowMs = 5 * 60'000;
// The seed's success metric.
inline constexpr double DeliveryRateTarget = 0.80;

struct DayResult {
    QJsonObject report;      // the same for the same parameters, whatever the run
    QJsonObject performance; // wall-clock figures of this run (not reproducible)
};

class PilotDay {
public:
    PilotDay(ledger::Ledger &ledger, AuditLog &audit, quint32 run, const PilotParams &params);

    // Called after every ledger batch with the credits counted then (tests
    // check conservation at every step through it).
    using StepCheck = std::function<void(const QJsonObject &credits)>;
    void setStepCheck(StepCheck check) { m_stepCheck = std::move(check); }

    // The whole day; an error when the ledger fails or a credit goes
    // missing (nothing is reported then: the run is failed).
    Result<DayResult> run();

private:
    ledger::Ledger &m_ledger;
    AuditLog &m_audit;
    quint32 m_run;
    PilotParams m_params;
    StepCheck m_stepCheck;
};

} // namespace cabinet::pilot

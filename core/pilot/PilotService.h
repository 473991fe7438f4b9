#pragma once

// The pilot as the rest of Cabinet sees it (docs/pilot.md): prepare asks
// for the go-live approval (tier 2) with the day's parameters and the
// forecast as its evidence; run runs the approved day once, unattended,
// on ledger 2, and keeps its report; status lists the runs. A gate (the
// walkthrough, to come) checks the same pieces through probe().
#include "Actor.h"
#include "Clock.h"
#include "Result.h"
#include "pilot/PilotParams.h"
#include "service/Service.h"

#include <QJsonObject>

namespace cabinet {
class AuditLog;
class Database;
class EventBus;
namespace ledger {
class Ledger;
}
namespace approvals {
class ApprovalService;
}
} // namespace cabinet

namespace cabinet::pilot {

// What marks an approval request as a pilot's go-live.
inline constexpr char GoLiveEnvironment[] = "sovr-pilot";
inline constexpr char GoLiveTarget[] = "go-live";
inline constexpr int StatusRunsMax = 50;

class PilotService : public Service {
public:
    PilotService(Database &db, EventBus &events, AuditLog &audit, const Clock &clock, ledger::Ledger &ledger, approvals::ApprovalService &approvals);

    // Requests the go-live: {approval (as approvals.get shows it), forecast}.
    Result<QJsonObject> prepare(const PilotParams &params, const Actor &actor);
    // Runs the day the approval approved: {run, approval_id, state, report, performance}.
    // FailedPrecondition unless it is an approved pilot go-live not run before.
    Result<QJsonObject> run(const QString &approvalId, const Actor &actor);
    // The latest runs, newest first, at most `limit`, the newest with its report.
    Result<QJsonObject> status(int limit) const;

    // Checks a gate can run, each on fresh instances of the real code: the
    // studio signs, the attestor attests and refuses a replay, the terminal
    // holds once and refuses the same attestation again, the adapter gets
    // one code through retries. {service: {ok, evidence}}.
    QJsonObject probe() const;

    QString name() const override { return QStringLiteral("pilot"); }

private:
    Database &m_db;
    EventBus &m_events;
    AuditLog &m_audit;
    const Clock &m_clock;
    ledger::Ledger &m_ledger;
    approvals::ApprovalService &m_approvals;
};

} // namespace cabinet::pilot

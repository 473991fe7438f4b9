#pragma once

// The pilot as the rest of Cabinet sees it (docs/pilot.md): the three
// gates (PilotGates) check the pieces and a dry run; prepare asks for the
// go-live approval (tier 2) with the day's parameters and the forecast as
// its evidence once the gates passed; run starts the approved day once,
// unattended, on ledger 2, in the background (PilotRunner), and keeps its
// report; status lists the runs, a running one with its progress.
#include "Actor.h"
#include "Clock.h"
#include "Result.h"
#include "pilot/PilotGates.h"
#include "pilot/PilotParams.h"
#include "service/Service.h"

#include <QJsonObject>

#include <memory>

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
// Gate 3's dry run: a small real day (its own run number, no go-live).
PilotParams dryRunParams();

class PilotRunner;
struct DayResult;

class PilotService : public Service {
public:
    PilotService(Database &db, EventBus &events, AuditLog &audit, const Clock &clock, ledger::Ledger &ledger, approvals::ApprovalService &approvals);
    ~PilotService() override;

    using Done = std::function<void(Result<QJsonObject>)>;

    // Requests the go-live: {approval (as approvals.get shows it), forecast}.
    // FailedPrecondition unless gates 1 to 3 passed (PilotGates::passedThrough).
    Result<QJsonObject> prepare(const PilotParams &params, const Actor &actor);
    // Starts the day the approval approved and answers at once:
    // {run, approval_id, state: "running"}. The day runs in the background;
    // `done` gets {run, approval_id, state, report, performance} (or the
    // day's error) when it ends. FailedPrecondition unless it is an
    // approved pilot go-live not run before; ResourceExhausted while
    // another day runs.
    Result<QJsonObject> run(const QString &approvalId, const Actor &actor, Done done = {});
    // The latest runs, newest first, at most `limit`, the newest with its
    // report (or, running, its progress); the newest result of each gate.
    Result<QJsonObject> status(int limit) const;

    // Checks a gate can run, each on fresh instances of the real code: the
    // studio signs, the attestor attests and refuses a replay, the terminal
    // holds once and refuses the same attestation again, the anchor
    // fulfils an order and pays it, the adapter gets one code through
    // retries. {service: {ok, evidence}}.
    QJsonObject probe() const;

    // Runs gate 1, 2 or 3 and keeps its result (PilotGates::record); `done`
    // gets it, at once for gates 1 and 2, when the dry run ends for gate 3.
    // Gate n needs gates before it passed (FailedPrecondition otherwise).
    void gate(int gate, const Actor &actor, Done done);
    PilotGates &gates() { return m_gates; }
    bool running() const;

    // Tests only (no operation reaches them): what gate 2 probes and gate
    // 3's dry run, to inject a fault.
    void setProbe(std::function<QJsonObject()> probe) { m_probe = std::move(probe); }
    void setDryRunParams(const PilotParams &params) { m_dryRun = params; }

    QString name() const override { return QStringLiteral("pilot"); }
    // A day a stopped process left running is marked failed.
    Status start() override;
    // A day still running is abandoned and marked failed.
    void stop() override;

private:
    // Writes run `run`'s row, its pilot.run_started event and the audit
    // entry (`actor`'s, for a day; system:pilot's for a dry run).
    Result<qint64> begin(const QString &approvalId, const QString &kind, const PilotParams &params, const Actor &actor);
    // Writes its end: state, report, pilot.run_finished, system:pilot's entry.
    Status finish(qint64 run, const Result<DayResult> &day);

    Database &m_db;
    EventBus &m_events;
    AuditLog &m_audit;
    const Clock &m_clock;
    ledger::Ledger &m_ledger;
    approvals::ApprovalService &m_approvals;
    PilotGates m_gates;
    std::unique_ptr<PilotRunner> m_runner;
    std::function<QJsonObject()> m_probe;
    PilotParams m_dryRun;
};

} // namespace cabinet::pilot

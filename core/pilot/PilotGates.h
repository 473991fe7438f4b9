#pragma once

// The walkthrough's three gates (docs/pilot.md), each a list of real
// checks with their evidence; a failed check blocks its gate with its
// reason. Gate 1, the foundation: the ledger answers and the latest run's
// credits and accounts hold, an attestor key signs and verifies, the event
// bus delivers a probe event. Gate 2, the services: studio, attestor,
// terminal, anchor and adapter each answer a probe. Gate 3, integration: a
// dry run (PilotService) finished with its credits balanced and the audit
// trail verifies. Gates run in order: each needs the one before passed,
// after the passes before it, within GatePassValidMs; the go-live needs all
// three. Every result is kept (pilot_gates) with a pilot.gate_checked event
// and the caller's audit entry.
#include "Actor.h"
#include "Clock.h"
#include "Result.h"
#include "pilot/Ed25519.h"

#include <QJsonArray>
#include <QJsonObject>

#include <functional>
#include <optional>
#include <vector>

namespace cabinet {
class AuditLog;
class Database;
class EventBus;
} // namespace cabinet
namespace cabinet::ledger {
class Ledger;
}

namespace cabinet::pilot {

struct DayResult;

inline constexpr int GatesCount = 3;
// A pass stands this long on the clock; then its gate runs again.
inline constexpr qint64 GatePassValidMs = 24 * 3'600'000;

struct GateCheck {
    QString name;
    bool passed = false;
    QString evidence; // what was seen
    QString reason;   // why it failed; empty when it passed
    QJsonObject json() const;
};

class PilotGates {
public:
    PilotGates(Database &db, EventBus &events, AuditLog &audit, const Clock &clock, ledger::Ledger &ledger);

    // Where the foundation gets the attestor's key: a fresh one (nothing
    // when libsodium cannot make one). Tests replace it to fail the check;
    // no operation reaches it.
    using KeySource = std::function<std::optional<KeyPair>()>;
    void setKeySource(KeySource source) { m_keySource = std::move(source); }

    std::vector<GateCheck> foundation();
    // From PilotService::probe()'s answer.
    static std::vector<GateCheck> services(const QJsonObject &probe);
    // Of dry run `run`, just ended with `day`.
    std::vector<GateCheck> integration(qint64 run, int participants, const Result<DayResult> &day);

    // FailedPrecondition unless gates 1..gate passed, in order, within GatePassValidMs.
    Status passedThrough(int gate) const;
    // Keeps a gate's result with its event and the caller's audit entry:
    // {gate, passed, reason, checks, checked_by, checked_ms, dry_run}.
    Result<QJsonObject> record(int gate, const std::vector<GateCheck> &checks, const Actor &actor, qint64 dryRun);
    // The newest result of each gate that ran, gate 1 first.
    Result<QJsonArray> latest() const;

private:
    struct Row {
        qint64 id = 0;
        bool passed = false;
        qint64 checkedNs = 0;
        QJsonObject json;
    };
    Result<std::optional<Row>> newest(int gate) const;
    GateCheck ledgerAnswers();
    std::vector<GateCheck> latestRunsCredits();
    GateCheck attestorKey();
    GateCheck eventBus();

    Database &m_db;
    EventBus &m_events;
    AuditLog &m_audit;
    const Clock &m_clock;
    ledger::Ledger &m_ledger;
    KeySource m_keySource;
};

} // namespace cabinet::pilot

#pragma once

// A pilot day's orders up to the ledger, window by window (docs/pilot.md):
// the studio's signed intents through the attestor and the credit
// terminal, each window's holds to create and refusals to audit. It is
// CPU work only (Ed25519 signatures and their checks, the services'
// in-memory state) and touches neither the database nor the ledger, so a
// run makes it on a worker thread while the core's thread commits the
// windows before it (PilotRunner); PilotDay takes the windows in order.
#include "pilot/Attestor.h"
#include "pilot/CreditTerminal.h"
#include "pilot/StageClock.h"
#include "pilot/Studio.h"

#include <QJsonObject>

#include <map>
#include <memory>
#include <vector>

namespace cabinet::pilot {

// A hold the terminal made, for the anchor once the ledger took it.
struct HeldOrder {
    u128 orderId = 0;
    u128 holdId = 0;
    qint64 amountUnits = 0;
    qint64 atMs = 0; // when it was presented, on the simulated day
};

// A refusal to audit with its window's holds.
struct PilotRefusal {
    QString actor;
    QString action;
    QString subject;
    QJsonObject payload;
};

struct WindowOrders {
    std::vector<ledger::Transfer> holds;
    std::vector<HeldOrder> held; // one per hold, in the same order
    std::vector<PilotRefusal> refusals;
    std::map<AttestorRefusal, quint64> attestorRefusals;
    std::map<TerminalRefusal, quint64> terminalRefusals;
    quint64 submissionsTotal = 0; // the day's, in every window
    quint64 submissionsDone = 0;  // through this window
    std::map<QString, qint64> stageNs; // the orders' stages so far (performance)
};

class PilotOrders {
public:
    // Makes the participants' keys and the day's signed submissions: the
    // slow part of the constructor, on whichever thread builds it.
    PilotOrders(quint32 run, const PilotParams &params);

    // The windows of the simulated day (those that can hold orders).
    qint64 windows() const;
    bool done() const { return m_window >= windows(); }
    // The next window's orders; done() must be false.
    WindowOrders next();

private:
    quint32 m_run;
    PilotParams m_params;
    StageClock m_clock;
    std::vector<Submission> m_submissions;
    std::unique_ptr<Attestor> m_attestor;
    std::unique_ptr<CreditTerminal> m_terminal;
    size_t m_next = 0;
    qint64 m_window = 0;
};

} // namespace cabinet::pilot

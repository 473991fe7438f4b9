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
//
// The ledger's part runs in steps on the thread that owns the database,
// each bounded (at most StepTransfersMax transfers or StepAccountsMax
// accounts read), so a run in the background keeps that thread answering;
// the orders (PilotOrders: the signatures) may be made on another thread
// and handed over window by window.
#include "Result.h"
#include "ledger/LedgerStatus.h"
#include "pilot/Anchor.h"
#include "pilot/GiftCardIssuer.h"
#include "pilot/PilotAccounts.h"
#include "pilot/PilotOrders.h"
#include "pilot/PilotParams.h"
#include "pilot/PilotReport.h"
#include "pilot/StageClock.h"

#include <QElapsedTimer>
#include <QJsonObject>

#include <functional>
#include <map>
#include <optional>

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
// One step's work on the database's thread: a ledger batch of at most this
// many transfers (a linked post stays with its payout) or accounts, or a
// count of at most StepAccountsMax accounts (at most about 45 ms and 10 ms
// on the benchmark's 2 shared cores; docs/performance.md).
inline constexpr size_t StepTransfersMax = 512;
inline constexpr size_t StepAccountsMax = 2048;

struct DayResult {
    QJsonObject report;      // the same for the same parameters, whatever the run
    QJsonObject performance; // wall-clock figures of this run (not reproducible)
};

class PilotDay {
public:
    PilotDay(ledger::Ledger &ledger, AuditLog &audit, quint32 run, const PilotParams &params);
    ~PilotDay();

    // Called after every ledger batch with the credits counted then (tests
    // check conservation at every step through it).
    using StepCheck = std::function<void(const QJsonObject &credits)>;
    void setStepCheck(StepCheck check) { m_stepCheck = std::move(check); }

    // The whole day on this thread, its orders made here too; an error
    // when the ledger fails or a credit goes missing (nothing is reported
    // then: the run is failed).
    Result<DayResult> run();

    // A step at a time (PilotRunner). `take` hands over the next window's
    // orders, or nothing when they are not made yet (the step then answers
    // NeedsOrders and did nothing); it is called once per window, in order.
    enum class Step { Worked, NeedsOrders, Done };
    using TakeOrders = std::function<std::optional<WindowOrders>()>;
    Result<Step> step(const TakeOrders &take);
    // After Done: the report and the performance figures.
    DayResult result() const;
    // {window, windows, submissions, submissions_done, orders_held, fraction}.
    QJsonObject progress() const;
    qint64 windows() const { return m_orderWindows; }
    // What the next step does: accounts, count, resolve, hold, next_window or done.
    QString phaseName() const;

private:
    struct Resolution {
        HeldOrder hold;
        Fulfilment fulfilment;
    };
    enum class Phase { OpenAccounts, Count, Resolve, Hold, NextWindow, Done };

    Result<Step> openAccounts();
    Result<Step> countSome();
    Result<Step> resolve();
    Result<Step> hold(const TakeOrders &take);
    // Submits the next chunk of m_batch (with the refusals' audit entries
    // in its transaction, the first time); the results of that chunk.
    Result<std::vector<ledger::CreateTransferResult>> submitChunk(const Actor &actor, const std::vector<PilotRefusal> &refusals);
    void countThen(Phase next);

    ledger::Ledger &m_ledger;
    AuditLog &m_audit;
    quint32 m_run;
    PilotParams m_params;
    StepCheck m_stepCheck;

    QElapsedTimer m_wall;
    StageClock m_clock;
    DayTally m_tally;
    PilotAccounts m_accounts;
    std::unique_ptr<SimulatedGiftCardIssuer> m_issuer;
    std::unique_ptr<GiftCardAdapter> m_adapter;
    std::unique_ptr<Anchor> m_anchor;
    const qint64 m_dayMs;
    const qint64 m_orderWindows;

    Phase m_phase = Phase::OpenAccounts;
    Phase m_afterCount = Phase::Resolve;
    CreditCount m_counting;
    size_t m_countedFrom = 0;
    qint64 m_window = 0; // its start is m_window * WindowMs
    std::multimap<qint64, Resolution> m_due; // by the window they are applied in
    // The batch being submitted, chunk by chunk.
    std::vector<ledger::Transfer> m_batch;
    size_t m_batchFrom = 0;
    bool m_batchStarted = false;
    std::optional<WindowOrders> m_orders; // the window's, once taken
    bool m_refusalsAudited = false;
    std::map<QString, qint64> m_orderStageNs;
    quint64 m_submissionsDone = 0;
};

} // namespace cabinet::pilot

#include "pilot/PilotDay.h"

#include "Assert.h"
#include "audit/AuditLog.h"
#include "ledger/Ledger.h"
#include "ledger/U128.h"

namespace cabinet::pilot {

using namespace cabinet::ledger;

PilotDay::PilotDay(Ledger &ledger, AuditLog &audit, quint32 run, const PilotParams &params)
    : m_ledger(ledger),
      m_audit(audit),
      m_run(run),
      m_params(params),
      m_accounts(ledger, run, params.participants),
      m_issuer(std::make_unique<SimulatedGiftCardIssuer>(params)),
      m_adapter(std::make_unique<GiftCardAdapter>(*m_issuer, params.issuerAttempts)),
      m_anchor(std::make_unique<Anchor>(params, *m_adapter)),
      m_dayMs(qint64(params.hours) * 3'600'000),
      m_orderWindows((m_dayMs + WindowMs - 1) / WindowMs)
{
    m_wall.start();
}

PilotDay::~PilotDay() = default;

Result<DayResult> PilotDay::run()
{
    std::optional<PilotOrders> orders;
    const TakeOrders take = [&]() -> std::optional<WindowOrders> {
        if (!orders)
            orders.emplace(m_run, m_params);
        return orders->next();
    };
    for (;;) {
        auto step = this->step(take);
        if (!step)
            return step.error();
        CABINET_ASSERT(*step != Step::NeedsOrders);
        if (*step == Step::Done)
            return result();
    }
}

Result<PilotDay::Step> PilotDay::step(const TakeOrders &take)
{
    switch (m_phase) {
    case Phase::OpenAccounts: return openAccounts();
    case Phase::Count: return countSome();
    case Phase::Resolve: return resolve();
    case Phase::Hold: return hold(take);
    case Phase::NextWindow:
        ++m_window;
        m_orders.reset();
        m_refusalsAudited = false;
        m_phase = m_window * WindowMs < m_dayMs || !m_due.empty() ? Phase::Resolve : Phase::Done;
        return m_phase == Phase::Done ? Step::Done : Step::Worked;
    case Phase::Done: return Step::Done;
    }
    return Step::Done;
}

Result<PilotDay::Step> PilotDay::openAccounts()
{
    auto opened = m_clock.time(QStringLiteral("accounts"), [&] { return m_accounts.openSome(m_params.grantUnits, StepTransfersMax); });
    if (!opened)
        return opened.error();
    if (*opened)
        countThen(Phase::Resolve);
    return Step::Worked;
}

void PilotDay::countThen(Phase next)
{
    m_phase = Phase::Count;
    m_afterCount = next;
    m_counting = {};
    m_countedFrom = 0;
}

// Counted in pieces, yet as of one moment: nothing else moves this run's
// credits (its ids are its own) and its next batch waits for the count.
Result<PilotDay::Step> PilotDay::countSome()
{
    auto done = m_clock.time(QStringLiteral("conservation"), [&] { return m_accounts.countSome(m_counting, m_countedFrom, StepAccountsMax); });
    if (!done)
        return done.error();
    if (!*done)
        return Step::Worked;
    ++m_tally.conservationChecks;
    m_tally.credits = m_counting;
    if (m_stepCheck)
        m_stepCheck(m_counting.json());
    if (!m_counting.balanced())
        return Error { ErrorCode::Internal, QStringLiteral("pilot run %1: credits do not add up: issued %2, held %3, in escrow %4, fulfilled %5")
                               .arg(m_run).arg(m_counting.issued).arg(m_counting.held).arg(m_counting.inEscrow).arg(m_counting.fulfilled) };
    m_phase = m_afterCount;
    return Step::Worked;
}

Result<std::vector<CreateTransferResult>> PilotDay::submitChunk(const Actor &actor, const std::vector<PilotRefusal> &refusals)
{
    size_t end = std::min(m_batch.size(), m_batchFrom + StepTransfersMax);
    // Never split a linked post from its payout.
    while (end > m_batchFrom + 1 && end < m_batch.size() && m_batch[end - 1].has(TransferFlag::Linked))
        --end;
    const std::span<const Transfer> chunk(m_batch.data() + m_batchFrom, end - m_batchFrom);
    auto writeRefusals = [&](Transaction &tx) -> Status {
        for (const PilotRefusal &r : refusals)
            if (auto entry = m_audit.append(tx, r.actor, r.action, r.subject, r.payload); !entry)
                return entry.error();
        return {};
    };
    const bool withRefusals = !m_refusalsAudited && !refusals.empty();
    m_refusalsAudited = true;
    auto results = m_clock.time(QStringLiteral("ledger"), [&] {
        return withRefusals ? m_ledger.createTransfers(chunk, actor, writeRefusals) : m_ledger.createTransfers(chunk, actor);
    });
    if (!results)
        return results.error();
    for (CreateTransferResult &r : *results)
        r.index += u32(m_batchFrom);
    m_batchFrom = end;
    return results;
}

// The posts (and payouts) and voids that fell due in this window.
Result<PilotDay::Step> PilotDay::resolve()
{
    if (!m_batchStarted) {
        m_batchStarted = true;
        m_batch.clear();
        m_batchFrom = 0;
        const qint64 windowEnd = (m_window + 1) * WindowMs;
        for (auto it = m_due.begin(); it != m_due.end() && it->first < windowEnd; it = m_due.erase(it)) {
            const Resolution &r = it->second;
            const u64 order = u64(r.hold.orderId) & IndexMax;
            Transfer t;
            t.pending_id = r.hold.holdId;
            t.ledger = PilotLedger;
            t.code = PilotCode::Hold;
            t.user_data_128 = r.hold.orderId;
            if (delivered(r.fulfilment.outcome)) {
                t.id = pilotId(m_run, IdKind::PostTransfer, order);
                t.amount = u128(r.fulfilment.deliveredUnits); // less than held: a partial post, the rest goes back
                t.flags = TransferFlag::PostPendingTransfer | TransferFlag::Linked;
                m_batch.push_back(t);
                Transfer payout;
                payout.id = pilotId(m_run, IdKind::PayoutTransfer, order);
                payout.debit_account_id = m_accounts.escrow();
                payout.credit_account_id = m_accounts.fulfilled();
                payout.amount = u128(r.fulfilment.deliveredUnits);
                payout.ledger = PilotLedger;
                payout.code = PilotCode::Payout;
                payout.user_data_128 = r.hold.orderId;
                m_batch.push_back(payout);
            } else {
                t.id = pilotId(m_run, IdKind::VoidTransfer, order);
                t.flags = TransferFlag::VoidPendingTransfer;
                m_batch.push_back(t);
            }
        }
        if (m_batch.empty()) {
            m_batchStarted = false;
            m_phase = Phase::Hold;
            return Step::Worked;
        }
    }
    auto results = submitChunk(Actor::system(QStringLiteral("pilot-anchor")), {});
    if (!results)
        return results.error();
    for (const CreateTransferResult &r : *results)
        if (r.status != CreateTransferStatus::Created)
            return Error { ErrorCode::Internal,
                           QStringLiteral("pilot run %1: the ledger refused a post or void: %2").arg(m_run).arg(QLatin1StringView(statusName(r.status))) };
    if (m_batchFrom == m_batch.size()) {
        m_batchStarted = false;
        countThen(Phase::Hold);
    }
    return Step::Worked;
}

// The window's orders: their holds (the refusals audited with the first
// chunk), then the anchor's fulfilment of each hold the ledger took.
Result<PilotDay::Step> PilotDay::hold(const TakeOrders &take)
{
    if (!m_orders) {
        if (m_window >= m_orderWindows) {
            m_phase = Phase::NextWindow;
            return Step::Worked;
        }
        auto taken = take();
        if (!taken)
            return Step::NeedsOrders;
        m_orders = std::move(*taken);
        for (const auto &[reason, n] : m_orders->attestorRefusals)
            m_tally.attestorRefusals[reason] += n;
        for (const auto &[reason, n] : m_orders->terminalRefusals)
            m_tally.terminalRefusals[reason] += n;
        m_tally.submissions = m_orders->submissionsTotal;
        m_submissionsDone = m_orders->submissionsDone;
        m_orderStageNs = m_orders->stageNs;
        if (m_orders->holds.empty() && m_orders->refusals.empty()) {
            m_phase = Phase::NextWindow;
            return Step::Worked;
        }
        if (m_orders->holds.empty()) {
            // Refusals only: their own transactions.
            for (const PilotRefusal &r : m_orders->refusals)
                if (auto entry = m_audit.record(r.actor, r.action, r.subject, r.payload); !entry)
                    return entry.error();
            countThen(Phase::NextWindow);
            return Step::Worked;
        }
        m_batch = m_orders->holds;
        m_batchFrom = 0;
        m_refusalsAudited = false;
    }
    const size_t from = m_batchFrom;
    auto results = submitChunk(Actor::system(QStringLiteral("pilot-terminal")), m_orders->refusals);
    if (!results)
        return results.error();
    const qint64 windowEnd = (m_window + 1) * WindowMs;
    for (const CreateTransferResult &r : *results) {
        CABINET_ASSERT(r.index >= from && r.index < m_batchFrom);
        if (r.status == CreateTransferStatus::ExceedsCredits) {
            ++m_tally.insufficientCredits;
            continue;
        }
        if (r.status != CreateTransferStatus::Created)
            return Error { ErrorCode::Internal,
                           QStringLiteral("pilot run %1: the ledger refused a hold: %2").arg(m_run).arg(QLatin1StringView(statusName(r.status))) };
        const HeldOrder &h = m_orders->held[r.index];
        const Fulfilment f = m_clock.time(QStringLiteral("anchor"), [&] { return m_anchor->fulfil(h.orderId, h.amountUnits); });
        m_tally.add(f);
        // Applied in the window it falls due in, and never in this one:
        // its hold commits in this window's batch.
        const qint64 at = h.atMs + (f.outcome == OrderOutcome::TimedOut ? m_params.holdTimeoutMs : f.totalMs());
        m_due.emplace(std::max(at, windowEnd), Resolution { h, f });
    }
    if (m_batchFrom == m_batch.size())
        countThen(Phase::NextWindow);
    return Step::Worked;
}

DayResult PilotDay::result() const
{
    CABINET_ASSERT(m_phase == Phase::Done);
    DayResult result;
    result.report = dayReport(m_params, m_tally, *m_issuer, m_adapter->codes());
    const qint64 wallNs = m_wall.nsecsElapsed();
    std::map<QString, qint64> stages = m_clock.ns;
    for (const auto &[stage, ns] : m_orderStageNs)
        stages[stage] += ns;
    QJsonObject shares;
    for (const auto &[stage, ns] : stages)
        shares.insert(stage, double(ns) / double(std::max<qint64>(1, wallNs)));
    result.performance = { { QStringLiteral("submissions"), qint64(m_tally.submissions) },
                           { QStringLiteral("wall_seconds"), double(wallNs) / 1e9 },
                           { QStringLiteral("orders_per_second"), double(m_tally.submissions) / (double(std::max<qint64>(1, wallNs)) / 1e9) },
                           { QStringLiteral("stage_share"), shares } };
    return result;
}

QString PilotDay::phaseName() const
{
    switch (m_phase) {
    case Phase::OpenAccounts: return QStringLiteral("accounts");
    case Phase::Count: return QStringLiteral("count");
    case Phase::Resolve: return QStringLiteral("resolve");
    case Phase::Hold: return QStringLiteral("hold");
    case Phase::NextWindow: return QStringLiteral("next_window");
    case Phase::Done: return QStringLiteral("done");
    }
    return {};
}

QJsonObject PilotDay::progress() const
{
    const qint64 window = std::min(m_window, m_orderWindows);
    return { { QStringLiteral("run"), qint64(m_run) },
             { QStringLiteral("window"), window },
             { QStringLiteral("windows"), m_orderWindows },
             { QStringLiteral("submissions"), qint64(m_tally.submissions) },
             { QStringLiteral("submissions_done"), qint64(m_submissionsDone) },
             { QStringLiteral("orders_held"), qint64(m_tally.held()) },
             { QStringLiteral("fraction"), m_phase == Phase::Done ? 1.0 : std::min(0.99, double(window) / double(std::max<qint64>(1, m_orderWindows))) } };
}

} // namespace cabinet::pilot

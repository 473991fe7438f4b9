#include "pilot/PilotDay.h"

#include "audit/AuditLog.h"
#include "ledger/Ledger.h"
#include "ledger/U128.h"
#include "pilot/PilotReport.h"
#include "pilot/Studio.h"

#include <QElapsedTimer>

#include <map>

namespace cabinet::pilot {

using namespace cabinet::ledger;

namespace {

// A second presentation of an attestation comes this long after the first.
constexpr qint64 SecondPresentationMs = 60'000;

// Wall-clock nanoseconds per stage, for the performance figures.
struct StageClock {
    std::map<QString, qint64> ns;
    template <typename F> auto time(const QString &stage, F f)
    {
        QElapsedTimer timer;
        timer.start();
        if constexpr (std::is_void_v<decltype(f())>) {
            f();
            ns[stage] += timer.nsecsElapsed();
        } else {
            auto result = f();
            ns[stage] += timer.nsecsElapsed();
            return result;
        }
    }
};

struct Hold {
    u128 orderId = 0;
    u128 holdId = 0;
    qint64 amountUnits = 0;
};

struct Resolution {
    Hold hold;
    Fulfilment fulfilment;
};

// A refusal to audit with the window's holds.
struct Refusal {
    QString actor;
    QString action;
    QString subject;
    QJsonObject payload;
};

} // namespace

PilotDay::PilotDay(Ledger &ledger, AuditLog &audit, quint32 run, const PilotParams &params)
    : m_ledger(ledger), m_audit(audit), m_run(run), m_params(params)
{
}

Result<DayResult> PilotDay::run()
{
    QElapsedTimer wall;
    wall.start();
    StageClock clock;
    DayTally tally;

    PilotAccounts accounts(m_ledger, m_run, m_params.participants);
    if (auto opened = clock.time(QStringLiteral("accounts"), [&] { return accounts.open(m_params.grantUnits); }); !opened)
        return opened.error();

    const Studio studio = clock.time(QStringLiteral("studio"), [&] { return Studio(m_params); });
    const std::vector<Submission> submissions = clock.time(QStringLiteral("studio"), [&] { return studio.day(); });
    tally.submissions = submissions.size();
    Attestor attestor(m_params, m_run, KeyPair::generate());
    for (int p = 0; p < studio.participants(); ++p)
        attestor.enroll(p, studio.publicKey(p));
    CreditTerminal terminal(m_params, m_run, attestor.publicKey());
    SimulatedGiftCardIssuer issuer(m_params);
    GiftCardAdapter adapter(issuer, m_params.issuerAttempts);
    Anchor anchor(m_params, adapter);

    const Actor terminalActor = Actor::system(QStringLiteral("pilot-terminal"));
    const Actor anchorActor = Actor::system(QStringLiteral("pilot-anchor"));
    const QString runText = QString::number(m_run);

    // Submits in batches of at most BatchMax, never splitting a linked
    // post from its payout; one result per event, in order.
    auto submit = [&](const std::vector<Transfer> &events, const Actor &actor, const std::vector<Refusal> &refusals) -> Result<std::vector<CreateTransferResult>> {
        std::vector<CreateTransferResult> all;
        size_t from = 0;
        bool audited = false;
        auto writeRefusals = [&](Transaction &tx) -> Status {
            for (const Refusal &r : refusals)
                if (auto entry = m_audit.append(tx, r.actor, r.action, r.subject, r.payload); !entry)
                    return entry.error();
            return {};
        };
        while (from < events.size() || (!audited && !refusals.empty())) {
            size_t end = std::min(events.size(), from + BatchMax);
            while (end > from + 1 && end < events.size() && events[end - 1].has(TransferFlag::Linked))
                --end;
            const std::span<const Transfer> batch(events.data() + from, end - from);
            Result<std::vector<CreateTransferResult>> results = std::vector<CreateTransferResult>();
            if (batch.empty()) {
                // Refusals only: their own transaction.
                for (const Refusal &r : refusals)
                    if (auto entry = m_audit.record(r.actor, r.action, r.subject, r.payload); !entry)
                        return entry.error();
            } else if (!audited && !refusals.empty()) {
                results = clock.time(QStringLiteral("ledger"), [&] { return m_ledger.createTransfers(batch, actor, writeRefusals); });
            } else {
                results = clock.time(QStringLiteral("ledger"), [&] { return m_ledger.createTransfers(batch, actor); });
            }
            audited = true;
            if (!results)
                return results.error();
            for (CreateTransferResult r : *results) {
                r.index += u32(from);
                all.push_back(r);
            }
            from = end;
        }
        return all;
    };
    auto checkCredits = [&]() -> Status {
        auto count = clock.time(QStringLiteral("conservation"), [&] { return accounts.count(); });
        if (!count)
            return count.error();
        ++tally.conservationChecks;
        tally.credits = *count;
        if (m_stepCheck)
            m_stepCheck(count->json());
        if (!count->balanced())
            return Error { ErrorCode::Internal, QStringLiteral("pilot run %1: credits do not add up: issued %2, held %3, in escrow %4, fulfilled %5")
                                   .arg(runText).arg(count->issued).arg(count->held).arg(count->inEscrow).arg(count->fulfilled) };
        return {};
    };
    if (auto checked = checkCredits(); !checked)
        return checked.error();

    std::multimap<qint64, Resolution> due; // by the window they are applied in
    const qint64 dayMs = qint64(m_params.hours) * 3'600'000;
    size_t next = 0;
    for (qint64 windowStart = 0; windowStart < dayMs || !due.empty(); windowStart += WindowMs) {
        const qint64 windowEnd = windowStart + WindowMs;

        // 1. Deliveries and failures that fell due: post (and pay out) or void.
        std::vector<Transfer> resolutions;
        for (auto it = due.begin(); it != due.end() && it->first < windowEnd; it = due.erase(it)) {
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
                resolutions.push_back(t);
                Transfer payout;
                payout.id = pilotId(m_run, IdKind::PayoutTransfer, order);
                payout.debit_account_id = accounts.escrow();
                payout.credit_account_id = accounts.fulfilled();
                payout.amount = u128(r.fulfilment.deliveredUnits);
                payout.ledger = PilotLedger;
                payout.code = PilotCode::Payout;
                payout.user_data_128 = r.hold.orderId;
                resolutions.push_back(payout);
            } else {
                t.id = pilotId(m_run, IdKind::VoidTransfer, order);
                t.flags = TransferFlag::VoidPendingTransfer;
                resolutions.push_back(t);
            }
        }
        if (!resolutions.empty()) {
            auto results = submit(resolutions, anchorActor, {});
            if (!results)
                return results.error();
            for (const CreateTransferResult &r : *results)
                if (r.status != CreateTransferStatus::Created)
                    return Error { ErrorCode::Internal, QStringLiteral("pilot run %1: the ledger refused a post or void: %2")
                                           .arg(runText, QLatin1StringView(statusName(r.status))) };
            if (auto checked = checkCredits(); !checked)
                return checked.error();
        }

        // 2. The window's orders: attest, present, hold.
        std::vector<Transfer> holds;
        std::vector<Hold> held;
        std::vector<qint64> heldAtMs;
        std::vector<Refusal> refusals;
        for (; next < submissions.size() && submissions[next].intent.timeMs < windowEnd; ++next) {
            const Submission &s = submissions[next];
            const qint64 now = s.intent.timeMs;
            auto attested = clock.time(QStringLiteral("attestor"), [&] { return attestor.attest(s.intent, now); });
            if (auto *refused = std::get_if<AttestorRefusal>(&attested)) {
                ++tally.attestorRefusals[*refused];
                refusals.push_back({ QStringLiteral("system:pilot-attestor"), QStringLiteral("pilot.attestation_refused"),
                                     QStringLiteral("run %1 participant %2").arg(runText).arg(s.intent.participant),
                                     { { QStringLiteral("run"), qint64(m_run) }, { QStringLiteral("reason"), attestorRefusalName(*refused) },
                                       { QStringLiteral("nonce"), QString::number(s.intent.nonce) },
                                       { QStringLiteral("amount_units"), s.intent.amountUnits }, { QStringLiteral("time_ms"), now } } });
                continue;
            }
            const Attestation &attestation = std::get<Attestation>(attested);
            const int presentations = s.presentTwice ? 2 : 1;
            for (int i = 0; i < presentations; ++i) {
                const qint64 at = now + i * SecondPresentationMs;
                auto presented = clock.time(QStringLiteral("terminal"), [&] { return terminal.present(attestation, at); });
                if (auto *refused = std::get_if<TerminalRefusal>(&presented)) {
                    ++tally.terminalRefusals[*refused];
                    refusals.push_back({ terminalActor.toString(), QStringLiteral("pilot.terminal_refused"),
                                         QStringLiteral("run %1 order %2").arg(runText, toDecimal(attestation.orderId)),
                                         { { QStringLiteral("run"), qint64(m_run) }, { QStringLiteral("reason"), terminalRefusalName(*refused) },
                                           { QStringLiteral("time_ms"), at } } });
                    continue;
                }
                const Transfer &hold = std::get<Transfer>(presented);
                holds.push_back(hold);
                held.push_back({ attestation.orderId, hold.id, attestation.amountUnits });
                heldAtMs.push_back(at);
            }
        }
        if (holds.empty() && refusals.empty())
            continue;
        auto results = submit(holds, terminalActor, refusals);
        if (!results)
            return results.error();
        for (const CreateTransferResult &r : *results) {
            if (r.status == CreateTransferStatus::ExceedsCredits) {
                ++tally.insufficientCredits;
                continue;
            }
            if (r.status != CreateTransferStatus::Created)
                return Error { ErrorCode::Internal, QStringLiteral("pilot run %1: the ledger refused a hold: %2")
                                       .arg(runText, QLatin1StringView(statusName(r.status))) };
            const Hold &h = held[r.index];
            const Fulfilment f = clock.time(QStringLiteral("anchor"), [&] { return anchor.fulfil(h.orderId, h.amountUnits); });
            tally.add(f);
            // Applied in the window it falls due in, and never in this one:
            // its hold commits in this window's batch.
            const qint64 at = heldAtMs[r.index] + (f.outcome == OrderOutcome::TimedOut ? m_params.holdTimeoutMs : f.totalMs());
            due.emplace(std::max(at, windowEnd), Resolution { h, f });
        }
        if (auto checked = checkCredits(); !checked)
            return checked.error();
    }

    DayResult result;
    result.report = dayReport(m_params, tally, issuer, adapter.codes());
    const qint64 wallNs = wall.nsecsElapsed();
    QJsonObject shares;
    for (const auto &[stage, ns] : clock.ns)
        shares.insert(stage, double(ns) / double(std::max<qint64>(1, wallNs)));
    result.performance = { { QStringLiteral("submissions"), qint64(tally.submissions) },
                           { QStringLiteral("wall_seconds"), double(wallNs) / 1e9 },
                           { QStringLiteral("orders_per_second"), double(tally.submissions) / (double(std::max<qint64>(1, wallNs)) / 1e9) },
                           { QStringLiteral("stage_share"), shares } };
    return result;
}

} // namespace cabinet::pilot

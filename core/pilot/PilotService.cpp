#include "pilot/PilotService.h"

#include "api/JsonText.h"
#include "approvals/ApprovalService.h"
#include "audit/AuditLog.h"
#include "events/EventBus.h"
#include "events/EventTypes.h"
#include "ledger/Ledger.h"
#include "pilot/CreditTerminal.h"
#include "pilot/GiftCardAdapter.h"
#include "pilot/PilotDay.h"
#include "pilot/PilotForecast.h"
#include "pilot/PilotRunner.h"
#include "store/Database.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QUuid>

namespace cabinet::pilot {

namespace {

QJsonObject objectOf(const QString &text) { return QJsonDocument::fromJson(text.toUtf8()).object(); }

bool isGoLive(const approvals::Action &action)
{
    return action.kind == approvals::ActionKind::Deploy && action.environment == QLatin1String(GoLiveEnvironment)
            && action.target == QLatin1String(GoLiveTarget);
}

} // namespace

PilotParams dryRunParams()
{
    PilotParams p;
    p.participants = 5;
    p.hours = 1;
    return p;
}

PilotService::PilotService(Database &db, EventBus &events, AuditLog &audit, const Clock &clock, ledger::Ledger &ledger,
                           approvals::ApprovalService &approvals)
    : m_db(db),
      m_events(events),
      m_audit(audit),
      m_clock(clock),
      m_ledger(ledger),
      m_approvals(approvals),
      m_gates(db, events, audit, clock, ledger),
      m_runner(std::make_unique<PilotRunner>(ledger, audit, events)),
      m_dryRun(dryRunParams())
{
}

PilotService::~PilotService() = default;

Result<QJsonObject> PilotService::prepare(const PilotParams &params, const Actor &actor)
{
    // The walkthrough's order: foundation, services, integration, then go-live.
    if (auto gates = m_gates.passedThrough(GatesCount); !gates)
        return Error { gates.error().code, QStringLiteral("the go-live waits for the gates: ") + gates.error().message, gates.error().field };
    const qint64 expected = qint64(params.participants) * params.ordersPerParticipant;
    const QJsonObject forecast = forecastDeliveryRate(params, expected);
    approvals::NewApproval request;
    request.action.kind = approvals::ActionKind::Deploy;
    request.action.agent = QStringLiteral("pilot");
    request.action.environment = QLatin1String(GoLiveEnvironment);
    request.action.target = QLatin1String(GoLiveTarget);
    request.evidence = api::compact(QJsonObject { { QStringLiteral("pilot"), pilotParamsJson(params) },
                                                  { QStringLiteral("forecast"), forecast },
                                                  { QStringLiteral("simulated"), QStringLiteral("simulated participants, fulfilment and gift-card issuer") } });
    // The request's own audit entry, under the caller, is the one this leaves.
    auto made = m_approvals.request(request, actor);
    if (!made)
        return made.error();
    return QJsonObject { { QStringLiteral("approval"), QJsonDocument::fromJson(approvals::approvalJson(*made)).object() },
                         { QStringLiteral("forecast"), forecast } };
}

Result<QJsonObject> PilotService::run(const QString &approvalId, const Actor &actor, Done done)
{
    auto approval = m_approvals.get(approvalId);
    if (!approval)
        return approval.error();
    if (!isGoLive(approval->action))
        return Error { ErrorCode::FailedPrecondition, QStringLiteral("approval %1 is not a pilot go-live request").arg(approvalId),
                       QStringLiteral("approval_id") };
    if (approval->state != approvals::ApprovalState::Approved)
        return Error { ErrorCode::FailedPrecondition,
                       QStringLiteral("the pilot's go-live %1 is %2, not approved: the day does not run")
                               .arg(approvalId, approvals::approvalStateName(approval->state)),
                       QStringLiteral("approval_id") };
    auto params = pilotParamsFromJson(QJsonDocument::fromJson(approval->evidence).object().value(QStringLiteral("pilot")).toObject());
    if (!params)
        return Error { ErrorCode::FailedPrecondition, QStringLiteral("approval %1 holds no pilot parameters: %2").arg(approvalId, params.error().message) };
    {
        auto &ran = m_db.statement("SELECT id FROM pilot_runs WHERE approval_id = ?1");
        auto row = ran.bind(1, approvalId).step();
        if (!row)
            return row.error();
        const qint64 earlier = *row ? ran.int64(0) : 0;
        ran.reset();
        if (earlier)
            return Error { ErrorCode::FailedPrecondition, QStringLiteral("go-live %1 was used by run %2: a new run needs a new approval").arg(approvalId).arg(earlier),
                           QStringLiteral("approval_id") };
    }
    if (m_runner->busy())
        return Error { ErrorCode::ResourceExhausted, QStringLiteral("pilot run %1 is running: one day at a time").arg(m_runner->currentRun()) };

    auto run = begin(approvalId, QStringLiteral("day"), *params, actor);
    if (!run)
        return run.error();
    m_runner->start(quint32(*run), *params, [this, run = *run, approvalId, done](Result<DayResult> day) {
        const Status finished = finish(run, day);
        if (!done)
            return;
        if (!finished)
            return done(finished.error());
        if (!day)
            return done(day.error());
        done(QJsonObject { { QStringLiteral("run"), run },
                           { QStringLiteral("approval_id"), approvalId },
                           { QStringLiteral("state"), QStringLiteral("finished") },
                           { QStringLiteral("report"), day->report },
                           { QStringLiteral("performance"), day->performance } });
    });
    return QJsonObject { { QStringLiteral("run"), *run }, { QStringLiteral("approval_id"), approvalId }, { QStringLiteral("state"), QStringLiteral("running") } };
}

Result<qint64> PilotService::begin(const QString &approvalId, const QString &kind, const PilotParams &params, const Actor &actor)
{
    auto tx = m_db.begin();
    if (!tx)
        return tx.error();
    auto &insert = m_db.statement("INSERT INTO pilot_runs (approval_id, started_by, started_ns, state, params, kind) VALUES (?1, ?2, ?3, 'running', ?4, ?5) "
                                  "RETURNING id");
    insert.bind(1, approvalId).bind(2, actor.toString()).bind(3, m_clock.nowNs()).bind(4, QString::fromUtf8(api::compact(pilotParamsJson(params)))).bind(5, kind);
    auto inserted = insert.step();
    if (!inserted)
        return inserted.error();
    const qint64 run = insert.int64(0);
    insert.reset();
    const QJsonObject details { { QStringLiteral("run"), run },
                                { QStringLiteral("kind"), kind },
                                { QStringLiteral("approval_id"), approvalId },
                                { QStringLiteral("started_by"), actor.toString() } };
    const QString action = kind == QLatin1String("day") ? QStringLiteral("pilot.run") : QStringLiteral("pilot.dry_run");
    if (auto entry = m_audit.append(*tx, actor.toString(), action, QStringLiteral("run %1").arg(run), details); !entry)
        return entry.error();
    if (auto e = m_events.append(*tx, events::PilotRunStarted, details); !e)
        return e.error();
    if (auto s = tx->commit(); !s)
        return s.error();
    return run;
}

Status PilotService::finish(qint64 run, const Result<DayResult> &day)
{
    auto tx = m_db.begin();
    if (!tx)
        return tx.error();
    const QString state = day ? QStringLiteral("finished") : QStringLiteral("failed");
    auto &update = m_db.statement("UPDATE pilot_runs SET state = ?2, finished_ns = ?3, report = ?4, performance = ?5, error = ?6 WHERE id = ?1");
    update.bind(1, run)
            .bind(2, state)
            .bind(3, m_clock.nowNs())
            .bind(4, day ? QString::fromUtf8(api::compact(day->report)) : QStringLiteral("{}"))
            .bind(5, day ? QString::fromUtf8(api::compact(day->performance)) : QStringLiteral("{}"))
            .bind(6, day ? QString() : day.error().message);
    if (auto s = update.exec(); !s)
        return s.error();
    const QJsonObject details { { QStringLiteral("run"), run },
                                { QStringLiteral("state"), state },
                                { QStringLiteral("delivery_rate"), day ? day->report.value(QStringLiteral("delivery_rate")) : QJsonValue() },
                                { QStringLiteral("target_met"), day ? day->report.value(QStringLiteral("target_met")) : QJsonValue(false) },
                                { QStringLiteral("error"), day ? QString() : day.error().message } };
    if (auto entry = m_audit.append(*tx, QStringLiteral("system:pilot"), QStringLiteral("pilot.run_finished"), QStringLiteral("run %1").arg(run), details);
        !entry)
        return entry.error();
    if (auto e = m_events.append(*tx, events::PilotRunFinished, details); !e)
        return e.error();
    return tx->commit();
}

Status PilotService::start()
{
    std::vector<qint64> interrupted;
    auto &q = m_db.statement("SELECT id FROM pilot_runs WHERE state = 'running' ORDER BY id");
    for (;;) {
        auto row = q.step();
        if (!row) {
            q.reset();
            return row.error();
        }
        if (!*row)
            break;
        interrupted.push_back(q.int64(0));
    }
    q.reset();
    for (qint64 run : interrupted)
        if (auto s = finish(run, Error { ErrorCode::Cancelled, QStringLiteral("the process stopped during the day: its open holds return to the participants "
                                                                              "when their ledger timeouts pass") });
            !s)
            return s;
    return {};
}

void PilotService::stop()
{
    m_runner->abandon(Error { ErrorCode::Cancelled, QStringLiteral("the core stopped during the day: its open holds return to the participants when their "
                                                                   "ledger timeouts pass") });
}

bool PilotService::running() const { return m_runner->busy(); }

void PilotService::gate(int gate, const Actor &actor, Done done)
{
    if (gate < 1 || gate > GatesCount)
        return done(Error { ErrorCode::InvalidArgument, QStringLiteral("a pilot gate is 1, 2 or 3"), QStringLiteral("gate") });
    if (auto before = m_gates.passedThrough(gate - 1); !before)
        return done(before.error());
    if (gate == 1)
        return done(m_gates.record(1, m_gates.foundation(), actor, 0));
    if (gate == 2)
        return done(m_gates.record(2, PilotGates::services(m_probe ? m_probe() : probe()), actor, 0));
    if (m_runner->busy())
        return done(Error { ErrorCode::ResourceExhausted, QStringLiteral("pilot run %1 is running: gate 3's dry run waits for it").arg(m_runner->currentRun()) });
    // Its own run number; the approval column says it had none.
    const PilotParams params = m_dryRun;
    auto run = begin(QStringLiteral("dry-run-") + QUuid::createUuid().toString(QUuid::WithoutBraces), QStringLiteral("dry_run"), params,
                     Actor::system(QStringLiteral("pilot")));
    if (!run)
        return done(run.error());
    m_runner->start(quint32(*run), params, [this, run = *run, participants = params.participants, actor, done](Result<DayResult> day) {
        if (auto finished = finish(run, day); !finished)
            return done(finished.error());
        done(m_gates.record(3, m_gates.integration(run, participants, day), actor, run));
    });
}

Result<QJsonObject> PilotService::status(int limit) const
{
    auto &q = m_db.statement("SELECT id, approval_id, started_by, started_ns, finished_ns, state, params, report, performance, error "
                             "FROM pilot_runs WHERE kind = 'day' ORDER BY id DESC LIMIT ?1");
    q.bind(1, std::clamp(limit, 1, StatusRunsMax));
    QJsonArray runs;
    QJsonObject latest;
    for (;;) {
        auto row = q.step();
        if (!row) {
            q.reset();
            return row.error();
        }
        if (!*row)
            break;
        const QJsonObject report = objectOf(q.text(7));
        const QJsonObject run { { QStringLiteral("run"), q.int64(0) },
                                { QStringLiteral("approval_id"), q.text(1) },
                                { QStringLiteral("started_by"), q.text(2) },
                                { QStringLiteral("started_ms"), q.int64(3) / 1'000'000 },
                                { QStringLiteral("finished_ms"), q.int64(4) ? QJsonValue(q.int64(4) / 1'000'000) : QJsonValue() },
                                { QStringLiteral("state"), q.text(5) },
                                { QStringLiteral("params"), objectOf(q.text(6)) },
                                { QStringLiteral("delivery_rate"), report.value(QStringLiteral("delivery_rate")) },
                                { QStringLiteral("target_met"), report.value(QStringLiteral("target_met")) },
                                { QStringLiteral("error"), q.text(9) } };
        if (runs.isEmpty()) {
            latest = run;
            latest.insert(QStringLiteral("report"), report);
            latest.insert(QStringLiteral("performance"), objectOf(q.text(8)));
            if (m_runner->busy() && qint64(m_runner->currentRun()) == q.int64(0))
                latest.insert(QStringLiteral("progress"), m_runner->progress());
        }
        runs.append(run);
    }
    q.reset();
    auto gates = m_gates.latest();
    if (!gates)
        return gates.error();
    return QJsonObject { { QStringLiteral("runs"), runs },
                         { QStringLiteral("latest"), runs.isEmpty() ? QJsonValue() : QJsonValue(latest) },
                         { QStringLiteral("gates"), *gates } };
}

QJsonObject PilotService::probe() const
{
    PilotParams params;
    params.participants = 1;
    params.issuerLostReplyRate = 0;
    const Studio studio(params);
    Attestor attestor(params, 0, KeyPair::generate());
    attestor.enroll(0, studio.publicKey(0));
    OrderIntent intent;
    intent.items = 1;
    intent.amountUnits = params.orderMinUnits;
    intent.nonce = 1;
    studio.sign(intent);
    const bool signs = verify(studio.publicKey(0), intent.signedBytes(), intent.signature);
    auto attested = attestor.attest(intent, 0);
    const bool attests = std::holds_alternative<Attestation>(attested);
    const bool refusesReplay = std::holds_alternative<AttestorRefusal>(attestor.attest(intent, 1));
    CreditTerminal terminal(params, 0, attestor.publicKey());
    bool holds = false, refusesReuse = false;
    if (attests) {
        holds = std::holds_alternative<ledger::Transfer>(terminal.present(std::get<Attestation>(attested), 0));
        refusesReuse = std::holds_alternative<TerminalRefusal>(terminal.present(std::get<Attestation>(attested), 0));
    }
    params.issuerFailureRate = 0;
    SimulatedGiftCardIssuer issuer(params);
    GiftCardAdapter adapter(issuer, params.issuerAttempts);
    const auto card = adapter.codeFor(pilotId(0, IdKind::Order, 1), 100);
    // The anchor with its own issuer: an order fulfilled and paid for.
    params.failureRate = 0;
    params.partialRate = 0;
    SimulatedGiftCardIssuer anchorIssuer(params);
    GiftCardAdapter anchorAdapter(anchorIssuer, params.issuerAttempts);
    Anchor anchor(params, anchorAdapter);
    const Fulfilment fulfilment = anchor.fulfil(pilotId(0, IdKind::Order, 2), params.orderMinUnits);
    const auto check = [](bool ok, const QString &evidence) { return QJsonObject { { QStringLiteral("ok"), ok }, { QStringLiteral("evidence"), evidence } }; };
    return { { QStringLiteral("studio"), check(signs, QStringLiteral("a simulated participant's Ed25519 signature verifies")) },
             { QStringLiteral("attestor"), check(attests && refusesReplay, QStringLiteral("attests a signed intent, refuses its replay")) },
             { QStringLiteral("terminal"), check(holds && refusesReuse, QStringLiteral("holds once, refuses the same attestation again")) },
             { QStringLiteral("anchor"), check(fulfilment.outcome == OrderOutcome::Delivered && fulfilment.deliveredUnits == params.orderMinUnits
                                                       && anchorIssuer.issued() == 1,
                                               QStringLiteral("fulfilled an order of %1 units in %2 simulated minutes and paid it with one gift card")
                                                       .arg(fulfilment.deliveredUnits).arg(fulfilment.fulfilmentMs / 60'000)) },
             { QStringLiteral("adapter"), check(card.code.has_value() && issuer.issued() == 1,
                                                QStringLiteral("one code from the simulated gift-card issuer: %1").arg(card.code.value_or(QStringLiteral("none")))) } };
}

} // namespace cabinet::pilot

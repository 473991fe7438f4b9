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
#include "store/Database.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace cabinet::pilot {

namespace {

QJsonObject objectOf(const QString &text) { return QJsonDocument::fromJson(text.toUtf8()).object(); }

bool isGoLive(const approvals::Action &action)
{
    return action.kind == approvals::ActionKind::Deploy && action.environment == QLatin1String(GoLiveEnvironment)
            && action.target == QLatin1String(GoLiveTarget);
}

} // namespace

PilotService::PilotService(Database &db, EventBus &events, AuditLog &audit, const Clock &clock, ledger::Ledger &ledger,
                           approvals::ApprovalService &approvals)
    : m_db(db), m_events(events), m_audit(audit), m_clock(clock), m_ledger(ledger), m_approvals(approvals)
{
}

Result<QJsonObject> PilotService::prepare(const PilotParams &params, const Actor &actor)
{
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

Result<QJsonObject> PilotService::run(const QString &approvalId, const Actor &actor)
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

    qint64 run = 0;
    {
        auto tx = m_db.begin();
        if (!tx)
            return tx.error();
        auto &ran = m_db.statement("SELECT id FROM pilot_runs WHERE approval_id = ?1");
        auto row = ran.bind(1, approvalId).step();
        if (!row)
            return row.error();
        const qint64 earlier = *row ? ran.int64(0) : 0;
        ran.reset();
        if (earlier)
            return Error { ErrorCode::FailedPrecondition, QStringLiteral("go-live %1 was used by run %2: a new run needs a new approval").arg(approvalId).arg(earlier),
                           QStringLiteral("approval_id") };
        auto &insert = m_db.statement("INSERT INTO pilot_runs (approval_id, started_by, started_ns, state, params) VALUES (?1, ?2, ?3, 'running', ?4) "
                                      "RETURNING id");
        insert.bind(1, approvalId).bind(2, actor.toString()).bind(3, m_clock.nowNs()).bind(4, QString::fromUtf8(api::compact(pilotParamsJson(*params))));
        auto inserted = insert.step();
        if (!inserted)
            return inserted.error();
        run = insert.int64(0);
        insert.reset();
        const QJsonObject details { { QStringLiteral("run"), run }, { QStringLiteral("approval_id"), approvalId }, { QStringLiteral("started_by"), actor.toString() } };
        if (auto entry = m_audit.append(*tx, actor.toString(), QStringLiteral("pilot.run"), QStringLiteral("run %1").arg(run), details); !entry)
            return entry.error();
        if (auto e = m_events.append(*tx, events::PilotRunStarted, details); !e)
            return e.error();
        if (auto s = tx->commit(); !s)
            return s.error();
    }

    auto day = PilotDay(m_ledger, m_audit, quint32(run), *params).run();

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
    if (auto s = tx->commit(); !s)
        return s.error();
    if (!day)
        return day.error();
    return QJsonObject { { QStringLiteral("run"), run },
                         { QStringLiteral("approval_id"), approvalId },
                         { QStringLiteral("state"), state },
                         { QStringLiteral("report"), day->report },
                         { QStringLiteral("performance"), day->performance } };
}

Result<QJsonObject> PilotService::status(int limit) const
{
    auto &q = m_db.statement("SELECT id, approval_id, started_by, started_ns, finished_ns, state, params, report, performance, error "
                             "FROM pilot_runs ORDER BY id DESC LIMIT ?1");
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
        }
        runs.append(run);
    }
    q.reset();
    return QJsonObject { { QStringLiteral("runs"), runs }, { QStringLiteral("latest"), runs.isEmpty() ? QJsonValue() : QJsonValue(latest) } };
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
    const auto check = [](bool ok, const QString &evidence) { return QJsonObject { { QStringLiteral("ok"), ok }, { QStringLiteral("evidence"), evidence } }; };
    return { { QStringLiteral("studio"), check(signs, QStringLiteral("a simulated participant's Ed25519 signature verifies")) },
             { QStringLiteral("attestor"), check(attests && refusesReplay, QStringLiteral("attests a signed intent, refuses its replay")) },
             { QStringLiteral("terminal"), check(holds && refusesReuse, QStringLiteral("holds once, refuses the same attestation again")) },
             { QStringLiteral("adapter"), check(card.code.has_value() && issuer.issued() == 1,
                                                QStringLiteral("one code from the simulated gift-card issuer: %1").arg(card.code.value_or(QStringLiteral("none")))) } };
}

} // namespace cabinet::pilot

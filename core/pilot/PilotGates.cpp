#include "pilot/PilotGates.h"

#include "Assert.h"
#include "ledger/U128.h"
#include "audit/AuditLog.h"
#include "events/EventBus.h"
#include "events/EventTypes.h"
#include "ledger/Ledger.h"
#include "pilot/PilotAccounts.h"
#include "pilot/PilotDay.h"
#include "store/Database.h"

#include <QJsonDocument>
#include <QRandomGenerator>

namespace cabinet::pilot {

using namespace cabinet::ledger;

namespace {

GateCheck passed(const QString &name, const QString &evidence) { return { name, true, evidence, {} }; }
GateCheck failed(const QString &name, const QString &evidence, const QString &reason) { return { name, false, evidence, reason }; }

} // namespace

QJsonObject GateCheck::json() const
{
    return { { QStringLiteral("name"), name }, { QStringLiteral("passed"), passed }, { QStringLiteral("evidence"), evidence }, { QStringLiteral("reason"), reason } };
}

PilotGates::PilotGates(Database &db, EventBus &events, AuditLog &audit, const Clock &clock, Ledger &ledger)
    : m_db(db), m_events(events), m_audit(audit), m_clock(clock), m_ledger(ledger), m_keySource([] { return std::optional(KeyPair::generate()); })
{
}

std::vector<GateCheck> PilotGates::foundation()
{
    std::vector<GateCheck> checks { ledgerAnswers() };
    for (GateCheck &c : latestRunsCredits())
        checks.push_back(std::move(c));
    checks.push_back(attestorKey());
    checks.push_back(eventBus());
    return checks;
}

GateCheck PilotGates::ledgerAnswers()
{
    const QString name = QStringLiteral("ledger_reachable");
    QueryFilter onPilotLedger;
    onPilotLedger.ledger = PilotLedger;
    onPilotLedger.limit = 1;
    auto accounts = m_ledger.queryAccounts(onPilotLedger);
    auto pending = m_ledger.openPendingTransfers(1);
    if (!accounts || !pending)
        return failed(name, {}, QStringLiteral("the ledger did not answer: %1").arg((accounts ? pending.error() : accounts.error()).message));
    return passed(name, QStringLiteral("the ledger answers a query on ledger %1; %2 pending transfers open").arg(PilotLedger).arg(pending->total));
}

// The latest finished run: every credit accounted for, and every account
// on ledger 2 with its code and flags. Not a failed one: a day the core
// stopped under may have opened only some of its accounts, and must not
// block the gates (and so every later day) for good.
std::vector<GateCheck> PilotGates::latestRunsCredits()
{
    const QString creditsName = QStringLiteral("ledger_2_credits");
    const QString accountsName = QStringLiteral("pilot_accounts");
    auto &q = m_db.statement("SELECT id, params FROM pilot_runs WHERE state = 'finished' ORDER BY id DESC LIMIT 1");
    auto row = q.step();
    if (!row) {
        q.reset();
        return { failed(creditsName, {}, QStringLiteral("pilot runs could not be read: %1").arg(row.error().message)) };
    }
    if (!*row) {
        q.reset();
        const QString none = QStringLiteral("no finished pilot run yet: no pilot account to check");
        return { passed(creditsName, none), passed(accountsName, none) };
    }
    const qint64 run = q.int64(0);
    auto params = pilotParamsFromJson(QJsonDocument::fromJson(q.text(1).toUtf8()).object());
    q.reset();
    if (!params)
        return { failed(creditsName, QStringLiteral("run %1").arg(run), QStringLiteral("run %1's parameters do not read: %2").arg(run).arg(params.error().message)) };

    PilotAccounts accounts(m_ledger, quint32(run), params->participants);
    std::vector<GateCheck> checks;
    auto count = accounts.count();
    if (!count)
        checks.push_back(failed(creditsName, QStringLiteral("run %1").arg(run), count.error().message));
    else if (!count->balanced())
        checks.push_back(failed(creditsName, QStringLiteral("run %1: issued %2, held %3, in escrow %4, fulfilled %5").arg(run).arg(count->issued).arg(count->held).arg(count->inEscrow).arg(count->fulfilled),
                                QStringLiteral("issued is not held + in escrow + fulfilled: %1 units unaccounted for")
                                        .arg(count->issued - count->held - count->inEscrow - count->fulfilled)));
    else
        checks.push_back(passed(creditsName, QStringLiteral("run %1: issued %2 = held %3 + in escrow %4 + fulfilled %5 units").arg(run).arg(count->issued).arg(count->held).arg(count->inEscrow).arg(count->fulfilled)));

    // Codes and flags: participants and the escrow never go below zero.
    size_t seen = 0;
    QString wrong;
    for (size_t from = 0; from < accounts.accounts() && wrong.isEmpty(); from += BatchMax) {
        std::vector<u128> ids;
        for (size_t i = from; i < std::min(accounts.accounts(), from + BatchMax); ++i)
            ids.push_back(accounts.account(i));
        auto found = m_ledger.lookupAccounts(ids);
        if (!found) {
            checks.push_back(failed(accountsName, {}, found.error().message));
            return checks;
        }
        seen += found->size();
        for (const Account &a : *found) {
            const bool floor = a.code == PilotCode::Participant || a.code == PilotCode::Escrow;
            if (a.ledger != PilotLedger || (floor && !(a.flags & AccountFlag::DebitsMustNotExceedCredits)))
                wrong = QStringLiteral("account %1 (code %2) is on ledger %3 with flags %4").arg(toDecimal(a.id)).arg(a.code).arg(a.ledger).arg(a.flags);
        }
    }
    if (!wrong.isEmpty())
        checks.push_back(failed(accountsName, QStringLiteral("run %1").arg(run), wrong));
    else if (seen != accounts.accounts())
        checks.push_back(failed(accountsName, QStringLiteral("run %1: %2 of %3 accounts found").arg(run).arg(seen).arg(accounts.accounts()),
                                QStringLiteral("%1 of run %2's accounts are missing").arg(accounts.accounts() - seen).arg(run)));
    else
        checks.push_back(passed(accountsName, QStringLiteral("run %1: issuer, escrow, fulfilled and %2 participants on ledger %3; participants and escrow "
                                                             "with debits_must_not_exceed_credits")
                                                      .arg(run).arg(params->participants).arg(PilotLedger)));
    return checks;
}

GateCheck PilotGates::attestorKey()
{
    const QString name = QStringLiteral("attestor_key");
    const std::optional<KeyPair> key = m_keySource();
    if (!key)
        return failed(name, {}, QStringLiteral("no attestor key could be made (libsodium)"));
    const QByteArray message = QByteArrayLiteral("cabinet pilot gate 1");
    const Signature signature = key->sign(message);
    QByteArray altered = message;
    altered[0] = 'C';
    if (!verify(key->publicKey(), message, signature))
        return failed(name, {}, QStringLiteral("the attestor key's signature does not verify with its public key"));
    if (verify(key->publicKey(), altered, signature))
        return failed(name, {}, QStringLiteral("the attestor key's signature verifies an altered message"));
    const QByteArray publicKey(reinterpret_cast<const char *>(key->publicKey().data()), int(key->publicKey().size()));
    return passed(name, QStringLiteral("an Ed25519 attestor key (public %1…) signs, verifies, and refuses an altered message").arg(QString::fromLatin1(publicKey.toHex().left(16))));
}

GateCheck PilotGates::eventBus()
{
    const QString name = QStringLiteral("event_bus");
    const QString nonce = QString::number(QRandomGenerator::global()->generate64());
    auto received = std::make_shared<bool>(false);
    const int subscription = m_events.subscribe({ events::PilotProbe }, [received, nonce](const Event &event) {
        if (event.payload.value(QStringLiteral("nonce")).toString() == nonce)
            *received = true;
    });
    m_events.publishEphemeral(events::PilotProbe, { { QStringLiteral("nonce"), nonce } });
    m_events.unsubscribe(subscription);
    if (!*received)
        return failed(name, QStringLiteral("published %1 probe %2").arg(events::PilotProbe, nonce),
                      QStringLiteral("the probe event was not delivered while the gate waited (the bus is busy delivering)"));
    return passed(name, QStringLiteral("a %1 event (nonce %2) was published and received").arg(events::PilotProbe, nonce));
}

std::vector<GateCheck> PilotGates::services(const QJsonObject &probe)
{
    std::vector<GateCheck> checks;
    for (const char *service : { "studio", "attestor", "terminal", "anchor", "adapter" }) {
        const QString name = QLatin1String(service);
        const QJsonObject answer = probe.value(name).toObject();
        const QString evidence = answer.value(QStringLiteral("evidence")).toString();
        if (answer.isEmpty())
            checks.push_back(failed(name, {}, QStringLiteral("the %1 did not answer its probe").arg(name)));
        else if (!answer.value(QStringLiteral("ok")).toBool())
            checks.push_back(failed(name, evidence, QStringLiteral("the %1's probe failed").arg(name)));
        else
            checks.push_back(passed(name, evidence));
    }
    return checks;
}

std::vector<GateCheck> PilotGates::integration(qint64 run, int participants, const Result<DayResult> &day)
{
    std::vector<GateCheck> checks;
    const QString runText = QStringLiteral("dry run %1 (%2 simulated participants)").arg(run).arg(participants);
    if (!day) {
        checks.push_back(failed(QStringLiteral("dry_run"), runText, day.error().message));
    } else {
        const QJsonObject &r = day->report;
        const QJsonObject orders = r.value(QStringLiteral("orders")).toObject();
        const qint64 held = r.value(QStringLiteral("orders_held")).toInteger();
        const qint64 delivered = orders.value(QStringLiteral("delivered")).toInteger() + orders.value(QStringLiteral("partial")).toInteger();
        const QString evidence = QStringLiteral("%1: %2 submissions, %3 orders held, %4 delivered, delivery rate %5 %")
                                         .arg(runText)
                                         .arg(r.value(QStringLiteral("submissions")).toInteger())
                                         .arg(held)
                                         .arg(delivered)
                                         .arg(r.value(QStringLiteral("delivery_rate")).toDouble() * 100.0, 0, 'f', 1);
        checks.push_back(held > 0 ? passed(QStringLiteral("dry_run"), evidence)
                                  : failed(QStringLiteral("dry_run"), evidence, QStringLiteral("no order reached the anchor")));
        checks.push_back(delivered > 0 ? passed(QStringLiteral("delivery"), QStringLiteral("%1 orders posted and paid out with a gift-card code").arg(delivered))
                                       : failed(QStringLiteral("delivery"), evidence, QStringLiteral("no order was delivered end to end")));
    }
    // Counted again now, whatever the run said: nothing left in escrow.
    PilotAccounts accounts(m_ledger, quint32(run), participants);
    auto count = accounts.count();
    const QString balances = QStringLiteral("balances");
    if (!count)
        checks.push_back(failed(balances, runText, count.error().message));
    else {
        const QString evidence = QStringLiteral("issued %1 = held %2 + in escrow %3 + fulfilled %4 units")
                                         .arg(count->issued).arg(count->held).arg(count->inEscrow).arg(count->fulfilled);
        if (!count->balanced())
            checks.push_back(failed(balances, evidence, QStringLiteral("credits do not add up")));
        else if (count->inEscrow != 0)
            checks.push_back(failed(balances, evidence, QStringLiteral("%1 units still in escrow: holds were left open").arg(count->inEscrow)));
        else
            checks.push_back(passed(balances, evidence));
    }
    auto verified = m_audit.verify();
    const QString audit = QStringLiteral("audit_verify");
    if (!verified)
        checks.push_back(failed(audit, {}, verified.error().message));
    else if (!verified->intact)
        checks.push_back(failed(audit, QStringLiteral("%1 entries").arg(verified->entries),
                                QStringLiteral("the audit trail is broken at entry %1: %2").arg(verified->firstBrokenSeq).arg(verified->reason)));
    else
        checks.push_back(passed(audit, QStringLiteral("%1 entries, the hash chain intact").arg(verified->entries)));
    return checks;
}

Result<std::optional<PilotGates::Row>> PilotGates::newest(int gate) const
{
    auto &q = m_db.statement("SELECT id, gate, passed, checks, checked_by, checked_ns, dry_run FROM pilot_gates WHERE gate = ?1 ORDER BY id DESC LIMIT 1");
    q.bind(1, gate);
    auto row = q.step();
    if (!row) {
        q.reset();
        return row.error();
    }
    std::optional<Row> found;
    if (*row) {
        const QJsonArray checks = QJsonDocument::fromJson(q.text(3).toUtf8()).array();
        QString reason;
        for (const QJsonValue &c : checks)
            if (!c[QStringLiteral("passed")].toBool() && reason.isEmpty())
                reason = c[QStringLiteral("name")].toString() + QStringLiteral(": ") + c[QStringLiteral("reason")].toString();
        found = Row { q.int64(0), q.int64(2) != 0, q.int64(5),
                      QJsonObject { { QStringLiteral("gate"), q.int64(1) },
                                    { QStringLiteral("passed"), q.int64(2) != 0 },
                                    { QStringLiteral("reason"), reason },
                                    { QStringLiteral("checks"), checks },
                                    { QStringLiteral("checked_by"), q.text(4) },
                                    { QStringLiteral("checked_ms"), q.int64(5) / 1'000'000 },
                                    { QStringLiteral("dry_run"), q.isNull(6) ? QJsonValue() : QJsonValue(q.int64(6)) } } };
    }
    q.reset();
    return found;
}

Status PilotGates::passedThrough(int gate) const
{
    qint64 before = 0;
    for (int g = 1; g <= gate; ++g) {
        auto row = newest(g);
        if (!row)
            return row.error();
        if (!*row)
            return Error { ErrorCode::FailedPrecondition, QStringLiteral("pilot gate %1 has not run: run it first (cabinet pilot gate %1)").arg(g), QStringLiteral("gate") };
        if (!(*row)->passed)
            return Error { ErrorCode::FailedPrecondition,
                           QStringLiteral("pilot gate %1 did not pass (%2): fix it and run it again").arg(g).arg((*row)->json.value(QStringLiteral("reason")).toString()),
                           QStringLiteral("gate") };
        if ((*row)->id < before)
            return Error { ErrorCode::FailedPrecondition, QStringLiteral("pilot gate %1 passed before gate %2 was checked again: run gate %1 again").arg(g).arg(g - 1),
                           QStringLiteral("gate") };
        if (m_clock.nowNs() - (*row)->checkedNs > GatePassValidMs * 1'000'000)
            return Error { ErrorCode::FailedPrecondition, QStringLiteral("pilot gate %1 passed more than %2 h ago: run it again").arg(g).arg(GatePassValidMs / 3'600'000),
                           QStringLiteral("gate") };
        before = (*row)->id;
    }
    return {};
}

Result<QJsonObject> PilotGates::record(int gate, const std::vector<GateCheck> &checks, const Actor &actor, qint64 dryRun)
{
    CABINET_ASSERT(gate >= 1 && gate <= GatesCount);
    QJsonArray list;
    bool allPassed = !checks.empty();
    QString reason;
    for (const GateCheck &c : checks) {
        list.append(c.json());
        if (!c.passed && allPassed) {
            allPassed = false;
            reason = c.name + QStringLiteral(": ") + c.reason;
        }
    }
    const qint64 now = m_clock.nowNs();
    auto tx = m_db.begin();
    if (!tx)
        return tx.error();
    auto &insert = m_db.statement("INSERT INTO pilot_gates (gate, passed, checks, checked_by, checked_ns, dry_run) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    insert.bind(1, gate).bind(2, allPassed ? 1 : 0).bind(3, QString::fromUtf8(QJsonDocument(list).toJson(QJsonDocument::Compact))).bind(4, actor.toString()).bind(5, now);
    if (dryRun)
        insert.bind(6, dryRun);
    if (auto s = insert.exec(); !s)
        return s.error();
    const QJsonObject result { { QStringLiteral("gate"), gate },
                              { QStringLiteral("passed"), allPassed },
                              { QStringLiteral("reason"), reason },
                              { QStringLiteral("checks"), list },
                              { QStringLiteral("checked_by"), actor.toString() },
                              { QStringLiteral("checked_ms"), now / 1'000'000 },
                              { QStringLiteral("dry_run"), dryRun ? QJsonValue(dryRun) : QJsonValue() } };
    if (auto entry = m_audit.append(*tx, actor.toString(), QStringLiteral("pilot.gate"), QStringLiteral("gate %1").arg(gate),
                                    { { QStringLiteral("gate"), gate }, { QStringLiteral("passed"), allPassed }, { QStringLiteral("reason"), reason } });
        !entry)
        return entry.error();
    if (auto e = m_events.append(*tx, events::PilotGateChecked, result); !e)
        return e.error();
    if (auto s = tx->commit(); !s)
        return s.error();
    return result;
}

Result<QJsonArray> PilotGates::latest() const
{
    QJsonArray gates;
    for (int g = 1; g <= GatesCount; ++g) {
        auto row = newest(g);
        if (!row)
            return row.error();
        if (*row)
            gates.append((*row)->json);
    }
    return gates;
}

} // namespace cabinet::pilot

// The walkthrough's gates: each runs real checks and keeps its evidence;
// each fails when one of its checks fails (a fault injected through the
// ledger, the event bus, the audit trail, or the service's test seams),
// and a failed check blocks it with its reason; they run in order, a pass
// lapses, and the go-live waits for all three.
#include "PilotTestSupport.h"
#include "api/Dispatcher.h"
#include "audit/AuditLog.h"
#include "events/EventBus.h"
#include "events/EventTypes.h"
#include "ledger/Ledger.h"
#include "pilot/PilotAccounts.h"
#include "store/Database.h"

#include <QJsonArray>

using namespace cabinet;
using namespace cabinet::pilot;
using cabinet::pilot::support::gate;
using cabinet::pilot::support::passGates;

namespace {

const Actor Alice = Actor::person(QStringLiteral("alice"));

QJsonObject check(const QJsonObject &gate, const char *name)
{
    for (const QJsonValue &c : gate.value(QStringLiteral("checks")).toArray())
        if (c[QStringLiteral("name")].toString() == QLatin1String(name))
            return c.toObject();
    return {};
}

QStringList names(const QJsonObject &gate)
{
    QStringList list;
    for (const QJsonValue &c : gate.value(QStringLiteral("checks")).toArray())
        list.append(c[QStringLiteral("name")].toString());
    return list;
}

qint64 scalar(cabinet::test::TestCabinet &c, const char *sql)
{
    auto &q = c->database().statement(sql);
    auto row = q.step();
    const qint64 value = row && *row ? q.int64(0) : -1;
    q.reset();
    return value;
}

// A gate that answered with its result (passed or not).
QJsonObject ran(const std::optional<Result<QJsonObject>> &answer)
{
    if (!answer || !*answer) {
        qWarning("gate: %s", !answer ? "no answer" : qPrintable(answer->error().message));
        return {};
    }
    return **answer;
}

ErrorCode refusal(const std::optional<Result<QJsonObject>> &answer)
{
    return answer && !*answer ? answer->error().code : ErrorCode::Internal;
}

} // namespace

class TestPilotGates : public QObject {
    Q_OBJECT

private slots:
    void theGatesPassInOrderWithTheirEvidence()
    {
        cabinet::test::TestCabinet c;
        QVERIFY(c.open());
        const QJsonObject one = ran(gate(c, 1, Alice));
        QVERIFY2(one.value(QStringLiteral("passed")).toBool(), qPrintable(one.value(QStringLiteral("reason")).toString()));
        QCOMPARE(names(one), (QStringList { QStringLiteral("ledger_reachable"), QStringLiteral("ledger_2_credits"), QStringLiteral("pilot_accounts"),
                                            QStringLiteral("attestor_key"), QStringLiteral("event_bus") }));
        QVERIFY(check(one, "event_bus").value(QStringLiteral("evidence")).toString().contains(QStringLiteral("received")));

        const QJsonObject two = ran(gate(c, 2, Alice));
        QVERIFY2(two.value(QStringLiteral("passed")).toBool(), qPrintable(two.value(QStringLiteral("reason")).toString()));
        QCOMPARE(names(two), (QStringList { QStringLiteral("studio"), QStringLiteral("attestor"), QStringLiteral("terminal"), QStringLiteral("anchor"),
                                            QStringLiteral("adapter") }));

        const QJsonObject three = ran(gate(c, 3, Alice));
        QVERIFY2(three.value(QStringLiteral("passed")).toBool(), qPrintable(three.value(QStringLiteral("reason")).toString()));
        QCOMPARE(names(three), (QStringList { QStringLiteral("dry_run"), QStringLiteral("delivery"), QStringLiteral("balances"), QStringLiteral("audit_verify") }));
        const qint64 dryRun = three.value(QStringLiteral("dry_run")).toInteger();
        QVERIFY(dryRun > 0);
        for (const QJsonValue &v : three.value(QStringLiteral("checks")).toArray())
            QVERIFY2(!v[QStringLiteral("evidence")].toString().isEmpty(), qPrintable(v[QStringLiteral("name")].toString()));

        // Kept: three rows, three events, one audit entry each under the caller.
        QCOMPARE(scalar(c, "SELECT count(*) FROM pilot_gates WHERE passed = 1"), 3);
        QCOMPARE(scalar(c, "SELECT count(*) FROM events WHERE type = 'pilot.gate_checked'"), 3);
        QCOMPARE(scalar(c, "SELECT count(*) FROM audit_log WHERE action = 'pilot.gate' AND actor = 'operator:alice'"), 3);
        // The dry run is a run of its own kind, with its own ledger ids, and not a day.
        QCOMPARE(scalar(c, "SELECT count(*) FROM pilot_runs WHERE kind = 'dry_run' AND state = 'finished'"), 1);
        auto status = c->service<PilotService>().status(10);
        QVERIFY(status);
        QVERIFY(status->value(QStringLiteral("runs")).toArray().isEmpty());
        QCOMPARE(status->value(QStringLiteral("gates")).toArray().size(), 3);
        QCOMPARE(status->value(QStringLiteral("gates")).toArray().at(2).toObject().value(QStringLiteral("dry_run")).toInteger(), dryRun);
        // Gate 1 now counts the dry run's credits.
        const QJsonObject again = ran(gate(c, 1, Alice));
        QVERIFY(check(again, "ledger_2_credits").value(QStringLiteral("evidence")).toString().contains(QStringLiteral("run %1").arg(dryRun)));
        QVERIFY(again.value(QStringLiteral("passed")).toBool());
    }

    void theGatesRunInOrderAndTheGoLiveWaitsForThem()
    {
        cabinet::test::TestCabinet c;
        QVERIFY(c.open());
        PilotParams day;
        day.participants = 5;
        QCOMPARE(refusal(gate(c, 2, Alice)), ErrorCode::FailedPrecondition);
        QCOMPARE(refusal(gate(c, 3, Alice)), ErrorCode::FailedPrecondition);
        QCOMPARE(c->service<PilotService>().prepare(day, Alice).error().code, ErrorCode::FailedPrecondition);
        QVERIFY(ran(gate(c, 1, Alice)).value(QStringLiteral("passed")).toBool());
        QCOMPARE(refusal(gate(c, 3, Alice)), ErrorCode::FailedPrecondition);
        QVERIFY(ran(gate(c, 2, Alice)).value(QStringLiteral("passed")).toBool());
        QCOMPARE(c->service<PilotService>().prepare(day, Alice).error().code, ErrorCode::FailedPrecondition);
        // Gate 1 checked again after gate 2: gate 2 must follow it again.
        QVERIFY(ran(gate(c, 1, Alice)).value(QStringLiteral("passed")).toBool());
        QCOMPARE(refusal(gate(c, 3, Alice)), ErrorCode::FailedPrecondition);
        QVERIFY(ran(gate(c, 2, Alice)).value(QStringLiteral("passed")).toBool());
        QVERIFY(ran(gate(c, 3, Alice)).value(QStringLiteral("passed")).toBool());
        QVERIFY(c->service<PilotService>().prepare(day, Alice));
        // A refused gate wrote nothing: 5 results, all passes.
        QCOMPARE(scalar(c, "SELECT count(*) FROM pilot_gates"), 5);
    }

    void aPassLapses()
    {
        cabinet::test::TestCabinet c;
        QVERIFY(c.open());
        QVERIFY(passGates(c, Alice));
        c.clock->advanceMs(GatePassValidMs + 60'000);
        PilotParams day;
        day.participants = 5;
        QCOMPARE(c->service<PilotService>().prepare(day, Alice).error().code, ErrorCode::FailedPrecondition);
        QCOMPARE(refusal(gate(c, 2, Alice)), ErrorCode::FailedPrecondition);
    }

    void badGatesAreRefusedAndWriteNothing()
    {
        cabinet::test::TestCabinet c;
        QVERIFY(c.open());
        for (const QByteArray &params : { QByteArrayLiteral(R"({"gate":4})"), QByteArrayLiteral(R"({"gate":0})"), QByteArrayLiteral(R"({"gate":"1"})"),
                                          QByteArrayLiteral(R"({"gate":1.5})"), QByteArrayLiteral(R"({})"), QByteArrayLiteral(R"({"gate":1,"x":1})") }) {
            std::optional<Result<QByteArray>> answer;
            c->api().call(QStringLiteral("pilot.gate"), Alice, params, [&](Result<QByteArray> r) { answer = std::move(r); });
            QVERIFY(answer && !*answer);
            QCOMPARE(answer->error().code, ErrorCode::InvalidArgument);
        }
        QCOMPARE(scalar(c, "SELECT count(*) FROM pilot_gates"), 0);
    }

    // Gate 1: credits moved off the run's accounts to another ledger-2 account.
    void gateOneFailsWhenCreditsGoMissing()
    {
        cabinet::test::TestCabinet c;
        QVERIFY(c.open());
        QVERIFY(passGates(c, Alice));
        const qint64 run = scalar(c, "SELECT max(id) FROM pilot_runs");
        auto &ledger = c->service<ledger::Ledger>();
        ledger::Account elsewhere;
        elsewhere.id = 77;
        elsewhere.ledger = PilotLedger;
        elsewhere.code = 1;
        QVERIFY(ledger.createAccounts(std::vector { elsewhere }, Alice));
        PilotAccounts accounts(ledger, quint32(run), dryRunParams().participants);
        ledger::Transfer out;
        out.id = 78;
        out.debit_account_id = accounts.participant(0);
        out.credit_account_id = elsewhere.id;
        out.amount = 100;
        out.ledger = PilotLedger;
        out.code = 1;
        auto moved = ledger.createTransfers(std::vector { out }, Alice);
        QVERIFY(moved && moved->front().status == ledger::CreateTransferStatus::Created);

        const QJsonObject one = ran(gate(c, 1, Alice));
        QVERIFY(!one.value(QStringLiteral("passed")).toBool());
        QVERIFY(!check(one, "ledger_2_credits").value(QStringLiteral("passed")).toBool());
        QVERIFY(one.value(QStringLiteral("reason")).toString().startsWith(QStringLiteral("ledger_2_credits: ")));
        QVERIFY(check(one, "ledger_2_credits").value(QStringLiteral("reason")).toString().contains(QStringLiteral("100")));
        QVERIFY(check(one, "event_bus").value(QStringLiteral("passed")).toBool());
        // Blocked: gate 2 refuses, and the go-live with it.
        QCOMPARE(refusal(gate(c, 2, Alice)), ErrorCode::FailedPrecondition);
        PilotParams day;
        day.participants = 5;
        QCOMPARE(c->service<PilotService>().prepare(day, Alice).error().code, ErrorCode::FailedPrecondition);
    }

    // Gate 1: a run whose accounts are not on the ledger.
    void gateOneFailsWhenAccountsAreMissing()
    {
        cabinet::test::TestCabinet c;
        QVERIFY(c.open());
        QVERIFY(c->database().execScript(QStringLiteral("INSERT INTO pilot_runs (approval_id, started_by, started_ns, state, params) "
                                                        "VALUES ('x', 'person:alice', 1, 'finished', '{\"participants\":3}')")));
        const QJsonObject one = ran(gate(c, 1, Alice));
        QVERIFY(!one.value(QStringLiteral("passed")).toBool());
        QVERIFY(!check(one, "ledger_2_credits").value(QStringLiteral("passed")).toBool());
        QVERIFY(!check(one, "pilot_accounts").value(QStringLiteral("passed")).toBool());
        QVERIFY(check(one, "ledger_reachable").value(QStringLiteral("passed")).toBool());
    }

    void gateOneFailsWithoutAnAttestorKey()
    {
        cabinet::test::TestCabinet c;
        QVERIFY(c.open());
        c->service<PilotService>().gates().setKeySource([] { return std::optional<KeyPair>(); });
        const QJsonObject one = ran(gate(c, 1, Alice));
        QVERIFY(!one.value(QStringLiteral("passed")).toBool());
        QVERIFY(one.value(QStringLiteral("reason")).toString().startsWith(QStringLiteral("attestor_key: ")));
    }

    // Gate 1 run from inside a delivery: its probe waits behind the event
    // being delivered, so the gate sees no delivery and says so.
    void gateOneFailsWhenTheBusDoesNotDeliver()
    {
        cabinet::test::TestCabinet c;
        QVERIFY(c.open());
        std::optional<Result<QJsonObject>> inside;
        const int id = c->events().subscribe({ QStringLiteral("test.trigger") }, [&](const Event &) {
            c->service<PilotService>().gate(1, Alice, [&](Result<QJsonObject> r) { inside = std::move(r); });
        });
        c->events().publishEphemeral(QStringLiteral("test.trigger"), {});
        c->events().unsubscribe(id);
        QVERIFY(inside && *inside);
        QVERIFY(!(*inside)->value(QStringLiteral("passed")).toBool());
        QVERIFY(!check(**inside, "event_bus").value(QStringLiteral("passed")).toBool());
        QVERIFY(check(**inside, "attestor_key").value(QStringLiteral("passed")).toBool());
    }

    void gateTwoFailsWhenAServiceFailsItsProbe()
    {
        cabinet::test::TestCabinet c;
        QVERIFY(c.open());
        QVERIFY(ran(gate(c, 1, Alice)).value(QStringLiteral("passed")).toBool());
        auto &pilot = c->service<PilotService>();
        pilot.setProbe([&pilot] {
            QJsonObject probe = pilot.probe();
            probe.insert(QStringLiteral("anchor"), QJsonObject { { QStringLiteral("ok"), false }, { QStringLiteral("evidence"), QStringLiteral("no answer") } });
            probe.remove(QStringLiteral("adapter"));
            return probe;
        });
        const QJsonObject two = ran(gate(c, 2, Alice));
        QVERIFY(!two.value(QStringLiteral("passed")).toBool());
        QVERIFY(two.value(QStringLiteral("reason")).toString().startsWith(QStringLiteral("anchor: ")));
        QVERIFY(!check(two, "adapter").value(QStringLiteral("passed")).toBool());
        QVERIFY(check(two, "terminal").value(QStringLiteral("passed")).toBool());
        QCOMPARE(refusal(gate(c, 3, Alice)), ErrorCode::FailedPrecondition);
    }

    void gateThreeFailsWhenTheDryRunDeliversNothing()
    {
        cabinet::test::TestCabinet c;
        QVERIFY(c.open());
        QVERIFY(ran(gate(c, 1, Alice)).value(QStringLiteral("passed")).toBool());
        QVERIFY(ran(gate(c, 2, Alice)).value(QStringLiteral("passed")).toBool());
        PilotParams broken = dryRunParams();
        broken.failureRate = 1.0; // the anchor fails every order
        c->service<PilotService>().setDryRunParams(broken);
        const QJsonObject three = ran(gate(c, 3, Alice));
        QVERIFY(!three.value(QStringLiteral("passed")).toBool());
        QVERIFY(three.value(QStringLiteral("reason")).toString().startsWith(QStringLiteral("delivery: ")));
        // Every hold was voided: the credits are back and balanced.
        QVERIFY(check(three, "balances").value(QStringLiteral("passed")).toBool());
        PilotParams day;
        day.participants = 5;
        QCOMPARE(c->service<PilotService>().prepare(day, Alice).error().code, ErrorCode::FailedPrecondition);
    }

    void gateThreeFailsWhenTheAuditTrailIsBroken()
    {
        cabinet::test::TestCabinet c;
        QVERIFY(c.open());
        QVERIFY(ran(gate(c, 1, Alice)).value(QStringLiteral("passed")).toBool());
        QVERIFY(ran(gate(c, 2, Alice)).value(QStringLiteral("passed")).toBool());
        QVERIFY(c->database().execScript(QStringLiteral("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET subject = 'forged' WHERE seq = 1;")));
        const QJsonObject three = ran(gate(c, 3, Alice));
        QVERIFY(!three.value(QStringLiteral("passed")).toBool());
        QVERIFY(!check(three, "audit_verify").value(QStringLiteral("passed")).toBool());
        QVERIFY(check(three, "dry_run").value(QStringLiteral("passed")).toBool());
        QVERIFY(three.value(QStringLiteral("reason")).toString().startsWith(QStringLiteral("audit_verify: ")));
    }
};

QTEST_GUILESS_MAIN(TestPilotGates)
#include "tst_pilotgates.moc"

// The pilot's go-live: prepare requests a tier-2 approval holding the
// parameters and the forecast (once the gates passed); a denied, expired or
// pending go-live runs nothing and changes nothing; an approved one runs
// once, is kept with its report (status), and cannot run a second day.
#include "PilotTestSupport.h"
#include "approvals/ApprovalService.h"
#include "ledger/Ledger.h"
#include "pilot/PilotService.h"

#include <QJsonArray>

using namespace cabinet;
using namespace cabinet::pilot;

namespace {

const Actor Alice = Actor::person(QStringLiteral("alice"));

PilotParams small()
{
    PilotParams p;
    p.participants = 20;
    p.hours = 2;
    return p;
}

QString prepare(test::TestCabinet &c)
{
    if (!cabinet::pilot::support::passGates(c, Alice))
        return {};
    auto prepared = c->service<PilotService>().prepare(small(), Alice);
    if (!prepared)
        return {};
    return prepared->value(QStringLiteral("approval")).toObject().value(QStringLiteral("id")).toString();
}

bool decide(test::TestCabinet &c, const QString &id, bool approve)
{
    approvals::Decision d;
    d.ids = { id };
    d.approve = approve;
    return bool(c->service<approvals::ApprovalService>().decide(d, Alice));
}

qsizetype ledgerAccounts(test::TestCabinet &c)
{
    ledger::QueryFilter all;
    all.limit = ledger::BatchMax;
    return c->service<ledger::Ledger>().queryAccounts(all)->size();
}

} // namespace

class TestPilotService : public QObject {
    Q_OBJECT

private slots:
    void goLiveIsATierTwoApprovalWithTheForecast()
    {
        test::TestCabinet c;
        QVERIFY(c.open());
        QVERIFY(cabinet::pilot::support::passGates(c, Alice));
        auto prepared = c->service<PilotService>().prepare(small(), Alice);
        QVERIFY(prepared);
        const QJsonObject approval = prepared->value(QStringLiteral("approval")).toObject();
        QCOMPARE(approval.value(QStringLiteral("tier")).toInt(), 2);
        QCOMPARE(approval.value(QStringLiteral("state")).toString(), QStringLiteral("pending"));
        QVERIFY(prepared->value(QStringLiteral("forecast")).toObject().value(QStringLiteral("mean")).toDouble() > 0.5);
    }

    void aDeniedGoLiveRunsNothing()
    {
        test::TestCabinet c;
        QVERIFY(c.open());
        const QString id = prepare(c);
        QVERIFY(!id.isEmpty());
        const qsizetype before = ledgerAccounts(c);
        auto pending = c->service<PilotService>().run(id, Alice);
        QVERIFY(!pending);
        QCOMPARE(pending.error().code, ErrorCode::FailedPrecondition);
        QVERIFY(decide(c, id, false));
        auto denied = c->service<PilotService>().run(id, Alice);
        QVERIFY(!denied);
        QCOMPARE(denied.error().code, ErrorCode::FailedPrecondition);
        QCOMPARE(ledgerAccounts(c), before);
        QVERIFY(c->service<PilotService>().status(10)->value(QStringLiteral("runs")).toArray().isEmpty());
    }

    void anExpiredGoLiveRunsNothing()
    {
        test::TestCabinet c;
        QVERIFY(c.open());
        const QString id = prepare(c);
        c.clock->advanceMs(2 * 3'600'000); // past the rule's 1 h deadline
        QVERIFY(c->service<approvals::ApprovalService>().sweep(c.clock->nowNs()));
        QCOMPARE(c->service<approvals::ApprovalService>().get(id)->state, approvals::ApprovalState::Expired);
        auto expired = c->service<PilotService>().run(id, Alice);
        QVERIFY(!expired);
        QCOMPARE(expired.error().code, ErrorCode::FailedPrecondition);
    }

    void anApprovedGoLiveRunsOnce()
    {
        test::TestCabinet c;
        QVERIFY(c.open());
        const QString id = prepare(c);
        QVERIFY(decide(c, id, true));
        auto answer = std::make_shared<std::optional<Result<QJsonObject>>>();
        QVERIFY(c->service<PilotService>().run(id, Alice, [answer](Result<QJsonObject> r) { *answer = std::move(r); }));
        auto ran = *cabinet::pilot::support::waitFor(answer);
        QVERIFY2(ran, ran ? "" : qPrintable(ran.error().message));
        QCOMPARE(ran->value(QStringLiteral("state")).toString(), QStringLiteral("finished"));
        QVERIFY(ran->value(QStringLiteral("report")).toObject().value(QStringLiteral("credits")).toObject().value(QStringLiteral("balanced")).toBool());
        auto again = c->service<PilotService>().run(id, Alice);
        QVERIFY(!again);
        QCOMPARE(again.error().code, ErrorCode::FailedPrecondition);
        auto status = c->service<PilotService>().status(10);
        QVERIFY(status);
        QCOMPARE(status->value(QStringLiteral("runs")).toArray().size(), 1);
        QCOMPARE(status->value(QStringLiteral("latest")).toObject().value(QStringLiteral("report")).toObject(), ran->value(QStringLiteral("report")).toObject());
    }

    void anUnknownOrForeignApprovalIsRefused()
    {
        test::TestCabinet c;
        QVERIFY(c.open());
        QCOMPARE(c->service<PilotService>().run(QStringLiteral("01NOSUCHAPPROVAL0000000000"), Alice).error().code, ErrorCode::NotFound);
        approvals::NewApproval deploy;
        deploy.action.kind = approvals::ActionKind::Deploy;
        deploy.action.environment = QStringLiteral("production");
        auto made = c->service<approvals::ApprovalService>().request(deploy, Alice);
        QVERIFY(made);
        QVERIFY(decide(c, made->id, true));
        QCOMPARE(c->service<PilotService>().run(made->id, Alice).error().code, ErrorCode::FailedPrecondition);
    }

    void theProbesPass()
    {
        test::TestCabinet c;
        QVERIFY(c.open());
        const QJsonObject probes = c->service<PilotService>().probe();
        QCOMPARE(probes.size(), 5);
        for (auto it = probes.begin(); it != probes.end(); ++it)
            QVERIFY2(it.value().toObject().value(QStringLiteral("ok")).toBool(), qPrintable(it.key()));
    }
};

QTEST_GUILESS_MAIN(TestPilotService)
#include "tst_pilotservice.moc"

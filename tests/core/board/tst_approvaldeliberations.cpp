// Approval requests before the Shadow Board (docs/board.md): a pending
// request whose rule says `deliberate: true` gets one deliberation,
// attached by its id, as system:board, seeded from the id; a rule without
// it gets none; a request made while the board is busy, or before the core
// stopped, is taken up later.
#include "TestSupport.h"
#include "api/Dispatcher.h"
#include "approvals/ApprovalService.h"
#include "audit/AuditLog.h"
#include "board/ApprovalDeliberations.h"
#include "board/BoardService.h"
#include "board/Evidence.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>

using namespace cabinet;

namespace {

const Actor Agent = Actor::agent(QStringLiteral("forge"));

QString request(Cabinet &cabinet, approvals::ActionKind kind, const QString &environment, const QString &target)
{
    approvals::NewApproval ask;
    ask.action.kind = kind;
    ask.action.agent = QStringLiteral("forge");
    ask.action.environment = environment;
    ask.action.target = target;
    ask.evidence = "{\"evidence\": \"ship v2\", \"cost_micros\": 2500000}";
    auto made = cabinet.service<approvals::ApprovalService>().request(ask, Agent);
    if (!made) {
        qWarning("request: %s", qPrintable(made.error().message));
        return {};
    }
    return made->id;
}

bool openAndStart(test::TestCabinet &c)
{
    if (!c.open())
        return false;
    auto started = c->start();
    if (!started)
        qWarning("start: %s", qPrintable(started.error().message));
    return started.ok();
}

QJsonArray deliberationsOf(Cabinet &cabinet, const QString &approvalId)
{
    auto rows = cabinet.service<board::BoardService>().list(board::BoardListMax, approvalId);
    return rows ? *rows : QJsonArray();
}

} // namespace

class TestApprovalDeliberations : public QObject {
    Q_OBJECT

private slots:
    void deliberatingRuleGetsOneAttachedAndSeeded()
    {
        test::TestCabinet c;
        QVERIFY(openAndStart(c));
        // The autonomous-mode rule does not deliberate; the deploy asked
        // after it does: once the deploy has its deliberation, the board
        // has passed the mode change by.
        const QString mode = request(*c.cabinet, approvals::ActionKind::ModeChange, {}, QStringLiteral("autonomous"));
        const QString deploy = request(*c.cabinet, approvals::ActionKind::Deploy, QStringLiteral("production"), QStringLiteral("v2"));
        QVERIFY(!mode.isEmpty() && !deploy.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(deliberationsOf(*c.cabinet, deploy).size(), 1, 30000);
        QCOMPARE(deliberationsOf(*c.cabinet, mode).size(), 0);

        const qint64 id = deliberationsOf(*c.cabinet, deploy).first()[QStringLiteral("id")].toInteger();
        auto saved = c->service<board::BoardService>().get(id);
        QVERIFY(saved);
        QCOMPARE(saved->value(QStringLiteral("approval_id")).toString(), deploy);
        QCOMPARE(saved->value(QStringLiteral("requested_by")).toString(), QStringLiteral("system:board"));
        QCOMPARE(saved->value(QStringLiteral("seed")).toString(), QString::number(board::ApprovalDeliberations::seedFor(deploy)));
        const QJsonObject proposal = saved->value(QStringLiteral("proposal")).toObject();
        QCOMPARE(proposal.value(QStringLiteral("kind")).toString(), QStringLiteral("tier2_action"));
        QCOMPARE(proposal.value(QStringLiteral("cost_estimate_micros")).toInteger(), 2'500'000);
        QVERIFY(proposal.value(QStringLiteral("text")).toString().contains(QStringLiteral("ship v2")));
        // Audited under the board.
        auto tail = c->audit().tail(20);
        QVERIFY(tail);
        const auto entry = std::find_if(tail->begin(), tail->end(), [](const AuditEntry &e) { return e.action == u"board.deliberate"; });
        QVERIFY(entry != tail->end());
        QCOMPARE(entry->actor, QStringLiteral("system:board"));

        // Only one: nothing else wakes it for the same request.
        const QString another = request(*c.cabinet, approvals::ActionKind::Deploy, QStringLiteral("production"), QStringLiteral("v3"));
        QTRY_COMPARE_WITH_TIMEOUT(deliberationsOf(*c.cabinet, another).size(), 1, 30000);
        QCOMPARE(deliberationsOf(*c.cabinet, deploy).size(), 1);
    }

    // A request made while an operator's deliberation runs waits for it.
    void busyBoardTakesItUpAfter()
    {
        test::TestCabinet c;
        QVERIFY(openAndStart(c));
        std::optional<Result<QByteArray>> operatorRun;
        c->api().call(QStringLiteral("board.deliberate"), Actor::person(QStringLiteral("alice")),
                      "{\"proposal\": {\"kind\": \"question\", \"text\": \"Hire?\", \"cost_estimate_micros\": 1000000, "
                      "\"assumptions\": {\"scenarios\": 200000}}, \"seed\": 7}",
                      [&](Result<QByteArray> r) { operatorRun = std::move(r); });
        const QString deploy = request(*c.cabinet, approvals::ActionKind::Deploy, QStringLiteral("production"), QStringLiteral("v2"));
        QTRY_VERIFY_WITH_TIMEOUT(operatorRun.has_value(), 60000);
        QVERIFY2(operatorRun->ok(), qPrintable(operatorRun->ok() ? QString() : operatorRun->error().message));
        // Its retry runs on the scheduler's clock, which the test moves.
        const QDeadlineTimer deadline(30000);
        while (deliberationsOf(*c.cabinet, deploy).isEmpty() && !deadline.hasExpired()) {
            c.clock->advanceMs(board::ApprovalRetryMs);
            QTest::qWait(20);
        }
        QCOMPARE(deliberationsOf(*c.cabinet, deploy).size(), 1);
    }

    // The core stopped before it got to the request: the next start does.
    void requestBeforeAStopIsTakenUpAtTheNextStart()
    {
        test::TestCabinet c;
        QVERIFY(openAndStart(c));
        const QString deploy = request(*c.cabinet, approvals::ActionKind::Deploy, QStringLiteral("production"), QStringLiteral("v2"));
        c.cabinet.reset(); // before the event loop ran its pump
        QVERIFY(openAndStart(c));
        QCOMPARE(deliberationsOf(*c.cabinet, deploy).size(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(deliberationsOf(*c.cabinet, deploy).size(), 1, 30000);
    }

    void proposalFromTheRequest()
    {
        using board::ApprovalDeliberations;
        // The action's amount first, then the evidence's cost; a workflow's
        // gate feeds everyone's record, an agent its own.
        auto spend = ApprovalDeliberations::proposalFor("{\"kind\":\"spend\",\"agent\":\"rex\",\"target\":\"gpu\",\"amount\":25000000}",
                                                        QStringLiteral("spend-over-20-usd"), 2, "{\"cost_micros\": 5}");
        QCOMPARE(spend.kind, board::ProposalKind::Tier2Action);
        QCOMPARE(spend.costEstimateMicros, 25'000'000);
        QCOMPARE(spend.agent, QStringLiteral("rex"));
        auto gate = ApprovalDeliberations::proposalFor("{\"kind\":\"deploy\",\"agent\":\"workflow:default\",\"target\":\"default/approve_deploy\"}",
                                                       QStringLiteral("default"), 2, "{\"cost_micros\": 18000}");
        QCOMPARE(gate.costEstimateMicros, 18'000);
        QVERIFY(gate.agent.isEmpty());
        auto bounty = ApprovalDeliberations::proposalFor("{\"kind\":\"bounty_payout\",\"amount\":9}", QStringLiteral("default"), 2, "{}");
        QCOMPARE(bounty.kind, board::ProposalKind::BountyPayout);
        // Whatever the request says, the proposal stays inside its limits.
        auto huge = ApprovalDeliberations::proposalFor("{\"kind\":\"spend\",\"amount\":1e18}", QStringLiteral("x"), 2,
                                                       QByteArray("{\"evidence\": \"") + QByteArray(10000, 'y') + QByteArray("\"}"));
        QCOMPARE(huge.costEstimateMicros, board::ProposalMicrosMax);
        QCOMPARE(huge.text.size(), board::ProposalTextMax);
        QVERIFY(ApprovalDeliberations::seedFor(QStringLiteral("a")) != ApprovalDeliberations::seedFor(QStringLiteral("b")));
        QCOMPARE(ApprovalDeliberations::seedFor(QStringLiteral("a")), ApprovalDeliberations::seedFor(QStringLiteral("a")));
    }
};

QTEST_GUILESS_MAIN(TestApprovalDeliberations)
#include "tst_approvaldeliberations.moc"

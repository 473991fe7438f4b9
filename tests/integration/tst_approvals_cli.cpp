// `cabinet approvals list | show`, `approve`, `deny` and `policy check`
// through the real binary: a deploy's gate approved from the command line
// (its task goes on), one denied (its task fails) under the local user's
// name, tier 3 refusing the same operator twice, a second decision refused
// with nothing changed, and --json printing exactly the operation's result.
#include "CabinetProcess.h"

#include "Cabinet.h"
#include "approvals/ApprovalService.h"
#include "orchestrator/TaskQueue.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace cabinet;
using namespace cabinet::test;

namespace {

QJsonObject object(const QString &json)
{
    return QJsonDocument::fromJson(json.toUtf8()).object();
}

struct Seeded {
    QString deployId, deployTask, otherId, tier3Id;
};

// A task brought to its gate by a worker, in this process: awaiting_approval.
QString taskAtGate(orchestrator::TaskQueue &tasks)
{
    orchestrator::SubmitRequest submit;
    submit.workflow = QStringLiteral("default");
    submit.title = QStringLiteral("ship it");
    auto task = tasks.submit(submit, Actor::person(QStringLiteral("alice")));
    if (!task)
        return {};
    orchestrator::ClaimRequest claim;
    claim.worker = QStringLiteral("w1");
    auto claimed = tasks.claim(claim);
    if (!claimed || claimed->size() != 1)
        return {};
    for (auto action : { orchestrator::TaskAction::Start, orchestrator::TaskAction::AwaitApproval }) {
        orchestrator::WorkerReport report;
        report.lease = orchestrator::Lease::of(claimed->front());
        report.action = action;
        if (!tasks.report(report))
            return {};
    }
    return task->task.id;
}

// Three requests as the gates would make them: a production deploy with its
// waiting task, a big spend, and a switch to autonomous mode (tier 3).
Seeded seed(const QString &dataDir)
{
    Cabinet::Options options;
    options.dataDir = dataDir;
    auto cabinet = Cabinet::open(options);
    if (!cabinet)
        return {};
    auto &approvals = (*cabinet)->service<approvals::ApprovalService>();
    Seeded seeded;
    seeded.deployTask = taskAtGate((*cabinet)->service<orchestrator::TaskQueue>());
    const Actor forge = Actor::agent(QStringLiteral("forge"));
    approvals::NewApproval deploy;
    deploy.action.kind = approvals::ActionKind::Deploy;
    deploy.action.agent = QStringLiteral("forge");
    deploy.action.environment = QStringLiteral("production");
    deploy.action.target = QStringLiteral("./deploy.sh");
    deploy.taskId = seeded.deployTask;
    deploy.node = QStringLiteral("gate");
    deploy.evidence = R"({"cost_micros":1250000,"command":"./deploy.sh"})";
    auto a = approvals.request(deploy, forge);
    approvals::NewApproval spend;
    spend.action.kind = approvals::ActionKind::Spend;
    spend.action.agent = QStringLiteral("rex");
    spend.action.amountMicros = 25'000'000;
    auto b = approvals.request(spend, forge);
    approvals::NewApproval mode;
    mode.action.kind = approvals::ActionKind::ModeChange;
    mode.action.agent = QStringLiteral("kev");
    mode.action.target = QStringLiteral("autonomous");
    auto c = approvals.request(mode, forge);
    if (!a || !b || !c)
        return {};
    return { a->id, seeded.deployTask, b->id, c->id };
}

} // namespace

class TestApprovalsCli : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    Seeded m_seeded;

    QStringList in(const QStringList &args) const { return QStringList { QStringLiteral("--data-dir"), m_dir.path() } + args; }
    QJsonObject shown(const QString &id) const
    {
        const Run run = runCabinet(in({ QStringLiteral("approvals"), QStringLiteral("show"), id, QStringLiteral("--json") }));
        return object(run.out);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_seeded = seed(m_dir.path());
        QVERIFY(!m_seeded.deployId.isEmpty() && !m_seeded.deployTask.isEmpty());
        qputenv("CABINET_OPERATOR", "dana");
    }

    void listsPendingByDeadline()
    {
        const Run run = runCabinet(in({ QStringLiteral("approvals"), QStringLiteral("list"), QStringLiteral("--pending"), QStringLiteral("--json") }));
        QCOMPARE(run.exitCode, 0);
        const QJsonObject page = object(run.out);
        QCOMPARE(page.value(QStringLiteral("pending")).toInteger(), 3);
        const QJsonArray list = page.value(QStringLiteral("approvals")).toArray();
        QCOMPARE(list.size(), 3);
        // Both tier-2 deadlines are 4 h: by id among them; tier 3 (none) last.
        QCOMPARE(list.at(0).toObject().value(QStringLiteral("id")).toString(), m_seeded.deployId);
        QCOMPARE(list.at(1).toObject().value(QStringLiteral("id")).toString(), m_seeded.otherId);
        QCOMPARE(list.at(2).toObject().value(QStringLiteral("id")).toString(), m_seeded.tier3Id);
        QCOMPARE(list.at(0).toObject().value(QStringLiteral("rule")).toString(), QStringLiteral("production-deploy"));
        QCOMPARE(list.at(0).toObject().value(QStringLiteral("evidence")).toObject().value(QStringLiteral("command")).toString(), QStringLiteral("./deploy.sh"));
        QCOMPARE(list.at(2).toObject().value(QStringLiteral("tier")).toInt(), 3);

        const Run text = runCabinet(in({ QStringLiteral("approvals"), QStringLiteral("list"), QStringLiteral("--pending") }));
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(text.out.contains(m_seeded.deployId) && text.out.contains(QStringLiteral("3 pending")), qPrintable(text.out));
    }

    void approvesTheDeployAndItsTaskGoesOn()
    {
        const Run run = runCabinet(in({ QStringLiteral("approve"), m_seeded.deployId, QStringLiteral("--operator"), QStringLiteral("alice"),
                                        QStringLiteral("--reason"), QStringLiteral("looks right") }));
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.contains(QStringLiteral("approved by alice")), qPrintable(run.out));
        const QJsonObject request = shown(m_seeded.deployId);
        QCOMPARE(request.value(QStringLiteral("state")).toString(), QStringLiteral("approved"));
        QCOMPARE(request.value(QStringLiteral("reason")).toString(), QStringLiteral("looks right"));
        QCOMPARE(request.value(QStringLiteral("votes")).toArray().at(0).toObject().value(QStringLiteral("operator")).toString(), QStringLiteral("alice"));
        const Run task = runCabinet(in({ QStringLiteral("task"), QStringLiteral("show"), m_seeded.deployTask, QStringLiteral("--json") }));
        QCOMPARE(object(task.out).value(QStringLiteral("state")).toString(), QStringLiteral("pending"));
    }

    void aSecondDecisionIsRefusedAndChangesNothing()
    {
        const Run run = runCabinet(in({ QStringLiteral("deny"), m_seeded.deployId }));
        QCOMPARE(run.exitCode, 1);
        QVERIFY(run.out.isEmpty());
        QCOMPARE(shown(m_seeded.deployId).value(QStringLiteral("state")).toString(), QStringLiteral("approved"));
    }

    void deniesAsTheLocalUserAndJsonIsTheResult()
    {
        const Run run = runCabinet(in({ QStringLiteral("deny"), m_seeded.otherId, QStringLiteral("--json") }));
        QCOMPARE(run.exitCode, 0);
        const QJsonObject request = object(run.out).value(QStringLiteral("approvals")).toArray().at(0).toObject();
        QCOMPARE(request.value(QStringLiteral("state")).toString(), QStringLiteral("denied"));
        QCOMPARE(request.value(QStringLiteral("votes")).toArray().at(0).toObject().value(QStringLiteral("operator")).toString(), QStringLiteral("dana"));
        QCOMPARE(request, shown(m_seeded.otherId));
    }

    void tierThreeNeedsTwoDifferentOperators()
    {
        QCOMPARE(runCabinet(in({ QStringLiteral("approve"), m_seeded.tier3Id, QStringLiteral("--operator"), QStringLiteral("alice") })).exitCode, 0);
        QCOMPARE(shown(m_seeded.tier3Id).value(QStringLiteral("state")).toString(), QStringLiteral("pending"));
        const Run twice = runCabinet(in({ QStringLiteral("approve"), m_seeded.tier3Id, QStringLiteral("--operator"), QStringLiteral("alice") }));
        QCOMPARE(twice.exitCode, 1);
        // The same caller (dana, the local user) under another name is still one operator.
        QCOMPARE(runCabinet(in({ QStringLiteral("approve"), m_seeded.tier3Id, QStringLiteral("--operator"), QStringLiteral("bob") })).exitCode, 1);
        QCOMPARE(shown(m_seeded.tier3Id).value(QStringLiteral("votes")).toArray().size(), 1);
        // Another login approves.
        qputenv("CABINET_OPERATOR", "erin");
        const Run other = runCabinet(in({ QStringLiteral("approve"), m_seeded.tier3Id }));
        qputenv("CABINET_OPERATOR", "dana");
        QCOMPARE(other.exitCode, 0);
        QCOMPARE(shown(m_seeded.tier3Id).value(QStringLiteral("state")).toString(), QStringLiteral("approved"));
    }

    void historyTellsWhoDecided()
    {
        const Run run = runCabinet(in({ QStringLiteral("approvals"), QStringLiteral("list") }));
        QCOMPARE(run.exitCode, 0);
        QVERIFY2(run.out.contains(QStringLiteral("denied by dana")) && run.out.contains(QStringLiteral("approved by alice, erin"))
                         && run.out.contains(QStringLiteral("0 pending")),
                 qPrintable(run.out));
    }

    void policyCheckNamesTierAndRule()
    {
        const Run run = runCabinet(in({ QStringLiteral("policy"), QStringLiteral("check"), QStringLiteral(R"({"kind":"spend","amount":25000000})"),
                                        QStringLiteral("--json") }));
        QCOMPARE(run.exitCode, 0);
        const QJsonObject answer = object(run.out);
        QCOMPARE(answer.value(QStringLiteral("tier")).toInt(), 2);
        QCOMPARE(answer.value(QStringLiteral("rule")).toString(), QStringLiteral("spend-over-20-usd"));
        const Run text = runCabinet(in({ QStringLiteral("policy"), QStringLiteral("check"), QStringLiteral(R"({"kind":"rollback"})") }));
        QVERIFY2(text.out.contains(QStringLiteral("tier 0")) && text.out.contains(QStringLiteral("rollback")), qPrintable(text.out));
    }

    void badInputIsAClearError()
    {
        const Run notJson = runCabinet(in({ QStringLiteral("policy"), QStringLiteral("check"), QStringLiteral("deploy") }));
        QCOMPARE(notJson.exitCode, 2);
        const Run badKind = runCabinet(in({ QStringLiteral("policy"), QStringLiteral("check"), QStringLiteral(R"({"kind":"launch"})") }));
        QCOMPARE(badKind.exitCode, 2);
        const Run unknown = runCabinet(in({ QStringLiteral("approve"), QStringLiteral("01J0000000000000000000000A") }));
        QCOMPARE(unknown.exitCode, 1);
        QVERIFY(unknown.err.contains(QStringLiteral("01J0000000000000000000000A")));
        const Run spaced = runCabinet(in({ QStringLiteral("approve"), m_seeded.tier3Id, QStringLiteral("--operator"), QStringLiteral("a b") }));
        QCOMPARE(spaced.exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestApprovalsCli)
#include "tst_approvals_cli.moc"

// The WorkflowRunner in the core (docs/workflows.md): runs claimed tasks
// node by node on the sim provider (latency and token rate 0) and a
// ManualClock, with a checkpoint after each node: the default pipeline
// through its approval gate, the review loop's bound, a tool's key and
// environment, resume after the core goes away mid-node, step / until /
// cancel / retry, and a board node that fails plainly.
#include "Cabinet.h"
#include "TestActor.h"
#include "TestSupport.h"
#include "api/Dispatcher.h"
#include "approvals/ApprovalService.h"
#include "audit/AuditLog.h"
#include "board/ApprovalDeliberations.h"
#include "board/BoardService.h"
#include "orchestrator/TaskQueue.h"
#include "orchestrator/WorkflowRunner.h"
#include "store/Database.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace cabinet;
using namespace cabinet::orchestrator;

namespace {

constexpr int WaitMs = 20'000;

// The sim answers at once; reviews fail with this chance.
QByteArray configYaml(double reviewFailChance, int workers = 2)
{
    return QStringLiteral("llm:\n  providers:\n    sim:\n      latency_ms: 0\n      tokens_per_second: 0\n      review_fail_chance: %1\n"
                          "orchestrator:\n  workers: %2\n")
            .arg(reviewFailChance)
            .arg(workers)
            .toUtf8();
}

bool writeFile(const QString &path, const QByteArray &text)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(text) == text.size();
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

struct Core {
    test::TestCabinet c;

    bool open(const QByteArray &config)
    {
        if (!writeFile(c.dir.path() + QStringLiteral("/config.yaml"), config))
            return false;
        return reopen();
    }
    bool reopen()
    {
        if (!c.open())
            return false;
        if (auto started = c->start(); !started) {
            qWarning("cannot start: %s", qPrintable(started.error().message));
            return false;
        }
        return true;
    }
    void workflow(const QString &name, const QByteArray &yaml)
    {
        QVERIFY(writeFile(c.dir.path() + QStringLiteral("/workflows/") + name + QStringLiteral(".yaml"), yaml));
    }
    TaskQueue &queue() { return c->service<TaskQueue>(); }
    WorkflowRunner &runner() { return c->service<WorkflowRunner>(); }

    QString submit(const QString &workflow, const QByteArray &input = "{\"goal\":\"a cache for the API\"}", int attempts = 3)
    {
        SubmitRequest request;
        request.workflow = workflow;
        request.title = QStringLiteral("a task");
        request.input = input;
        request.maxAttempts = attempts;
        auto submitted = queue().submit(request, test::tester());
        return submitted ? submitted->task.id : QString();
    }
    Task task(const QString &id) { return queue().get(id).value(); }
    QJsonObject run(const QString &id) { return runner().runJson(id).value().toObject(); }
    QJsonArray nodes(const QString &id) { return run(id).value(QStringLiteral("nodes")).toArray(); }
    // The nodes visited, in order.
    QStringList path(const QString &id)
    {
        QStringList names;
        for (const QJsonValue &node : nodes(id))
            names << node.toObject().value(QStringLiteral("node")).toString();
        return names;
    }
    QJsonObject visit(const QString &id, int seq) { return nodes(id).at(seq - 1).toObject(); }
    std::optional<Result<QByteArray>> call(const QString &name, const QByteArray &params)
    {
        auto answer = std::make_shared<std::optional<Result<QByteArray>>>();
        c->api().call(name, test::tester(), params, [answer](Result<QByteArray> result) { *answer = std::move(result); });
        (void)QTest::qWaitFor([&] { return answer->has_value(); }, WaitMs);
        return *answer;
    }
    // Model calls the spend records name for a node (one per call made).
    qint64 modelCalls(const QString &id, const QString &node)
    {
        auto &select = c->database().statement("SELECT COUNT(*) FROM spend_records WHERE task = ? AND node = ?");
        select.bind(1, id).bind(2, node);
        auto step = select.step();
        const bool row = step && *step;
        const qint64 count = row ? select.int64(0) : -1;
        select.reset();
        return count;
    }
    qint64 auditSeq() { return c->audit().tail(1).value().isEmpty() ? 0 : c->audit().tail(1).value().first().seq; }
};

QString text(const QJsonObject &object, const char *key)
{
    return object.value(QLatin1StringView(key)).toString();
}

// A tool that records its key once (an honouring tool), then takes its time.
const QByteArray SlowToolWorkflow = R"(name: slow
nodes:
  - id: research
    kind: llm
    agent: scout
    prompt: "Research {{input.goal}}"
    next:
      - to: act
  - id: act
    kind: tool
    timeout_s: 600
    command: |
      grep -qx "$CABINET_IDEMPOTENCY_KEY" keys.txt 2>/dev/null && exit 0
      echo "$CABINET_IDEMPOTENCY_KEY" >> keys.txt
      echo started > started.txt
      sleep 60
    next:
      - to: report
  - id: report
    kind: llm
    agent: forge
    prompt: "Report on {{nodes.act.output.exit_code}}"
)";

} // namespace

class TestWorkflowRunner : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void defaultPipelineRunsToDoneThroughItsGate()
    {
        Core core;
        QVERIFY(core.open(configYaml(0)));
        const QString id = core.submit(QStringLiteral("default"));
        QVERIFY(!id.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(core.task(id).state, TaskState::AwaitingApproval, WaitMs);
        QCOMPARE(core.path(id), (QStringList { QStringLiteral("research"), QStringLiteral("build"), QStringLiteral("review"), QStringLiteral("approve_deploy") }));
        const QJsonObject review = core.visit(id, 3);
        QCOMPARE(text(review, "outcome"), QStringLiteral("pass"));
        QCOMPARE(text(review.value(QStringLiteral("output")).toObject(), "verdict"), QStringLiteral("pass"));
        const QJsonObject gate = core.visit(id, 4);
        QCOMPARE(text(gate, "state"), QStringLiteral("running"));
        const QString approval = text(gate, "approval_id");
        QVERIFY(!approval.isEmpty());

        // The approver sees the evidence, the partial results and the cost.
        auto &approvals = core.c->service<approvals::ApprovalService>();
        auto request = approvals.get(approval);
        QVERIFY(request);
        QCOMPARE(request->taskId, id);
        QCOMPARE(request->node, QStringLiteral("approve_deploy"));
        const QJsonObject evidence = QJsonDocument::fromJson(request->evidence).object();
        QVERIFY(text(evidence, "evidence").contains(QStringLiteral("a cache for the API")));
        QVERIFY(evidence.value(QStringLiteral("partial_results")).toObject().contains(QStringLiteral("build")));
        QVERIFY(evidence.contains(QStringLiteral("cost_micros")));

        approvals::Decision decision;
        decision.ids = { approval };
        decision.approve = true;
        decision.reason = QStringLiteral("looks right");
        QVERIFY(approvals.decide(decision, Actor::person(QStringLiteral("alice"))));
        QTRY_COMPARE_WITH_TIMEOUT(core.task(id).state, TaskState::Done, WaitMs);
        QCOMPARE(core.path(id).last(), QStringLiteral("deploy"));
        QCOMPARE(text(core.visit(id, 4).value(QStringLiteral("output")).toObject(), "decision"), QStringLiteral("approved"));
        const QJsonObject run = core.run(id);
        QCOMPARE(text(run, "state"), QStringLiteral("done"));
        for (const QJsonValue &node : run.value(QStringLiteral("nodes")).toArray()) {
            QCOMPARE(text(node.toObject(), "state"), QStringLiteral("done"));
            QCOMPARE(node.toObject().value(QStringLiteral("runs")).toInt(), 1);
        }
        // Each llm node asked the model once, named in its spend record.
        QCOMPARE(core.modelCalls(id, QStringLiteral("research")), 1);
        QCOMPARE(core.modelCalls(id, QStringLiteral("deploy")), 1);
        // tasks.get carries the run.
        auto got = core.call(QStringLiteral("tasks.get"), QStringLiteral("{\"id\":\"%1\"}").arg(id).toUtf8());
        QVERIFY(got && got->ok());
        QCOMPARE(QJsonDocument::fromJson(got->value()).object().value(QStringLiteral("run")).toObject().value(QStringLiteral("nodes")).toArray().size(), 5);
    }

    void failedFirstReviewGoesBackToTheBuilderOnce()
    {
        Core core;
        QVERIFY(core.open(configYaml(1.0))); // every first review fails
        const QString id = core.submit(QStringLiteral("default"));
        QTRY_COMPARE_WITH_TIMEOUT(core.task(id).state, TaskState::AwaitingApproval, WaitMs);
        QCOMPARE(core.path(id), (QStringList { QStringLiteral("research"), QStringLiteral("build"), QStringLiteral("review"), QStringLiteral("build"),
                                               QStringLiteral("review"), QStringLiteral("approve_deploy") }));
        QCOMPARE(text(core.visit(id, 3), "outcome"), QStringLiteral("fail"));
        QCOMPARE(text(core.visit(id, 5), "outcome"), QStringLiteral("pass"));
    }

    void reviewLoopIsBoundedAtThreeRounds()
    {
        Core core;
        QVERIFY(core.open(configYaml(0)));
        // The default pipeline's loop, with a review that never passes.
        core.workflow(QStringLiteral("neverpasses"), R"(name: neverpasses
nodes:
  - id: build
    kind: tool
    command: echo patched
    next:
      - to: review
  - id: review
    kind: tool
    command: echo findings - the tests are missing; exit 1
    next:
      - to: deploy
        on: pass
      - to: build
        on: fail
        max_visits: 3
  - id: deploy
    kind: tool
    command: echo deployed
)");
        const QString id = core.submit(QStringLiteral("neverpasses"));
        QTRY_COMPARE_WITH_TIMEOUT(core.task(id).state, TaskState::Failed, WaitMs);
        const QStringList path = core.path(id);
        QCOMPARE(path.count(QStringLiteral("build")), 4); // the first build and 3 rounds back from the review
        QCOMPARE(path.count(QStringLiteral("review")), 4);
        QCOMPARE(path.last(), QStringLiteral("review"));
        QVERIFY(!path.contains(QStringLiteral("deploy")));
        // The later builds are new visits, with new keys.
        QSet<QString> keys;
        for (const QJsonValue &node : core.nodes(id))
            keys.insert(text(node.toObject(), "idempotency_key"));
        QCOMPARE(keys.size(), path.size());
        const QJsonObject run = core.run(id);
        QCOMPARE(text(run, "state"), QStringLiteral("failed"));
        QVERIFY(text(run, "error").contains(QStringLiteral("findings")));
        // Not an attempt to repeat: the bound is spent.
        QCOMPARE(core.task(id).attempts, 1);
    }

    void toolGetsItsKeyAndNoProviderKeys()
    {
        Core core;
        qputenv("OPENAI_API_KEY", "sk-test-not-for-tools");
        qputenv("CABINET_TEST_RUNNER_KEY", "secret-for-the-provider");
        qputenv("CABINET_TEST_HOOK_SECRET", "secret-for-the-slack-hook");
        QVERIFY(core.open(configYaml(0).replace("    sim:\n", "    remote:\n      base_url: http://127.0.0.1:9\n      api_key_env: CABINET_TEST_RUNNER_KEY\n    sim:\n")
                          + "server:\n  hooks:\n    slack:\n      signing_secret_env: CABINET_TEST_HOOK_SECRET\n"));
        core.workflow(QStringLiteral("tooly"), R"(name: tooly
nodes:
  - id: act
    kind: tool
    command: env > env.txt
)");
        const qint64 before = core.auditSeq();
        const QString id = core.submit(QStringLiteral("tooly"));
        QTRY_COMPARE_WITH_TIMEOUT(core.task(id).state, TaskState::Done, WaitMs);
        const QByteArray env = readFile(core.c.dir.path() + QStringLiteral("/workspaces/") + id + QStringLiteral("/env.txt"));
        QVERIFY(env.contains(QByteArray("CABINET_IDEMPOTENCY_KEY=" + visitKey(id, QStringLiteral("act"), 1).toUtf8() + '\n')));
        QVERIFY(env.contains(QByteArray("CABINET_TASK_ID=" + id.toUtf8() + '\n')));
        QVERIFY(env.contains("CABINET_NODE=act\n"));
        QVERIFY(!env.contains("sk-test-not-for-tools"));
        QVERIFY(!env.contains("secret-for-the-provider"));
        QVERIFY(!env.contains("CABINET_TEST_RUNNER_KEY"));
        QVERIFY(!env.contains("secret-for-the-slack-hook"));
        QCOMPARE(core.visit(id, 1).value(QStringLiteral("output")).toObject().value(QStringLiteral("exit_code")).toInt(), 0);
        // The tool run is audited under the agent, naming task and node.
        bool audited = false;
        for (const AuditEntry &entry : core.c->audit().entriesAfter(before, 100).value())
            if (entry.action == u"workflow.tool_run") {
                audited = true;
                QCOMPARE(entry.actor, QStringLiteral("agent:tool"));
                QCOMPARE(entry.subject, id);
            }
        QVERIFY(audited);
        qunsetenv("OPENAI_API_KEY");
        qunsetenv("CABINET_TEST_RUNNER_KEY");
        qunsetenv("CABINET_TEST_HOOK_SECRET");
    }

    void toolPastItsLimitsFails()
    {
        Core core;
        QVERIFY(core.open(configYaml(0)));
        core.workflow(QStringLiteral("loud"), R"(name: loud
nodes:
  - id: act
    kind: tool
    output_max_bytes: 100
    command: head -c 5000 /dev/zero
)");
        core.workflow(QStringLiteral("slowpoke"), R"(name: slowpoke
nodes:
  - id: act
    kind: tool
    timeout_s: 5
    command: sleep 60
)");
        const QString loud = core.submit(QStringLiteral("loud"), "{}", 1);
        QTRY_COMPARE_WITH_TIMEOUT(core.task(loud).state, TaskState::Failed, WaitMs);
        QVERIFY(text(core.visit(loud, 1), "error").contains(QStringLiteral("output limit")));
        const QString slow = core.submit(QStringLiteral("slowpoke"), "{}", 1);
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(core.c.dir.path() + QStringLiteral("/workspaces/") + slow), WaitMs);
        QTRY_COMPARE_WITH_TIMEOUT(text(core.visit(slow, 1), "state"), QStringLiteral("running"), WaitMs);
        core.c.clock->advanceMs(6'000);
        QTRY_COMPARE_WITH_TIMEOUT(core.task(slow).state, TaskState::Failed, WaitMs);
        QVERIFY(text(core.visit(slow, 1), "error").contains(QStringLiteral("time limit")));
    }

    void resumesAfterTheCoreGoesAwayMidNode()
    {
        Core core;
        QVERIFY(core.open(configYaml(0)));
        core.workflow(QStringLiteral("slow"), SlowToolWorkflow);
        const QString id = core.submit(QStringLiteral("slow"));
        const QString workspace = core.c.dir.path() + QStringLiteral("/workspaces/") + id;
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(workspace + QStringLiteral("/started.txt")), WaitMs);
        QCOMPARE(core.modelCalls(id, QStringLiteral("research")), 1);
        // The core goes (its tool is ended and its node marked interrupted)...
        core.c.cabinet.reset();
        QVERIFY(core.reopen());
        // ...and the next one runs the tool again with the same key, which
        // the tool honours; research is not asked again.
        QTRY_COMPARE_WITH_TIMEOUT(core.task(id).state, TaskState::Done, WaitMs);
        QCOMPARE(readFile(workspace + QStringLiteral("/keys.txt")), visitKey(id, QStringLiteral("act"), 1).toUtf8() + '\n');
        QCOMPARE(core.path(id), (QStringList { QStringLiteral("research"), QStringLiteral("act"), QStringLiteral("report") }));
        QCOMPARE(core.visit(id, 1).value(QStringLiteral("runs")).toInt(), 1);
        QCOMPARE(core.visit(id, 2).value(QStringLiteral("runs")).toInt(), 2);
        QCOMPARE(core.modelCalls(id, QStringLiteral("research")), 1);
        QCOMPARE(core.modelCalls(id, QStringLiteral("report")), 1);
    }

    void resumedRunUsesTheDefinitionItStartedWith()
    {
        Core core;
        QVERIFY(core.open(configYaml(0)));
        core.workflow(QStringLiteral("slow"), SlowToolWorkflow);
        const QString id = core.submit(QStringLiteral("slow"));
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(core.c.dir.path() + QStringLiteral("/workspaces/") + id + QStringLiteral("/started.txt")), WaitMs);
        core.c.cabinet.reset();
        // The file changes: its last node is gone. The run keeps its own.
        const QByteArray original = SlowToolWorkflow;
        core.workflow(QStringLiteral("slow"), original.left(original.indexOf("    next:\n      - to: report")));
        QVERIFY(core.reopen());
        QTRY_COMPARE_WITH_TIMEOUT(core.task(id).state, TaskState::Done, WaitMs);
        QCOMPARE(core.path(id).last(), QStringLiteral("report"));
    }

    void stepAndUntilPauseTheRun()
    {
        Core core;
        QVERIFY(core.open(configYaml(0)));
        const QString id = core.submit(QStringLiteral("default"));
        // Paused before the runner sees it.
        QVERIFY(core.queue().setPaused(id, true, test::tester()));
        QTest::qWait(50);
        QCOMPARE(core.task(id).state, TaskState::Pending);
        QVERIFY(core.run(id).isEmpty());

        const qint64 before = core.auditSeq();
        auto stepped = core.call(QStringLiteral("tasks.step"), QStringLiteral("{\"id\":\"%1\"}").arg(id).toUtf8());
        QVERIFY(stepped && stepped->ok());
        QTRY_VERIFY_WITH_TIMEOUT(core.task(id).paused && core.task(id).state == TaskState::Pending && core.nodes(id).size() == 2, WaitMs);
        QCOMPARE(text(core.visit(id, 1), "state"), QStringLiteral("done"));
        QCOMPARE(text(core.visit(id, 2), "state"), QStringLiteral("pending"));
        bool audited = false;
        for (const AuditEntry &entry : core.c->audit().entriesAfter(before, 100).value())
            audited = audited || (entry.action == u"tasks.step" && entry.actor == test::tester().toString());
        QVERIFY(audited);

        auto until = core.call(QStringLiteral("tasks.until"), QStringLiteral("{\"id\":\"%1\",\"node\":\"approve_deploy\"}").arg(id).toUtf8());
        QVERIFY(until && until->ok());
        QTRY_VERIFY_WITH_TIMEOUT(core.task(id).paused && core.path(id).last() == QStringLiteral("approve_deploy"), WaitMs);
        QTest::qWait(50);
        QCOMPARE(core.task(id).state, TaskState::Pending);
        QCOMPARE(text(core.visit(id, 4), "state"), QStringLiteral("pending"));
        QVERIFY(core.run(id).value(QStringLiteral("hold")).isNull());

        // Refusals change nothing.
        const qint64 unchanged = core.auditSeq();
        auto noNode = core.call(QStringLiteral("tasks.until"), QStringLiteral("{\"id\":\"%1\",\"node\":\"nowhere\"}").arg(id).toUtf8());
        QVERIFY(noNode && !noNode->ok());
        QCOMPARE(noNode->error().code, ErrorCode::InvalidArgument);
        QCOMPARE(noNode->error().field, QStringLiteral("node"));
        auto noTask = core.call(QStringLiteral("tasks.step"), R"({"id":"01J00000000000000000000000"})");
        QVERIFY(noTask && !noTask->ok());
        QCOMPARE(noTask->error().code, ErrorCode::NotFound);
        auto extra = core.call(QStringLiteral("tasks.step"), QStringLiteral("{\"id\":\"%1\",\"x\":1}").arg(id).toUtf8());
        QVERIFY(extra && !extra->ok());
        QCOMPARE(extra->error().code, ErrorCode::InvalidArgument);
        QCOMPARE(core.auditSeq(), unchanged);
        QVERIFY(core.task(id).paused);
    }

    void stepRefusesAFinishedTask()
    {
        Core core;
        QVERIFY(core.open(configYaml(0)));
        core.workflow(QStringLiteral("tooly"), "name: tooly\nnodes:\n  - id: act\n    kind: tool\n    command: 'true'\n");
        const QString id = core.submit(QStringLiteral("tooly"));
        QTRY_COMPARE_WITH_TIMEOUT(core.task(id).state, TaskState::Done, WaitMs);
        const qint64 before = core.auditSeq();
        auto stepped = core.call(QStringLiteral("tasks.step"), QStringLiteral("{\"id\":\"%1\"}").arg(id).toUtf8());
        QVERIFY(stepped && !stepped->ok());
        QCOMPARE(stepped->error().code, ErrorCode::FailedPrecondition);
        QCOMPARE(core.auditSeq(), before);
    }

    void cancelEndsTheToolAndRetryResumesWithTheSameKey()
    {
        Core core;
        QVERIFY(core.open(configYaml(0)));
        core.workflow(QStringLiteral("slow"), SlowToolWorkflow);
        const QString id = core.submit(QStringLiteral("slow"));
        const QString workspace = core.c.dir.path() + QStringLiteral("/workspaces/") + id;
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(workspace + QStringLiteral("/started.txt")), WaitMs);
        QVERIFY(core.queue().act(OperatorAction { id, TaskAction::Cancel, QStringLiteral("enough") }, test::tester()));
        QTRY_COMPARE_WITH_TIMEOUT(text(core.visit(id, 2), "state"), QStringLiteral("interrupted"), WaitMs);
        QCOMPARE(core.task(id).state, TaskState::Cancelled);
        QVERIFY(core.runner().idle().value());

        QVERIFY(core.queue().act(OperatorAction { id, TaskAction::Retry, QString() }, test::tester()));
        QTRY_COMPARE_WITH_TIMEOUT(core.task(id).state, TaskState::Done, WaitMs);
        QCOMPARE(readFile(workspace + QStringLiteral("/keys.txt")), visitKey(id, QStringLiteral("act"), 1).toUtf8() + '\n');
        QCOMPARE(core.path(id).size(), 3);
        QCOMPARE(core.modelCalls(id, QStringLiteral("research")), 1);
    }

    void retryRunsTheFailedNodeAgainWithANewKey()
    {
        Core core;
        QVERIFY(core.open(configYaml(0)));
        // Fails until the file `fixed` is in its workspace.
        core.workflow(QStringLiteral("flaky"), R"(name: flaky
nodes:
  - id: act
    kind: tool
    command: |
      echo "$CABINET_IDEMPOTENCY_KEY" >> keys.txt
      test -f fixed
)");
        const QString id = core.submit(QStringLiteral("flaky"), "{}", 1);
        QTRY_COMPARE_WITH_TIMEOUT(core.task(id).state, TaskState::Failed, WaitMs);
        QCOMPARE(text(core.visit(id, 1), "outcome"), QStringLiteral("fail"));
        const QString workspace = core.c.dir.path() + QStringLiteral("/workspaces/") + id;
        QVERIFY(writeFile(workspace + QStringLiteral("/fixed"), "yes"));
        QVERIFY(core.queue().act(OperatorAction { id, TaskAction::Retry, QString() }, test::tester()));
        QTRY_COMPARE_WITH_TIMEOUT(core.task(id).state, TaskState::Done, WaitMs);
        QCOMPARE(core.path(id), (QStringList { QStringLiteral("act"), QStringLiteral("act") }));
        QCOMPARE(readFile(workspace + QStringLiteral("/keys.txt")),
                 visitKey(id, QStringLiteral("act"), 1).toUtf8() + '\n' + visitKey(id, QStringLiteral("act"), 2).toUtf8() + '\n');
    }

    // A board node deliberates on its question and goes on by the
    // consensus: an approval passes, a rejection or no consensus fails. The
    // saved deliberation is the node's output; its seed is the visit's key's.
    void boardNodeGoesOnByTheConsensus()
    {
        Core core;
        QVERIFY(core.open(configYaml(0)));
        core.workflow(QStringLiteral("boardroom"),
                      "name: boardroom\nnodes:\n  - id: ask\n    kind: board\n    question: \"Should we build {{input.goal}}?\"\n"
                      "    next:\n      - to: yes\n        on: pass\n      - to: no\n        on: fail\n"
                      "  - id: yes\n    kind: tool\n    command: echo yes\n"
                      "  - id: no\n    kind: tool\n    command: echo no\n");
        const QString id = core.submit(QStringLiteral("boardroom"));
        QTRY_COMPARE_WITH_TIMEOUT(core.task(id).state, TaskState::Done, WaitMs);
        const QJsonObject ask = core.visit(id, 1);
        QCOMPARE(text(ask, "state"), QStringLiteral("done"));
        const QJsonObject output = ask.value(QStringLiteral("output")).toObject();
        const QString verdict = output.value(QStringLiteral("verdict")).toString();
        QVERIFY2(verdict == u"approve" || verdict == u"reject" || verdict == u"no_consensus", qPrintable(verdict));
        QCOMPARE(text(ask, "outcome"), verdict == u"approve" ? QStringLiteral("pass") : QStringLiteral("fail"));
        QCOMPARE(text(core.visit(id, 2), "node"), verdict == u"approve" ? QStringLiteral("yes") : QStringLiteral("no"));
        auto saved = core.c.cabinet->service<board::BoardService>().get(qint64(output.value(QStringLiteral("deliberation")).toDouble()));
        QVERIFY(saved);
        QCOMPARE(saved->value(QStringLiteral("proposal")).toObject().value(QStringLiteral("text")).toString(),
                 QStringLiteral("Should we build a cache for the API?"));
        QCOMPARE(saved->value(QStringLiteral("seed")).toString(),
                 QString::number(board::ApprovalDeliberations::seedFor(text(ask, "idempotency_key"))));
        QCOMPARE(saved->value(QStringLiteral("requested_by")).toString(), QStringLiteral("system:workflows"));
    }

    void unknownWorkflowFailsTheTask()
    {
        Core core;
        QVERIFY(core.open(configYaml(0)));
        const QString id = core.submit(QStringLiteral("nowhere"));
        QTRY_COMPARE_WITH_TIMEOUT(core.task(id).state, TaskState::Failed, WaitMs);
        QVERIFY(core.task(id).lastError.contains(QStringLiteral("no workflow 'nowhere'")));
        QVERIFY(core.run(id).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestWorkflowRunner)
#include "tst_workflowrunner.moc"

// Workflow files: the default pipeline, every node kind, and each kind of
// malformed file refused with the line, the node and the field at fault.
#include "orchestrator/WorkflowParser.h"

#include <QTemporaryDir>
#include <QTest>

using namespace cabinet;
using namespace cabinet::orchestrator;

namespace {

const QSet<QString> Agents { QStringLiteral("scout"), QStringLiteral("rex"), QStringLiteral("hawk"), QStringLiteral("forge") };

WorkflowParse parse(const QByteArray &text, const QString &name = QStringLiteral("flow"))
{
    return WorkflowParser(Agents).parse(text, name, QStringLiteral("flow.yaml"));
}

// A valid two-node head that a malformed case can extend.
const QByteArray Head = "nodes:\n"
                        "  - id: a\n"
                        "    kind: llm\n"
                        "    agent: scout\n"
                        "    prompt: look at {{input.goal}}\n";

} // namespace

class TestWorkflowParser : public QObject {
    Q_OBJECT
private slots:
    void defaultPipeline()
    {
        const WorkflowParse parsed = WorkflowParser(Agents).parseFile(QStringLiteral(":/workflows/default.yaml"));
        QVERIFY2(parsed.ok(), qPrintable(parsed.problem.text()));
        const WorkflowDefinition &w = *parsed.workflow;
        QCOMPARE(w.name, QStringLiteral("default"));
        QCOMPARE(w.start, QStringLiteral("research"));
        QStringList ids, agents;
        for (const Node &n : w.nodes) {
            ids << n.id;
            agents << n.agent;
        }
        QCOMPARE(ids, (QStringList { QStringLiteral("research"), QStringLiteral("build"), QStringLiteral("review"), QStringLiteral("approve_deploy"), QStringLiteral("deploy") }));
        QCOMPARE(agents, (QStringList { QStringLiteral("scout"), QStringLiteral("rex"), QStringLiteral("hawk"), QStringLiteral(""), QStringLiteral("forge") }));
        QCOMPARE(w.node(QStringLiteral("approve_deploy"))->kind, NodeKind::Gate);
        // The review: pass goes on to the gate; fail goes back to the
        // builder at most 3 times, then no edge holds and the run fails.
        const Node *review = w.node(QStringLiteral("review"));
        QVERIFY(review->jsonOutput);
        QCOMPARE(review->next.size(), 2);
        QCOMPARE(review->next[0].to, QStringLiteral("approve_deploy"));
        QCOMPARE(review->next[0].on, std::optional(Outcome::Pass));
        QCOMPARE(review->next[0].maxVisits, 0);
        QCOMPARE(review->next[1].to, QStringLiteral("build"));
        QCOMPARE(review->next[1].on, std::optional(Outcome::Fail));
        QCOMPARE(review->next[1].maxVisits, 3);
        QVERIFY(w.node(QStringLiteral("build"))->prompt.contains(QStringLiteral("{{nodes.review.output.findings}}")));
        QVERIFY(w.node(QStringLiteral("deploy"))->next.isEmpty());
        QVERIFY(w.text.contains("max_visits: 3"));
    }

    // The default pipeline needs its four agents: without Hawk it is refused.
    void defaultPipelineNeedsItsAgents()
    {
        QSet<QString> agents = Agents;
        agents.remove(QStringLiteral("hawk"));
        const WorkflowParse parsed = WorkflowParser(agents).parseFile(QStringLiteral(":/workflows/default.yaml"));
        QVERIFY(!parsed.ok());
        QCOMPARE(parsed.problem.node, QStringLiteral("review"));
        QCOMPARE(parsed.problem.field, QStringLiteral("agent"));
        QCOMPARE(parsed.problem.source, QStringLiteral(":/workflows/default.yaml"));
        QVERIFY(parsed.problem.line > 0);
        QCOMPARE(parsed.problem.toError().code, ErrorCode::InvalidArgument);
    }

    void everyKind()
    {
        const WorkflowParse parsed = parse("description: every kind\n"
                                           "max_attempts: 2\n"
                                           "start: think\n"
                                           "nodes:\n"
                                           "  - id: think\n"
                                           "    kind: llm\n"
                                           "    agent: scout\n"
                                           "    output: json\n"
                                           "    prompt: \"plan {{ input.goal }} with {{input}}\"\n"
                                           "    next:\n"
                                           "      - to: run\n"
                                           "        when: {field: plan.steps, above: 2}\n"
                                           "      - to: fetch\n"
                                           "  - id: run\n"
                                           "    kind: tool\n"
                                           "    command: make test\n"
                                           "    timeout_s: 60\n"
                                           "    output_max_bytes: 1000\n"
                                           "    next: [{to: fetch, on: pass}]\n"
                                           "  - id: fetch\n"
                                           "    kind: tool\n"
                                           "    http:\n"
                                           "      method: post\n"
                                           "      url: https://example.com/{{input.id}}\n"
                                           "      headers: {Content-Type: application/json}\n"
                                           "      body: '{\"plan\": {{nodes.think.output}}}'\n"
                                           "    next: [{to: risk}]\n"
                                           "  - id: risk\n"
                                           "    kind: simulate\n"
                                           "    params: {paths: 10000, horizon_days: '{{input.days}}'}\n"
                                           "    next:\n"
                                           "      - to: ask\n"
                                           "        when: {field: expected_shortfall_95, below: 1000}\n"
                                           "      - to: board\n"
                                           "  - id: ask\n"
                                           "    kind: gate\n"
                                           "    evidence: shortfall {{nodes.risk.output.expected_shortfall_95}}\n"
                                           "  - id: board\n"
                                           "    kind: board\n"
                                           "    question: should we?\n");
        QVERIFY2(parsed.ok(), qPrintable(parsed.problem.text()));
        const WorkflowDefinition &w = *parsed.workflow;
        QCOMPARE(w.description, QStringLiteral("every kind"));
        QCOMPARE(w.maxAttempts, std::optional(2));
        QCOMPARE(w.nodes.size(), 6);
        const Node *think = w.node(QStringLiteral("think"));
        QCOMPARE(think->next[0].test->field, QStringLiteral("plan.steps"));
        QCOMPARE(think->next[0].test->op, FieldTest::Op::Above);
        QCOMPARE(think->next[0].test->value, QStringLiteral("2"));
        QVERIFY(!think->next[1].on && !think->next[1].test);
        const Node *run = w.node(QStringLiteral("run"));
        QCOMPARE(run->kind, NodeKind::Tool);
        QCOMPARE(run->command, QStringLiteral("make test"));
        QCOMPARE(run->timeoutSeconds, 60);
        QCOMPARE(run->outputBytesMax, 1000);
        const Node *fetch = w.node(QStringLiteral("fetch"));
        QCOMPARE(fetch->http->method, QStringLiteral("POST"));
        QCOMPARE(fetch->http->headers.size(), 1);
        QCOMPARE(fetch->timeoutSeconds, ToolTimeoutSecondsDefault);
        QCOMPARE(fetch->outputBytesMax, ToolOutputBytesDefault);
        const Node *risk = w.node(QStringLiteral("risk"));
        QCOMPARE(risk->kind, NodeKind::Simulate);
        QCOMPARE(risk->params.size(), 2);
        QCOMPARE(risk->params[1].second, QStringLiteral("{{input.days}}"));
        QCOMPARE(w.node(QStringLiteral("ask"))->kind, NodeKind::Gate);
        QCOMPARE(w.node(QStringLiteral("board"))->kind, NodeKind::Board);
    }

    // A loop whose way round passes a bounded edge, with an edge out.
    void boundedLoop()
    {
        const WorkflowParse parsed = parse(Head + "    next: [{to: b}]\n"
                                                  "  - id: b\n"
                                                  "    kind: tool\n"
                                                  "    command: 'true'\n"
                                                  "    next:\n"
                                                  "      - {to: b, on: fail, max_visits: 10}\n"
                                                  "      - {to: a, on: fail, max_visits: 2}\n"
                                                  "      - {to: c}\n"
                                                  "  - id: c\n"
                                                  "    kind: gate\n");
        QVERIFY2(parsed.ok(), qPrintable(parsed.problem.text()));
    }

    void malformed_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("node");
        QTest::addColumn<QString>("field");

        QTest::newRow("unknown kind") << Head + "    next: [{to: b}]\n  - id: b\n    kind: lmm\n" << 8 << "b" << "kind";
        QTest::newRow("no kind") << Head + "    next: [{to: b}]\n  - id: b\n    command: x\n" << 7 << "b" << "kind";
        QTest::newRow("unknown agent") << QByteArray("nodes:\n  - id: a\n    kind: llm\n    agent: nobody\n    prompt: p\n") << 4 << "a" << "agent";
        QTest::newRow("no agent") << QByteArray("nodes:\n  - id: a\n    kind: llm\n    prompt: p\n") << 2 << "a" << "agent";
        QTest::newRow("no prompt") << QByteArray("nodes:\n  - id: a\n    kind: llm\n    agent: rex\n") << 2 << "a" << "prompt";
        QTest::newRow("unreachable") << Head + "  - id: b\n    kind: gate\n" << 6 << "b" << "id";
        QTest::newRow("unreachable from start") << "start: b\n" + Head + "  - id: b\n    kind: gate\n" << 3 << "a" << "id";
        QTest::newRow("loop without exit")
                << Head + "    next: [{to: b}]\n  - id: b\n    kind: gate\n    next: [{to: a, max_visits: 3}]\n" << 2 << "a" << "next";
        QTest::newRow("loop without bound")
                << Head + "    next: [{to: b}]\n  - id: b\n    kind: gate\n    next: [{to: a}, {to: c, on: fail}]\n  - id: c\n    kind: gate\n"
                << 2 << "a" << "next";
        QTest::newRow("self loop without bound")
                << Head + "    next: [{to: a, on: fail}, {to: b}]\n  - id: b\n    kind: gate\n" << 2 << "a" << "next";
        // One way round is bounded, the other not.
        QTest::newRow("loop with an unbounded way round")
                << Head + "    next: [{to: b}]\n  - id: b\n    kind: gate\n    next: [{to: a, max_visits: 2}, {to: c}]\n"
                          "  - id: c\n    kind: gate\n    next: [{to: a}, {to: d}]\n  - id: d\n    kind: gate\n"
                << 2 << "a" << "next";
        QTest::newRow("bound too high")
                << Head + "    next: [{to: a, max_visits: 11}]\n" << 6 << "a" << "next[0].max_visits";
        QTest::newRow("bound zero") << Head + "    next: [{to: a, max_visits: 0}]\n" << 6 << "a" << "next[0].max_visits";
        QTest::newRow("edge to nothing") << Head + "    next: [{to: nowhere}]\n" << 6 << "a" << "next[0].to";
        QTest::newRow("edge without to") << Head + "    next: [{on: pass}]\n" << 6 << "a" << "next[0].to";
        QTest::newRow("bad on") << Head + "    next: [{to: a, on: maybe, max_visits: 1}]\n" << 6 << "a" << "next[0].on";
        QTest::newRow("when on text output")
                << Head + "    next: [{to: a, when: {field: x, equals: y}, max_visits: 1}]\n" << 6 << "a" << "next[0].when";
        QTest::newRow("when without op")
                << QByteArray("nodes:\n  - id: a\n    kind: gate\n    next: [{to: a, max_visits: 1, when: {field: x}}]\n") << 4 << "a" << "next[0].when";
        QTest::newRow("when above a word")
                << QByteArray("nodes:\n  - id: a\n    kind: gate\n    next: [{to: a, max_visits: 1, when: {field: x, above: lots}}]\n") << 4 << "a"
                << "next[0].when.above";
        QTest::newRow("template names no node") << QByteArray("nodes:\n  - id: a\n    kind: gate\n    evidence: '{{nodes.zz.output}}'\n") << 4 << "a" << "evidence";
        QTest::newRow("template not closed") << QByteArray("nodes:\n  - id: a\n    kind: gate\n    evidence: '{{input.x'\n") << 4 << "a" << "evidence";
        QTest::newRow("template bad root") << QByteArray("nodes:\n  - id: a\n    kind: gate\n    evidence: '{{env.HOME}}'\n") << 4 << "a" << "evidence";
        QTest::newRow("template too long")
                << "nodes:\n  - id: a\n    kind: gate\n    evidence: " + QByteArray(WorkflowTemplateBytesMax + 1, 'x') + "\n" << 4 << "a" << "evidence";
        QTest::newRow("too many placeholders")
                << "nodes:\n  - id: a\n    kind: gate\n    evidence: \"" + QByteArray("{{input}}").repeated(WorkflowPlaceholdersMax + 1) + "\"\n" << 4 << "a"
                << "evidence";
        QTest::newRow("id twice") << Head + "    next: [{to: a, max_visits: 1}]\n  - id: a\n    kind: gate\n" << 7 << "a" << "id";
        QTest::newRow("bad id") << QByteArray("nodes:\n  - id: Big-Name\n    kind: gate\n") << 2 << "" << "id";
        QTest::newRow("no id") << QByteArray("nodes:\n  - kind: gate\n") << 2 << "" << "nodes[0]";
        QTest::newRow("unknown field") << QByteArray("nodes:\n  - id: a\n    kind: gate\n    agent: rex\n") << 4 << "a" << "agent";
        QTest::newRow("key twice") << QByteArray("nodes:\n  - id: a\n    kind: gate\n    evidence: x\n    evidence: y\n") << 5 << "a" << "evidence";
        QTest::newRow("unknown top-level field") << "owner: me\n" + Head << 1 << "" << "owner";
        QTest::newRow("tool with neither") << QByteArray("nodes:\n  - id: a\n    kind: tool\n") << 2 << "a" << "command";
        QTest::newRow("tool with both")
                << QByteArray("nodes:\n  - id: a\n    kind: tool\n    command: x\n    http: {url: 'http://h'}\n") << 2 << "a" << "command";
        QTest::newRow("tool timeout") << QByteArray("nodes:\n  - id: a\n    kind: tool\n    command: x\n    timeout_s: 3601\n") << 5 << "a" << "timeout_s";
        QTest::newRow("tool output limit")
                << QByteArray("nodes:\n  - id: a\n    kind: tool\n    command: x\n    output_max_bytes: 2000000\n") << 5 << "a" << "output_max_bytes";
        QTest::newRow("http url") << QByteArray("nodes:\n  - id: a\n    kind: tool\n    http: {url: 'ftp://h'}\n") << 4 << "a" << "http.url";
        QTest::newRow("http method") << QByteArray("nodes:\n  - id: a\n    kind: tool\n    http: {url: 'http://h', method: BREW}\n") << 4 << "a" << "http.method";
        QTest::newRow("output kind") << QByteArray("nodes:\n  - id: a\n    kind: tool\n    command: x\n    output: xml\n") << 5 << "a" << "output";
        QTest::newRow("list for a value") << QByteArray("nodes:\n  - id: a\n    kind: tool\n    command: [a, b]\n") << 4 << "a" << "command";
        QTest::newRow("name is not the file's") << "name: other\n" + Head << 1 << "" << "name";
        QTest::newRow("attempts") << "max_attempts: 11\n" + Head << 1 << "" << "max_attempts";
        QTest::newRow("start names nothing") << "start: zz\n" + Head << 1 << "" << "start";
        QTest::newRow("no nodes") << QByteArray("description: nothing\n") << 1 << "" << "nodes";
        QTest::newRow("empty nodes") << QByteArray("nodes: []\n") << 1 << "" << "nodes";
        QTest::newRow("not a mapping") << QByteArray("- a\n- b\n") << 1 << "" << "";
        QTest::newRow("bad yaml") << Head + "    next: [{to: a\n" << 7 << "" << "";
        QTest::newRow("two documents") << Head + "---\n" + Head << 7 << "" << "";
        QTest::newRow("empty") << QByteArray("") << 0 << "" << "";

        QByteArray many = "nodes:\n";
        for (int i = 0; i <= WorkflowNodesMax; ++i)
            many += "  - {id: n" + QByteArray::number(i) + ", kind: gate}\n";
        QTest::newRow("too many nodes") << many << 2 << "" << "nodes";
        QByteArray edges = "nodes:\n  - id: a\n    kind: gate\n    next:\n";
        for (int i = 0; i <= WorkflowEdgesPerNodeMax; ++i)
            edges += "      - {to: a, max_visits: 1}\n";
        QTest::newRow("too many edges") << edges << 5 << "a" << "next";
        QTest::newRow("too big") << Head + "# " + QByteArray(WorkflowFileBytesMax, 'x') + "\n" << 0 << "" << "";
    }

    void malformed()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, line);
        QFETCH(QString, node);
        QFETCH(QString, field);
        const WorkflowParse parsed = parse(text);
        QVERIFY(!parsed.ok());
        QCOMPARE(parsed.problem.line, line);
        QCOMPARE(parsed.problem.node, node);
        QCOMPARE(parsed.problem.field, field);
        QCOMPARE(parsed.problem.source, QStringLiteral("flow.yaml"));
        QCOMPARE(parsed.problem.toError().code, ErrorCode::InvalidArgument);
        QCOMPARE(parsed.problem.toError().field, field);
    }

    // Edges in the whole graph are bounded too (16 nodes of 16 edges is
    // 256; one more is refused at the node that crosses it).
    void tooManyEdgesInAll()
    {
        QByteArray text = "nodes:\n";
        for (int n = 0; n < 17; ++n) {
            text += "  - id: n" + QByteArray::number(n) + "\n    kind: gate\n    next:\n";
            for (int e = 0; e < WorkflowEdgesPerNodeMax; ++e)
                text += "      - {to: n" + QByteArray::number((n + 1) % 17) + ", max_visits: 1}\n";
        }
        const WorkflowParse parsed = parse(text);
        QVERIFY(!parsed.ok());
        QCOMPARE(parsed.problem.node, QStringLiteral("n16"));
        QCOMPARE(parsed.problem.field, QStringLiteral("next"));
    }

    void files()
    {
        QTemporaryDir dir;
        const WorkflowParser parser(Agents);
        QCOMPARE(WorkflowParser::nameForFile(QStringLiteral("/x/my.flow-2.yaml")), QStringLiteral("my.flow-2"));
        QCOMPARE(WorkflowParser::nameForFile(QStringLiteral("/x/Big.yaml")), QString());
        QCOMPARE(WorkflowParser::nameForFile(QStringLiteral("/x/flow.yml")), QString());

        const QString bad = dir.filePath(QStringLiteral("Not A Name.yaml"));
        QFile(bad).open(QIODevice::WriteOnly);
        WorkflowParse parsed = parser.parseFile(bad);
        QVERIFY(!parsed.ok());
        QCOMPARE(parsed.problem.line, 0);

        const QString missing = dir.filePath(QStringLiteral("missing.yaml"));
        QVERIFY(!parser.parseFile(missing).ok());

        // Refused by its size before it is read.
        const QString big = dir.filePath(QStringLiteral("big.yaml"));
        QFile file(big);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QVERIFY(file.resize(WorkflowFileBytesMax + 1));
        file.close();
        parsed = parser.parseFile(big);
        QVERIFY(!parsed.ok());
        QCOMPARE(parsed.problem.line, 0);

        const QString good = dir.filePath(QStringLiteral("good.yaml"));
        QFile goodFile(good);
        QVERIFY(goodFile.open(QIODevice::WriteOnly));
        goodFile.write(Head);
        goodFile.close();
        parsed = parser.parseFile(good);
        QVERIFY2(parsed.ok(), qPrintable(parsed.problem.text()));
        QCOMPARE(parsed.workflow->name, QStringLiteral("good"));
        QCOMPARE(parsed.workflow->source, good);
        QCOMPARE(parsed.workflow->text, Head);
    }
};

QTEST_GUILESS_MAIN(TestWorkflowParser)
#include "tst_workflowparser.moc"

#include "orchestrator/WorkflowParser.h"

#include "QuotedInput.h"
#include "orchestrator/TaskTypes.h"

#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>

#include <yaml-cpp/yaml.h>

#include <functional>

namespace cabinet::orchestrator {

QString WorkflowProblem::text() const
{
    QString where = source;
    if (line > 0)
        where += u':' + QString::number(line);
    if (!node.isEmpty())
        where += QStringLiteral(": node ") + quoteInput(node);
    return where + QStringLiteral(": ") + message;
}

Error WorkflowProblem::toError() const
{
    return Error { ErrorCode::InvalidArgument, text(), field };
}

namespace {

// Thrown inside the reader to stop at the first problem; parse() catches it.
struct Stop {
    WorkflowProblem problem;
};

int lineOf(const YAML::Node &node)
{
    return node.Mark().is_null() ? 0 : node.Mark().line + 1;
}

QString scalarText(const YAML::Node &node)
{
    return QString::fromStdString(node.Scalar());
}

const QRegularExpression &nodeIdPattern()
{
    static const QRegularExpression pattern(QStringLiteral("^[a-z][a-z0-9_]*$"));
    return pattern;
}

// {{ input }}, {{ input.a.b }}, {{ nodes.<id>.output }}, {{ nodes.<id>.output.a.b }}
const QRegularExpression &placeholderPattern()
{
    static const QRegularExpression pattern(
            QStringLiteral("^(?:input(?:\\.[A-Za-z0-9_]+)*|nodes\\.([a-z][a-z0-9_]*)\\.output(?:\\.[A-Za-z0-9_]+)*)$"));
    return pattern;
}

class Reader {
public:
    Reader(const QSet<QString> &agents, QString source) : m_agents(agents), m_source(std::move(source)) { }

    WorkflowDefinition read(const YAML::Node &root, const QString &name)
    {
        WorkflowDefinition workflow;
        workflow.name = name;
        workflow.source = m_source;
        if (!root.IsMap())
            stop(lineOf(root), {}, {}, QStringLiteral("a workflow is a mapping with 'nodes' (and 'name', 'description', "
                                                      "'start', 'max_attempts')"));
        // Optional: a default-constructed YAML::Node counts as defined.
        std::optional<YAML::Node> nodesGiven;
        std::optional<YAML::Node> start;
        forEachKey(root, {}, { "name", "description", "start", "max_attempts", "nodes" }, QString(),
                   [&](const QString &key, const YAML::Node &value) {
                       if (key == u"name") {
                           const QString given = scalar(value, {}, key);
                           if (given != name)
                               stop(lineOf(value), {}, key,
                                    QStringLiteral("the workflow is named %1 but its file makes it %2: a workflow's name is its "
                                                   "file's name")
                                            .arg(quoteInput(given), quoteInput(name)));
                       } else if (key == u"description") {
                           workflow.description = scalar(value, {}, key);
                           if (workflow.description.toUtf8().size() > WorkflowDescriptionBytesMax)
                               stop(lineOf(value), {}, key, QStringLiteral("the description is longer than %1 bytes").arg(WorkflowDescriptionBytesMax));
                       } else if (key == u"start") {
                           start = value;
                       } else if (key == u"max_attempts") {
                           workflow.maxAttempts = integer(value, {}, key, 1, AttemptsMax);
                       } else {
                           nodesGiven = value;
                       }
                   });
        if (!nodesGiven)
            stop(lineOf(root), {}, QStringLiteral("nodes"), QStringLiteral("the workflow has no 'nodes'"));
        const YAML::Node &nodes = *nodesGiven;
        if (!nodes.IsSequence() || nodes.size() == 0)
            stop(lineOf(nodes), {}, QStringLiteral("nodes"), QStringLiteral("'nodes' must be a list of at least one node"));
        if (nodes.size() > size_t(WorkflowNodesMax))
            stop(lineOf(nodes), {}, QStringLiteral("nodes"),
                 QStringLiteral("%1 nodes; a workflow may have at most %2").arg(nodes.size()).arg(WorkflowNodesMax));
        int edges = 0;
        for (size_t i = 0; i < nodes.size(); ++i) {
            Node node = readNode(nodes[i], int(i));
            if (const Node *before = workflow.node(node.id))
                stop(node.line, node.id, QStringLiteral("id"), QStringLiteral("the id is used twice (first on line %1)").arg(before->line));
            edges += int(node.next.size());
            if (edges > WorkflowEdgesMax)
                stop(node.line, node.id, QStringLiteral("next"), QStringLiteral("more than %1 edges in the workflow").arg(WorkflowEdgesMax));
            workflow.nodes.append(std::move(node));
        }
        workflow.start = workflow.nodes.first().id;
        if (start) {
            workflow.start = scalar(*start, {}, QStringLiteral("start"));
            if (!workflow.node(workflow.start))
                stop(lineOf(*start), {}, QStringLiteral("start"), QStringLiteral("'start' names no node: %1").arg(quoteInput(workflow.start)));
        }
        checkReferences(workflow);
        checkGraph(workflow);
        return workflow;
    }

private:
    [[noreturn]] void stop(int line, const QString &node, const QString &field, const QString &message) const
    {
        throw Stop { WorkflowProblem { m_source, line, node, field, message } };
    }

    // Walks a mapping's pairs, refusing a key that is not a name, not known
    // (listed with the known ones) or given twice (yaml-cpp would keep one
    // of them silently).
    void forEachKey(const YAML::Node &map, const QString &node, std::initializer_list<const char *> known, const QString &what,
                    const std::function<void(const QString &, const YAML::Node &)> &each) const
    {
        QSet<QString> seen;
        for (const auto &pair : map) {
            if (!pair.first.IsScalar())
                stop(lineOf(pair.first), node, {}, QStringLiteral("a key must be a name"));
            const QString key = scalarText(pair.first);
            bool found = false;
            for (const char *k : known)
                found = found || key == QLatin1StringView(k);
            if (!found) {
                QStringList names;
                for (const char *k : known)
                    names << QString::fromLatin1(k);
                stop(lineOf(pair.first), node, key,
                     QStringLiteral("%1 is not a field of %2 (fields: %3)")
                             .arg(quoteInput(key.left(64)), what.isEmpty() ? QStringLiteral("a workflow") : what, names.join(QStringLiteral(", "))));
            }
            if (seen.contains(key))
                stop(lineOf(pair.first), node, key, QStringLiteral("%1 is given twice").arg(quoteInput(key)));
            seen.insert(key);
            each(key, pair.second);
        }
    }

    QString scalar(const YAML::Node &value, const QString &node, const QString &field) const
    {
        if (!value.IsScalar())
            stop(lineOf(value), node, field, QStringLiteral("%1 must be a single value, not a list or mapping").arg(quoteInput(field)));
        return scalarText(value);
    }

    int integer(const YAML::Node &value, const QString &node, const QString &field, int min, int max) const
    {
        bool ok = false;
        const int number = scalar(value, node, field).toInt(&ok);
        if (!ok || number < min || number > max)
            stop(lineOf(value), node, field, QStringLiteral("%1 must be a whole number from %2 to %3").arg(quoteInput(field)).arg(min).arg(max));
        return number;
    }

    // A template: bounded, every {{...}} closed and naming the input or a
    // node's output. Which nodes exist is checked once all are read.
    Template templateText(const YAML::Node &value, const QString &node, const QString &field)
    {
        const QString text = scalar(value, node, field);
        if (text.toUtf8().size() > WorkflowTemplateBytesMax)
            stop(lineOf(value), node, field, QStringLiteral("%1 is longer than %2 bytes").arg(quoteInput(field)).arg(WorkflowTemplateBytesMax));
        int placeholders = 0;
        for (qsizetype at = text.indexOf(QLatin1StringView("{{")); at >= 0; at = text.indexOf(QLatin1StringView("{{"), at)) {
            const qsizetype end = text.indexOf(QLatin1StringView("}}"), at + 2);
            if (end < 0)
                stop(lineOf(value), node, field, QStringLiteral("a '{{' in %1 is not closed with '}}'").arg(quoteInput(field)));
            if (++placeholders > WorkflowPlaceholdersMax)
                stop(lineOf(value), node, field, QStringLiteral("more than %1 placeholders in %2").arg(WorkflowPlaceholdersMax).arg(quoteInput(field)));
            const QString path = text.mid(at + 2, end - at - 2).trimmed();
            const auto match = placeholderPattern().match(path);
            if (!match.hasMatch())
                stop(lineOf(value), node, field,
                     QStringLiteral("{{%1}} in %2 names neither the input ({{input.field}}) nor a node's output "
                                    "({{nodes.<id>.output}})")
                             .arg(escapeInput(path.left(64)), quoteInput(field)));
            if (!match.captured(1).isEmpty())
                m_references.append({ match.captured(1), node, field, lineOf(value) });
            at = end + 2;
        }
        return text;
    }

    QList<std::pair<QString, Template>> templateMap(const YAML::Node &value, const QString &node, const QString &field)
    {
        if (!value.IsMap())
            stop(lineOf(value), node, field, QStringLiteral("%1 must be a mapping of names to values").arg(quoteInput(field)));
        if (value.size() > size_t(WorkflowParamsMax))
            stop(lineOf(value), node, field, QStringLiteral("%1 has more than %2 entries").arg(quoteInput(field)).arg(WorkflowParamsMax));
        QList<std::pair<QString, Template>> entries;
        QSet<QString> seen;
        for (const auto &pair : value) {
            const QString key = scalar(pair.first, node, field);
            if (seen.contains(key))
                stop(lineOf(pair.first), node, field, QStringLiteral("%1 is given twice in %2").arg(quoteInput(key), quoteInput(field)));
            seen.insert(key);
            entries.append({ key, templateText(pair.second, node, field + u'.' + key) });
        }
        return entries;
    }

    Node readNode(const YAML::Node &value, int index)
    {
        const QString where = QStringLiteral("nodes[%1]").arg(index);
        if (!value.IsMap())
            stop(lineOf(value), {}, where, QStringLiteral("a node is a mapping with 'id' and 'kind'"));
        Node node;
        node.line = lineOf(value);
        if (!value["id"])
            stop(node.line, {}, where, QStringLiteral("the node has no 'id'"));
        node.id = scalar(value["id"], {}, QStringLiteral("id"));
        if (node.id.size() > WorkflowNodeIdLengthMax || !nodeIdPattern().match(node.id).hasMatch())
            stop(lineOf(value["id"]), {}, QStringLiteral("id"),
                 QStringLiteral("the id %1 is not a node id: 1 to %2 characters, lower-case letters, digits and '_', starting with a letter")
                         .arg(quoteInput(node.id.left(64)))
                         .arg(WorkflowNodeIdLengthMax));
        if (!value["kind"])
            stop(node.line, node.id, QStringLiteral("kind"), QStringLiteral("the node has no 'kind' (llm, tool, gate, simulate or board)"));
        const QString kindName = scalar(value["kind"], node.id, QStringLiteral("kind"));
        const auto kind = nodeKindFromName(kindName);
        if (!kind)
            stop(lineOf(value["kind"]), node.id, QStringLiteral("kind"),
                 QStringLiteral("unknown kind %1 (kinds: llm, tool, gate, simulate, board)").arg(quoteInput(kindName.left(64))));
        node.kind = *kind;
        const QString what = QStringLiteral("a %1 node").arg(kindName);
        // Optional: a default-constructed YAML::Node counts as defined.
        std::optional<YAML::Node> next;
        std::optional<QString> output;
        auto common = [&](const QString &key, const YAML::Node &v) {
            if (key == u"next")
                next = v;
            else if (key == u"output") {
                output = scalar(v, node.id, key);
                if (*output != u"text" && *output != u"json")
                    stop(lineOf(v), node.id, key, QStringLiteral("'output' must be text or json"));
                node.jsonOutput = *output == u"json";
            }
        };
        switch (node.kind) {
        case NodeKind::Llm:
            forEachKey(value, node.id, { "id", "kind", "next", "output", "agent", "prompt" }, what, [&](const QString &key, const YAML::Node &v) {
                if (key == u"agent") {
                    node.agent = scalar(v, node.id, key);
                    if (!m_agents.contains(node.agent))
                        stop(lineOf(v), node.id, key, QStringLiteral("no agent is named %1").arg(quoteInput(node.agent.left(64))));
                } else if (key == u"prompt") {
                    node.prompt = templateText(v, node.id, key);
                } else {
                    common(key, v);
                }
            });
            if (node.agent.isEmpty())
                stop(node.line, node.id, QStringLiteral("agent"), QStringLiteral("an llm node needs an 'agent'"));
            if (node.prompt.trimmed().isEmpty())
                stop(node.line, node.id, QStringLiteral("prompt"), QStringLiteral("an llm node needs a 'prompt'"));
            break;
        case NodeKind::Tool:
            forEachKey(value, node.id, { "id", "kind", "next", "output", "command", "http", "timeout_s", "output_max_bytes" }, what,
                       [&](const QString &key, const YAML::Node &v) {
                           if (key == u"command")
                               node.command = scalar(v, node.id, key);
                           else if (key == u"http")
                               node.http = readHttp(v, node.id);
                           else if (key == u"timeout_s")
                               node.timeoutSeconds = integer(v, node.id, key, 1, ToolTimeoutSecondsMax);
                           else if (key == u"output_max_bytes")
                               node.outputBytesMax = integer(v, node.id, key, 1, int(ToolOutputBytesMax));
                           else
                               common(key, v);
                       });
            if (node.command.isEmpty() == !node.http)
                stop(node.line, node.id, QStringLiteral("command"), QStringLiteral("a tool node needs either a 'command' or an 'http' request, not both"));
            if (node.command.toUtf8().size() > WorkflowTemplateBytesMax)
                stop(node.line, node.id, QStringLiteral("command"), QStringLiteral("the command is longer than %1 bytes").arg(WorkflowTemplateBytesMax));
            break;
        case NodeKind::Gate:
            node.jsonOutput = true; // {"decision": ...}
            forEachKey(value, node.id, { "id", "kind", "next", "evidence" }, what, [&](const QString &key, const YAML::Node &v) {
                if (key == u"evidence")
                    node.evidence = templateText(v, node.id, key);
                else
                    common(key, v);
            });
            break;
        case NodeKind::Simulate:
            node.jsonOutput = true; // the run's summary
            forEachKey(value, node.id, { "id", "kind", "next", "params" }, what, [&](const QString &key, const YAML::Node &v) {
                if (key == u"params")
                    node.params = templateMap(v, node.id, key);
                else
                    common(key, v);
            });
            break;
        case NodeKind::Board:
            forEachKey(value, node.id, { "id", "kind", "next", "question" }, what, [&](const QString &key, const YAML::Node &v) {
                if (key == u"question")
                    node.question = templateText(v, node.id, key);
                else
                    common(key, v);
            });
            break;
        }
        if (next)
            node.next = readEdges(*next, node);
        return node;
    }

    HttpRequest readHttp(const YAML::Node &value, const QString &node)
    {
        if (!value.IsMap())
            stop(lineOf(value), node, QStringLiteral("http"), QStringLiteral("'http' must be a mapping with 'url' (and 'method', 'headers', 'body')"));
        HttpRequest http;
        forEachKey(value, node, { "method", "url", "headers", "body" }, QStringLiteral("an http request"), [&](const QString &key, const YAML::Node &v) {
            const QString field = QStringLiteral("http.") + key;
            if (key == u"method") {
                http.method = scalar(v, node, field).toUpper();
                static const QStringList methods { QStringLiteral("GET"), QStringLiteral("POST"), QStringLiteral("PUT"),
                                                   QStringLiteral("PATCH"), QStringLiteral("DELETE") };
                if (!methods.contains(http.method))
                    stop(lineOf(v), node, field, QStringLiteral("the method must be GET, POST, PUT, PATCH or DELETE"));
            } else if (key == u"url") {
                http.url = templateText(v, node, field);
                if (!http.url.startsWith(QLatin1StringView("http://")) && !http.url.startsWith(QLatin1StringView("https://")))
                    stop(lineOf(v), node, field, QStringLiteral("the url must start with http:// or https://"));
            } else if (key == u"headers") {
                http.headers = templateMap(v, node, field);
            } else {
                http.body = templateText(v, node, field);
            }
        });
        if (http.url.isEmpty())
            stop(lineOf(value), node, QStringLiteral("http.url"), QStringLiteral("the request needs a 'url'"));
        return http;
    }

    QList<Edge> readEdges(const YAML::Node &value, const Node &node)
    {
        if (!value.IsSequence())
            stop(lineOf(value), node.id, QStringLiteral("next"), QStringLiteral("'next' must be a list of edges ({to: <node>, on: pass|fail, ...})"));
        if (value.size() > size_t(WorkflowEdgesPerNodeMax))
            stop(lineOf(value), node.id, QStringLiteral("next"),
                 QStringLiteral("%1 edges; a node may have at most %2").arg(value.size()).arg(WorkflowEdgesPerNodeMax));
        QList<Edge> edges;
        for (size_t i = 0; i < value.size(); ++i) {
            const YAML::Node item = value[i];
            const QString where = QStringLiteral("next[%1]").arg(i);
            if (!item.IsMap())
                stop(lineOf(item), node.id, where, QStringLiteral("an edge is a mapping with 'to'"));
            Edge edge;
            edge.line = lineOf(item);
            forEachKey(item, node.id, { "to", "on", "when", "max_visits" }, QStringLiteral("an edge"), [&](const QString &key, const YAML::Node &v) {
                const QString field = where + u'.' + key;
                if (key == u"to") {
                    edge.to = scalar(v, node.id, field);
                } else if (key == u"on") {
                    const QString on = scalar(v, node.id, field);
                    if (on == u"pass")
                        edge.on = Outcome::Pass;
                    else if (on == u"fail")
                        edge.on = Outcome::Fail;
                    else
                        stop(lineOf(v), node.id, field, QStringLiteral("'on' must be pass or fail"));
                } else if (key == u"when") {
                    edge.test = readTest(v, node, field);
                } else {
                    edge.maxVisits = integer(v, node.id, field, 1, WorkflowLoopBoundMax);
                }
            });
            if (edge.to.isEmpty())
                stop(edge.line, node.id, where + QStringLiteral(".to"), QStringLiteral("the edge has no 'to'"));
            edges.append(edge);
        }
        return edges;
    }

    FieldTest readTest(const YAML::Node &value, const Node &node, const QString &field)
    {
        if (!node.jsonOutput)
            stop(lineOf(value), node.id, field,
                 QStringLiteral("'when' tests a field of the node's output, which is text: give the node 'output: json'"));
        if (!value.IsMap())
            stop(lineOf(value), node.id, field, QStringLiteral("'when' must be a mapping: {field: <name>, equals: <value>}"));
        FieldTest test;
        int ops = 0;
        forEachKey(value, node.id, { "field", "equals", "not_equals", "above", "below" }, QStringLiteral("a test"),
                   [&](const QString &key, const YAML::Node &v) {
                       const QString text = scalar(v, node.id, field + u'.' + key);
                       if (key == u"field") {
                           test.field = text;
                           return;
                       }
                       ++ops;
                       test.value = text;
                       if (key == u"equals")
                           test.op = FieldTest::Op::Equals;
                       else if (key == u"not_equals")
                           test.op = FieldTest::Op::NotEquals;
                       else {
                           test.op = key == u"above" ? FieldTest::Op::Above : FieldTest::Op::Below;
                           bool ok = false;
                           text.toDouble(&ok);
                           if (!ok)
                               stop(lineOf(v), node.id, field + u'.' + key, QStringLiteral("%1 compares with a number").arg(quoteInput(key)));
                       }
                   });
        static const QRegularExpression path(QStringLiteral("^[A-Za-z0-9_]+(\\.[A-Za-z0-9_]+)*$"));
        if (!path.match(test.field).hasMatch())
            stop(lineOf(value), node.id, field + QStringLiteral(".field"), QStringLiteral("the test needs a 'field' (a dotted name in the output)"));
        if (ops != 1)
            stop(lineOf(value), node.id, field, QStringLiteral("the test needs exactly one of equals, not_equals, above, below"));
        return test;
    }

    // Every node a template or an edge names exists.
    void checkReferences(const WorkflowDefinition &workflow) const
    {
        for (const Reference &ref : m_references)
            if (!workflow.node(ref.target))
                stop(ref.line, ref.node, ref.field, QStringLiteral("the template names no node %1").arg(quoteInput(ref.target)));
        for (const Node &node : workflow.nodes)
            for (qsizetype i = 0; i < node.next.size(); ++i)
                if (!workflow.node(node.next[i].to))
                    stop(node.next[i].line, node.id, QStringLiteral("next[%1].to").arg(i),
                         QStringLiteral("the edge goes to no node: %1").arg(quoteInput(node.next[i].to.left(64))));
    }

    // Reachability from the start, then every loop (a strongly connected
    // part of the graph with more than one node, or a node with an edge to
    // itself) has an edge out of it and no cycle of unbounded edges.
    void checkGraph(const WorkflowDefinition &workflow) const
    {
        const qsizetype n = workflow.nodes.size();
        QHash<QString, int> index;
        for (qsizetype i = 0; i < n; ++i)
            index.insert(workflow.nodes[i].id, int(i));
        auto targets = [&](int i) {
            QList<int> out;
            for (const Edge &e : workflow.nodes[i].next)
                out.append(index.value(e.to));
            return out;
        };

        QList<bool> reached(n, false);
        QList<int> work { index.value(workflow.start) };
        reached[work.first()] = true;
        while (!work.isEmpty()) {
            const int i = work.takeLast();
            for (int t : targets(i))
                if (!reached[t]) {
                    reached[t] = true;
                    work.append(t);
                }
        }
        for (qsizetype i = 0; i < n; ++i)
            if (!reached[i])
                stop(workflow.nodes[i].line, workflow.nodes[i].id, QStringLiteral("id"),
                     QStringLiteral("the node cannot be reached from the start (%1)").arg(quoteInput(workflow.start)));

        // Tarjan's strongly connected components (at most 64 nodes: the
        // recursion is shallow).
        QList<int> order(n, -1), low(n, 0), component(n, -1), stack;
        QList<bool> onStack(n, false);
        int counter = 0, components = 0;
        std::function<void(int)> visit = [&](int v) {
            order[v] = low[v] = counter++;
            stack.append(v);
            onStack[v] = true;
            for (int w : targets(v)) {
                if (order[w] < 0) {
                    visit(w);
                    low[v] = std::min(low[v], low[w]);
                } else if (onStack[w]) {
                    low[v] = std::min(low[v], order[w]);
                }
            }
            if (low[v] == order[v]) {
                int w;
                do {
                    w = stack.takeLast();
                    onStack[w] = false;
                    component[w] = components;
                } while (w != v);
                ++components;
            }
        };
        for (int i = 0; i < n; ++i)
            if (order[i] < 0)
                visit(i);

        for (int c = 0; c < components; ++c) {
            QList<int> members;
            bool selfLoop = false, exit = false;
            for (int i = 0; i < n; ++i) {
                if (component[i] != c)
                    continue;
                members.append(i);
                for (int t : targets(i)) {
                    selfLoop = selfLoop || t == i;
                    exit = exit || component[t] != c;
                }
            }
            if (members.size() < 2 && !selfLoop)
                continue;
            const Node &first = workflow.nodes[members.first()];
            if (!exit)
                stop(first.line, first.id, QStringLiteral("next"),
                     QStringLiteral("the loop through %1 has no edge out of it: a run that enters it never ends").arg(names(workflow, members)));
            checkBounded(workflow, index, component, c);
        }
    }

    // Inside one loop, the edges without max_visits must not form a cycle of
    // their own: every way round the loop passes a bounded edge.
    void checkBounded(const WorkflowDefinition &workflow, const QHash<QString, int> &index, const QList<int> &component, int c) const
    {
        const qsizetype n = workflow.nodes.size();
        QList<int> colour(n, 0); // 0 unseen, 1 on the path, 2 done
        QList<int> path;
        std::function<void(int)> visit = [&](int v) {
            colour[v] = 1;
            path.append(v);
            for (const Edge &e : workflow.nodes[v].next) {
                const int w = index.value(e.to);
                if (component[w] != c || e.maxVisits > 0)
                    continue;
                if (colour[w] == 1) {
                    const QList<int> cycle = path.mid(path.indexOf(w));
                    const Node &at = workflow.nodes[w];
                    stop(at.line, at.id, QStringLiteral("next"),
                         QStringLiteral("the loop through %1 has no bound: give one of its edges max_visits (1 to %2)")
                                 .arg(names(workflow, cycle))
                                 .arg(WorkflowLoopBoundMax));
                }
                if (colour[w] == 0)
                    visit(w);
            }
            path.removeLast();
            colour[v] = 2;
        };
        for (int i = 0; i < n; ++i)
            if (component[i] == c && colour[i] == 0)
                visit(i);
    }

    static QString names(const WorkflowDefinition &workflow, const QList<int> &members)
    {
        QStringList list;
        for (int i : members)
            list << quoteInput(workflow.nodes[i].id);
        return list.join(QStringLiteral(", "));
    }

    struct Reference {
        QString target, node, field;
        int line;
    };

    const QSet<QString> &m_agents;
    QString m_source;
    QList<Reference> m_references;
};

} // namespace

WorkflowParser::WorkflowParser(QSet<QString> knownAgents) : m_agents(std::move(knownAgents)) { }

WorkflowParse WorkflowParser::parse(const QByteArray &text, const QString &name, const QString &source) const
{
    const QString shown = escapeInput(source);
    WorkflowParse result;
    if (text.size() > WorkflowFileBytesMax) {
        result.problem = { shown, 0, {}, {}, QStringLiteral("the file is %1 bytes; a workflow may be at most %2").arg(text.size()).arg(WorkflowFileBytesMax) };
        return result;
    }
    std::vector<YAML::Node> documents;
    try {
        documents = YAML::LoadAll(text.toStdString());
    } catch (const YAML::Exception &e) {
        result.problem = { shown, e.mark.is_null() ? 0 : e.mark.line + 1, {}, {}, QString::fromStdString(e.msg) };
        return result;
    }
    if (documents.size() != 1) {
        const int line = documents.size() > 1 ? lineOf(documents[1]) : 0;
        result.problem = { shown, line, {}, {}, documents.empty() ? QStringLiteral("the file is empty") : QStringLiteral("the file holds more than one YAML document") };
        return result;
    }
    try {
        Reader reader(m_agents, shown);
        result.workflow = reader.read(documents.front(), name);
        result.workflow->source = source;
        result.workflow->text = text;
    } catch (const Stop &stop) {
        result.problem = stop.problem;
    } catch (const YAML::Exception &e) {
        result.problem = { shown, e.mark.is_null() ? 0 : e.mark.line + 1, {}, {}, QString::fromStdString(e.msg) };
    }
    return result;
}

namespace {

WorkflowParse fileProblem(const QString &path, const QString &message)
{
    WorkflowParse result;
    result.problem = { escapeInput(path), 0, {}, {}, message };
    return result;
}

QString badFileName()
{
    return QStringLiteral("the file's name is not a workflow name: 1 to %1 characters, lower-case letters, digits, '_', '.' and '-', "
                          "then .yaml")
            .arg(WorkflowNameLengthMax);
}

} // namespace

WorkflowParse WorkflowParser::parseNamed(const QByteArray &text, const QString &path) const
{
    const QString name = nameForFile(path);
    if (name.isEmpty())
        return fileProblem(path, badFileName());
    return parse(text, name, path);
}

WorkflowParse WorkflowParser::parseFile(const QString &path) const
{
    if (nameForFile(path).isEmpty())
        return fileProblem(path, badFileName());
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fileProblem(path, QStringLiteral("cannot read the file: %1").arg(file.errorString()));
    // The size before the read: a huge file costs nothing to refuse.
    if (file.size() > WorkflowFileBytesMax)
        return fileProblem(path, QStringLiteral("the file is %1 bytes; a workflow may be at most %2").arg(file.size()).arg(WorkflowFileBytesMax));
    return parseNamed(file.read(WorkflowFileBytesMax + 1), path);
}

QString WorkflowParser::nameForFile(const QString &path)
{
    const QString base = QFileInfo(path).fileName();
    if (!base.endsWith(QLatin1StringView(".yaml")))
        return {};
    const QString name = base.chopped(5);
    static const QRegularExpression pattern(QStringLiteral("^[a-z0-9][a-z0-9_.-]*$"));
    if (name.size() > WorkflowNameLengthMax || !pattern.match(name).hasMatch())
        return {};
    return name;
}

} // namespace cabinet::orchestrator

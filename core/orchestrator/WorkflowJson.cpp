#include "orchestrator/WorkflowJson.h"

#include <QJsonArray>

namespace cabinet::orchestrator {

namespace {

QString opName(FieldTest::Op op)
{
    switch (op) {
    case FieldTest::Op::Equals: return QStringLiteral("equals");
    case FieldTest::Op::NotEquals: return QStringLiteral("not_equals");
    case FieldTest::Op::Above: return QStringLiteral("above");
    case FieldTest::Op::Below: return QStringLiteral("below");
    }
    return QStringLiteral("equals");
}

QJsonObject pairsJson(const QList<std::pair<QString, Template>> &pairs)
{
    QJsonObject object;
    for (const auto &[key, value] : pairs)
        object.insert(key, value);
    return object;
}

QJsonObject nodeJson(const Node &node)
{
    QJsonObject json { { QStringLiteral("id"), node.id }, { QStringLiteral("kind"), nodeKindName(node.kind) },
                       { QStringLiteral("line"), node.line } };
    switch (node.kind) {
    case NodeKind::Llm:
        json.insert(QStringLiteral("agent"), node.agent);
        json.insert(QStringLiteral("prompt"), node.prompt);
        json.insert(QStringLiteral("output"), node.jsonOutput ? QStringLiteral("json") : QStringLiteral("text"));
        break;
    case NodeKind::Tool:
        if (node.http) {
            json.insert(QStringLiteral("http"), QJsonObject { { QStringLiteral("method"), node.http->method },
                                                              { QStringLiteral("url"), node.http->url },
                                                              { QStringLiteral("headers"), pairsJson(node.http->headers) },
                                                              { QStringLiteral("body"), node.http->body } });
        } else {
            json.insert(QStringLiteral("command"), node.command);
        }
        json.insert(QStringLiteral("timeout_s"), node.timeoutSeconds);
        json.insert(QStringLiteral("output_max_bytes"), node.outputBytesMax);
        json.insert(QStringLiteral("output"), node.jsonOutput ? QStringLiteral("json") : QStringLiteral("text"));
        break;
    case NodeKind::Gate: json.insert(QStringLiteral("evidence"), node.evidence); break;
    case NodeKind::Simulate: json.insert(QStringLiteral("params"), pairsJson(node.params)); break;
    case NodeKind::Board: json.insert(QStringLiteral("question"), node.question); break;
    }
    QJsonArray next;
    for (const Edge &edge : node.next) {
        QJsonObject e { { QStringLiteral("to"), edge.to } };
        if (edge.on)
            e.insert(QStringLiteral("on"), *edge.on == Outcome::Pass ? QStringLiteral("pass") : QStringLiteral("fail"));
        if (edge.test)
            e.insert(QStringLiteral("when"), QJsonObject { { QStringLiteral("field"), edge.test->field },
                                                           { opName(edge.test->op), edge.test->value } });
        if (edge.maxVisits > 0)
            e.insert(QStringLiteral("max_visits"), edge.maxVisits);
        next.append(e);
    }
    json.insert(QStringLiteral("next"), next);
    return json;
}

} // namespace

QJsonObject problemJson(const WorkflowProblem &problem)
{
    return { { QStringLiteral("source"), problem.source }, { QStringLiteral("line"), problem.line },
             { QStringLiteral("node"), problem.node },     { QStringLiteral("field"), problem.field },
             { QStringLiteral("message"), problem.text() } };
}

QJsonObject workflowJson(const WorkflowDefinition &workflow)
{
    QJsonArray nodes;
    for (const Node &node : workflow.nodes)
        nodes.append(nodeJson(node));
    QJsonObject json { { QStringLiteral("name"), workflow.name },   { QStringLiteral("description"), workflow.description },
                       { QStringLiteral("source"), workflow.source }, { QStringLiteral("start"), workflow.start },
                       { QStringLiteral("nodes"), nodes } };
    if (workflow.maxAttempts)
        json.insert(QStringLiteral("max_attempts"), *workflow.maxAttempts);
    return json;
}

QJsonObject entrySummaryJson(const WorkflowCatalog::Entry &entry)
{
    QJsonObject json { { QStringLiteral("name"), entry.name }, { QStringLiteral("loaded"), entry.definition.has_value() },
                       { QStringLiteral("overridden"), entry.overridden } };
    if (entry.definition) {
        json.insert(QStringLiteral("source"), entry.definition->source);
        json.insert(QStringLiteral("description"), entry.definition->description);
        json.insert(QStringLiteral("nodes"), int(entry.definition->nodes.size()));
    }
    if (entry.problem)
        json.insert(QStringLiteral("problem"), problemJson(*entry.problem));
    return json;
}

} // namespace cabinet::orchestrator

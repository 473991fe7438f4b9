#pragma once

#include "Error.h"
#include "orchestrator/WorkflowDefinition.h"

#include <QSet>
#include <QString>

#include <optional>

namespace cabinet::orchestrator {

// What is wrong with a workflow file: where (the file, the line from
// yaml-cpp's marks, the node) and what. Tests compare line, node and field;
// the message is for the person who edits the file.
struct WorkflowProblem {
    QString source;  // the file as messages show it
    int line = 0;    // 1-based; 0 when the problem is the whole file (its size, unreadable)
    QString node;    // the node's id, when the problem is in one
    QString field;   // "kind", "agent", "next[1].max_visits", "nodes[2]", ...
    QString message;

    // "<file>:<line>: node 'rex': <message>"
    QString text() const;
    // invalid_argument with text() and the field.
    Error toError() const;
};

struct WorkflowParse {
    std::optional<WorkflowDefinition> workflow; // set when the file is good
    WorkflowProblem problem;                     // else the first problem found
    bool ok() const { return workflow.has_value(); }
};

// Reads and checks a workflow file (docs/workflows.md): the format, every
// node's kind and fields, the agents an llm node names (against the names it
// is given, so it needs nothing of the agent registry), the templates and the
// nodes they name, and the graph: every node reachable from the start, every
// loop with an edge out of it and a bound (max_visits) on one of its edges.
// Stops at the first problem.
class WorkflowParser {
public:
    explicit WorkflowParser(QSet<QString> knownAgents);

    // `name` is what the workflow is called (its file's base name); `source`
    // says where the text came from, for messages and the definition.
    WorkflowParse parse(const QByteArray &text, const QString &name, const QString &source) const;
    // Parses text read from `path`, named for the file's base name without
    // ".yaml" (a base name that is not a workflow name is the problem).
    WorkflowParse parseNamed(const QByteArray &text, const QString &path) const;
    // Reads the file (its size checked before it is read) and parseNamed()s it.
    WorkflowParse parseFile(const QString &path) const;

    // The name a file gives its workflow ("default" for ".../default.yaml"),
    // or an empty string when the base name is not a valid workflow name.
    static QString nameForFile(const QString &path);

private:
    QSet<QString> m_agents;
};

} // namespace cabinet::orchestrator

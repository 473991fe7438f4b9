#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

// A workflow as its file describes it (docs/workflows.md): a graph of nodes
// joined by conditional edges. Plain data: WorkflowParser makes it and has
// checked everything the checks below promise; the runner walks it.
namespace cabinet::orchestrator {

// Limits on a workflow file, each a named constant checked before the work
// it would cost (the size before the file is read, counts before the lists
// are walked). A real pipeline has a handful of nodes; these are far above
// one and far below what would make a check or a run costly.
inline constexpr qint64 WorkflowFileBytesMax = 64 * 1024;
inline constexpr int WorkflowNodesMax = 64;
inline constexpr int WorkflowEdgesMax = 256;          // in the whole graph
inline constexpr int WorkflowEdgesPerNodeMax = 16;
inline constexpr qsizetype WorkflowTemplateBytesMax = 16 * 1024; // a prompt, a command, a URL, a body
inline constexpr int WorkflowPlaceholdersMax = 64;    // {{...}} in one template
inline constexpr int WorkflowLoopBoundMax = 10;       // an edge's max_visits
inline constexpr int WorkflowParamsMax = 64;          // a simulate node's params, a request's headers
inline constexpr qsizetype WorkflowNodeIdLengthMax = 64; // [a-z][a-z0-9_]*
inline constexpr qsizetype WorkflowDescriptionBytesMax = 1024;
// A tool's time limit and captured output, and their defaults.
inline constexpr int ToolTimeoutSecondsDefault = 300;
inline constexpr int ToolTimeoutSecondsMax = 3'600;
inline constexpr qint64 ToolOutputBytesDefault = 64 * 1024;
inline constexpr qint64 ToolOutputBytesMax = 1024 * 1024;

enum class NodeKind { Llm, Tool, Gate, Simulate, Board };
QString nodeKindName(NodeKind kind);
std::optional<NodeKind> nodeKindFromName(const QString &name);

// How a node ended, which its edges' `on` tests.
enum class Outcome { Pass, Fail };

// A test on a field of the node's output (a JSON object), after `on`.
struct FieldTest {
    enum class Op { Equals, NotEquals, Above, Below };
    QString field; // dotted path into the output: "verdict", "risk.expected_shortfall_95"
    Op op = Op::Equals;
    QString value; // compared as text for equals/not_equals, as a number for above/below
};

struct Edge {
    QString to;                     // a node id
    std::optional<Outcome> on;      // none: either outcome
    std::optional<FieldTest> test;  // none: no test on the output
    int maxVisits = 0;              // 0: unbounded; else the edge is taken at most this many times in a run
    int line = 0;                   // in the file, for messages
};

// A template ("Research {{input.goal}}"): filled when the node runs, from the
// task's input ("input", "input.goal") and earlier nodes' outputs
// ("nodes.scout.output", "nodes.hawk.output.findings").
using Template = QString;

struct HttpRequest {
    QString method = QStringLiteral("GET"); // GET, POST, PUT, PATCH, DELETE
    Template url;
    QList<std::pair<QString, Template>> headers;
    Template body;
};

struct Node {
    QString id;
    NodeKind kind = NodeKind::Llm;
    int line = 0;
    QList<Edge> next; // tried in order; the first that holds is taken

    // llm: the agent and its prompt. json: the reply is read as a JSON object
    // (its "verdict" of "pass" or "fail" is the node's outcome, its fields
    // are what edges and later templates test).
    QString agent;
    Template prompt;
    bool jsonOutput = false;

    // tool: a shell command (sh -c, in the task's workspace; not a template,
    // so no input can be spliced into a shell: the input is in the
    // environment) or an HTTP request.
    QString command;
    std::optional<HttpRequest> http;
    int timeoutSeconds = ToolTimeoutSecondsDefault;
    qint64 outputBytesMax = ToolOutputBytesDefault;

    // gate: what the approver is shown.
    Template evidence;

    // simulate: the scenario's parameters (gpu::ScenarioParams' fields),
    // each value a template so the task's input can set it.
    QList<std::pair<QString, Template>> params;

    // board: the question put to the Shadow Board.
    Template question;
};

struct WorkflowDefinition {
    QString name;        // the file's base name
    QString description;
    QString source;      // where it was read from (":/workflows/default.yaml", a path)
    QByteArray text;     // the file as read: a run stores it and resumes on it
    std::optional<int> maxAttempts; // the task's attempts, when the workflow sets them
    QString start;       // the first node
    QList<Node> nodes;

    const Node *node(const QString &id) const;
};

} // namespace cabinet::orchestrator

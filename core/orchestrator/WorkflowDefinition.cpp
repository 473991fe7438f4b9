#include "orchestrator/WorkflowDefinition.h"

namespace cabinet::orchestrator {

namespace {

constexpr std::pair<NodeKind, const char *> KindNames[] = {
    { NodeKind::Llm, "llm" }, { NodeKind::Tool, "tool" }, { NodeKind::Gate, "gate" },
    { NodeKind::Simulate, "simulate" }, { NodeKind::Board, "board" },
};

} // namespace

QString nodeKindName(NodeKind kind)
{
    for (const auto &[k, name] : KindNames)
        if (k == kind)
            return QString::fromLatin1(name);
    return QStringLiteral("llm");
}

std::optional<NodeKind> nodeKindFromName(const QString &name)
{
    for (const auto &[kind, text] : KindNames)
        if (name == QLatin1StringView(text))
            return kind;
    return std::nullopt;
}

const Node *WorkflowDefinition::node(const QString &id) const
{
    for (const Node &n : nodes)
        if (n.id == id)
            return &n;
    return nullptr;
}

} // namespace cabinet::orchestrator

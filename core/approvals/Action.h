#pragma once

#include "Result.h"

#include <QJsonObject>
#include <QString>

#include <optional>

// What an agent wants to do, as the tier policy sees it, and the operating
// mode it is judged in (docs/approvals.md).
namespace cabinet::approvals {

enum class ActionKind { ToolRun, Deploy, Spend, Rollback, BudgetChange, ModeChange, BountyPayout };
inline constexpr ActionKind AllActionKinds[] = {
    ActionKind::ToolRun,      ActionKind::Deploy,     ActionKind::Spend,        ActionKind::Rollback,
    ActionKind::BudgetChange, ActionKind::ModeChange, ActionKind::BountyPayout,
};
// "tool_run", "deploy", ...
QString actionKindName(ActionKind kind);
std::optional<ActionKind> actionKindFromName(const QString &name);

// Sizes of an action's texts, checked when it is read.
inline constexpr qsizetype ActionTextBytesMax = 4 * 1024; // agent, environment, target: UTF-8
// The largest amount an action may carry: $1 billion in micro-USD.
inline constexpr qint64 AmountMicrosMax = 1'000'000'000'000'000;

struct Action {
    ActionKind kind = ActionKind::ToolRun;
    QString agent;
    QString environment;
    // The command, the path, or for a mode change the mode switched to.
    QString target;
    qint64 amountMicros = 0; // money the action spends or moves, micro-USD
    // The agent's per-call cap (its budget envelope, the costs issue), for
    // manual mode's floor on spending; absent: every spend is above it.
    std::optional<qint64> perCallCapMicros;
};

// Strict: every member known, kind required, amounts whole micro-USD in
// 0..AmountMicrosMax. The field at fault names the member.
Result<Action> actionFromJson(const QJsonObject &object);
QJsonObject actionJson(const Action &action);

// The operating mode (the costs issue keeps it in the store).
enum class Mode { Autonomous, Supervised, Manual, Paused };
QString modeName(Mode mode);
std::optional<Mode> modeFromName(const QString &name);

} // namespace cabinet::approvals

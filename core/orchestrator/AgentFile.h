#pragma once

#include "orchestrator/AgentDefinition.h"

#include <QSet>

#include <optional>

namespace cabinet::llm {
struct RouterSettings;
}

// One agent file read and checked (docs/agents.md): Markdown with a YAML
// front matter between two "---" lines; the body is the system prompt.
namespace cabinet::orchestrator {

// Limits, each checked before the work it would cost.
inline constexpr qint64 AgentFileBytesMax = 64 * 1024;   // checked before the file is read
inline constexpr qsizetype AgentBodyCharsMax = 32 * 1024; // the system prompt
inline constexpr int AgentSkillsMax = 32;
inline constexpr qsizetype AgentWordCharsMax = 64;        // a name, role or skill
inline constexpr qsizetype AgentModelCharsMax = 200;
inline constexpr double AgentTemperatureMax = 2.0;        // what OpenAI-compatible servers accept
inline constexpr qint64 AgentBudgetUsdMax = 100'000;      // per day or per call, whole dollars
inline constexpr int AgentBudgetDecimalsMax = 6;          // micro-USD is the unit: no rounding
inline constexpr double AgentVoteWeightMax = 10.0;        // board.vote_weight, above 0

struct AgentFileRead {
    AgentDefinition agent; // meaningful only without a problem
    std::optional<AgentProblem> problem; // the first thing wrong with the file
};

// Reads and checks the file at `path`. A model must be routable with
// `settings` (an alias, or provider/model on a provider that exists).
AgentFileRead readAgentFile(const QString &path, const llm::RouterSettings &settings);
// The same for text already read (`path` only names it in problems).
AgentFileRead parseAgentFile(const QString &path, const QByteArray &bytes, const llm::RouterSettings &settings);

// "1.25" -> 1'250'000: a non-negative decimal with at most six places,
// parsed exactly (never through a double); nothing when it does not read.
std::optional<qint64> parseMicroUsd(const QString &text);
// 1'250'000 -> "1.25" (at least two places).
QString formatMicroUsd(qint64 microUsd);

// The concrete provider/model a model name means ("cloud/mid" ->
// "sim/cloud-mid"), or nothing when it names no alias and no provider.
std::optional<QString> modelTarget(const llm::RouterSettings &settings, const QString &model);
// Every provider/model that can serve a call on one of `models`: each one's
// target and every target its fallback chains reach, transitively.
QSet<QString> reachableTargets(const llm::RouterSettings &settings, const QStringList &models);

} // namespace cabinet::orchestrator

#pragma once

#include "orchestrator/AgentDefinition.h"

#include <QString>
#include <QStringList>

#include <map>
#include <optional>
#include <vector>

namespace cabinet::llm {
struct RouterSettings;
}

namespace cabinet::orchestrator {

// The agents in force (docs/agents.md): the shipped files, compiled in under
// :/agents, then the data directory's agents/*.md, which add agents or
// override shipped ones by name. A file that does not load is reported with
// its path and line and keeps the version it had at the last load, if it
// had one; the other files load regardless. Lives on the core's thread.
class AgentRegistry {
public:
    static constexpr int AgentFilesMax = 256; // *.md files in one directory, counted before any is read
    // Hawk reviews what Rex builds, so it may never be served by Rex's model.
    static inline const QString ReviewerName = QStringLiteral("hawk");
    static inline const QString BuilderName = QStringLiteral("rex");
    static inline const QString ShippedDir = QStringLiteral(":/agents");

    // Reads both directories (either may be empty: none) and puts what loaded
    // in force. Returns the problems, which problems() keeps until the next load.
    std::vector<AgentProblem> load(const QString &resourceDir, const QString &dataDir, const llm::RouterSettings &settings);
    // load() again on the directories of the last load.
    std::vector<AgentProblem> reload(const llm::RouterSettings &settings);
    // The problems one file would have if it were loaded now, beside the
    // agents in force (the Hawk/Rex rule included). Changes nothing.
    std::vector<AgentProblem> check(const QString &path, const llm::RouterSettings &settings) const;

    const AgentDefinition *find(const QString &name) const;
    const std::vector<AgentDefinition> &all() const { return m_agents; } // by name
    QStringList names() const;                                          // sorted
    const std::vector<AgentProblem> &problems() const { return m_problems; }

    // Why `reviewer` may not review `builder`'s work, when it may not: a
    // provider/model serving the builder's model or fallback_model is one the
    // reviewer's models or their fallback chains can reach.
    static std::optional<AgentProblem> reviewerConflict(const AgentDefinition &reviewer, const AgentDefinition &builder,
                                                        const llm::RouterSettings &settings);

private:
    QString m_resourceDir;
    QString m_dataDir;
    std::map<QString, AgentDefinition> m_lastGood; // by path: what each file loaded as, the last time it did
    std::vector<AgentDefinition> m_agents;
    std::vector<AgentProblem> m_problems;
};

} // namespace cabinet::orchestrator

#include "orchestrator/AgentRegistry.h"

#include "orchestrator/AgentFile.h"

#include <QDirIterator>
#include <QFileInfo>

#include <algorithm>

namespace cabinet::orchestrator {

namespace {

// The *.md files of one directory, by name, or a problem when there are
// too many to read.
std::optional<AgentProblem> listFiles(const QString &dir, QStringList &files)
{
    QDirIterator it(dir, { QStringLiteral("*.md") }, QDir::Files);
    while (it.hasNext()) {
        files.append(it.next());
        if (files.size() > AgentRegistry::AgentFilesMax)
            return AgentProblem { dir, 0,
                                  QStringLiteral("more than %1 agent files; none of them is read (the versions loaded before stay in force)")
                                          .arg(AgentRegistry::AgentFilesMax),
                                  ErrorCode::ResourceExhausted };
    }
    files.sort();
    return std::nullopt;
}

} // namespace

std::vector<AgentProblem> AgentRegistry::load(const QString &resourceDir, const QString &dataDir, const llm::RouterSettings &settings)
{
    m_resourceDir = resourceDir;
    m_dataDir = dataDir;
    std::vector<AgentProblem> problems;
    std::map<QString, AgentDefinition> good;
    std::vector<AgentDefinition> loaded; // in load order: shipped first, each directory by file name
    for (const QString &dir : { resourceDir, dataDir }) {
        if (dir.isEmpty() || !QFileInfo::exists(dir))
            continue;
        const bool shipped = dir == resourceDir;
        QStringList files;
        if (!QFileInfo(dir).isDir()) {
            problems.push_back({ dir, 0, QStringLiteral("is not a directory") });
        } else if (auto tooMany = listFiles(dir, files)) {
            problems.push_back(*tooMany);
            files.clear();
            for (const auto &[path, agent] : m_lastGood)
                if (QFileInfo(path).absolutePath() == QFileInfo(dir).absoluteFilePath()) {
                    good[path] = agent;
                    loaded.push_back(agent);
                }
        }
        for (const QString &path : files) {
            AgentFileRead read = readAgentFile(path, settings);
            if (read.problem) {
                AgentProblem problem = *read.problem;
                const auto last = m_lastGood.find(path);
                if (last != m_lastGood.end())
                    problem.message += QStringLiteral(" (the version loaded before stays in force)");
                problems.push_back(problem);
                if (last == m_lastGood.end())
                    continue;
                read.agent = last->second;
            }
            read.agent.shipped = shipped;
            good[path] = read.agent;
            loaded.push_back(read.agent);
        }
    }

    // By name: a data directory's file overrides a shipped one; two files of
    // one directory with one name keep the first by file name.
    std::map<QString, AgentDefinition> byName;
    for (const AgentDefinition &agent : loaded) {
        auto it = byName.find(agent.name);
        if (it != byName.end() && it->second.shipped == agent.shipped) {
            problems.push_back({ agent.path, 0,
                                 QStringLiteral("agent %1 is defined already by %2; this file is ignored").arg(agent.name, it->second.path),
                                 ErrorCode::AlreadyExists });
            continue;
        }
        byName[agent.name] = agent;
    }
    const auto reviewer = byName.find(ReviewerName);
    const auto builder = byName.find(BuilderName);
    if (reviewer != byName.end() && builder != byName.end()) {
        if (auto conflict = reviewerConflict(reviewer->second, builder->second, settings)) {
            problems.push_back(*conflict);
            byName.erase(reviewer);
        }
    }

    m_agents.clear();
    for (auto &[name, agent] : byName)
        m_agents.push_back(std::move(agent));
    m_lastGood = std::move(good);
    m_problems = problems;
    return problems;
}

std::vector<AgentProblem> AgentRegistry::reload(const llm::RouterSettings &settings)
{
    return load(m_resourceDir, m_dataDir, settings);
}

std::vector<AgentProblem> AgentRegistry::check(const QString &path, const llm::RouterSettings &settings) const
{
    const AgentFileRead read = readAgentFile(path, settings);
    if (read.problem)
        return { *read.problem };
    std::optional<AgentProblem> conflict;
    if (read.agent.name == ReviewerName && find(BuilderName))
        conflict = reviewerConflict(read.agent, *find(BuilderName), settings);
    else if (read.agent.name == BuilderName && find(ReviewerName))
        conflict = reviewerConflict(*find(ReviewerName), read.agent, settings);
    if (conflict)
        return { *conflict };
    return {};
}

const AgentDefinition *AgentRegistry::find(const QString &name) const
{
    const auto it = std::lower_bound(m_agents.begin(), m_agents.end(), name,
                                     [](const AgentDefinition &agent, const QString &n) { return agent.name < n; });
    return it != m_agents.end() && it->name == name ? &*it : nullptr;
}

QStringList AgentRegistry::names() const
{
    QStringList names;
    for (const AgentDefinition &agent : m_agents)
        names.append(agent.name);
    return names;
}

std::optional<AgentProblem> AgentRegistry::reviewerConflict(const AgentDefinition &reviewer, const AgentDefinition &builder,
                                                            const llm::RouterSettings &settings)
{
    // The builder's own models only, not the chains behind them: every
    // default chain ends on local/fast, so two full chains always meet.
    QSet<QString> builds;
    for (const QString &model : { builder.model, builder.fallbackModel })
        if (auto target = modelTarget(settings, model))
            builds.insert(*target);
    const QSet<QString> reviews = reachableTargets(settings, { reviewer.model, reviewer.fallbackModel });
    QStringList shared = QStringList(builds.begin(), builds.end());
    shared.erase(std::remove_if(shared.begin(), shared.end(), [&](const QString &t) { return !reviews.contains(t); }), shared.end());
    if (shared.isEmpty())
        return std::nullopt;
    shared.sort();
    return AgentProblem { reviewer.path, reviewer.modelLine,
                          QStringLiteral("%1 may not be served by the model %2 builds with: %3 (%1's model %4%5, through the fallback chains; "
                                         "%2's model %6%7, in %8); %1 is not loaded")
                                  .arg(reviewer.name, builder.name, shared.join(QStringLiteral(", ")), reviewer.model,
                                       reviewer.fallbackModel.isEmpty() ? QString() : QStringLiteral(" and fallback_model ") + reviewer.fallbackModel,
                                       builder.model,
                                       builder.fallbackModel.isEmpty() ? QString() : QStringLiteral(" and fallback_model ") + builder.fallbackModel,
                                       builder.path),
                          ErrorCode::RefusedByPolicy };
}

} // namespace cabinet::orchestrator

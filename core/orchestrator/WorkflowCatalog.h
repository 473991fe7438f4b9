#pragma once

#include "orchestrator/WorkflowParser.h"
#include "service/Service.h"

#include <QDateTime>
#include <QMap>
#include <QSet>
#include <QString>

#include <functional>
#include <optional>

namespace cabinet::orchestrator {

// Workflow files in a catalogue, at most this many in <data-dir>/workflows/
// (the ones past it are reported, not read).
inline constexpr int WorkflowFilesMax = 256;

// The workflows in force: the ones compiled in (":/workflows/*.yaml", from
// resources/workflows/) and the ones in <data-dir>/workflows/, which add to
// them or override one of the same name. Files are read again when they
// change (size or time), on every refresh(): a file that no longer reads
// keeps the version that was in force (or the compiled-in one of its name)
// and its problem is reported beside it. When the agents' names change,
// every file is checked again. The core's thread only.
class WorkflowCatalog : public Service {
public:
    // The names of the agents an llm node may name: asked at every refresh,
    // so the catalogue needs nothing of the agent registry.
    using AgentNames = std::function<QSet<QString>()>;

    WorkflowCatalog(QString dataDir, AgentNames agents);

    QString name() const override { return QStringLiteral("workflows"); }
    Status start() override;

    struct Entry {
        QString name;
        std::optional<WorkflowDefinition> definition; // in force; none when no version of it reads
        std::optional<WorkflowProblem> problem;       // of its newest file, when that does not read
        bool overridden = false; // a data-directory file of this name stands before the compiled-in one
    };

    // Reads what changed since the last refresh. Cheap when nothing did (one
    // listing of the folder).
    void refresh();
    // Every workflow by name (after a refresh).
    QList<Entry> entries();
    // The entry of that name, or null.
    const Entry *find(const QString &name);
    // Checks a file's text as it would load from `path`, against the agents
    // known now; loads nothing.
    WorkflowParse check(const QByteArray &text, const QString &path) const;

    QString folder() const { return m_folder; }

private:
    struct FileState {
        qint64 size = -1;
        QDateTime modified;
        WorkflowParse parse;
    };

    QString m_folder;
    AgentNames m_agents;
    bool m_loaded = false;
    QMap<QString, WorkflowParse> m_builtIn;  // by name, read once
    QMap<QString, FileState> m_files;        // <data-dir>/workflows/ by path
    QMap<QString, Entry> m_entries;          // by name
    QSet<QString> m_agentSet;                // the names the files were checked against
};

} // namespace cabinet::orchestrator

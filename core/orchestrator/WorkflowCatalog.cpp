#include "orchestrator/WorkflowCatalog.h"

#include <QDir>
#include <QDirIterator>
#include <QFileInfo>

namespace cabinet::orchestrator {

WorkflowCatalog::WorkflowCatalog(QString dataDir, AgentNames agents)
    : m_folder(QDir(dataDir).filePath(QStringLiteral("workflows"))), m_agents(std::move(agents))
{
}

Status WorkflowCatalog::start()
{
    refresh();
    return {};
}

void WorkflowCatalog::refresh()
{
    const QSet<QString> agents = m_agents();
    const WorkflowParser parser(agents);
    if (!m_loaded || agents != m_agentSet) {
        m_builtIn.clear();
        m_files.clear();
        QDirIterator it(QStringLiteral(":/workflows"), { QStringLiteral("*.yaml") }, QDir::Files);
        while (it.hasNext()) {
            const QString path = it.next();
            m_builtIn.insert(WorkflowParser::nameForFile(path), parser.parseFile(path));
        }
        m_agentSet = agents;
        m_loaded = true;
    }

    // The folder, a file read again only when its size or time moved.
    QMap<QString, FileState> files;
    const QFileInfoList listed = QDir(m_folder).entryInfoList({ QStringLiteral("*.yaml") }, QDir::Files, QDir::Name);
    for (qsizetype i = 0; i < listed.size(); ++i) {
        const QFileInfo &info = listed[i];
        const QString path = info.filePath();
        FileState state;
        state.size = info.size();
        state.modified = info.lastModified();
        if (i >= WorkflowFilesMax) {
            state.parse.problem = { path, 0, {}, {},
                                    QStringLiteral("not read: %1 holds more than %2 workflow files").arg(m_folder).arg(WorkflowFilesMax) };
        } else if (const auto old = m_files.constFind(path);
                   old != m_files.constEnd() && old->size == state.size && old->modified == state.modified) {
            state.parse = old->parse;
        } else {
            state.parse = parser.parseFile(path);
        }
        files.insert(path, std::move(state));
    }
    m_files = std::move(files);

    QMap<QString, const WorkflowParse *> fromFolder;
    for (auto it = m_files.constBegin(); it != m_files.constEnd(); ++it) {
        const QString name = WorkflowParser::nameForFile(it.key());
        fromFolder.insert(name.isEmpty() ? QFileInfo(it.key()).fileName() : name, &it->parse);
    }
    QSet<QString> names(m_builtIn.keyBegin(), m_builtIn.keyEnd());
    for (auto it = fromFolder.keyBegin(); it != fromFolder.keyEnd(); ++it)
        names.insert(*it);

    QMap<QString, Entry> entries;
    for (const QString &name : names) {
        Entry entry;
        entry.name = name;
        const WorkflowParse *builtIn = m_builtIn.contains(name) ? &m_builtIn[name] : nullptr;
        const WorkflowParse *file = fromFolder.value(name);
        const WorkflowParse *newest = file ? file : builtIn;
        entry.overridden = file && builtIn;
        if (newest->ok()) {
            entry.definition = newest->workflow;
        } else {
            entry.problem = newest->problem;
            // The version in force stays; else the compiled-in one, when it reads.
            if (const auto old = m_entries.constFind(name); old != m_entries.constEnd() && old->definition)
                entry.definition = old->definition;
            else if (builtIn && builtIn != newest && builtIn->ok())
                entry.definition = builtIn->workflow;
        }
        entries.insert(name, std::move(entry));
    }
    m_entries = std::move(entries);
}

QList<WorkflowCatalog::Entry> WorkflowCatalog::entries()
{
    refresh();
    return m_entries.values();
}

const WorkflowCatalog::Entry *WorkflowCatalog::find(const QString &name)
{
    refresh();
    const auto it = m_entries.constFind(name);
    return it == m_entries.constEnd() ? nullptr : &*it;
}

WorkflowParse WorkflowCatalog::check(const QByteArray &text, const QString &path) const
{
    return WorkflowParser(m_agents()).parseNamed(text, path);
}

} // namespace cabinet::orchestrator

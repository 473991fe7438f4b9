// The workflow catalogue: the compiled-in workflows, the data directory's
// files adding to and overriding them, a bad new file keeping the version in
// force, files read again only when they change.
#include "orchestrator/WorkflowCatalog.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace cabinet;
using namespace cabinet::orchestrator;

namespace {

QSet<QString> agents()
{
    return { QStringLiteral("scout"), QStringLiteral("rex"), QStringLiteral("hawk"), QStringLiteral("forge") };
}

QByteArray flow(const QString &description)
{
    return "description: " + description.toUtf8() + "\nnodes:\n  - id: only\n    kind: gate\n";
}

void write(const QString &path, const QByteArray &text)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(file.write(text), text.size());
    file.close();
    // A new time, so the change is seen within the file system's time grain.
    static int tick = 0;
    QVERIFY(file.open(QIODevice::ReadWrite));
    QVERIFY(file.setFileTime(QDateTime::currentDateTimeUtc().addSecs(++tick), QFileDevice::FileModificationTime));
}

} // namespace

class TestWorkflowCatalog : public QObject {
    Q_OBJECT
private slots:
    void builtIn()
    {
        QTemporaryDir dir;
        WorkflowCatalog catalog(dir.path(), agents);
        QVERIFY(catalog.start());
        const auto *entry = catalog.find(QStringLiteral("default"));
        QVERIFY(entry);
        QVERIFY(entry->definition);
        QVERIFY(!entry->problem);
        QVERIFY(!entry->overridden);
        QCOMPARE(entry->definition->source, QStringLiteral(":/workflows/default.yaml"));
        QVERIFY(!catalog.find(QStringLiteral("missing")));
    }

    // Without the agents it names, the shipped pipeline does not load, and says so.
    void builtInWithoutAgents()
    {
        QTemporaryDir dir;
        WorkflowCatalog catalog(dir.path(), [] { return QSet<QString>(); });
        const auto *entry = catalog.find(QStringLiteral("default"));
        QVERIFY(entry);
        QVERIFY(!entry->definition);
        QVERIFY(entry->problem);
        QCOMPARE(entry->problem->field, QStringLiteral("agent"));
    }

    void dataDirectory()
    {
        QTemporaryDir dir;
        WorkflowCatalog catalog(dir.path(), agents);
        const QString own = dir.filePath(QStringLiteral("workflows/mine.yaml"));
        const QString over = dir.filePath(QStringLiteral("workflows/default.yaml"));

        // One added, one overriding the shipped one.
        write(own, flow(QStringLiteral("v1")));
        write(over, flow(QStringLiteral("mine instead")));
        QCOMPARE(catalog.entries().size(), 2);
        QCOMPARE(catalog.find(QStringLiteral("mine"))->definition->description, QStringLiteral("v1"));
        const auto *def = catalog.find(QStringLiteral("default"));
        QVERIFY(def->overridden);
        QCOMPARE(def->definition->description, QStringLiteral("mine instead"));
        QCOMPARE(def->definition->source, over);

        // A bad new version keeps v1 in force, with the problem beside it.
        write(own, "nodes:\n  - id: only\n    kind: nonsense\n");
        const auto *mine = catalog.find(QStringLiteral("mine"));
        QCOMPARE(mine->definition->description, QStringLiteral("v1"));
        QVERIFY(mine->problem);
        QCOMPARE(mine->problem->line, 3);
        QCOMPARE(mine->problem->node, QStringLiteral("only"));
        QCOMPARE(mine->problem->source, own);
        // Still bad, still v1 (the file is not read again: it did not change).
        QCOMPARE(catalog.find(QStringLiteral("mine"))->definition->description, QStringLiteral("v1"));
        // Mended: v2 in force, no problem.
        write(own, flow(QStringLiteral("v2")));
        mine = catalog.find(QStringLiteral("mine"));
        QCOMPARE(mine->definition->description, QStringLiteral("v2"));
        QVERIFY(!mine->problem);

        // A bad override keeps the override that was in force.
        write(over, "nodes: 3\n");
        def = catalog.find(QStringLiteral("default"));
        QCOMPARE(def->definition->description, QStringLiteral("mine instead"));
        QCOMPARE(def->problem->field, QStringLiteral("nodes"));
        // Removed: the shipped one is back.
        QVERIFY(QFile::remove(over));
        def = catalog.find(QStringLiteral("default"));
        QVERIFY(!def->overridden);
        QVERIFY(!def->problem);
        QCOMPARE(def->definition->source, QStringLiteral(":/workflows/default.yaml"));
        QVERIFY(QFile::remove(own));
        QVERIFY(!catalog.find(QStringLiteral("mine")));
    }

    // A bad override met first (nothing of it in force yet): the shipped one
    // stays in force, and the problem is reported.
    void badOverrideAtFirstLoad()
    {
        QTemporaryDir dir;
        write(dir.filePath(QStringLiteral("workflows/default.yaml")), "nodes: [");
        WorkflowCatalog catalog(dir.path(), agents);
        const auto *def = catalog.find(QStringLiteral("default"));
        QVERIFY(def->overridden);
        QVERIFY(def->problem);
        QCOMPARE(def->definition->source, QStringLiteral(":/workflows/default.yaml"));
    }

    // A file whose name is not a workflow name is listed with its problem.
    void badFileName()
    {
        QTemporaryDir dir;
        write(dir.filePath(QStringLiteral("workflows/Bad Name.yaml")), flow(QStringLiteral("x")));
        WorkflowCatalog catalog(dir.path(), agents);
        const auto *bad = catalog.find(QStringLiteral("Bad Name.yaml"));
        QVERIFY(bad);
        QVERIFY(!bad->definition);
        QVERIFY(bad->problem);
    }

    // Files past the limit are reported, not read.
    void fileLimit()
    {
        QTemporaryDir dir;
        for (int i = 0; i <= WorkflowFilesMax; ++i)
            write(dir.filePath(QStringLiteral("workflows/f%1.yaml").arg(i, 3, 10, QLatin1Char('0'))), flow(QStringLiteral("x")));
        WorkflowCatalog catalog(dir.path(), agents);
        QCOMPARE(catalog.entries().size(), WorkflowFilesMax + 2); // and default
        const auto *last = catalog.find(QStringLiteral("f%1").arg(WorkflowFilesMax, 3, 10, QLatin1Char('0')));
        QVERIFY(last && !last->definition && last->problem);
        QVERIFY(catalog.find(QStringLiteral("f000"))->definition);
    }

    // When the agents change, every file is checked again.
    void agentsChange()
    {
        QTemporaryDir dir;
        QSet<QString> known = agents();
        WorkflowCatalog catalog(dir.path(), [&known] { return known; });
        QVERIFY(catalog.find(QStringLiteral("default"))->definition);
        known.remove(QStringLiteral("forge"));
        const auto *def = catalog.find(QStringLiteral("default"));
        QVERIFY(def->problem);
        QCOMPARE(def->problem->node, QStringLiteral("deploy"));
        QVERIFY(def->definition); // the version in force stays
    }

    void check()
    {
        QTemporaryDir dir;
        WorkflowCatalog catalog(dir.path(), agents);
        QVERIFY(catalog.check(flow(QStringLiteral("x")), QStringLiteral("/some/where/x.yaml")).ok());
        QVERIFY(!catalog.check(flow(QStringLiteral("x")), QStringLiteral("/some/where/X.yml")).ok());
        const WorkflowParse bad = catalog.check("nodes:\n  - {id: a, kind: llm, agent: kev, prompt: p}\n", QStringLiteral("x.yaml"));
        QVERIFY(!bad.ok());
        QCOMPARE(bad.problem.field, QStringLiteral("agent"));
        QCOMPARE(catalog.entries().size(), 1); // nothing loaded
    }
};

QTEST_GUILESS_MAIN(TestWorkflowCatalog)
#include "tst_workflowcatalog.moc"

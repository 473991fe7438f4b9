// cabinet workflows list | show NAME | check FILE: the workflow graphs in
// force and their files' problems, through the workflows.* operations
// (docs/workflows.md).
#include "QuotedInput.h"
#include "api/JsonText.h"
#include "cli/Command.h"
#include "orchestrator/WorkflowDefinition.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace cabinet::cli {

namespace {

const QCommandLineOption JsonOption(QStringLiteral("json"), QStringLiteral("Print the operation's JSON result as it is."));

int printJson(Context &context, const QByteArray &json)
{
    context.out << QString::fromUtf8(json) << '\n';
    context.out.flush();
    return Ok;
}

QString problemText(const QJsonObject &problem)
{
    return escapeInput(problem.value(QStringLiteral("message")).toString());
}

// The graph, one node a line with where its edges go.
void printGraph(Context &context, const QJsonObject &workflow)
{
    context.out << "workflow:    " << escapeInput(workflow.value(QStringLiteral("name")).toString()) << '\n'
                << "source:      " << escapeInput(workflow.value(QStringLiteral("source")).toString()) << '\n';
    if (const QString description = workflow.value(QStringLiteral("description")).toString(); !description.isEmpty())
        context.out << "description: " << escapeInput(description) << '\n';
    context.out << "start:       " << workflow.value(QStringLiteral("start")).toString() << '\n';
    for (const QJsonValue &value : workflow.value(QStringLiteral("nodes")).toArray()) {
        const QJsonObject node = value.toObject();
        QString what = node.value(QStringLiteral("kind")).toString();
        if (node.contains(QStringLiteral("agent")))
            what += QStringLiteral(" (") + escapeInput(node.value(QStringLiteral("agent")).toString()) + u')';
        QStringList edges;
        for (const QJsonValue &e : node.value(QStringLiteral("next")).toArray()) {
            const QJsonObject edge = e.toObject();
            QString text = edge.value(QStringLiteral("to")).toString();
            QStringList conditions;
            if (edge.contains(QStringLiteral("on")))
                conditions << QStringLiteral("on ") + edge.value(QStringLiteral("on")).toString();
            if (edge.contains(QStringLiteral("when"))) {
                const QJsonObject when = edge.value(QStringLiteral("when")).toObject();
                for (auto it = when.begin(); it != when.end(); ++it)
                    if (it.key() != QLatin1StringView("field"))
                        conditions << escapeInput(when.value(QStringLiteral("field")).toString()) + u' ' + it.key() + u' '
                                        + escapeInput(it.value().toString());
            }
            if (edge.contains(QStringLiteral("max_visits")))
                conditions << QStringLiteral("at most %1 times").arg(edge.value(QStringLiteral("max_visits")).toInt());
            if (!conditions.isEmpty())
                text += QStringLiteral(" [") + conditions.join(QStringLiteral(", ")) + u']';
            edges << text;
        }
        context.out << "  " << node.value(QStringLiteral("id")).toString().leftJustified(20) << ' ' << what.leftJustified(16) << " -> "
                    << (edges.isEmpty() ? QStringLiteral("(end)") : edges.join(QStringLiteral("; "))) << '\n';
    }
}

int list(Context &context, QCommandLineParser &parser)
{
    if (!parser.positionalArguments().isEmpty())
        return fail(context, QStringLiteral("workflows list takes no arguments"), Usage);
    auto result = callOperation(context, QStringLiteral("workflows.list"), "{}");
    if (!result)
        return fail(context, result.error());
    if (parser.isSet(JsonOption))
        return printJson(context, *result);
    const QJsonObject answer = QJsonDocument::fromJson(*result).object();
    for (const QJsonValue &value : answer.value(QStringLiteral("workflows")).toArray()) {
        const QJsonObject entry = value.toObject();
        const QString name = escapeInput(entry.value(QStringLiteral("name")).toString());
        if (entry.value(QStringLiteral("loaded")).toBool())
            context.out << name.leftJustified(20) << ' ' << QStringLiteral("%1 nodes").arg(entry.value(QStringLiteral("nodes")).toInt()).leftJustified(9)
                        << ' ' << escapeInput(entry.value(QStringLiteral("source")).toString()) << '\n';
        else
            context.out << name.leftJustified(20) << " not loaded\n";
        if (entry.contains(QStringLiteral("problem")))
            context.out << "  problem: " << problemText(entry.value(QStringLiteral("problem")).toObject())
                        << (entry.value(QStringLiteral("loaded")).toBool() ? QStringLiteral(" (the version above stays in force)") : QString()) << '\n';
    }
    context.out.flush();
    return Ok;
}

int show(Context &context, QCommandLineParser &parser)
{
    if (parser.positionalArguments().size() != 1)
        return fail(context, QStringLiteral("workflows show takes one workflow NAME"), Usage);
    auto result = callOperation(context, QStringLiteral("workflows.get"), "{\"name\":" + api::jsonString(parser.positionalArguments().first()) + '}');
    if (!result)
        return fail(context, result.error());
    if (parser.isSet(JsonOption))
        return printJson(context, *result);
    const QJsonObject answer = QJsonDocument::fromJson(*result).object();
    if (answer.value(QStringLiteral("workflow")).isObject())
        printGraph(context, answer.value(QStringLiteral("workflow")).toObject());
    else
        context.out << "workflow " << escapeInput(answer.value(QStringLiteral("name")).toString()) << ": no version of it loads\n";
    if (answer.contains(QStringLiteral("problem")))
        context.out << "problem: " << problemText(answer.value(QStringLiteral("problem")).toObject()) << '\n';
    context.out.flush();
    return Ok;
}

// Reads the file here (a workflow file is small: its size is checked before
// it is read) and has the owner check it against the agents in force.
int check(Context &context, QCommandLineParser &parser)
{
    if (parser.positionalArguments().size() != 1)
        return fail(context, QStringLiteral("workflows check takes one FILE"), Usage);
    const QString path = parser.positionalArguments().first();
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(context, QStringLiteral("cannot read %1: %2").arg(quoteInput(path), file.errorString()));
    if (file.size() > orchestrator::WorkflowFileBytesMax)
        return fail(context, QStringLiteral("%1 is %2 bytes; a workflow may be at most %3")
                                     .arg(quoteInput(path))
                                     .arg(file.size())
                                     .arg(orchestrator::WorkflowFileBytesMax));
    const QByteArray text = file.read(orchestrator::WorkflowFileBytesMax + 1);
    auto result = callOperation(context, QStringLiteral("workflows.check"),
                                "{\"file\":" + api::jsonString(path) + ",\"text\":" + api::jsonString(QString::fromUtf8(text)) + '}');
    if (!result)
        return fail(context, result.error());
    const QJsonObject answer = QJsonDocument::fromJson(*result).object();
    const bool ok = answer.value(QStringLiteral("ok")).toBool();
    if (parser.isSet(JsonOption)) {
        printJson(context, *result);
        return ok ? Ok : Failure;
    }
    if (!ok)
        return fail(context, problemText(answer.value(QStringLiteral("problem")).toObject()));
    printGraph(context, answer.value(QStringLiteral("workflow")).toObject());
    context.out << "ok\n";
    context.out.flush();
    return Ok;
}

} // namespace

std::vector<Command> workflowCommands()
{
    auto word = [](const char *verb) { return QStringList { QStringLiteral("workflows"), QString::fromLatin1(verb) }; };
    auto json = [](QCommandLineParser &parser) { parser.addOption(JsonOption); };
    return {
        { word("list"), {}, QStringLiteral("List the workflows in force and every file that does not load, with its line."), json, list },
        { word("show"), QStringLiteral("NAME"), QStringLiteral("Show one workflow's graph: its nodes, their kinds and agents, and their edges."),
          [](QCommandLineParser &parser) {
              parser.addPositionalArgument(QStringLiteral("name"), QStringLiteral("The workflow's name (as 'workflows list' shows it)."));
              parser.addOption(JsonOption);
          },
          show },
        { word("check"), QStringLiteral("FILE"),
          QStringLiteral("Check a workflow file before putting it in <data-dir>/workflows/: exit 1 with its problem (file, line, node)."),
          [](QCommandLineParser &parser) {
              parser.addPositionalArgument(QStringLiteral("file"), QStringLiteral("The workflow file (NAME.yaml)."));
              parser.addOption(JsonOption);
          },
          check },
    };
}

} // namespace cabinet::cli

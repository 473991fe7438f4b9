// cabinet agents list | show NAME | check [FILE]: the agents in force and the
// problems of their files, each as path:line: message (docs/agents.md).
#include "QuotedInput.h"
#include "api/JsonText.h"
#include "cli/Command.h"
#include "orchestrator/AgentFile.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace cabinet::cli {

namespace {

const QCommandLineOption JsonOption(QStringLiteral("json"), QStringLiteral("Print the operation's result as JSON."));

QString usd(const QJsonValue &microUsd) { return QStringLiteral("$") + orchestrator::formatMicroUsd(microUsd.toInteger()); }

// Every problem as path:line: message; Failure when there is one.
int printProblems(Context &context, const QJsonArray &problems)
{
    for (const QJsonValue &value : problems) {
        const QJsonObject p = value.toObject();
        const int line = p.value(QStringLiteral("line")).toInt();
        context.out << escapeInput(p.value(QStringLiteral("path")).toString()) << (line > 0 ? QStringLiteral(":%1").arg(line) : QString())
                    << ": " << escapeInput(p.value(QStringLiteral("message")).toString()) << '\n';
    }
    context.out.flush();
    return problems.isEmpty() ? Ok : Failure;
}

int printJson(Context &context, const QByteArray &json)
{
    context.out << QString::fromUtf8(json) << '\n';
    context.out.flush();
    return QJsonDocument::fromJson(json).object().value(QStringLiteral("problems")).toArray().isEmpty() ? Ok : Failure;
}

int list(Context &context, QCommandLineParser &parser)
{
    auto result = callOperation(context, QStringLiteral("agents.list"), "{}", ConfigUse::Read);
    if (!result)
        return fail(context, result.error());
    if (parser.isSet(JsonOption))
        return printJson(context, *result);
    const QJsonObject answer = QJsonDocument::fromJson(*result).object();
    for (const QJsonValue &value : answer.value(QStringLiteral("agents")).toArray()) {
        const QJsonObject a = value.toObject();
        const QJsonObject budget = a.value(QStringLiteral("budget")).toObject();
        QString models = a.value(QStringLiteral("model")).toString();
        if (a.value(QStringLiteral("fallback_model")).isString())
            models += QStringLiteral(", then ") + a.value(QStringLiteral("fallback_model")).toString();
        context.out << a.value(QStringLiteral("name")).toString().leftJustified(8) << ' ' << a.value(QStringLiteral("role")).toString().leftJustified(13)
                    << ' ' << models.leftJustified(32) << " t=" << QString::number(a.value(QStringLiteral("temperature")).toDouble(), 'f', 1)
                    << "  " << usd(budget.value(QStringLiteral("daily_micro_usd"))) << "/day, " << usd(budget.value(QStringLiteral("per_call_micro_usd")))
                    << "/call" << (a.value(QStringLiteral("source")).toString() == QLatin1String("data_dir") ? "  (data directory)" : "") << '\n';
    }
    return printProblems(context, answer.value(QStringLiteral("problems")).toArray());
}

int show(Context &context, QCommandLineParser &parser)
{
    if (parser.positionalArguments().size() != 1)
        return fail(context, QStringLiteral("agents show takes one agent NAME"), Usage);
    auto result = callOperation(context, QStringLiteral("agents.get"), "{\"name\":" + api::jsonString(parser.positionalArguments().first()) + '}',
                                ConfigUse::Read);
    if (!result)
        return fail(context, result.error());
    if (parser.isSet(JsonOption))
        return printJson(context, *result);
    const QJsonObject a = QJsonDocument::fromJson(*result).object();
    const QJsonObject budget = a.value(QStringLiteral("budget")).toObject();
    auto line = [&](const char *label, const QString &value) { context.out << QLatin1StringView(label) << value << '\n'; };
    QStringList targets;
    for (const QJsonValue &t : a.value(QStringLiteral("targets")).toArray())
        targets << t.toString();
    line("name:           ", a.value(QStringLiteral("name")).toString());
    line("role:           ", a.value(QStringLiteral("role")).toString());
    line("model:          ", a.value(QStringLiteral("model")).toString());
    line("fallback_model: ", a.value(QStringLiteral("fallback_model")).isString() ? a.value(QStringLiteral("fallback_model")).toString() : QStringLiteral("none"));
    line("served by:      ", targets.join(QStringLiteral(", ")));
    line("skills:         ", a.value(QStringLiteral("skills")).toVariant().toStringList().join(QStringLiteral(", ")));
    line("temperature:    ", QString::number(a.value(QStringLiteral("temperature")).toDouble()));
    line("budget:         ", usd(budget.value(QStringLiteral("daily_micro_usd"))) + QStringLiteral(" a day, ")
                                     + usd(budget.value(QStringLiteral("per_call_micro_usd"))) + QStringLiteral(" a call"));
    line("file:           ", escapeInput(a.value(QStringLiteral("path")).toString())
                                     + (a.value(QStringLiteral("source")).toString() == QLatin1String("shipped") ? QStringLiteral(" (shipped)") : QString()));
    context.out << "\n" << a.value(QStringLiteral("system_prompt")).toString() << '\n';
    context.out.flush();
    return Ok;
}

int check(Context &context, QCommandLineParser &parser)
{
    const QStringList args = parser.positionalArguments();
    if (args.size() > 1)
        return fail(context, QStringLiteral("agents check takes at most one FILE"), Usage);
    // Absolute: the core that reads it may be an owner in another directory.
    const QByteArray params = args.isEmpty() ? QByteArray("{}") : "{\"path\":" + api::jsonString(QDir::current().absoluteFilePath(args.first())) + '}';
    auto result = callOperation(context, QStringLiteral("agents.check"), params, ConfigUse::Read);
    if (!result)
        return fail(context, result.error());
    if (parser.isSet(JsonOption))
        return printJson(context, *result);
    const QJsonArray problems = QJsonDocument::fromJson(*result).object().value(QStringLiteral("problems")).toArray();
    if (problems.isEmpty()) {
        context.out << (args.isEmpty() ? QStringLiteral("every agent file loads") : escapeInput(args.first()) + QStringLiteral(": loads")) << '\n';
        context.out.flush();
    }
    return printProblems(context, problems);
}

} // namespace

std::vector<Command> agentCommands()
{
    auto word = [](const char *verb) { return QStringList { QStringLiteral("agents"), QString::fromLatin1(verb) }; };
    return {
        { word("list"), {}, QStringLiteral("The agents in force (model, fallback, temperature, budget), then every problem of their files; exit 1 when there is one."),
          [](QCommandLineParser &parser) { parser.addOption(JsonOption); }, list },
        { word("show"), QStringLiteral("NAME"), QStringLiteral("One agent: its models and what serves them, skills, budget, file and system prompt."),
          [](QCommandLineParser &parser) {
              parser.addPositionalArgument(QStringLiteral("name"), QStringLiteral("The agent's name, as 'agents list' shows it."));
              parser.addOption(JsonOption);
          },
          show },
        { word("check"), QStringLiteral("[FILE]"),
          QStringLiteral("The problems of the agent files as loaded, or of one FILE as a load would find them; exit 1 when there is one."),
          [](QCommandLineParser &parser) {
              parser.addPositionalArgument(QStringLiteral("file"), QStringLiteral("An agent file to check (default: the files as loaded)."), QStringLiteral("[FILE]"));
              parser.addOption(JsonOption);
          },
          check },
    };
}

} // namespace cabinet::cli

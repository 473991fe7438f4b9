// cabinet task submit | list | show | step | until | pause | resume | cancel | retry:
// the task queue through its operations (docs/orchestrator.md), so each
// works beside a running console or server (writes go to its socket).
#include "QuotedInput.h"
#include "api/JsonText.h"
#include "cli/Command.h"
#include "orchestrator/TaskTypes.h"

#include <QDateTime>
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

QString timeText(qint64 ms)
{
    return ms == 0 ? QStringLiteral("-") : QDateTime::fromMSecsSinceEpoch(ms).toString(Qt::ISODateWithMs);
}

// One line about a task: what an operator scans for.
QString summaryLine(const QJsonObject &task)
{
    QString state = task.value(QStringLiteral("state")).toString();
    if (task.value(QStringLiteral("paused")).toBool())
        state += QStringLiteral(" (paused)");
    return QStringLiteral("%1  %2  %3/%4  %5  %6")
            .arg(task.value(QStringLiteral("id")).toString(), state.leftJustified(26))
            .arg(task.value(QStringLiteral("attempts")).toInteger())
            .arg(task.value(QStringLiteral("max_attempts")).toInteger())
            .arg(escapeInput(task.value(QStringLiteral("workflow")).toString()).leftJustified(16),
                 escapeInput(task.value(QStringLiteral("title")).toString()));
}

// The workflow run's partial results: one line per node visit.
void showRun(Context &context, const QJsonValue &value)
{
    if (!value.isObject()) {
        context.out << "run:          not started\n";
        return;
    }
    const QJsonObject run = value.toObject();
    QString head = QStringLiteral("%1 (%2), cost %3 micro-USD")
                           .arg(escapeInput(run.value(QStringLiteral("workflow")).toString()), run.value(QStringLiteral("state")).toString())
                           .arg(run.value(QStringLiteral("cost_micros")).toInteger());
    if (const QString hold = run.value(QStringLiteral("hold")).toString(); !hold.isEmpty())
        head += hold == QLatin1StringView("*") ? QStringLiteral(", pausing after the next node") : QStringLiteral(", pausing before ") + escapeInput(hold);
    context.out << "run:          " << head << '\n';
    if (const QString error = run.value(QStringLiteral("error")).toString(); !error.isEmpty())
        context.out << "run error:    " << escapeInput(error) << '\n';
    for (const QJsonValue &entry : run.value(QStringLiteral("nodes")).toArray()) {
        const QJsonObject node = entry.toObject();
        const qint64 started = node.value(QStringLiteral("started_ms")).toInteger();
        const qint64 finished = node.value(QStringLiteral("finished_ms")).toInteger();
        QString output = QString::fromUtf8(QJsonDocument(QJsonArray { node.value(QStringLiteral("output")) }).toJson(QJsonDocument::Compact));
        output = output.mid(1, output.size() - 2);
        if (output.size() > 120)
            output = output.left(117) + QStringLiteral("...");
        context.out << QStringLiteral("  %1. %2 #%3  %4%5  %6 ms  %7 micro-USD  key %8")
                               .arg(node.value(QStringLiteral("seq")).toInteger())
                               .arg(escapeInput(node.value(QStringLiteral("node")).toString()))
                               .arg(node.value(QStringLiteral("visit")).toInteger())
                               .arg(node.value(QStringLiteral("state")).toString(),
                                    node.value(QStringLiteral("outcome")).isString() ? u' ' + node.value(QStringLiteral("outcome")).toString() : QString())
                               .arg(started && finished ? finished - started : 0)
                               .arg(node.value(QStringLiteral("cost_micros")).toInteger())
                               .arg(escapeInput(node.value(QStringLiteral("idempotency_key")).toString()))
                    << '\n';
        if (const QString error = node.value(QStringLiteral("error")).toString(); !error.isEmpty())
            context.out << "     error: " << escapeInput(error) << '\n';
        else if (output != QLatin1StringView("null"))
            context.out << "     output: " << escapeInput(output) << '\n';
    }
}

int showTask(Context &context, const QByteArray &json)
{
    const QJsonObject task = QJsonDocument::fromJson(json).object();
    auto line = [&](const char *label, const QString &value) { context.out << QLatin1StringView(label) << value << '\n'; };
    line("id:           ", task.value(QStringLiteral("id")).toString());
    line("title:        ", escapeInput(task.value(QStringLiteral("title")).toString()));
    line("workflow:     ", escapeInput(task.value(QStringLiteral("workflow")).toString()));
    line("state:        ", task.value(QStringLiteral("state")).toString()
                                   + (task.value(QStringLiteral("paused")).toBool() ? QStringLiteral(" (paused: not claimed until resumed)") : QString()));
    line("attempts:     ", QStringLiteral("%1 of %2 (backoff from %3 ms)")
                                   .arg(task.value(QStringLiteral("attempts")).toInteger())
                                   .arg(task.value(QStringLiteral("max_attempts")).toInteger())
                                   .arg(task.value(QStringLiteral("backoff_ms")).toInteger()));
    if (const qint64 losses = task.value(QStringLiteral("lease_losses")).toInteger())
        line("leases lost:  ", QString::number(losses));
    const QJsonValue lease = task.value(QStringLiteral("lease"));
    if (lease.isObject())
        line("lease:        ", QStringLiteral("worker %1 (token %2), expires %3")
                                       .arg(escapeInput(lease[QStringLiteral("worker")].toString()))
                                       .arg(lease[QStringLiteral("token")].toInteger())
                                       .arg(timeText(lease[QStringLiteral("expires_ms")].toInteger())));
    if (task.value(QStringLiteral("state")).toString() == QLatin1StringView("pending"))
        line("claimable at: ", timeText(task.value(QStringLiteral("not_before_ms")).toInteger()));
    if (const QString key = task.value(QStringLiteral("idempotency_key")).toString(); !key.isEmpty())
        line("idempotency:  ", escapeInput(key));
    if (const QString error = task.value(QStringLiteral("last_error")).toString(); !error.isEmpty())
        line("last error:   ", escapeInput(error));
    line("submitted by: ", escapeInput(task.value(QStringLiteral("submitted_by")).toString()));
    line("created:      ", timeText(task.value(QStringLiteral("created_ms")).toInteger()));
    line("updated:      ", timeText(task.value(QStringLiteral("updated_ms")).toInteger()));
    // Input and result exactly as stored (QJsonDocument would round big numbers).
    if (auto exact = ledger::parseExactJson(json)) {
        if (const auto *input = api::member(*exact, QStringLiteral("input")))
            line("input:        ", escapeInput(QString::fromUtf8(api::writeJson(*input))));
        if (const auto *result = api::member(*exact, QStringLiteral("result")); result && result->type != ledger::JsonValue::Type::Null)
            line("result:       ", escapeInput(QString::fromUtf8(api::writeJson(*result))));
    }
    showRun(context, task.value(QStringLiteral("run")));
    context.out.flush();
    return Ok;
}

int submit(Context &context, QCommandLineParser &parser)
{
    const QString workflow = parser.value(QStringLiteral("workflow"));
    const QString title = parser.value(QStringLiteral("title"));
    if (workflow.isEmpty() || title.isEmpty())
        return fail(context, QStringLiteral("task submit needs --workflow NAME and --title TEXT (see 'cabinet task submit --help')"), Usage);
    QByteArray params = "{\"workflow\":" + api::jsonString(workflow) + ",\"title\":" + api::jsonString(title);
    if (parser.isSet(QStringLiteral("input"))) {
        // The text goes as it is: the operation reads it exactly (numbers
        // keep every digit) and says what is wrong with it.
        const QByteArray input = parser.value(QStringLiteral("input")).toUtf8().trimmed();
        if (!input.startsWith('{'))
            return fail(context, QStringLiteral("--input must be a JSON object, e.g. '{\"repo\": \"x\"}'"), Usage);
        params += ",\"input\":" + input;
    }
    if (parser.isSet(QStringLiteral("idempotency-key")))
        params += ",\"idempotency_key\":" + api::jsonString(parser.value(QStringLiteral("idempotency-key")));
    if (parser.isSet(QStringLiteral("max-attempts"))) {
        bool ok = false;
        const int attempts = parser.value(QStringLiteral("max-attempts")).toInt(&ok);
        if (!ok || attempts < 1 || attempts > orchestrator::AttemptsMax)
            return fail(context,
                        QStringLiteral("--max-attempts must be 1..%1, got %2").arg(orchestrator::AttemptsMax).arg(quoteInput(parser.value(QStringLiteral("max-attempts")))),
                        Usage);
        params += ",\"max_attempts\":" + QByteArray::number(attempts);
    }
    params += '}';
    auto result = callOperation(context, QStringLiteral("tasks.submit"), params);
    if (!result)
        return fail(context, result.error());
    return printJson(context, *result);
}

int list(Context &context, QCommandLineParser &parser)
{
    QByteArray params = "{";
    auto add = [&](const QByteArray &member) { params += (params.size() > 1 ? "," : "") + member; };
    if (parser.isSet(QStringLiteral("state"))) {
        const QString state = parser.value(QStringLiteral("state"));
        if (!orchestrator::stateFromName(state)) {
            QStringList names;
            for (auto s : orchestrator::AllTaskStates)
                names << orchestrator::stateText(s);
            return fail(context, QStringLiteral("--state must be one of %1, got %2").arg(names.join(QStringLiteral(", ")), quoteInput(state)), Usage);
        }
        add("\"state\":" + api::jsonString(state));
    }
    if (parser.isSet(QStringLiteral("after")))
        add("\"after\":" + api::jsonString(parser.value(QStringLiteral("after"))));
    if (parser.isSet(QStringLiteral("limit"))) {
        bool ok = false;
        const int limit = parser.value(QStringLiteral("limit")).toInt(&ok);
        if (!ok || limit < 1 || limit > orchestrator::ListLimitMax)
            return fail(context, QStringLiteral("--limit must be 1..%1, got %2").arg(orchestrator::ListLimitMax).arg(quoteInput(parser.value(QStringLiteral("limit")))),
                        Usage);
        add("\"limit\":" + QByteArray::number(limit));
    }
    params += '}';
    auto result = callOperation(context, QStringLiteral("tasks.list"), params);
    if (!result)
        return fail(context, result.error());
    if (parser.isSet(JsonOption))
        return printJson(context, *result);
    const QJsonObject page = QJsonDocument::fromJson(*result).object();
    const QJsonArray tasks = page.value(QStringLiteral("tasks")).toArray();
    if (tasks.isEmpty())
        context.out << "no tasks" << (parser.isSet(QStringLiteral("state")) ? QStringLiteral(" in state ") + parser.value(QStringLiteral("state")) : QString()) << '\n';
    for (const QJsonValue &task : tasks)
        context.out << summaryLine(task.toObject()) << '\n';
    QStringList counts;
    const QJsonObject byState = page.value(QStringLiteral("counts")).toObject();
    for (auto s : orchestrator::AllTaskStates)
        counts << QStringLiteral("%1 %2").arg(orchestrator::stateText(s)).arg(byState.value(orchestrator::stateText(s)).toInteger());
    context.out << "counts: " << counts.join(QStringLiteral(", ")) << '\n';
    if (const QString next = page.value(QStringLiteral("next")).toString(); !next.isEmpty())
        context.out << "more: cabinet task list --after " << next << (parser.isSet(QStringLiteral("state")) ? QStringLiteral(" --state ") + parser.value(QStringLiteral("state")) : QString()) << '\n';
    context.out.flush();
    return Ok;
}

int show(Context &context, QCommandLineParser &parser)
{
    if (parser.positionalArguments().size() != 1)
        return fail(context, QStringLiteral("task show takes one task ID"), Usage);
    auto result = callOperation(context, QStringLiteral("tasks.get"), "{\"id\":" + api::jsonString(parser.positionalArguments().first()) + '}');
    if (!result)
        return fail(context, result.error());
    if (parser.isSet(JsonOption))
        return printJson(context, *result);
    return showTask(context, *result);
}

// pause, resume, cancel, retry: one task by id.
std::function<int(Context &, QCommandLineParser &)> action(const char *verb, const char *operation, bool takesReason)
{
    return [verb, operation, takesReason](Context &context, QCommandLineParser &parser) {
        if (parser.positionalArguments().size() != 1)
            return fail(context, QStringLiteral("task %1 takes one task ID").arg(QLatin1StringView(verb)), Usage);
        QByteArray params = "{\"id\":" + api::jsonString(parser.positionalArguments().first());
        if (takesReason && parser.isSet(QStringLiteral("reason")))
            params += ",\"reason\":" + api::jsonString(parser.value(QStringLiteral("reason")));
        params += '}';
        auto result = callOperation(context, QString::fromLatin1(operation), params);
        if (!result)
            return fail(context, result.error());
        if (parser.isSet(JsonOption))
            return printJson(context, *result);
        context.out << summaryLine(QJsonDocument::fromJson(*result).object()) << '\n';
        context.out.flush();
        return int(Ok);
    };
}

int until(Context &context, QCommandLineParser &parser)
{
    if (parser.positionalArguments().size() != 2)
        return fail(context, QStringLiteral("task until takes a task ID and a NODE"), Usage);
    const QStringList words = parser.positionalArguments();
    auto result = callOperation(context, QStringLiteral("tasks.until"),
                                "{\"id\":" + api::jsonString(words.at(0)) + ",\"node\":" + api::jsonString(words.at(1)) + '}');
    if (!result)
        return fail(context, result.error());
    if (parser.isSet(JsonOption))
        return printJson(context, *result);
    context.out << summaryLine(QJsonDocument::fromJson(*result).object()) << '\n';
    context.out.flush();
    return Ok;
}

void declareId(QCommandLineParser &parser)
{
    parser.addPositionalArgument(QStringLiteral("id"), QStringLiteral("The task's id (a ULID, as 'task list' shows it)."));
    parser.addOption(JsonOption);
}

void declareIdAndReason(QCommandLineParser &parser)
{
    declareId(parser);
    parser.addOption({ QStringLiteral("reason"), QStringLiteral("Why, for the audit trail."), QStringLiteral("TEXT") });
}

} // namespace

std::vector<Command> taskCommands()
{
    auto word = [](const char *verb) { return QStringList { QStringLiteral("task"), QString::fromLatin1(verb) }; };
    return {
        { word("submit"), {}, QStringLiteral("Put a task in the queue and print it as JSON (with an existing idempotency key: the task already there)."),
          [](QCommandLineParser &parser) {
              parser.addOption({ QStringLiteral("workflow"), QStringLiteral("The workflow that is to run it."), QStringLiteral("NAME") });
              parser.addOption({ QStringLiteral("title"), QStringLiteral("What the task is, in one line."), QStringLiteral("TEXT") });
              parser.addOption({ QStringLiteral("input"), QStringLiteral("The task's input, a JSON object (default {})."), QStringLiteral("JSON") });
              parser.addOption({ QStringLiteral("idempotency-key"), QStringLiteral("Submit at most once under this key."), QStringLiteral("K") });
              parser.addOption({ QStringLiteral("max-attempts"), QStringLiteral("Attempts before the task fails (default 3)."), QStringLiteral("N") });
          },
          submit },
        { word("list"), {}, QStringLiteral("List tasks, oldest first, with the count in each state."),
          [](QCommandLineParser &parser) {
              parser.addOption({ QStringLiteral("state"), QStringLiteral("Only tasks in this state."), QStringLiteral("S") });
              parser.addOption({ QStringLiteral("after"), QStringLiteral("Start after this task id (the next page)."), QStringLiteral("ID") });
              parser.addOption({ QStringLiteral("limit"), QStringLiteral("At most this many (default 100)."), QStringLiteral("N") });
              parser.addOption(JsonOption);
          },
          list },
        { word("show"), QStringLiteral("ID"),
          QStringLiteral("Show one task: state, attempts, lease, last error, input and result, and its run's node visits so far."), declareId, show },
        { word("step"), QStringLiteral("ID"), QStringLiteral("Run exactly one node of the task's workflow, then pause it."), declareId,
          action("step", "tasks.step", false) },
        { word("until"), QStringLiteral("ID NODE"), QStringLiteral("Run the task's workflow until it reaches NODE, then pause it before NODE."),
          [](QCommandLineParser &parser) {
              declareId(parser);
              parser.addPositionalArgument(QStringLiteral("node"), QStringLiteral("The workflow node to pause before."));
          },
          until },
        { word("pause"), QStringLiteral("ID"), QStringLiteral("Pause a task: it keeps its state and is not claimed until resumed."), declareId,
          action("pause", "tasks.pause", false) },
        { word("resume"), QStringLiteral("ID"), QStringLiteral("Resume a paused task."), declareId, action("resume", "tasks.resume", false) },
        { word("cancel"), QStringLiteral("ID"), QStringLiteral("Cancel a task that has not finished."), declareIdAndReason,
          action("cancel", "tasks.cancel", true) },
        { word("retry"), QStringLiteral("ID"), QStringLiteral("Run a failed or cancelled task again, attempts from zero."), declareIdAndReason,
          action("retry", "tasks.retry", true) },
    };
}

} // namespace cabinet::cli

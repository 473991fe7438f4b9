// cabinet approvals list | show, approve, deny, policy check: approval
// requests and the tier policy through the approvals.* and policy.check
// operations (docs/approvals.md), so each works beside a running console or
// server (decisions go to its socket).
#include "QuotedInput.h"
#include "api/JsonText.h"
#include "approvals/ApprovalTypes.h"
#include "cli/Command.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace cabinet::cli {

namespace {

// An action's JSON as typed: its three texts at their limit, and the rest.
constexpr qsizetype ActionJsonBytesMax = 4 * approvals::ActionTextBytesMax;

const QCommandLineOption JsonOption(QStringLiteral("json"), QStringLiteral("Print the operation's JSON result as it is."));
const QCommandLineOption PendingOption(QStringLiteral("pending"), QStringLiteral("Only the requests waiting for a decision, by deadline."));
const QCommandLineOption OperatorOption(QStringLiteral("operator"),
                                        QStringLiteral("Who decides (default: $CABINET_OPERATOR, else the local user)."), QStringLiteral("name"));
const QCommandLineOption StateOption(QStringLiteral("state"), QStringLiteral("failed (the default), queued or sent."), QStringLiteral("state"),
                                     QStringLiteral("failed"));
const QCommandLineOption ReasonOption(QStringLiteral("reason"), QStringLiteral("Why, kept with the decision."), QStringLiteral("text"));

int printJson(Context &context, const QByteArray &json)
{
    context.out << QString::fromUtf8(json) << '\n';
    context.out.flush();
    return Ok;
}

QString timeText(const QJsonValue &ms)
{
    return ms.isNull() || ms.isUndefined() ? QStringLiteral("-") : QDateTime::fromMSecsSinceEpoch(ms.toInteger(), Qt::UTC).toString(Qt::ISODate);
}

// What the action is, in a few words: "deploy production ./deploy.sh $25.00".
QString actionText(const QJsonObject &action)
{
    QStringList parts { action.value(QStringLiteral("kind")).toString() };
    for (const char *key : { "agent", "environment", "target" })
        if (const QString text = action.value(QLatin1StringView(key)).toString(); !text.isEmpty())
            parts << escapeInput(text.left(80));
    if (action.value(QStringLiteral("amount")).toInteger() > 0)
        parts << QStringLiteral("$%1").arg(double(action.value(QStringLiteral("amount")).toInteger()) / 1e6, 0, 'f', 2);
    return parts.join(u' ');
}

QString outcomeText(const QJsonObject &request)
{
    const QString state = request.value(QStringLiteral("state")).toString();
    QStringList who;
    for (const QJsonValue &vote : request.value(QStringLiteral("votes")).toArray())
        who << escapeInput(vote.toObject().value(QStringLiteral("operator")).toString());
    if (state == QLatin1StringView("pending"))
        return who.isEmpty() ? state : QStringLiteral("pending (approved by %1)").arg(who.join(QStringLiteral(", ")));
    if (state == QLatin1StringView("expired"))
        return QStringLiteral("expired (no one decided)");
    return QStringLiteral("%1 by %2").arg(state, who.join(QStringLiteral(", ")));
}

QString summaryLine(const QJsonObject &request)
{
    const QString pending = request.value(QStringLiteral("state")).toString() == QLatin1StringView("pending")
                                  ? (request.value(QStringLiteral("deadline_ms")).isNull() ? QStringLiteral("no deadline")
                                                                                           : QStringLiteral("due ") + timeText(request.value(QStringLiteral("deadline_ms"))))
                                  : timeText(request.value(QStringLiteral("decided_ms")));
    return QStringLiteral("%1  tier %2  %3  %4  %5  %6")
            .arg(request.value(QStringLiteral("id")).toString())
            .arg(request.value(QStringLiteral("tier")).toInt())
            .arg(outcomeText(request).leftJustified(24), pending.leftJustified(24), escapeInput(request.value(QStringLiteral("rule")).toString()).leftJustified(18),
                 actionText(request.value(QStringLiteral("action")).toObject()));
}

void showRequest(Context &context, const QJsonObject &request)
{
    auto line = [&](const char *label, const QString &value) { context.out << QLatin1StringView(label) << value << '\n'; };
    line("id:           ", request.value(QStringLiteral("id")).toString());
    line("state:        ", outcomeText(request));
    line("tier:         ", QStringLiteral("%1 (rule %2)").arg(request.value(QStringLiteral("tier")).toInt())
                                   .arg(escapeInput(request.value(QStringLiteral("rule")).toString())));
    line("action:       ", actionText(request.value(QStringLiteral("action")).toObject()));
    line("requested by: ", escapeInput(request.value(QStringLiteral("requested_by")).toString()));
    if (!request.value(QStringLiteral("task_id")).isNull())
        line("task:         ", QStringLiteral("%1 (node %2)").arg(request.value(QStringLiteral("task_id")).toString(),
                                                                  escapeInput(request.value(QStringLiteral("node")).toString())));
    line("requested:    ", timeText(request.value(QStringLiteral("created_ms"))));
    if (!request.value(QStringLiteral("deadline_ms")).isNull()) {
        const QJsonArray reminders = request.value(QStringLiteral("reminder_ms")).toArray();
        line("deadline:     ", timeText(request.value(QStringLiteral("deadline_ms"))) + QStringLiteral(" (then denied as expired)"));
        line("reminders:    ", QStringLiteral("%1, %2 (%3 sent)")
                                       .arg(timeText(reminders.at(0)), timeText(reminders.at(1)))
                                       .arg(request.value(QStringLiteral("reminders_sent")).toInt()));
    } else {
        line("deadline:     ", QStringLiteral("none: tier 3 waits for %1 different operators").arg(request.value(QStringLiteral("approvals_needed")).toInt()));
    }
    for (const QJsonValue &value : request.value(QStringLiteral("votes")).toArray()) {
        const QJsonObject vote = value.toObject();
        line("vote:         ", QStringLiteral("%1 %2 at %3%4")
                                       .arg(escapeInput(vote.value(QStringLiteral("operator")).toString()), vote.value(QStringLiteral("verdict")).toString(),
                                            timeText(vote.value(QStringLiteral("at_ms"))),
                                            vote.value(QStringLiteral("reason")).toString().isEmpty()
                                                    ? QString()
                                                    : QStringLiteral(": ") + escapeInput(vote.value(QStringLiteral("reason")).toString())));
    }
    if (!request.value(QStringLiteral("decided_ms")).isNull())
        line("decided:      ", timeText(request.value(QStringLiteral("decided_ms")))
                                       + (request.value(QStringLiteral("reason")).toString().isEmpty()
                                                  ? QString()
                                                  : QStringLiteral(" (") + escapeInput(request.value(QStringLiteral("reason")).toString()) + u')'));
    line("evidence:     ", escapeInput(QString::fromUtf8(QJsonDocument(request.value(QStringLiteral("evidence")).toObject()).toJson(QJsonDocument::Compact))));
}

int list(Context &context, QCommandLineParser &parser)
{
    const bool pending = parser.isSet(PendingOption);
    QString after;
    // Every page, joined: a list is at most PendingMax long when pending.
    QJsonArray all;
    qint64 waiting = 0;
    do {
        QByteArray params = "{\"state\":" + QByteArray(pending ? "\"pending\"" : "\"all\"") + ",\"limit\":" + QByteArray::number(approvals::ListLimitMax);
        if (!after.isEmpty())
            params += ",\"after\":" + api::jsonString(after);
        auto result = callOperation(context, QStringLiteral("approvals.list"), params + '}');
        if (!result)
            return fail(context, result.error());
        // --json prints exactly the operation's result: its first page.
        if (parser.isSet(JsonOption))
            return printJson(context, *result);
        const QJsonObject page = QJsonDocument::fromJson(*result).object();
        for (const QJsonValue &value : page.value(QStringLiteral("approvals")).toArray())
            all.append(value);
        waiting = page.value(QStringLiteral("pending")).toInteger();
        after = page.value(QStringLiteral("next")).toString();
    } while (!after.isEmpty());
    for (const QJsonValue &value : all)
        context.out << summaryLine(value.toObject()) << '\n';
    context.out << QStringLiteral("%1 pending").arg(waiting) << '\n';
    context.out.flush();
    return Ok;
}

// The first page of deliveries in one state (the oldest 1000), one a line.
int deliveries(Context &context, QCommandLineParser &parser)
{
    if (!parser.positionalArguments().isEmpty())
        return fail(context, QStringLiteral("approvals deliveries takes no arguments, got %1").arg(quoteInput(parser.positionalArguments().join(u' '))), Usage);
    auto result = callOperation(context, QStringLiteral("approvals.deliveries"),
                                "{\"state\":" + api::jsonString(parser.value(StateOption)) + ",\"limit\":1000}");
    if (!result)
        return fail(context, result.error());
    if (parser.isSet(JsonOption))
        return printJson(context, *result);
    const QJsonArray rows = QJsonDocument::fromJson(*result).object().value(QStringLiteral("deliveries")).toArray();
    for (const QJsonValue &value : rows) {
        const QJsonObject d = value.toObject();
        context.out << QStringLiteral("%1  %2  %3  %4  %5 tries  %6  %7")
                               .arg(d.value(QStringLiteral("id")).toInteger())
                               .arg(d.value(QStringLiteral("approval_id")).toString(), escapeInput(d.value(QStringLiteral("channel")).toString()),
                                    d.value(QStringLiteral("what")).toString())
                               .arg(d.value(QStringLiteral("attempts")).toInt())
                               .arg(timeText(d.value(QStringLiteral("updated_ms"))), escapeInput(d.value(QStringLiteral("last_error")).toString()))
                    << '\n';
    }
    context.out << QStringLiteral("%1 %2").arg(rows.size()).arg(parser.value(StateOption)) << '\n';
    context.out.flush();
    return Ok;
}

int show(Context &context, QCommandLineParser &parser)
{
    if (parser.positionalArguments().size() != 1)
        return fail(context, QStringLiteral("approvals show takes one request ID"), Usage);
    auto result = callOperation(context, QStringLiteral("approvals.get"), "{\"id\":" + api::jsonString(parser.positionalArguments().first()) + '}');
    if (!result)
        return fail(context, result.error());
    if (parser.isSet(JsonOption))
        return printJson(context, *result);
    showRequest(context, QJsonDocument::fromJson(*result).object());
    context.out.flush();
    return Ok;
}

int decide(Context &context, QCommandLineParser &parser, bool approve)
{
    const QStringList ids = parser.positionalArguments();
    const char *verb = approve ? "approve" : "deny";
    if (ids.isEmpty() || ids.size() > approvals::BulkMax)
        return fail(context, QStringLiteral("%1 takes 1..%2 request IDs, got %3").arg(QLatin1StringView(verb)).arg(approvals::BulkMax).arg(ids.size()),
                    Usage);
    QByteArray params = "{\"verdict\":\"" + QByteArray(verb) + "\",\"ids\":[";
    for (qsizetype i = 0; i < ids.size(); ++i)
        params += (i ? "," : "") + api::jsonString(ids[i]);
    params += ']';
    if (parser.isSet(OperatorOption))
        params += ",\"operator\":" + api::jsonString(parser.value(OperatorOption));
    if (parser.isSet(ReasonOption))
        params += ",\"reason\":" + api::jsonString(parser.value(ReasonOption));
    auto result = callOperation(context, QStringLiteral("approvals.decide"), params + '}');
    if (!result)
        return fail(context, result.error());
    if (parser.isSet(JsonOption))
        return printJson(context, *result);
    for (const QJsonValue &value : QJsonDocument::fromJson(*result).object().value(QStringLiteral("approvals")).toArray()) {
        const QJsonObject request = value.toObject();
        context.out << request.value(QStringLiteral("id")).toString() << "  " << outcomeText(request) << '\n';
    }
    context.out.flush();
    return Ok;
}

int check(Context &context, QCommandLineParser &parser)
{
    if (parser.positionalArguments().size() != 1)
        return fail(context, QStringLiteral("policy check takes one ACTION_JSON, e.g. '{\"kind\":\"deploy\",\"environment\":\"production\"}'"), Usage);
    const QString action = parser.positionalArguments().first();
    if (action.toUtf8().size() > ActionJsonBytesMax)
        return fail(context, QStringLiteral("ACTION_JSON is longer than %1 bytes").arg(ActionJsonBytesMax), Usage);
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(action.toUtf8(), &error);
    if (!document.isObject())
        return fail(context, QStringLiteral("ACTION_JSON must be a JSON object: %1").arg(error.error == QJsonParseError::NoError ? QStringLiteral("not an object")
                                                                                                                               : error.errorString()),
                    Usage);
    auto result = callOperation(context, QStringLiteral("policy.check"), "{\"action\":" + document.toJson(QJsonDocument::Compact) + '}');
    if (!result)
        return fail(context, result.error());
    if (parser.isSet(JsonOption))
        return printJson(context, *result);
    const QJsonObject answer = QJsonDocument::fromJson(*result).object();
    static const char *const TierMeaning[] = { "auto-execute", "execute and notify", "approve before", "mandatory: two different operators" };
    const int tier = answer.value(QStringLiteral("tier")).toInt();
    context.out << QStringLiteral("tier %1 (%2) by rule %3 in %4 mode%5")
                           .arg(tier)
                           .arg(QLatin1StringView(TierMeaning[std::clamp(tier, 0, 3)]), escapeInput(answer.value(QStringLiteral("rule")).toString()),
                                answer.value(QStringLiteral("mode")).toString(),
                                answer.value(QStringLiteral("raised_by_mode")).toBool() ? QStringLiteral(", raised by the mode") : QString())
                << '\n';
    if (!answer.value(QStringLiteral("deadline_ms")).isNull())
        context.out << QStringLiteral("deadline: %1 min, then denied as expired").arg(answer.value(QStringLiteral("deadline_ms")).toInteger() / 60'000) << '\n';
    context.out.flush();
    return Ok;
}

} // namespace

std::vector<Command> approvalCommands()
{
    auto decideOptions = [](QCommandLineParser &parser) {
        parser.addPositionalArgument(QStringLiteral("id"), QStringLiteral("The request's ID; several decide alike (at most 1000)."), QStringLiteral("ID..."));
        parser.addOption(OperatorOption);
        parser.addOption(ReasonOption);
        parser.addOption(JsonOption);
    };
    return {
        { { QStringLiteral("approvals"), QStringLiteral("list") }, {},
          QStringLiteral("List approval requests, newest first, with who decided or whether they expired; --pending: those waiting, by deadline."),
          [](QCommandLineParser &parser) {
              parser.addOption(PendingOption);
              parser.addOption(JsonOption);
          },
          list },
        { { QStringLiteral("approvals"), QStringLiteral("deliveries") }, {},
          QStringLiteral("List the approvals' webhook notifications that failed (--state queued|sent for the others), oldest first."),
          [](QCommandLineParser &parser) {
              parser.addOption(StateOption);
              parser.addOption(JsonOption);
          },
          deliveries },
        { { QStringLiteral("approvals"), QStringLiteral("show") }, QStringLiteral("ID"),
          QStringLiteral("Show one approval request: tier and rule, action, deadline and reminders, votes, evidence."),
          [](QCommandLineParser &parser) {
              parser.addPositionalArgument(QStringLiteral("id"), QStringLiteral("The request's ID (as 'approvals list' shows it)."));
              parser.addOption(JsonOption);
          },
          show },
        { { QStringLiteral("approve") }, QStringLiteral("ID..."),
          QStringLiteral("Approve pending requests (tier 3 needs a second, different operator)."), decideOptions,
          [](Context &context, QCommandLineParser &parser) { return decide(context, parser, true); } },
        { { QStringLiteral("deny") }, QStringLiteral("ID..."), QStringLiteral("Deny pending requests: the waiting tasks fail."), decideOptions,
          [](Context &context, QCommandLineParser &parser) { return decide(context, parser, false); } },
        { { QStringLiteral("policy"), QStringLiteral("check") }, QStringLiteral("ACTION_JSON"),
          QStringLiteral("Which tier and rule an action would get now, e.g. '{\"kind\":\"spend\",\"amount\":25000000}'."),
          [](QCommandLineParser &parser) {
              parser.addPositionalArgument(QStringLiteral("action"), QStringLiteral("The action as JSON: kind, agent, environment, target, amount (micro-USD)."));
              parser.addOption(JsonOption);
          },
          check },
    };
}

} // namespace cabinet::cli

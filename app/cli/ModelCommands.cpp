// cabinet models list | test | route: the model router's providers, one
// call through it, and which chain serves a task type (docs/models.md).
#include "QuotedInput.h"
#include "api/ControlClient.h"
#include "api/Dispatcher.h"
#include "cli/Command.h"
#include "events/EventBus.h"
#include "events/EventTypes.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace cabinet::cli {

namespace {

QJsonObject parse(const QByteArray &json) { return QJsonDocument::fromJson(json).object(); }

QString number(const QJsonValue &value, int decimals = 1)
{
    return value.isDouble() ? QString::number(value.toDouble(), 'f', decimals) : QStringLiteral("-");
}

void printTrail(QTextStream &out, const QJsonObject &trail)
{
    out << "trail";
    if (!trail.value(QStringLiteral("task_type")).toString().isEmpty())
        out << " (task " << trail.value(QStringLiteral("task_type")).toString() << ')';
    out << ":\n";
    int step = 0;
    for (const QJsonValue &value : trail.value(QStringLiteral("attempts")).toArray()) {
        const QJsonObject a = value.toObject();
        out << "  " << ++step << ". " << a.value(QStringLiteral("alias")).toString().leftJustified(16) << ' '
            << QString(a.value(QStringLiteral("provider")).toString() + u'/' + a.value(QStringLiteral("model")).toString()).leftJustified(24) << ' '
            << a.value(QStringLiteral("outcome")).toString();
        if (a.contains(QStringLiteral("reason")))
            out << ": " << a.value(QStringLiteral("reason")).toString();
        if (a.contains(QStringLiteral("latency_ms")))
            out << "  " << number(a.value(QStringLiteral("latency_ms"))) << " ms";
        if (a.contains(QStringLiteral("message")) && a.value(QStringLiteral("outcome")).toString() != QLatin1String("served"))
            out << "\n       " << escapeInput(a.value(QStringLiteral("message")).toString());
        out << '\n';
    }
    const QJsonObject served = trail.value(QStringLiteral("served")).toObject();
    if (!served.isEmpty())
        out << "served by " << served.value(QStringLiteral("alias")).toString() << " ("
            << served.value(QStringLiteral("provider")).toString() << '/' << served.value(QStringLiteral("model")).toString() << ')'
            << (trail.value(QStringLiteral("simulated")).toBool() ? " - simulated, no model was called" : "") << '\n';
    out << "latency " << number(trail.value(QStringLiteral("latency_ms"))) << " ms, first token "
        << number(trail.value(QStringLiteral("first_token_ms"))) << " ms, tokens in "
        << number(trail.value(QStringLiteral("tokens_in")), 0) << ", out " << number(trail.value(QStringLiteral("tokens_out")), 0) << '\n';
}

int list(Context &context, QCommandLineParser &parser)
{
    auto result = callOperation(context, QStringLiteral("models.list"), "{}", ConfigUse::Read);
    if (!result)
        return fail(context, result.error());
    if (parser.isSet(QStringLiteral("json"))) {
        context.out << QString::fromUtf8(*result) << '\n';
        return Ok;
    }
    const QJsonObject models = parse(*result);
    QTextStream &out = context.out;
    if (models.contains(QStringLiteral("config_error")))
        out << "warning: the llm.* settings do not load (" << models.value(QStringLiteral("config_error")).toString()
            << "); using the offline defaults\n\n";
    out << "providers\n";
    for (const QJsonValue &value : models.value(QStringLiteral("providers")).toArray()) {
        const QJsonObject p = value.toObject();
        const QJsonObject breaker = p.value(QStringLiteral("breaker")).toObject();
        const QJsonObject limits = p.value(QStringLiteral("rate_limit")).toObject();
        out << "  " << p.value(QStringLiteral("name")).toString().leftJustified(12) << ' '
            << (p.value(QStringLiteral("simulated")).toBool() ? QStringLiteral("simulated") : p.value(QStringLiteral("base_url")).toString()).leftJustified(28)
            << ' ' << (p.value(QStringLiteral("configured")).toBool() ? QStringLiteral("configured") : QStringLiteral("UNCONFIGURED")).leftJustified(12)
            << " breaker " << breaker.value(QStringLiteral("state")).toString().leftJustified(9);
        auto headroom = [&](const char *left, const char *perMinute, const char *unit) {
            const int limit = limits.value(QLatin1String(perMinute)).toInt();
            return limit ? QStringLiteral("%1/%2 %3/min").arg(number(limits.value(QLatin1String(left)), 0)).arg(limit).arg(QLatin1String(unit))
                         : QStringLiteral("no %1 limit").arg(QLatin1String(unit));
        };
        out << ' ' << headroom("requests_left", "requests_per_minute", "req") << ", " << headroom("tokens_left", "tokens_per_minute", "tok")
            << ", " << p.value(QStringLiteral("in_flight")).toInt() << '/' << p.value(QStringLiteral("concurrency")).toInt() << " in flight";
        if (p.contains(QStringLiteral("why")))
            out << "\n               " << p.value(QStringLiteral("why")).toString();
        out << '\n';
    }
    out << "\naliases\n";
    for (const QJsonValue &value : models.value(QStringLiteral("aliases")).toArray()) {
        const QJsonObject a = value.toObject();
        QStringList fallbacks;
        for (const QJsonValue &f : a.value(QStringLiteral("fallbacks")).toArray())
            fallbacks << f.toString();
        out << "  " << a.value(QStringLiteral("alias")).toString().leftJustified(16) << ' '
            << QString(a.value(QStringLiteral("provider")).toString() + u'/' + a.value(QStringLiteral("model")).toString()).leftJustified(24)
            << (a.value(QStringLiteral("simulated")).toBool() ? " (simulated)" : "            ")
            << (fallbacks.isEmpty() ? QString() : QStringLiteral("  then ") + fallbacks.join(QStringLiteral(", "))) << '\n';
    }
    out << "\nrouting\n";
    for (const QJsonValue &value : models.value(QStringLiteral("routing")).toArray())
        out << "  " << value.toObject().value(QStringLiteral("task_type")).toString().leftJustified(12) << " -> "
            << value.toObject().value(QStringLiteral("alias")).toString() << '\n';
    const QJsonArray recent = models.value(QStringLiteral("recent_calls")).toArray();
    if (!recent.isEmpty())
        out << "\n" << recent.size() << " recent calls (models list --json shows their trails)\n";
    return Ok;
}

// The call, printing a streamed call's tokens as they arrive when this
// process runs the core; through an owner's socket (which carries no
// events) the reply is printed whole when it ends.
Result<QByteArray> callStreaming(Context &context, const QByteArray &params, bool &printedLive)
{
    printedLive = false;
    if (auto owner = api::ControlClient::connect(context.dataDir, Actor::person(Cabinet::localLogin())))
        return owner->call(QStringLiteral("models.test"), params);
    auto cabinet = openCabinet(context, false, ConfigUse::Read);
    if (!cabinet)
        return cabinet.error();
    printedLive = true;
    const int subscription = (*cabinet)->events().subscribe({ events::LlmToken }, [&context](const Event &event) {
        context.out << event.payload.value(QStringLiteral("text")).toString();
        context.out.flush();
    });
    std::optional<Result<QByteArray>> answer;
    QEventLoop loop;
    (*cabinet)->api().call(QStringLiteral("models.test"), Actor::person(Cabinet::localLogin()), params, [&](Result<QByteArray> result) {
        answer = std::move(result);
        loop.quit();
    });
    if (!answer)
        loop.exec();
    (*cabinet)->events().unsubscribe(subscription);
    return std::move(*answer);
}

int test(Context &context, QCommandLineParser &parser)
{
    const QStringList args = parser.positionalArguments();
    if (args.size() > 1)
        return fail(context, QStringLiteral("models test takes one ALIAS (e.g. cloud/mid), got %1").arg(quoteInput(args.join(u' '))), Usage);
    QJsonObject params;
    if (!args.isEmpty())
        params.insert(QStringLiteral("alias"), args.first());
    if (parser.isSet(QStringLiteral("task")))
        params.insert(QStringLiteral("task_type"), parser.value(QStringLiteral("task")));
    if (args.isEmpty() && !parser.isSet(QStringLiteral("task")))
        return fail(context, QStringLiteral("models test needs an ALIAS (e.g. cloud/mid) or --task TYPE"), Usage);
    if (parser.isSet(QStringLiteral("prompt")))
        params.insert(QStringLiteral("prompt"), parser.value(QStringLiteral("prompt")));
    const bool stream = parser.isSet(QStringLiteral("stream"));
    const bool json = parser.isSet(QStringLiteral("json"));
    if (stream)
        params.insert(QStringLiteral("stream"), true);
    const QByteArray text = QJsonDocument(params).toJson(QJsonDocument::Compact);
    bool printedLive = false;
    auto result = stream && !json ? callStreaming(context, text, printedLive) : callOperation(context, QStringLiteral("models.test"), text, ConfigUse::Read);
    if (!result) {
        if (printedLive)
            context.out << '\n';
        return fail(context, result.error());
    }
    if (json) {
        context.out << QString::fromUtf8(*result) << '\n';
        return Ok;
    }
    const QJsonObject answer = parse(*result);
    QTextStream &out = context.out;
    const QString reply = answer.value(QStringLiteral("reply")).toString();
    if (printedLive)
        out << '\n'; // the tokens were printed as they came
    else
        out << reply << '\n';
    out << '\n' << "model " << answer.value(QStringLiteral("model")).toString()
        << (answer.value(QStringLiteral("simulated")).toBool() ? " (simulated by the offline provider: no model was called)" : "") << '\n';
    printTrail(out, answer.value(QStringLiteral("trail")).toObject());
    return Ok;
}

int route(Context &context, QCommandLineParser &parser)
{
    const QStringList args = parser.positionalArguments();
    if (args.size() != 1)
        return fail(context, QStringLiteral("models route takes one TASK_TYPE (e.g. review)"), Usage);
    const QByteArray params = QJsonDocument(QJsonObject { { QStringLiteral("task_type"), args.first() } }).toJson(QJsonDocument::Compact);
    auto result = callOperation(context, QStringLiteral("models.route"), params, ConfigUse::Read);
    if (!result)
        return fail(context, result.error());
    if (parser.isSet(QStringLiteral("json"))) {
        context.out << QString::fromUtf8(*result) << '\n';
        return Ok;
    }
    const QJsonObject answer = parse(*result);
    context.out << "task " << args.first() << " -> " << answer.value(QStringLiteral("alias")).toString() << '\n';
    int step = 0;
    for (const QJsonValue &value : answer.value(QStringLiteral("chain")).toArray()) {
        const QJsonObject s = value.toObject();
        context.out << "  " << ++step << ". " << s.value(QStringLiteral("alias")).toString().leftJustified(16) << ' '
                    << s.value(QStringLiteral("provider")).toString() << '/' << s.value(QStringLiteral("model")).toString()
                    << (s.value(QStringLiteral("simulated")).toBool() ? " (simulated)" : "") << '\n';
    }
    return Ok;
}

} // namespace

std::vector<Command> modelCommands()
{
    return {
        { { QStringLiteral("models"), QStringLiteral("list") }, {},
          QStringLiteral("Model providers with their state (configured, breaker, rate-limit headroom), aliases and the routing table."),
          [](QCommandLineParser &parser) { parser.addOption({ QStringLiteral("json"), QStringLiteral("Print models.list's result.") }); },
          list },
        { { QStringLiteral("models"), QStringLiteral("test") }, QStringLiteral("ALIAS"),
          QStringLiteral("One call through the router (the offline sim provider unless configured otherwise), printing the reply and its trail."),
          [](QCommandLineParser &parser) {
              parser.addOption({ QStringLiteral("prompt"), QStringLiteral("What to ask (default: a greeting)."), QStringLiteral("text") });
              parser.addOption({ QStringLiteral("task"), QStringLiteral("Route by task type instead of an alias (research, build, review, deploy, ...)."),
                                 QStringLiteral("type") });
              parser.addOption({ QStringLiteral("stream"), QStringLiteral("Stream the reply, printing tokens as they arrive.") });
              parser.addOption({ QStringLiteral("json"), QStringLiteral("Print models.test's result.") });
          },
          test },
        { { QStringLiteral("models"), QStringLiteral("route") }, QStringLiteral("TASK_TYPE"),
          QStringLiteral("Which alias, and which fallback chain, would serve a task type."),
          [](QCommandLineParser &parser) { parser.addOption({ QStringLiteral("json"), QStringLiteral("Print models.route's result.") }); },
          route },
    };
}

} // namespace cabinet::cli

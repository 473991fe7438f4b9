// cabinet pilot gate | run | status: the SOVR Day-0 pilot through its
// operations (docs/pilot.md). gate runs one gate's checks; run runs the
// three gates, requests the go-live, decides it as --operator (audited as
// such), runs the day (waiting for its end) and prints the report.
#include "QuotedInput.h"
#include "api/JsonText.h"
#include "cli/Command.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace cabinet::cli {

namespace {

const QCommandLineOption JsonOption(QStringLiteral("json"), QStringLiteral("Print the operation's JSON result as it is."));

QString percent(const QJsonValue &v) { return QString::number(v.toDouble() * 100.0, 'f', 1) + QLatin1Char('%'); }

void printReport(Context &context, const QJsonObject &run)
{
    const QJsonObject r = run.value(QStringLiteral("report")).toObject();
    QTextStream &out = context.out;
    out << "pilot run " << run.value(QStringLiteral("run")).toInteger() << " (go-live " << run.value(QStringLiteral("approval_id")).toString() << ")\n";
    out << "SIMULATED: " << r.value(QStringLiteral("simulated")).toString() << '\n';
    out << "delivery rate: " << percent(r.value(QStringLiteral("delivery_rate"))) << " (target " << percent(r.value(QStringLiteral("delivery_rate_target")))
        << (r.value(QStringLiteral("target_met")).toBool() ? ", met)\n" : ", NOT met)\n");
    out << "submissions: " << r.value(QStringLiteral("submissions")).toInteger() << ", orders held: " << r.value(QStringLiteral("orders_held")).toInteger() << '\n';
    out << "orders by outcome:\n";
    const QJsonObject orders = r.value(QStringLiteral("orders")).toObject();
    for (auto it = orders.begin(); it != orders.end(); ++it)
        out << "  " << it.key().leftJustified(22) << it.value().toInteger() << '\n';
    out << "fraud refusals by reason:\n";
    const QJsonObject refusals = r.value(QStringLiteral("refusals")).toObject();
    for (auto s = refusals.begin(); s != refusals.end(); ++s) {
        const QJsonObject reasons = s.value().toObject();
        for (auto it = reasons.begin(); it != reasons.end(); ++it)
            out << "  " << QString(s.key() + QLatin1Char(' ') + it.key()).leftJustified(30) << it.value().toInteger() << '\n';
    }
    const QJsonObject c = r.value(QStringLiteral("credits")).toObject();
    out << "credits (units, ledger 2): issued " << c.value(QStringLiteral("issued")).toInteger() << " = held " << c.value(QStringLiteral("held")).toInteger()
        << " + in escrow " << c.value(QStringLiteral("in_escrow")).toInteger() << " + fulfilled " << c.value(QStringLiteral("fulfilled")).toInteger()
        << (c.value(QStringLiteral("balanced")).toBool() ? "  (balanced, " : "  (NOT BALANCED, ") << c.value(QStringLiteral("checks")).toInteger()
        << " checks)\n";
    out << "simulated latency (ms) p50 / p90 / p99:\n";
    const QJsonObject latency = r.value(QStringLiteral("latency_ms")).toObject();
    for (auto it = latency.begin(); it != latency.end(); ++it) {
        const QJsonObject p = it.value().toObject();
        out << "  " << it.key().leftJustified(22) << p.value(QStringLiteral("p50")).toInteger() << " / " << p.value(QStringLiteral("p90")).toInteger() << " / "
            << p.value(QStringLiteral("p99")).toInteger() << '\n';
    }
    const QJsonObject cards = r.value(QStringLiteral("gift_cards")).toObject();
    out << "simulated gift-card issuer: " << cards.value(QStringLiteral("issued")).toInteger() << " cards, "
        << cards.value(QStringLiteral("issuer_attempts")).toInteger() << " attempts\n";
    const QJsonObject f = r.value(QStringLiteral("forecast")).toObject();
    out << "forecast delivery rate: " << percent(f.value(QStringLiteral("mean"))) << " (90% " << percent(f.value(QStringLiteral("p05"))) << " .. "
        << percent(f.value(QStringLiteral("p95"))) << "), outcome " << percent(r.value(QStringLiteral("delivery_rate")))
        << (r.value(QStringLiteral("forecast_vs_outcome")).toObject().value(QStringLiteral("within_90")).toBool() ? ", within\n" : ", outside\n");
    const QJsonObject perf = run.value(QStringLiteral("performance")).toObject();
    if (!perf.isEmpty())
        out << "wall time: " << QString::number(perf.value(QStringLiteral("wall_seconds")).toDouble(), 'f', 2) << " s, "
            << QString::number(perf.value(QStringLiteral("orders_per_second")).toDouble(), 'f', 0) << " submissions/s\n";
    out.flush();
}

// Prints a gate's result: a line for it, a line for each check.
void printGate(Context &context, const QJsonObject &gate)
{
    QTextStream &out = context.out;
    out << "gate " << gate.value(QStringLiteral("gate")).toInteger() << ": " << (gate.value(QStringLiteral("passed")).toBool() ? "PASSED" : "BLOCKED");
    if (!gate.value(QStringLiteral("dry_run")).isNull())
        out << " (dry run " << gate.value(QStringLiteral("dry_run")).toInteger() << ')';
    out << '\n';
    const QJsonArray checks = gate.value(QStringLiteral("checks")).toArray();
    for (const QJsonValue &v : checks) {
        const QJsonObject c = v.toObject();
        out << "  " << (c.value(QStringLiteral("passed")).toBool() ? "ok   " : "FAIL ") << c.value(QStringLiteral("name")).toString().leftJustified(18) << ' '
            << escapeInput(c.value(QStringLiteral("evidence")).toString());
        if (!c.value(QStringLiteral("passed")).toBool())
            out << "\n       reason: " << escapeInput(c.value(QStringLiteral("reason")).toString());
        out << '\n';
    }
    out.flush();
}

// Runs gate `n`: its result, or the operation's error.
Result<QJsonObject> runGate(Context &context, int n)
{
    auto result = callOperation(context, QStringLiteral("pilot.gate"), "{\"gate\":" + QByteArray::number(n) + '}');
    if (!result)
        return result.error();
    return QJsonDocument::fromJson(*result).object();
}

int gate(Context &context, QCommandLineParser &parser)
{
    const QStringList args = parser.positionalArguments();
    bool ok = false;
    const int n = args.size() == 1 ? args.first().toInt(&ok) : 0;
    if (!ok || n < 1 || n > 3)
        return fail(context, QStringLiteral("pilot gate takes one gate: 1, 2 or 3, got %1").arg(quoteInput(args.join(u' '))), Usage);
    auto result = callOperation(context, QStringLiteral("pilot.gate"), "{\"gate\":" + QByteArray::number(n) + '}');
    if (!result)
        return fail(context, result.error());
    const QJsonObject gate = QJsonDocument::fromJson(*result).object();
    if (parser.isSet(JsonOption)) {
        context.out << QString::fromUtf8(*result) << '\n';
        context.out.flush();
    } else {
        printGate(context, gate);
    }
    // A blocked gate fails the command, so a script stops there.
    return gate.value(QStringLiteral("passed")).toBool() ? Ok : Failure;
}

int run(Context &context, QCommandLineParser &parser)
{
    QJsonObject params;
    const struct {
        const char *option;
        const char *member;
    } whole[] = { { "participants", "participants" }, { "orders-per-participant", "orders_per_participant" }, { "hours", "hours" } };
    for (const auto &w : whole) {
        if (!parser.isSet(QLatin1String(w.option)))
            continue;
        bool ok = false;
        const int n = parser.value(QLatin1String(w.option)).toInt(&ok);
        if (!ok)
            return fail(context, QStringLiteral("--%1 takes a whole number, got %2").arg(QLatin1String(w.option), quoteInput(parser.value(QLatin1String(w.option)))), Usage);
        params.insert(QLatin1String(w.member), n);
    }
    if (parser.isSet(QStringLiteral("seed")))
        params.insert(QStringLiteral("seed"), parser.value(QStringLiteral("seed")));
    if (parser.isSet(QStringLiteral("failure-rate"))) {
        bool ok = false;
        const double f = parser.value(QStringLiteral("failure-rate")).toDouble(&ok);
        if (!ok)
            return fail(context, QStringLiteral("--failure-rate takes a number from 0 to 1, got %1").arg(quoteInput(parser.value(QStringLiteral("failure-rate")))), Usage);
        params.insert(QStringLiteral("failure_rate"), f);
    }
    // Unattended, the walkthrough's order all the same: the three gates,
    // then the go-live. --json prints pilot.run's result alone.
    for (int n = 1; n <= 3; ++n) {
        auto gate = runGate(context, n);
        if (!gate)
            return fail(context, gate.error());
        if (!parser.isSet(JsonOption) || !gate->value(QStringLiteral("passed")).toBool())
            printGate(context, *gate);
        if (!gate->value(QStringLiteral("passed")).toBool())
            return fail(context, QStringLiteral("pilot gate %1 is blocked (%2): the day does not run").arg(n).arg(escapeInput(gate->value(QStringLiteral("reason")).toString())));
    }
    auto prepared = callOperation(context, QStringLiteral("pilot.prepare"), api::compact(params));
    if (!prepared)
        return fail(context, prepared.error());
    const QString approval = QJsonDocument::fromJson(*prepared).object().value(QStringLiteral("approval")).toObject().value(QStringLiteral("id")).toString();
    // The person running the command decides the go-live, audited as such.
    QByteArray decision = "{\"ids\":[" + api::jsonString(approval) + "],\"verdict\":\"approve\",\"reason\":\"cabinet pilot run\"";
    if (parser.isSet(QStringLiteral("operator")))
        decision += ",\"operator\":" + api::jsonString(parser.value(QStringLiteral("operator")));
    auto decided = callOperation(context, QStringLiteral("approvals.decide"), decision + '}');
    if (!decided)
        return fail(context, decided.error());
    // The day runs in the background of whoever owns the directory; this
    // command waits for its end (pilot.run's "wait").
    auto ran = callOperation(context, QStringLiteral("pilot.run"), "{\"approval_id\":" + api::jsonString(approval) + ",\"wait\":true}");
    if (!ran)
        return fail(context, ran.error());
    if (parser.isSet(JsonOption)) {
        context.out << QString::fromUtf8(*ran) << '\n';
        context.out.flush();
        return Ok;
    }
    printReport(context, QJsonDocument::fromJson(*ran).object());
    return Ok;
}

int status(Context &context, QCommandLineParser &parser)
{
    auto result = callOperation(context, QStringLiteral("pilot.status"), "{}");
    if (!result)
        return fail(context, result.error());
    if (parser.isSet(JsonOption)) {
        context.out << QString::fromUtf8(*result) << '\n';
        context.out.flush();
        return Ok;
    }
    const QJsonObject status = QJsonDocument::fromJson(*result).object();
    // The newest result of each gate that ran, then the newest day.
    for (const QJsonValue &v : status.value(QStringLiteral("gates")).toArray()) {
        const QJsonObject g = v.toObject();
        context.out << "gate " << g.value(QStringLiteral("gate")).toInteger() << ": "
                    << (g.value(QStringLiteral("passed")).toBool() ? QStringLiteral("passed") : QStringLiteral("BLOCKED (%1)").arg(escapeInput(g.value(QStringLiteral("reason")).toString())))
                    << " by " << escapeInput(g.value(QStringLiteral("checked_by")).toString()) << '\n';
    }
    const QJsonValue latest = status.value(QStringLiteral("latest"));
    if (!latest.isObject()) {
        context.out << "no pilot runs\n";
        context.out.flush();
        return Ok;
    }
    const QJsonObject run = latest.toObject();
    if (run.value(QStringLiteral("state")).toString() == QLatin1String("running")) {
        // The progress is known to the process running the day; read
        // beside it, the row says only that it runs.
        const QJsonObject p = run.value(QStringLiteral("progress")).toObject();
        context.out << "pilot run " << run.value(QStringLiteral("run")).toInteger() << ": running (started by "
                    << escapeInput(run.value(QStringLiteral("started_by")).toString()) << ')';
        if (!p.isEmpty())
            context.out << ", window " << p.value(QStringLiteral("window")).toInteger() << " of " << p.value(QStringLiteral("windows")).toInteger() << ", "
                        << p.value(QStringLiteral("submissions_done")).toInteger() << " submissions, " << p.value(QStringLiteral("orders_held")).toInteger()
                        << " orders held";
        context.out << '\n';
        context.out.flush();
        return Ok;
    }
    if (run.value(QStringLiteral("state")).toString() != QLatin1String("finished")) {
        context.out << "pilot run " << run.value(QStringLiteral("run")).toInteger() << ": " << run.value(QStringLiteral("state")).toString() << ' '
                    << escapeInput(run.value(QStringLiteral("error")).toString()) << '\n';
        context.out.flush();
        return Ok;
    }
    printReport(context, run);
    return Ok;
}

} // namespace

std::vector<Command> pilotCommands()
{
    auto word = [](const char *verb) { return QStringList { QStringLiteral("pilot"), QString::fromLatin1(verb) }; };
    return {
        { word("gate"), QStringLiteral("1|2|3"),
          QStringLiteral("Runs a pilot gate's checks and prints each with its evidence: 1 foundation, 2 services, 3 a dry run (a small real day); "
                         "a gate needs the one before it passed. Exits 1 when the gate is blocked."),
          [](QCommandLineParser &parser) {
              parser.addPositionalArgument(QStringLiteral("gate"), QStringLiteral("1, 2 or 3."));
              parser.addOption(JsonOption);
          },
          gate },
        { word("run"), {},
          QStringLiteral("Runs a SOVR Day-0 pilot day unattended (simulated participants, fulfilment and gift-card issuer) and prints its report: "
                         "gates 1 to 3 first, then its go-live approval, requested and decided by you."),
          [](QCommandLineParser &parser) {
              parser.addOption({ QStringLiteral("participants"), QStringLiteral("Simulated participants (default 100)."), QStringLiteral("N") });
              parser.addOption({ QStringLiteral("seed"), QStringLiteral("The day's seed (default 1): the same seed, the same report."), QStringLiteral("S") });
              parser.addOption({ QStringLiteral("orders-per-participant"), QStringLiteral("Orders each (default 3)."), QStringLiteral("K") });
              parser.addOption({ QStringLiteral("failure-rate"), QStringLiteral("The simulated fulfilment's failure rate (default 0.05)."), QStringLiteral("F") });
              parser.addOption({ QStringLiteral("hours"), QStringLiteral("The simulated day's hours (default 8)."), QStringLiteral("H") });
              parser.addOption({ QStringLiteral("operator"), QStringLiteral("Decide the go-live as this operator (default: you)."), QStringLiteral("NAME") });
              parser.addOption(JsonOption);
          },
          run },
        { word("status"), {}, QStringLiteral("The latest pilot run and its report."), [](QCommandLineParser &parser) { parser.addOption(JsonOption); }, status },
    };
}

} // namespace cabinet::cli

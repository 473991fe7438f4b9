// cabinet costs report | budget show | set | resume | treasury fund |
// mode get | set: spend, budgets, the treasury and the operating mode
// through their operations
// (docs/costs.md). People type and read decimal USD; --json prints the
// operation's result, whose amounts are integer micro-USD strings.
#include "QuotedInput.h"
#include "api/JsonText.h"
#include "cli/Command.h"
#include "costs/Money.h"

#include <QDate>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace cabinet::cli {

namespace {

using costs::formatUsd;

const QCommandLineOption JsonOption(QStringLiteral("json"), QStringLiteral("Print the operation's JSON result as it is."));

int printJson(Context &context, const QByteArray &json)
{
    context.out << QString::fromUtf8(json) << '\n';
    context.out.flush();
    return Ok;
}

// An integer micro-USD string of an operation's result as decimal USD;
// null (no cap) as "none". The text is the ledger's, never a float.
QString usd(const QJsonValue &micros)
{
    if (micros.isNull() || micros.isUndefined())
        return QStringLiteral("none");
    bool ok = false;
    const qint64 value = micros.toString().toLongLong(&ok);
    return ok ? formatUsd(value) : escapeInput(micros.toString());
}

// A --daily / --per-call value: decimal USD, turned into the micro-USD
// string the operation reads.
Result<QByteArray> microsOption(QCommandLineParser &parser, const char *option)
{
    const QString name = QString::fromLatin1(option);
    const QString text = parser.value(name);
    auto micros = costs::parseUsd(text, name);
    if (!micros)
        return Error { ErrorCode::InvalidArgument,
                       QStringLiteral("--%1 must be decimal USD up to %2, digits and at most six decimals, no sign (e.g. 5.00), got %3")
                               .arg(name)
                               .arg(costs::AmountMaxMicros / costs::MicrosPerUsd)
                               .arg(quoteInput(text)),
                       name };
    return api::jsonString(costs::microsText(*micros));
}

int report(Context &context, QCommandLineParser &parser)
{
    QByteArray params = "{";
    if (parser.isSet(QStringLiteral("by"))) {
        const QString by = parser.value(QStringLiteral("by"));
        if (!QStringList { QStringLiteral("agent"), QStringLiteral("model"), QStringLiteral("task"), QStringLiteral("day") }.contains(by))
            return fail(context, QStringLiteral("--by must be agent, model, task or day, got %1").arg(quoteInput(by)), Usage);
        params += "\"by\":" + api::jsonString(by);
    }
    if (parser.isSet(QStringLiteral("since"))) {
        const QString since = parser.value(QStringLiteral("since"));
        if (since.size() != 10 || !QDate::fromString(since, Qt::ISODate).isValid())
            return fail(context, QStringLiteral("--since must be a date YYYY-MM-DD, got %1").arg(quoteInput(since)), Usage);
        params += QByteArray(params.size() > 1 ? "," : "") + "\"since\":" + api::jsonString(since);
    }
    params += '}';
    auto result = callOperation(context, QStringLiteral("costs.report"), params);
    if (!result)
        return fail(context, result.error());
    if (parser.isSet(JsonOption))
        return printJson(context, *result);
    const QJsonObject page = QJsonDocument::fromJson(*result).object();
    const QString by = page.value(QStringLiteral("by")).toString();
    auto line = [&](const QString &key, const QJsonObject &t) {
        QString text = QStringLiteral("%1  %2 USD  %3 calls  %4 in / %5 out tokens")
                               .arg(escapeInput(key).leftJustified(24), usd(t.value(QStringLiteral("cost_micros"))).rightJustified(14))
                               .arg(t.value(QStringLiteral("calls")).toInteger(), 6)
                               .arg(t.value(QStringLiteral("tokens_in")).toInteger())
                               .arg(t.value(QStringLiteral("tokens_out")).toInteger());
        if (const qint64 gaps = t.value(QStringLiteral("pricing_gaps")).toInteger())
            text += QStringLiteral("  %1 unpriced (%2 tokens)").arg(gaps).arg(t.value(QStringLiteral("pricing_gap_tokens")).toInteger());
        if (const QString overrun = t.value(QStringLiteral("overrun_micros")).toString(); overrun != QLatin1String("0"))
            text += QStringLiteral("  overrun %1 USD").arg(usd(overrun));
        if (const qint64 refused = t.value(QStringLiteral("refused")).toInteger())
            text += QStringLiteral("  %1 refused").arg(refused);
        if (const qint64 unknown = t.value(QStringLiteral("unknown")).toInteger())
            text += QStringLiteral("  %1 outcome unknown").arg(unknown);
        context.out << text << '\n';
    };
    const QJsonArray groups = page.value(QStringLiteral("groups")).toArray();
    if (groups.isEmpty())
        context.out << "no spend records" << '\n';
    for (const QJsonValue &g : groups)
        line(g.toObject().value(by).toString(), g.toObject());
    line(QStringLiteral("total"), page.value(QStringLiteral("total")).toObject());
    if (page.value(QStringLiteral("truncated")).toBool())
        context.out << "truncated: more records or groups than one report holds; narrow it with --since" << '\n';
    const QJsonObject rec = page.value(QStringLiteral("reconciliation")).toObject();
    context.out << "ledger: " << usd(rec.value(QStringLiteral("ledger_posted_micros"))) << " USD posted to the providers, "
                << usd(rec.value(QStringLiteral("records_posted_micros"))) << " USD in the records ("
                << (rec.value(QStringLiteral("matches")).toBool() ? "they match" : "THEY DO NOT MATCH") << "); "
                << usd(rec.value(QStringLiteral("ledger_pending_micros"))) << " USD reserved for calls in flight" << '\n';
    if (const qint64 unknown = rec.value(QStringLiteral("unknown_outcomes")).toInteger())
        context.out << unknown << " call(s) whose outcome is unknown (the process stopped mid-call; the ledger's expiry released the reservation)"
                    << '\n';
    context.out << "prices: " << escapeInput(page.value(QStringLiteral("price_version")).toString()) << '\n';
    context.out.flush();
    return Ok;
}

int budgetShow(Context &context, QCommandLineParser &parser)
{
    auto result = callOperation(context, QStringLiteral("budget.show"), "{}");
    if (!result)
        return fail(context, result.error());
    if (parser.isSet(JsonOption))
        return printJson(context, *result);
    const QJsonObject shown = QJsonDocument::fromJson(*result).object();
    context.out << "period " << shown.value(QStringLiteral("period")).toString() << ", treasury " << usd(shown.value(QStringLiteral("treasury_micros")))
                << " USD, " << shown.value(QStringLiteral("open_reservations")).toInteger() << " reservation(s) open" << '\n';
    for (const QJsonValue &value : shown.value(QStringLiteral("envelopes")).toArray()) {
        const QJsonObject e = value.toObject();
        QStringList alerts;
        for (const QJsonValue &percent : e.value(QStringLiteral("alerts_fired")).toArray())
            alerts << QString::number(percent.toInteger()) + u'%';
        context.out << QStringLiteral("%1  daily %2  per call %3  left %4  today %5  reserved %6")
                               .arg(escapeInput(e.value(QStringLiteral("agent")).toString()).leftJustified(12),
                                    usd(e.value(QStringLiteral("daily_cap_micros"))), usd(e.value(QStringLiteral("per_call_cap_micros"))),
                                    usd(e.value(QStringLiteral("available_micros"))), usd(e.value(QStringLiteral("spent_today_micros"))),
                                    usd(e.value(QStringLiteral("pending_micros"))))
                    << (alerts.isEmpty() ? QString() : QStringLiteral("  alerts ") + alerts.join(u' '))
                    << (e.value(QStringLiteral("paused")).toBool() ? "  PAUSED (velocity; an operator resumes it)" : "") << '\n';
    }
    context.out << "global daily " << usd(shown.value(QStringLiteral("global_daily_micros"))) << ", monthly "
                << usd(shown.value(QStringLiteral("monthly_micros"))) << ", per task " << usd(shown.value(QStringLiteral("per_task_micros")))
                << "; committed today " << usd(shown.value(QStringLiteral("committed_today_micros"))) << ", this month "
                << usd(shown.value(QStringLiteral("committed_month_micros"))) << '\n';
    const QJsonObject prices = shown.value(QStringLiteral("prices")).toObject();
    context.out << "prices " << escapeInput(prices.value(QStringLiteral("version")).toString()) << " from "
                << escapeInput(prices.value(QStringLiteral("source")).toString()) << ", " << prices.value(QStringLiteral("models")).toInteger()
                << " models" << '\n';
    if (prices.contains(QStringLiteral("error"))) {
        const QJsonObject error = prices.value(QStringLiteral("error")).toObject();
        context.out << "prices.yaml not taken (the table above stays in force): " << escapeInput(error.value(QStringLiteral("where")).toString())
                    << ": " << escapeInput(error.value(QStringLiteral("message")).toString()) << '\n';
    }
    context.out.flush();
    return Ok;
}

int budgetSet(Context &context, QCommandLineParser &parser)
{
    const QStringList args = parser.positionalArguments();
    if (args.size() != 1)
        return fail(context, QStringLiteral("budget set takes one AGENT, got %1 (see 'cabinet budget set --help')").arg(quoteInput(args.join(u' '))), Usage);
    if (!parser.isSet(QStringLiteral("daily")))
        return fail(context, QStringLiteral("budget set needs --daily USD (see 'cabinet budget set --help')"), Usage);
    auto daily = microsOption(parser, "daily");
    if (!daily)
        return fail(context, daily.error());
    QByteArray params = "{\"agent\":" + api::jsonString(args.first()) + ",\"daily_micros\":" + *daily;
    if (parser.isSet(QStringLiteral("per-call"))) {
        auto perCall = microsOption(parser, "per-call");
        if (!perCall)
            return fail(context, perCall.error());
        params += ",\"per_call_micros\":" + *perCall;
    }
    params += '}';
    auto result = callOperation(context, QStringLiteral("budget.set"), params, ConfigUse::Read);
    if (!result)
        return fail(context, result.error());
    if (parser.isSet(JsonOption))
        return printJson(context, *result);
    const QJsonObject set = QJsonDocument::fromJson(*result).object();
    context.out << escapeInput(set.value(QStringLiteral("agent")).toString()) << ": daily " << usd(set.value(QStringLiteral("daily_cap_micros")))
                << " USD, per call " << usd(set.value(QStringLiteral("per_call_cap_micros")))
                << " (the per-call cap holds from the next call, the daily cap from the next refill)" << '\n';
    context.out.flush();
    return Ok;
}

int budgetResume(Context &context, QCommandLineParser &parser)
{
    const QStringList args = parser.positionalArguments();
    if (args.size() != 1)
        return fail(context, QStringLiteral("budget resume takes one AGENT, got %1").arg(quoteInput(args.join(u' '))), Usage);
    auto result = callOperation(context, QStringLiteral("budget.resume"), "{\"agent\":" + api::jsonString(args.first()) + '}', ConfigUse::Read);
    if (!result)
        return fail(context, result.error());
    if (parser.isSet(JsonOption))
        return printJson(context, *result);
    context.out << escapeInput(args.first()) << ": resumed" << '\n';
    context.out.flush();
    return Ok;
}

int treasuryFund(Context &context, QCommandLineParser &parser)
{
    const QStringList args = parser.positionalArguments();
    if (args.size() != 1)
        return fail(context, QStringLiteral("treasury fund takes one amount of USD, got %1").arg(quoteInput(args.join(u' '))), Usage);
    auto micros = costs::parseUsd(args.first(), QStringLiteral("amount"));
    if (!micros)
        return fail(context,
                    QStringLiteral("treasury fund takes decimal USD up to %1, digits and at most six decimals, no sign (e.g. 100.00), got %2")
                            .arg(costs::AmountMaxMicros / costs::MicrosPerUsd)
                            .arg(quoteInput(args.first())),
                    Usage);
    auto result = callOperation(context, QStringLiteral("treasury.fund"),
                                "{\"amount_micros\":" + api::jsonString(costs::microsText(*micros)) + '}', ConfigUse::Read);
    if (!result)
        return fail(context, result.error());
    if (parser.isSet(JsonOption))
        return printJson(context, *result);
    const QJsonObject funded = QJsonDocument::fromJson(*result).object();
    context.out << "funded " << usd(funded.value(QStringLiteral("amount_micros"))) << " USD; the treasury holds "
                << usd(funded.value(QStringLiteral("treasury_micros"))) << " USD" << '\n';
    context.out.flush();
    return Ok;
}

int modeGet(Context &context, QCommandLineParser &parser)
{
    auto result = callOperation(context, QStringLiteral("mode.get"), "{}");
    if (!result)
        return fail(context, result.error());
    if (parser.isSet(JsonOption))
        return printJson(context, *result);
    context.out << QJsonDocument::fromJson(*result).object().value(QStringLiteral("mode")).toString() << '\n';
    context.out.flush();
    return Ok;
}

int modeSet(Context &context, QCommandLineParser &parser)
{
    const QStringList args = parser.positionalArguments();
    if (args.size() != 1)
        return fail(context, QStringLiteral("mode set takes one MODE (autonomous, supervised, manual or paused), got %1").arg(quoteInput(args.join(u' '))),
                    Usage);
    auto result = callOperation(context, QStringLiteral("mode.set"), "{\"mode\":" + api::jsonString(args.first()) + '}', ConfigUse::Read);
    if (!result)
        return fail(context, result.error());
    if (parser.isSet(JsonOption))
        return printJson(context, *result);
    const QJsonObject change = QJsonDocument::fromJson(*result).object();
    if (change.value(QStringLiteral("changed")).toBool())
        context.out << "mode " << change.value(QStringLiteral("from")).toString() << " -> " << change.value(QStringLiteral("to")).toString() << '\n';
    else if (change.contains(QStringLiteral("approval_id")))
        context.out << "mode " << change.value(QStringLiteral("from")).toString() << " -> " << change.value(QStringLiteral("to")).toString()
                    << " waits for approval " << change.value(QStringLiteral("approval_id")).toString() << " (tier "
                    << change.value(QStringLiteral("tier")).toInt() << ")\n";
    else
        context.out << "mode already " << change.value(QStringLiteral("to")).toString() << '\n';
    context.out.flush();
    return Ok;
}

} // namespace

std::vector<Command> costCommands()
{
    auto words = [](const char *group, const char *verb) { return QStringList { QString::fromLatin1(group), QString::fromLatin1(verb) }; };
    auto jsonOnly = [](QCommandLineParser &parser) { parser.addOption(JsonOption); };
    return {
        { words("costs", "report"), {},
          QStringLiteral("Spend from the spend records, grouped, with the totals, pricing gaps and overruns, reconciled with the ledger."),
          [](QCommandLineParser &parser) {
              parser.addOption({ QStringLiteral("since"), QStringLiteral("Only calls from this day on (in the budgets' time zone)."), QStringLiteral("DATE") });
              parser.addOption({ QStringLiteral("by"), QStringLiteral("Group by agent (default), model, task or day."), QStringLiteral("KEY") });
              parser.addOption(JsonOption);
          },
          report },
        { words("budget", "show"), {},
          QStringLiteral("Every agent's envelope (caps, what is left, spend today, reservations, alerts), the treasury and the price table."), jsonOnly,
          budgetShow },
        { words("budget", "set"), QStringLiteral("AGENT"), QStringLiteral("Set an agent's daily cap and, with --per-call, its per-call cap (kept in the store)."),
          [](QCommandLineParser &parser) {
              parser.addPositionalArgument(QStringLiteral("agent"), QStringLiteral("The agent's name, as its file spells it."));
              parser.addOption({ QStringLiteral("daily"), QStringLiteral("The daily cap, decimal USD (e.g. 5.00)."), QStringLiteral("USD") });
              parser.addOption({ QStringLiteral("per-call"), QStringLiteral("The per-call cap, decimal USD."), QStringLiteral("USD") });
              parser.addOption(JsonOption);
          },
          budgetSet },
        { words("budget", "resume"), QStringLiteral("AGENT"), QStringLiteral("Resume an agent that velocity detection paused (an operator's decision, audited)."),
          [](QCommandLineParser &parser) {
              parser.addPositionalArgument(QStringLiteral("agent"), QStringLiteral("The paused agent."));
              parser.addOption(JsonOption);
          },
          budgetResume },
        { words("treasury", "fund"), QStringLiteral("USD"), QStringLiteral("Move money from outside into the treasury (admin, audited); the daily refills draw on it."),
          [](QCommandLineParser &parser) {
              parser.addPositionalArgument(QStringLiteral("usd"), QStringLiteral("The amount, decimal USD (e.g. 100.00)."));
              parser.addOption(JsonOption);
          },
          treasuryFund },
        { words("mode", "get"), {}, QStringLiteral("The operating mode: autonomous, supervised, manual or paused."), jsonOnly, modeGet },
        { words("mode", "set"), QStringLiteral("MODE"), QStringLiteral("Switch the operating mode (audited; tiered by the approvals policy)."),
          [](QCommandLineParser &parser) {
              parser.addPositionalArgument(QStringLiteral("mode"), QStringLiteral("autonomous, supervised, manual or paused."));
              parser.addOption(JsonOption);
          },
          modeSet },
    };
}

} // namespace cabinet::cli

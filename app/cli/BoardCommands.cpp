// cabinet board deliberate | show | list | whatif: the Shadow Board through its
// operations (docs/board.md), so each works beside a running console or
// server (writes go to its socket).
#include "QuotedInput.h"
#include "api/JsonText.h"
#include "board/WhatIf.h"
#include "cli/Command.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <iterator>

namespace cabinet::cli {

namespace {

// A proposal file is a small JSON object; checked before it is read.
constexpr qint64 ProposalFileBytesMax = 64 * 1024;

const QCommandLineOption JsonOption(QStringLiteral("json"), QStringLiteral("Print the operation's JSON result as it is."));

int printJson(Context &context, const QByteArray &json)
{
    context.out << QString::fromUtf8(json) << '\n';
    context.out.flush();
    return Ok;
}

QString number(const QJsonValue &v, int places = 2) { return QString::number(v.toDouble(), 'f', places); }

int showDeliberation(Context &context, const QByteArray &json)
{
    const QJsonObject d = QJsonDocument::fromJson(json).object();
    const QJsonObject proposal = d.value(QStringLiteral("proposal")).toObject();
    const QJsonObject consensus = d.value(QStringLiteral("consensus")).toObject();
    context.out << "deliberation " << d.value(QStringLiteral("id")).toInteger() << " (seed " << d.value(QStringLiteral("seed")).toString() << ", by "
                << escapeInput(d.value(QStringLiteral("requested_by")).toString()) << ")\n";
    context.out << "proposal:  " << proposal.value(QStringLiteral("kind")).toString() << ": "
                << escapeInput(proposal.value(QStringLiteral("text")).toString()) << '\n';
    if (const QString approval = d.value(QStringLiteral("approval_id")).toString(); !approval.isEmpty())
        context.out << "approval:  " << escapeInput(approval) << '\n';
    int round = 0;
    for (const QJsonValue &value : d.value(QStringLiteral("statements")).toArray()) {
        const QJsonObject s = value.toObject();
        if (s.value(QStringLiteral("round")).toInt() != round) {
            round = s.value(QStringLiteral("round")).toInt();
            context.out << "round " << round << ":\n";
        }
        context.out << "  " << escapeInput(s.value(QStringLiteral("text")).toString()) << '\n';
    }
    context.out << "votes:     ";
    QStringList votes;
    for (const QJsonValue &value : d.value(QStringLiteral("votes")).toArray()) {
        const QJsonObject v = value.toObject();
        votes << QStringLiteral("%1 %2 (%3)").arg(v.value(QStringLiteral("persona")).toString().toUpper(), v.value(QStringLiteral("vote")).toString(),
                                                  number(v.value(QStringLiteral("confidence"))));
    }
    context.out << votes.join(QStringLiteral(", ")) << '\n';
    context.out << "consensus: " << consensus.value(QStringLiteral("verdict")).toString() << " (approve share "
                << number(consensus.value(QStringLiteral("approve_share")), 3) << ", threshold " << number(consensus.value(QStringLiteral("threshold")), 3)
                << ")\n";
    context.out << escapeInput(d.value(QStringLiteral("recommendation")).toString()) << '\n';
    context.out.flush();
    return Ok;
}

int deliberate(Context &context, QCommandLineParser &parser)
{
    const QString path = parser.value(QStringLiteral("proposal"));
    if (path.isEmpty())
        return fail(context, QStringLiteral("board deliberate needs --proposal FILE, a JSON object (see docs/board.md)"), Usage);
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(context, QStringLiteral("cannot read %1: %2").arg(quoteInput(path), file.errorString()));
    if (file.size() > ProposalFileBytesMax)
        return fail(context, QStringLiteral("%1 holds %2 bytes, at most %3").arg(quoteInput(path)).arg(file.size()).arg(ProposalFileBytesMax), Usage);
    const QByteArray proposal = file.read(ProposalFileBytesMax + 1).trimmed();
    if (!proposal.startsWith('{'))
        return fail(context, QStringLiteral("%1 must hold a JSON object").arg(quoteInput(path)), Usage);
    // The text goes as it is: the operation reads it and names what is wrong.
    QByteArray params = "{\"proposal\":" + proposal;
    if (parser.isSet(QStringLiteral("seed")))
        params += ",\"seed\":" + api::jsonString(parser.value(QStringLiteral("seed")));
    if (parser.isSet(QStringLiteral("approval")))
        params += ",\"approval_id\":" + api::jsonString(parser.value(QStringLiteral("approval")));
    params += '}';
    auto result = callOperation(context, QStringLiteral("board.deliberate"), params);
    if (!result)
        return fail(context, result.error());
    if (parser.isSet(JsonOption))
        return printJson(context, *result);
    return showDeliberation(context, *result);
}

int show(Context &context, QCommandLineParser &parser)
{
    if (parser.positionalArguments().size() != 1)
        return fail(context, QStringLiteral("board show takes one deliberation ID"), Usage);
    bool ok = false;
    const qint64 id = parser.positionalArguments().first().toLongLong(&ok);
    if (!ok || id < 1)
        return fail(context, QStringLiteral("a deliberation ID is a whole number from 1, got %1").arg(quoteInput(parser.positionalArguments().first())), Usage);
    auto result = callOperation(context, QStringLiteral("board.get"), "{\"id\":" + QByteArray::number(id) + '}');
    if (!result)
        return fail(context, result.error());
    if (parser.isSet(JsonOption))
        return printJson(context, *result);
    return showDeliberation(context, *result);
}

int list(Context &context, QCommandLineParser &parser)
{
    auto result = callOperation(context, QStringLiteral("board.list"), "{}");
    if (!result)
        return fail(context, result.error());
    if (parser.isSet(JsonOption))
        return printJson(context, *result);
    const QJsonArray rows = QJsonDocument::fromJson(*result).object().value(QStringLiteral("deliberations")).toArray();
    if (rows.isEmpty())
        context.out << "no deliberations\n";
    for (const QJsonValue &value : rows) {
        const QJsonObject r = value.toObject();
        const qint64 whatIfOf = r.value(QStringLiteral("whatif_of")).toInteger();
        context.out << QStringLiteral("%1  %2  %3  %4  %5")
                               .arg(r.value(QStringLiteral("id")).toInteger())
                               .arg(QDateTime::fromMSecsSinceEpoch(r.value(QStringLiteral("created_ms")).toInteger()).toString(Qt::ISODate),
                                    r.value(QStringLiteral("verdict")).toString().leftJustified(12), r.value(QStringLiteral("kind")).toString().leftJustified(13),
                                    escapeInput(r.value(QStringLiteral("text")).toString()))
                    << (whatIfOf ? QStringLiteral("  (what-if of %1)").arg(whatIfOf) : QString()) << '\n';
    }
    context.out.flush();
    return Ok;
}

// A what-if changes each assumption once at most: no more --assume than
// keys. (Not --set, which the issue named: that is the global configuration
// override, taken anywhere on the line by app/main.cpp.)
constexpr qsizetype WhatIfSetsMax = qsizetype(std::size(board::WhatIfKeys));

QString percent(const QJsonValue &v) { return QString::number(v.toDouble() * 100, 'f', 1) + u'%'; }

int showWhatIf(Context &context, const QByteArray &json)
{
    const QJsonObject w = QJsonDocument::fromJson(json).object();
    const QJsonObject before = w.value(QStringLiteral("original")).toObject();
    const QJsonObject after = w.value(QStringLiteral("whatif")).toObject();
    QStringList set;
    const QJsonObject changes = w.value(QStringLiteral("set")).toObject();
    for (auto it = changes.begin(); it != changes.end(); ++it)
        set << it.key() + u'=' + QString::number(it.value().toDouble(), 'g', 15);
    context.out << "what-if of deliberation " << before.value(QStringLiteral("id")).toInteger() << ": deliberation "
                << after.value(QStringLiteral("id")).toInteger() << " (seed " << w.value(QStringLiteral("seed")).toString() << "; "
                << set.join(QStringLiteral(", ")) << ")\n";
    if (w.value(QStringLiteral("history_changed")).toBool())
        context.out << "note: tasks finished or spend was posted since the original; part of the difference is that\n";
    auto row = [&](const char *label, const QString &a, const QString &b) {
        context.out << QString::fromLatin1(label).leftJustified(18) << a.rightJustified(16) << b.rightJustified(16) << '\n';
    };
    row("", QStringLiteral("original"), QStringLiteral("what-if"));
    auto money = [](const QJsonObject &side, const char *key) {
        return QStringLiteral("%1 USD").arg(side.value(QStringLiteral("summary")).toObject().value(QLatin1String(key)).toDouble(), 0, 'f', 2);
    };
    auto chance = [](const QJsonObject &side, const char *key) { return percent(side.value(QStringLiteral("summary")).toObject().value(QLatin1String(key))); };
    row("gain P5", money(before, "p5_gain"), money(after, "p5_gain"));
    row("gain P50", money(before, "p50_gain"), money(after, "p50_gain"));
    row("gain P95", money(before, "p95_gain"), money(after, "p95_gain"));
    row("CVaR95", money(before, "cvar95_gain"), money(after, "cvar95_gain"));
    row("P(loss)", chance(before, "probability_of_loss"), chance(after, "probability_of_loss"));
    row("P(budget breach)", chance(before, "probability_of_budget_breach"), chance(after, "probability_of_budget_breach"));
    auto verdict = [](const QJsonObject &side) {
        const QJsonObject c = side.value(QStringLiteral("consensus")).toObject();
        return QStringLiteral("%1 %2").arg(c.value(QStringLiteral("verdict")).toString(), number(c.value(QStringLiteral("approve_share")), 3));
    };
    row("verdict (share)", verdict(before), verdict(after));
    const QJsonArray changed = w.value(QStringLiteral("changed_votes")).toArray();
    context.out << (changed.isEmpty() ? "no vote changed\n" : "votes that changed:\n");
    for (const QJsonValue &value : changed) {
        const QJsonObject v = value.toObject();
        context.out << QStringLiteral("  %1 %2 -> %3 (score %4 -> %5, utility %6 -> %7)")
                               .arg(v.value(QStringLiteral("persona")).toString().toUpper(), v.value(QStringLiteral("before")).toString(),
                                    v.value(QStringLiteral("after")).toString(), number(v.value(QStringLiteral("score_before")), 3),
                                    number(v.value(QStringLiteral("score_after")), 3), number(v.value(QStringLiteral("utility_before")), 3),
                                    number(v.value(QStringLiteral("utility_after")), 3))
                    << '\n';
    }
    context.out.flush();
    return Ok;
}

int whatIf(Context &context, QCommandLineParser &parser)
{
    if (parser.positionalArguments().size() != 1)
        return fail(context, QStringLiteral("board whatif takes one deliberation ID"), Usage);
    bool ok = false;
    const qint64 id = parser.positionalArguments().first().toLongLong(&ok);
    if (!ok || id < 1)
        return fail(context, QStringLiteral("a deliberation ID is a whole number from 1, got %1").arg(quoteInput(parser.positionalArguments().first())), Usage);
    const QStringList sets = parser.values(QStringLiteral("assume"));
    if (sets.isEmpty())
        return fail(context, QStringLiteral("board whatif needs at least one --assume key=value (docs/board.md)"), Usage);
    if (sets.size() > WhatIfSetsMax)
        return fail(context, QStringLiteral("board whatif takes at most %1 --assume, one per assumption").arg(WhatIfSetsMax), Usage);
    QJsonObject set;
    for (const QString &item : sets) {
        const qsizetype eq = item.indexOf(u'=');
        const QString key = item.left(eq);
        const double value = item.mid(eq + 1).toDouble(&ok);
        if (eq <= 0 || !ok)
            return fail(context, QStringLiteral("--assume takes key=number, got %1").arg(quoteInput(item)), Usage);
        if (set.contains(key))
            return fail(context, QStringLiteral("--assume %1 is given twice").arg(quoteInput(key)), Usage);
        set.insert(key, value); // the operation names a key it does not know
    }
    QJsonObject params { { QStringLiteral("id"), id }, { QStringLiteral("set"), set } };
    if (parser.isSet(QStringLiteral("seed")))
        params.insert(QStringLiteral("seed"), parser.value(QStringLiteral("seed")));
    auto result = callOperation(context, QStringLiteral("board.whatif"), api::compact(params));
    if (!result)
        return fail(context, result.error());
    if (parser.isSet(JsonOption))
        return printJson(context, *result);
    return showWhatIf(context, *result);
}

} // namespace

std::vector<Command> boardCommands()
{
    auto word = [](const char *verb) { return QStringList { QStringLiteral("board"), QString::fromLatin1(verb) }; };
    return {
        { word("deliberate"), {}, QStringLiteral("The Shadow Board deliberates on a proposal and prints its statements, votes and recommendation."),
          [](QCommandLineParser &parser) {
              parser.addOption({ QStringLiteral("proposal"), QStringLiteral("The proposal, a JSON file (docs/board.md)."), QStringLiteral("FILE") });
              parser.addOption({ QStringLiteral("seed"), QStringLiteral("The engine's seed (default: the clock); the same seed, the same run."),
                                 QStringLiteral("S") });
              parser.addOption({ QStringLiteral("approval"), QStringLiteral("Attach it to this approval request."), QStringLiteral("ID") });
              parser.addOption(JsonOption);
          },
          deliberate },
        { word("show"), QStringLiteral("ID"), QStringLiteral("Show one saved deliberation."),
          [](QCommandLineParser &parser) {
              parser.addPositionalArgument(QStringLiteral("id"), QStringLiteral("The deliberation's id, as 'board list' shows it."));
              parser.addOption(JsonOption);
          },
          show },
        { word("whatif"), QStringLiteral("ID"),
          QStringLiteral("Re-run a saved deliberation with changed assumptions and compare both side by side."),
          [](QCommandLineParser &parser) {
              parser.addPositionalArgument(QStringLiteral("id"), QStringLiteral("The deliberation's id, as 'board list' shows it."));
              parser.addOption({ QStringLiteral("assume"),
                                 QStringLiteral("An assumption to change, key=number: cost_estimate_micros, horizon_days, scenarios, budget_micros, "
                                                "expected_value_micros, success_rate, failure_cost_micros, tasks_per_day, volatility_daily."),
                                 QStringLiteral("KEY=VALUE") });
              parser.addOption({ QStringLiteral("seed"), QStringLiteral("The engine's seed (default: the original's, so only the change differs)."),
                                 QStringLiteral("S") });
              parser.addOption(JsonOption);
          },
          whatIf },
        { word("list"), {}, QStringLiteral("List saved deliberations, newest first."), [](QCommandLineParser &parser) { parser.addOption(JsonOption); },
          list },
    };
}

} // namespace cabinet::cli

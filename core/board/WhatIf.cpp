#include "board/WhatIf.h"

#include <QJsonArray>

#include <algorithm>
#include <iterator>

namespace cabinet::board {

namespace {

// The votes of a saved deliberation with the utility and score behind each,
// from its round-3 statements (the vote's own record holds neither).
QJsonArray votesWithScores(const QJsonObject &deliberation)
{
    QHash<QString, QJsonObject> finalWords;
    for (const QJsonValue &value : deliberation.value(QStringLiteral("statements")).toArray()) {
        const QJsonObject s = value.toObject();
        if (s.value(QStringLiteral("round")).toInt() == 3)
            finalWords.insert(s.value(QStringLiteral("persona")).toString(), s);
    }
    QJsonArray votes;
    for (const QJsonValue &value : deliberation.value(QStringLiteral("votes")).toArray()) {
        QJsonObject vote = value.toObject();
        const QJsonObject said = finalWords.value(vote.value(QStringLiteral("persona")).toString());
        vote.insert(QStringLiteral("utility"), said.value(QStringLiteral("utility")));
        vote.insert(QStringLiteral("score"), said.value(QStringLiteral("score")));
        votes.append(vote);
    }
    return votes;
}

} // namespace

QJsonObject deliberationSide(const QJsonObject &d)
{
    const QJsonArray votes = votesWithScores(d);
    const QJsonObject proposal = d.value(QStringLiteral("proposal")).toObject();
    const QJsonObject result = d.value(QStringLiteral("result")).toObject();
    const QJsonObject evidence = d.value(QStringLiteral("evidence")).toObject();
    const QJsonObject consensus = d.value(QStringLiteral("consensus")).toObject();
    auto three = [&](const char *p5, const char *p50, const char *p95) {
        return QJsonObject { { QStringLiteral("p5"), result.value(QLatin1String(p5)) },
                             { QStringLiteral("p50"), result.value(QLatin1String(p50)) },
                             { QStringLiteral("p95"), result.value(QLatin1String(p95)) } };
    };
    return { { QStringLiteral("id"), d.value(QStringLiteral("id")) },
             { QStringLiteral("cost_estimate_micros"), proposal.value(QStringLiteral("cost_estimate_micros")) },
             { QStringLiteral("assumptions"), proposal.value(QStringLiteral("assumptions")) },
             { QStringLiteral("summary"), d.value(QStringLiteral("summary")) },
             { QStringLiteral("consensus"),
               QJsonObject { { QStringLiteral("verdict"), consensus.value(QStringLiteral("verdict")) },
                             { QStringLiteral("approve_share"), consensus.value(QStringLiteral("approve_share")) },
                             { QStringLiteral("threshold"), consensus.value(QStringLiteral("threshold")) },
                             { QStringLiteral("dissent"), consensus.value(QStringLiteral("dissent")) } } },
             { QStringLiteral("votes"), votes },
             { QStringLiteral("net"), three("p5", "p50", "p95") },
             { QStringLiteral("cost"), three("cost_p5", "cost_p50", "cost_p95") },
             { QStringLiteral("initial_capital"), evidence.value(QStringLiteral("initial_capital")) },
             { QStringLiteral("budget"), evidence.value(QStringLiteral("budget")) },
             { QStringLiteral("histogram"), result.value(QStringLiteral("histogram")) } };
}

Result<Proposal> whatIfProposal(const Proposal &original, const QJsonObject &set)
{
    if (set.isEmpty())
        return Error { ErrorCode::InvalidArgument, QStringLiteral("'set' must change at least one assumption"), QStringLiteral("set") };
    QJsonObject json = proposalToJson(original);
    QJsonObject assumptions = json.value(QStringLiteral("assumptions")).toObject();
    for (auto it = set.begin(); it != set.end(); ++it) {
        const bool known = std::any_of(std::begin(WhatIfKeys), std::end(WhatIfKeys), [&](const char *key) { return it.key() == QLatin1String(key); });
        if (!known)
            return Error { ErrorCode::InvalidArgument,
                           QStringLiteral("'set' cannot change '%1': it takes the cost estimate and the proposal's assumptions (docs/board.md)")
                                   .arg(it.key().left(64)),
                           QStringLiteral("set.") + it.key().left(64) };
        if (it.key() == QLatin1String(WhatIfKeys[0]))
            json.insert(it.key(), it.value());
        else
            assumptions.insert(it.key(), it.value());
    }
    json.insert(QStringLiteral("assumptions"), assumptions);
    auto changed = proposalFromJson(json);
    if (!changed) {
        // Named as the caller gave it: "set.success_rate", not the proposal's "assumptions.success_rate".
        Error e = changed.error();
        const QString field = QStringLiteral("set.") + e.field.mid(e.field.startsWith(QLatin1String("assumptions.")) ? 12 : 0);
        if (e.message.startsWith(e.field))
            e.message = field + e.message.mid(e.field.size());
        e.field = field;
        return e;
    }
    return changed;
}

QJsonObject compareWhatIf(const QJsonObject &original, const QJsonObject &whatIf, const QJsonObject &set)
{
    const QJsonObject originalSide = deliberationSide(original);
    const QJsonObject whatIfSide = deliberationSide(whatIf);
    const QJsonArray before = originalSide.value(QStringLiteral("votes")).toArray();
    const QJsonArray after = whatIfSide.value(QStringLiteral("votes")).toArray();
    QJsonArray changed;
    for (const QJsonValue &a : after) {
        const QJsonObject now = a.toObject();
        const QString persona = now.value(QStringLiteral("persona")).toString();
        for (const QJsonValue &b : before) {
            const QJsonObject was = b.toObject();
            if (was.value(QStringLiteral("persona")).toString() != persona || was.value(QStringLiteral("vote")) == now.value(QStringLiteral("vote")))
                continue;
            changed.append(QJsonObject { { QStringLiteral("persona"), persona },
                                         { QStringLiteral("before"), was.value(QStringLiteral("vote")) },
                                         { QStringLiteral("after"), now.value(QStringLiteral("vote")) },
                                         { QStringLiteral("score_before"), was.value(QStringLiteral("score")) },
                                         { QStringLiteral("score_after"), now.value(QStringLiteral("score")) },
                                         { QStringLiteral("utility_before"), was.value(QStringLiteral("utility")) },
                                         { QStringLiteral("utility_after"), now.value(QStringLiteral("utility")) } });
        }
    }
    // The history is read anew for the re-run: when tasks finished or spend
    // was posted since the original, part of the difference is that.
    const QJsonObject e0 = original.value(QStringLiteral("evidence")).toObject();
    const QJsonObject e1 = whatIf.value(QStringLiteral("evidence")).toObject();
    bool historyChanged = false;
    for (const char *key : { "tasks_done", "tasks_failed", "spend_days", "median_daily_cost_usd" })
        historyChanged = historyChanged || e0.value(QLatin1String(key)) != e1.value(QLatin1String(key));
    return { { QStringLiteral("set"), set },
             { QStringLiteral("seed"), whatIf.value(QStringLiteral("seed")) },
             { QStringLiteral("history_changed"), historyChanged },
             { QStringLiteral("original"), originalSide },
             { QStringLiteral("whatif"), whatIfSide },
             { QStringLiteral("changed_votes"), changed } };
}

QJsonObject changedAssumptions(const QJsonObject &originalProposal, const QJsonObject &proposal)
{
    auto valueOf = [](const QJsonObject &p, const char *key) {
        // The cost estimate is the proposal's own member; the rest are assumptions.
        const QLatin1String name(key);
        return name == QLatin1String(WhatIfKeys[0]) ? p.value(name) : p.value(QStringLiteral("assumptions")).toObject().value(name);
    };
    QJsonObject set;
    for (const char *key : WhatIfKeys)
        if (valueOf(originalProposal, key) != valueOf(proposal, key))
            set.insert(QLatin1String(key), valueOf(proposal, key));
    return set;
}

Status whatIf(BoardService &service, qint64 id, const QJsonObject &set, std::optional<quint64> seed, const Actor &actor, BoardService::Done done)
{
    auto original = service.get(id);
    if (!original)
        return original.error();
    auto proposal = proposalFromJson(original->value(QStringLiteral("proposal")).toObject());
    if (!proposal)
        return Error { ErrorCode::Internal, QStringLiteral("deliberation %1's saved proposal no longer reads: %2").arg(id).arg(proposal.error().message) };
    auto changed = whatIfProposal(*proposal, set);
    if (!changed)
        return changed.error();
    if (!seed) {
        bool ok = false;
        seed = original->value(QStringLiteral("seed")).toString().toULongLong(&ok);
        if (!ok)
            return Error { ErrorCode::Internal, QStringLiteral("deliberation %1's saved seed does not read").arg(id) };
    }
    return service.deliberate(
            *changed, seed, QString(), actor,
            [original = *original, set, done = std::move(done)](Result<QJsonObject> saved) {
                if (!saved)
                    return done(saved.error());
                done(compareWhatIf(original, *saved, set));
            },
            id);
}

} // namespace cabinet::board

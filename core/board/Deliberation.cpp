#include "board/Deliberation.h"

#include "Assert.h"

#include <QJsonArray>

#include <cmath>

namespace cabinet::board {

namespace {

const QString ComposedLabel = QStringLiteral("[composed from the numbers, not a model's words] ");

QString usd(double value) { return QString::number(value, 'f', 2) + QStringLiteral(" USD"); }
QString percent(double p) { return QString::number(p * 100, 'f', 1) + u'%'; }
QString title(const QString &name) { return name.toUpper(); }

// The figure each kind rests on, in words.
QString figures(const Utility &u, const OutcomeSummary &s)
{
    switch (u.kind) {
    case UtilityKind::Downside:
        return QStringLiteral("P5 of the gain %1, CVaR95 %2").arg(usd(s.p5Gain), usd(s.cvar95Gain));
    case UtilityKind::Upside:
        return QStringLiteral("P95 of the gain %1").arg(usd(s.p95Gain));
    case UtilityKind::Median:
        return QStringLiteral("P50 of the gain %1").arg(usd(s.p50Gain));
    case UtilityKind::MeanRisk:
        return QStringLiteral("mean gain %1, standard deviation %2").arg(usd(s.meanGain), usd(s.stdDev));
    case UtilityKind::LossRisk:
        return QStringLiteral("P(loss) %1 against a tolerance of %2").arg(percent(s.probabilityOfLoss), percent(u.tolerance));
    case UtilityKind::BreachRisk:
        return QStringLiteral("P(budget breach) %1 against a tolerance of %2").arg(percent(s.probabilityOfBreach), percent(u.tolerance));
    case UtilityKind::FailureRisk:
        return QStringLiteral("P(failure event) %1 against a tolerance of %2").arg(percent(s.probabilityOfFailure), percent(u.tolerance));
    }
    CABINET_ASSERT_MSG(false, "utility kind %d", int(u.kind));
    return {};
}

QString leaning(Vote vote)
{
    switch (vote) {
    case Vote::Approve:
        return QStringLiteral("I lean to approve");
    case Vote::Reject:
        return QStringLiteral("I lean to reject");
    case Vote::Abstain:
        return QStringLiteral("this gives me nothing to judge either way under my lens");
    }
    return {};
}

} // namespace

Ballot ballotFor(const Persona &persona, double score)
{
    const double confidence = std::min(1.0, std::abs(score));
    const Vote vote = confidence < AbstainBelow ? Vote::Abstain : score > 0 ? Vote::Approve : Vote::Reject;
    return { persona.name, persona.seat.voteWeight, vote, confidence };
}

Deliberation deliberate(const QList<Persona> &personas, const OutcomeSummary &s)
{
    Deliberation d;
    d.summary = s;
    QList<BoardStatement> first;
    for (const Persona &p : personas) {
        const Utility &u = p.seat.utility;
        const double value = utilityValue(u, s);
        const double score = normalizedScore(u, s);
        const Ballot b = ballotFor(p, score);
        d.ballots.append(b);
        BoardStatement st { 1, p.name, QLatin1String(ComposedSource), {}, value, score, b.vote, b.confidence };
        st.text = ComposedLabel
                + QStringLiteral("%1 (%2): my utility is %3 = %4; score %5, so %6. It rests on %7.")
                          .arg(title(p.name), p.seat.domain, utilityFormula(u), QString::number(value, 'f', 4), QString::number(score, 'f', 3),
                               leaning(b.vote), figures(u, s));
        first.append(st);
    }
    d.statements = first;

    // Round 2: everyone answers the strongest voice against the leading
    // side. Composed statements have no new information to weigh, so each
    // position stands, and says so.
    const std::optional<Vote> lead = leadingSide(d.ballots);
    const std::optional<qsizetype> dissent = lead ? strongestDissent(d.ballots, *lead) : std::nullopt;
    for (qsizetype i = 0; i < personas.size(); ++i) {
        BoardStatement st = first[i];
        st.round = 2;
        if (!dissent) {
            st.text = ComposedLabel + QStringLiteral("%1: there is no dissent to answer; my position stands.").arg(title(personas[i].name));
        } else if (i == *dissent) {
            st.text = ComposedLabel + QStringLiteral("%1: my dissent stands: %2.").arg(title(personas[i].name), figures(personas[i].seat.utility, s));
        } else {
            const Persona &other = personas[*dissent];
            st.text = ComposedLabel
                    + QStringLiteral("%1: %2 dissents on %3 (%4). Under my lens the figure is unchanged (%5), so my position stands.")
                              .arg(title(personas[i].name), title(other.name), other.seat.domain, figures(other.seat.utility, s),
                                   figures(personas[i].seat.utility, s));
        }
        d.statements.append(st);
    }

    for (qsizetype i = 0; i < personas.size(); ++i) {
        BoardStatement st = first[i];
        st.round = 3;
        st.text = ComposedLabel
                + QStringLiteral("%1 votes %2 with confidence %3.").arg(title(personas[i].name), voteName(st.vote), QString::number(st.confidence, 'f', 2));
        d.statements.append(st);
    }

    d.tally = tally(d.ballots);
    const std::optional<Vote> side = d.tally.verdict == Verdict::Approve ? std::optional(Vote::Approve)
                                   : d.tally.verdict == Verdict::Reject  ? std::optional(Vote::Reject)
                                                                          : lead;
    d.dissent = side ? strongestDissent(d.ballots, *side) : std::nullopt;
    QString dissentText = QStringLiteral("no dissent");
    if (d.dissent) {
        const Persona &p = personas[*d.dissent];
        dissentText = QStringLiteral("the strongest dissent is %1's (%2): %3").arg(title(p.name), p.seat.domain, figures(p.seat.utility, s));
    }
    d.recommendation = QStringLiteral("The board's verdict: %1 (approve share %2 of the weighted confidence, threshold %3); %4. "
                                      "Gain P5 %5, P50 %6, P95 %7; P(loss) %8; P(budget breach) %9; CVaR95 %10.")
                               .arg(verdictName(d.tally.verdict), percent(d.tally.approveShare), percent(ConsensusThreshold), dissentText,
                                    usd(s.p5Gain), usd(s.p50Gain), usd(s.p95Gain), percent(s.probabilityOfLoss))
                               .arg(percent(s.probabilityOfBreach), usd(s.cvar95Gain));
    return d;
}

QJsonObject summaryToJson(const OutcomeSummary &s)
{
    return { { QStringLiteral("mean_gain"), s.meanGain },
             { QStringLiteral("std_dev"), s.stdDev },
             { QStringLiteral("p5_gain"), s.p5Gain },
             { QStringLiteral("p50_gain"), s.p50Gain },
             { QStringLiteral("p95_gain"), s.p95Gain },
             { QStringLiteral("cvar95_gain"), s.cvar95Gain },
             { QStringLiteral("probability_of_loss"), s.probabilityOfLoss },
             { QStringLiteral("probability_of_budget_breach"), s.probabilityOfBreach },
             { QStringLiteral("probability_of_failure_event"), s.probabilityOfFailure },
             { QStringLiteral("scale_usd"), s.scaleUsd } };
}

QJsonObject deliberationToJson(const Deliberation &d)
{
    QJsonArray statements;
    for (const BoardStatement &st : d.statements)
        statements.append(QJsonObject { { QStringLiteral("round"), st.round },
                                        { QStringLiteral("persona"), st.persona },
                                        { QStringLiteral("source"), st.source },
                                        { QStringLiteral("text"), st.text },
                                        { QStringLiteral("utility"), st.utility },
                                        { QStringLiteral("score"), st.score },
                                        { QStringLiteral("vote"), voteName(st.vote) },
                                        { QStringLiteral("confidence"), st.confidence } });
    QJsonArray votes;
    for (const Ballot &b : d.ballots)
        votes.append(QJsonObject { { QStringLiteral("persona"), b.persona },
                                   { QStringLiteral("weight"), b.weight },
                                   { QStringLiteral("vote"), voteName(b.vote) },
                                   { QStringLiteral("confidence"), b.confidence } });
    QJsonObject consensus { { QStringLiteral("verdict"), verdictName(d.tally.verdict) },
                            { QStringLiteral("support"), d.tally.support },
                            { QStringLiteral("opposition"), d.tally.opposition },
                            { QStringLiteral("approve_share"), d.tally.approveShare },
                            { QStringLiteral("threshold"), ConsensusThreshold },
                            { QStringLiteral("dissent"), d.dissent ? QJsonValue(d.ballots[*d.dissent].persona) : QJsonValue() } };
    return { { QStringLiteral("summary"), summaryToJson(d.summary) },
             { QStringLiteral("statements"), statements },
             { QStringLiteral("votes"), votes },
             { QStringLiteral("consensus"), consensus },
             { QStringLiteral("recommendation"), d.recommendation } };
}

} // namespace cabinet::board

#include "board/Consensus.h"

#include "Assert.h"

namespace cabinet::board {

QString voteName(Vote vote)
{
    switch (vote) {
    case Vote::Approve:
        return QStringLiteral("approve");
    case Vote::Reject:
        return QStringLiteral("reject");
    case Vote::Abstain:
        return QStringLiteral("abstain");
    }
    CABINET_ASSERT_MSG(false, "vote %d", int(vote));
    return {};
}

QString verdictName(Verdict verdict)
{
    switch (verdict) {
    case Verdict::Approve:
        return QStringLiteral("approve");
    case Verdict::Reject:
        return QStringLiteral("reject");
    case Verdict::NoConsensus:
        return QStringLiteral("no_consensus");
    }
    CABINET_ASSERT_MSG(false, "verdict %d", int(verdict));
    return {};
}

Tally tally(const QList<Ballot> &ballots)
{
    Tally t;
    for (const Ballot &b : ballots) {
        CABINET_ASSERT_MSG(b.weight >= 0 && b.confidence >= 0 && b.confidence <= 1, "%s: weight %f, confidence %f",
                           qPrintable(b.persona), b.weight, b.confidence);
        if (b.vote == Vote::Approve)
            t.support += b.weight * b.confidence;
        else if (b.vote == Vote::Reject)
            t.opposition += b.weight * b.confidence;
    }
    const double total = t.support + t.opposition;
    if (total <= 0)
        return t;
    t.approveShare = t.support / total;
    if (t.support == t.opposition)
        return t;
    if (t.approveShare >= ConsensusThreshold)
        t.verdict = Verdict::Approve;
    else if (t.approveShare <= 1 - ConsensusThreshold)
        t.verdict = Verdict::Reject;
    return t;
}

std::optional<Vote> leadingSide(const QList<Ballot> &ballots)
{
    const Tally t = tally(ballots);
    if (t.support > t.opposition)
        return Vote::Approve;
    if (t.opposition > t.support)
        return Vote::Reject;
    return std::nullopt;
}

std::optional<qsizetype> strongestDissent(const QList<Ballot> &ballots, Vote side)
{
    CABINET_ASSERT(side != Vote::Abstain);
    const Vote against = side == Vote::Approve ? Vote::Reject : Vote::Approve;
    std::optional<qsizetype> best;
    for (qsizetype i = 0; i < ballots.size(); ++i) {
        const Ballot &b = ballots[i];
        if (b.vote == against && (!best || b.weight * b.confidence > ballots[*best].weight * ballots[*best].confidence))
            best = i;
    }
    return best;
}

} // namespace cabinet::board

#pragma once

#include <QList>
#include <QString>

#include <optional>

// The board's vote and its tally (docs/board.md).
namespace cabinet::board {

enum class Vote { Approve, Reject, Abstain };
enum class Verdict { Approve, Reject, NoConsensus };

QString voteName(Vote vote);       // "approve", "reject", "abstain"
QString verdictName(Verdict verdict); // "approve", "reject", "no_consensus"

struct Ballot {
    QString persona;
    double weight = 1;     // the persona's vote_weight
    Vote vote = Vote::Abstain;
    double confidence = 0; // 0..1
};

// The share of the weighted confidence a side needs: approve when
// support / (support + opposition) >= this, reject when <= 1 - this.
inline constexpr double ConsensusThreshold = 2.0 / 3.0;

struct Tally {
    double support = 0;    // sum of weight x confidence of the approvals
    double opposition = 0; // the same for the rejections
    double approveShare = 0; // support / (support + opposition); 0 when nobody voted
    Verdict verdict = Verdict::NoConsensus;
};

// Abstentions count in neither side nor the denominator; no votes at all, or
// a tie, is no consensus whatever the threshold.
Tally tally(const QList<Ballot> &ballots);

// The side that leads on weighted confidence (approve or reject), nothing on
// a tie or when nobody voted.
std::optional<Vote> leadingSide(const QList<Ballot> &ballots);

// The strongest dissent from `side`: the ballot of the opposite vote with
// the largest weight x confidence (the first such in ballot order on a
// tie), or nothing when nobody voted against it.
std::optional<qsizetype> strongestDissent(const QList<Ballot> &ballots, Vote side);

} // namespace cabinet::board

#pragma once

#include "board/Consensus.h"
#include "board/Evidence.h"
#include "orchestrator/AgentDefinition.h"

#include <QJsonObject>
#include <QList>

#include <optional>

// The board's three rounds on one outcome summary (docs/board.md).
namespace cabinet::board {

struct Persona {
    QString name; // the agent's name: "cfo"
    orchestrator::BoardSeat seat;
};

// Where a statement's words come from. Only composed statements exist so
// far: the persona's numbers put into sentences by this code, labelled so
// that nobody takes them for a model's words.
inline constexpr auto ComposedSource = "composed";

struct BoardStatement {
    int round = 1; // 1: position, 2: answer to the strongest dissent, 3: vote
    QString persona;
    QString source; // ComposedSource
    QString text;
    double utility = 0; // the formula's value, in its unit
    double score = 0;   // tanh(utility / scale)
    Vote vote = Vote::Abstain;
    double confidence = 0;
};

struct Deliberation {
    OutcomeSummary summary;
    QList<BoardStatement> statements; // round by round, board order within a round
    QList<Ballot> ballots;            // round 3
    Tally tally;
    std::optional<qsizetype> dissent; // index into ballots: the strongest dissent from the verdict (or the leading side)
    QString recommendation;           // one paragraph with the numbers it rests on
};

// The vote a score means: abstain within AbstainBelow of zero, else its sign;
// the confidence is |score|.
Ballot ballotFor(const Persona &persona, double score);

// Pure and deterministic: the same personas and summary give the same
// statements, votes and tally.
Deliberation deliberate(const QList<Persona> &personas, const OutcomeSummary &summary);

QJsonObject summaryToJson(const OutcomeSummary &summary);
QJsonObject deliberationToJson(const Deliberation &deliberation);

} // namespace cabinet::board

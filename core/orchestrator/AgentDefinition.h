#pragma once

#include "Error.h"
#include "board/Utility.h"

#include <QString>
#include <QStringList>

#include <optional>

// One agent as its file defines it (docs/agents.md): who it is, which models
// serve it, what it may spend, and its system prompt.
namespace cabinet::orchestrator {

// A Shadow Board persona's seat (docs/board.md): the file's `board:` mapping.
struct BoardSeat {
    QString domain;        // its lens: "finance", "legal", ...
    double voteWeight = 1; // its weight in the tally
    board::Utility utility;
};

struct AgentDefinition {
    QString name;          // the key workflows and overrides use: "rex"
    QString role;          // "builder", "qa", "board", ...
    QString model;         // a router alias ("cloud/frontier") or provider/model
    QString fallbackModel; // empty: none beyond the router's own chain
    QStringList skills;
    double temperature = 0;
    qint64 dailyBudgetMicroUsd = 0;
    qint64 perCallBudgetMicroUsd = 0;
    std::optional<BoardSeat> board; // only a file with a `board:` mapping sits on the board
    QString systemPrompt; // the file's body, trimmed
    QString path;         // the file it came from
    bool shipped = false; // from the compiled-in resources, not the data directory
    int modelLine = 0;    // the line of `model:`, for problems about it
};

// Something wrong with an agent file: where, and why.
struct AgentProblem {
    QString path;
    int line = 0; // 1-based; 0 when the problem is the whole file
    QString message;
    ErrorCode code = ErrorCode::InvalidArgument;
};

} // namespace cabinet::orchestrator

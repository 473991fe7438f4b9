#pragma once

#include "Error.h"

#include <QString>
#include <QStringList>

// One agent as its file defines it (docs/agents.md): who it is, which models
// serve it, what it may spend, and its system prompt.
namespace cabinet::orchestrator {

struct AgentDefinition {
    QString name;          // the key workflows and overrides use: "rex"
    QString role;          // "builder", "qa", "board", ...
    QString model;         // a router alias ("cloud/frontier") or provider/model
    QString fallbackModel; // empty: none beyond the router's own chain
    QStringList skills;
    double temperature = 0;
    qint64 dailyBudgetMicroUsd = 0;
    qint64 perCallBudgetMicroUsd = 0;
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

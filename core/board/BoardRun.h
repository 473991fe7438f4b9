#pragma once

#include "Result.h"
#include "board/Deliberation.h"
#include "board/Evidence.h"

#include <ScenarioEngine.h>

// One deliberation from proposal to tally: the evidence, one engine run,
// the summary and the three rounds. It touches no Qt object and no
// database, so it runs on a worker thread (docs/board.md); the caller reads
// the history first and stores the outcome after, on the core's thread.
namespace cabinet::orchestrator {
class AgentRegistry;
}

namespace cabinet::board {

// The agents in force that hold a board seat, by name.
QList<Persona> boardPersonas(const orchestrator::AgentRegistry &registry);

struct BoardRun {
    Evidence evidence;
    gpu::ScenarioResult result;
    Deliberation deliberation;
};

Result<BoardRun> runBoard(gpu::ScenarioEngine &engine, const QList<Persona> &personas, const Proposal &proposal, const History &history,
                          quint64 seed);

} // namespace cabinet::board

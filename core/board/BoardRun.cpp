#include "board/BoardRun.h"

#include "orchestrator/AgentRegistry.h"

namespace cabinet::board {

QList<Persona> boardPersonas(const orchestrator::AgentRegistry &registry)
{
    QList<Persona> personas;
    for (const orchestrator::AgentDefinition &agent : registry.all())
        if (agent.board)
            personas.append({ agent.name, *agent.board });
    return personas;
}

Result<BoardRun> runBoard(gpu::ScenarioEngine &engine, const QList<Persona> &personas, const Proposal &proposal, const History &history,
                          quint64 seed)
{
    auto evidence = buildEvidence(proposal, history, seed);
    if (!evidence)
        return evidence.error();
    gpu::RunOptions options; // the histogram for the record; no paths, no outcomes kept
    auto result = engine.run(evidence->params, options);
    if (!result)
        return Error { result.error().code == gpu::Error::Code::Cancelled ? ErrorCode::Cancelled : ErrorCode::Internal,
                       QString::fromStdString(result.error().message) };
    BoardRun run { std::move(*evidence), std::move(*result), {} };
    run.deliberation = deliberate(personas, summarize(run.result, run.evidence.params, proposal));
    return run;
}

} // namespace cabinet::board

#pragma once

#include "Actor.h"
#include "Result.h"
#include "board/BoardService.h"
#include "board/Evidence.h"

#include <QJsonObject>

#include <optional>

// The board's what-if (docs/board.md, "What-if"): a saved deliberation
// re-run with some assumptions changed, on the same seed unless another is
// given, so that the change is the only difference; saved as a new
// deliberation linked to its original (whatif_of) and answered side by side.
namespace cabinet::board {

// What a what-if may change: the cost estimate and the proposal's
// assumptions, under the names a proposal gives them.
inline constexpr const char *WhatIfKeys[] = { "cost_estimate_micros", "horizon_days",        "scenarios",     "budget_micros",
                                              "expected_value_micros", "success_rate",        "failure_cost_micros",
                                              "tasks_per_day",         "volatility_daily" };

// The original proposal with `set` applied, read as strictly as a new one:
// an empty `set`, an unknown key or a value out of range is invalid_argument
// naming "set" or "set.<key>".
Result<Proposal> whatIfProposal(const Proposal &original, const QJsonObject &set);

// One deliberation (as BoardService::get returns it) as one side of a
// comparison: {id, assumptions, cost_estimate_micros, summary, consensus,
// votes (with each persona's utility and score), net {p5, p50, p95},
// cost {p5, p50, p95}, initial_capital, budget, histogram}. The console's
// Shadow Board panel shows a saved deliberation in the same shape.
QJsonObject deliberationSide(const QJsonObject &deliberation);

// Both deliberations side by side: {set, seed, history_changed, original:
// side, whatif: side, changed_votes}, a changed vote {persona, before,
// after, score_before, score_after, utility_before, utility_after}.
QJsonObject compareWhatIf(const QJsonObject &original, const QJsonObject &whatIf, const QJsonObject &set);

// The WhatIfKeys whose values differ between two saved proposals (as
// proposalToJson writes them), with the second's values: what a what-if set.
QJsonObject changedAssumptions(const QJsonObject &originalProposal, const QJsonObject &proposal);

// Re-runs deliberation `id` with `set` through the service, under `actor`
// (audited as board.whatif), and answers compareWhatIf() once it is saved.
// Refused at once: an unknown id (not_found, field "id"), a bad `set`, and
// whatever BoardService::deliberate refuses. The what-if is not attached to
// the original's approval request: the request's recommendation stays the
// original's.
Status whatIf(BoardService &service, qint64 id, const QJsonObject &set, std::optional<quint64> seed, const Actor &actor, BoardService::Done done);

} // namespace cabinet::board

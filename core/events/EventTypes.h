#pragma once

#include <QString>

#include <span>

// Every event type the core emits, in one registry: the constant a producer
// uses, and a line for docs/api.md. A subsystem adds its types here, never in
// a header of its own, so a subscriber (and a reader of the docs) finds them
// all in one place.
namespace cabinet::events {

struct EventType {
    const char *name;
    bool stored; // false: ephemeral (published live, never stored or replayed)
    const char *summary;
};

inline const QString CoreStarted = QStringLiteral("core.started");
inline const QString CoreStopping = QStringLiteral("core.stopping");
inline const QString AuditAppended = QStringLiteral("audit.appended");
inline const QString ConfigChanged = QStringLiteral("config.changed");
inline const QString LedgerAccountsCreated = QStringLiteral("ledger.accounts_created");
inline const QString LedgerTransfersCreated = QStringLiteral("ledger.transfers_created");
inline const QString LedgerTransfersExpired = QStringLiteral("ledger.transfers_expired");
inline const QString JobStarted = QStringLiteral("job.started");
inline const QString JobProgress = QStringLiteral("job.progress");
inline const QString JobFinished = QStringLiteral("job.finished");
inline const QString JobFailed = QStringLiteral("job.failed");
inline const QString ServiceState = QStringLiteral("service.state");
inline const QString LlmCall = QStringLiteral("llm.call");
inline const QString LlmToken = QStringLiteral("llm.token");
inline const QString LlmProviderState = QStringLiteral("llm.provider_state");
inline const QString LlmTestStarted = QStringLiteral("llm.test_started");
inline const QString ApprovalRequested = QStringLiteral("approval.requested");
inline const QString ApprovalReminder = QStringLiteral("approval.reminder");
inline const QString ApprovalVoted = QStringLiteral("approval.voted");
inline const QString ApprovalDecided = QStringLiteral("approval.decided");
inline const QString ApprovalExpired = QStringLiteral("approval.expired");
inline const QString ApprovalDelivery = QStringLiteral("approval.delivery");
inline const QString TaskSubmitted = QStringLiteral("task.submitted");
inline const QString TaskStateChanged = QStringLiteral("task.state_changed");
inline const QString TaskPauseChanged = QStringLiteral("task.pause_changed");
inline const QString CostsSpent = QStringLiteral("costs.spent");
inline const QString CostsBudgetRefused = QStringLiteral("costs.budget_refused");
inline const QString CostsBudgetSet = QStringLiteral("costs.budget_set");
inline const QString CostsRefilled = QStringLiteral("costs.refilled");
inline const QString CostsTreasuryFunded = QStringLiteral("costs.treasury_funded");
inline const QString CostsAlert = QStringLiteral("costs.alert");
inline const QString CostsAgentPaused = QStringLiteral("costs.agent_paused");
inline const QString CostsAgentResumed = QStringLiteral("costs.agent_resumed");
inline const QString CostsUnknown = QStringLiteral("costs.unknown");
inline const QString ModeChanged = QStringLiteral("mode.changed");
inline const QString AgentsReloaded = QStringLiteral("agents.reloaded");
inline const QString WorkflowRunStarted = QStringLiteral("workflow.run_started");
inline const QString WorkflowNodeStarted = QStringLiteral("workflow.node_started");
inline const QString WorkflowNodeWaiting = QStringLiteral("workflow.node_waiting");
inline const QString WorkflowNodeFinished = QStringLiteral("workflow.node_finished");
inline const QString WorkflowNodeInterrupted = QStringLiteral("workflow.node_interrupted");
inline const QString WorkflowRunFinished = QStringLiteral("workflow.run_finished");
inline const QString WorkflowHoldSet = QStringLiteral("workflow.hold_set");
inline const QString WorkflowToken = QStringLiteral("workflow.token");
inline const QString BoardStatement = QStringLiteral("board.statement");
inline const QString BoardDeliberated = QStringLiteral("board.deliberated");
inline const QString TokensCreated = QStringLiteral("tokens.created");
inline const QString TokensRevoked = QStringLiteral("tokens.revoked");
inline const QString PilotRunStarted = QStringLiteral("pilot.run_started");
inline const QString PilotRunFinished = QStringLiteral("pilot.run_finished");
inline const QString PilotRunProgress = QStringLiteral("pilot.run_progress");
inline const QString PilotGateChecked = QStringLiteral("pilot.gate_checked");
inline const QString PilotProbe = QStringLiteral("pilot.probe");

inline constexpr EventType Registry[] = {
    { "core.started", true, "the core started on its data directory (pid, version)" },
    { "core.stopping", true, "the core is stopping; nothing new is started" },
    { "audit.appended", true, "an audit entry was appended (the whole entry with its hash)" },
    { "config.changed", true, "a configuration key was set (key, value)" },
    { "ledger.accounts_created", true, "a committed batch created accounts (counts, touched accounts)" },
    { "ledger.transfers_created", true, "a committed batch created transfers (counts, touched accounts)" },
    { "ledger.transfers_expired", true, "pending transfers expired and released their amounts" },
    { "job.started", false, "a long job started (job id, kind)" },
    { "job.progress", false, "a long job's progress, at most ten a second (job id, fraction)" },
    { "job.finished", false, "a long job finished (job id, kind, result)" },
    { "job.failed", false, "a long job failed or was cancelled (job id, error code, message, field)" },
    { "service.state", false, "a core service's state changed (service, state, details; audit.watch: the chain's verdict, as audit.watch_status returns it)" },
    { "llm.call", false, "a model call ended (its trail: aliases and models tried, why each fallback, who served it, latency, first token, tokens; docs/models.md)" },
    { "llm.token", false, "a streamed model call's next token (call id, text)" },
    { "llm.provider_state", false, "a model provider's breaker or rate-limit headroom changed (as models.list shows a provider)" },
    { "llm.test_started", false, "a models.test call began (call id, the tag its caller gave): the caller follows its llm.token events by that id" },
    { "approval.requested", true, "an approval was requested (id, task_id, node, tier, rule, deadline_ms, action; docs/approvals.md)" },
    { "approval.reminder", true, "a pending approval's reminder at 50 or 90 % of its deadline (id, task_id, node, percent, deadline_ms)" },
    { "approval.voted", true, "a tier-3 approval got its first approval and waits for a second, different operator (id, task_id, node, operator)" },
    { "approval.decided", true, "operators approved or denied a request (id, task_id, node, outcome: approved|denied, operators, reason)" },
    { "approval.expired", true, "a tier-2 request's deadline passed with no decision: denied, recorded as expired (id, task_id, node, deadline_ms)" },
    { "approval.delivery", true, "a webhook notification was queued, sent, retried or given up (id, approval_id, channel, state, attempts, error)" },
    { "task.submitted", true, "a committed batch submitted tasks (tasks: id, workflow, title, max_attempts, submitted_by; count)" },
    { "task.state_changed", true, "a committed batch moved tasks (changes: id, from, to, action, attempts, worker, error or reason, in order; count)" },
    { "task.pause_changed", true, "a committed batch paused or resumed tasks (changes: id, paused, state; count)" },
    { "costs.spent", true, "a committed batch settled model calls (calls: record, agent, task, model, cost_micros, tokens, outcome, pricing_gap?, overrun_micros?; docs/costs.md)" },
    { "costs.budget_refused", true, "the ledger refused reservations for credits (refusals: agent, model, reserve_micros, message)" },
    { "costs.budget_set", true, "envelopes were created or their caps set (envelopes: agent, daily_cap_micros, per_call_cap_micros, set_by)" },
    { "costs.refilled", true, "the envelopes were refilled to their daily caps (period, envelopes: agent, before_micros, cap_micros)" },
    { "costs.treasury_funded", true, "an operator funded the treasury (amount_micros, transfer_id, by)" },
    { "costs.alert", true, "an envelope reached 50, 80, 95 or 100 % of its daily cap, once per period (agent, period, percent, spent_micros, cap_micros)" },
    { "costs.agent_paused", true, "velocity detection paused an agent (agent, reason, window_micros, normal_micros); only an operator resumes it" },
    { "costs.agent_resumed", true, "an operator resumed an agent velocity detection paused (agent, by)" },
    { "costs.unknown", true, "at start, spend records of calls a stopped process left open were marked unknown (records)" },
    { "mode.changed", true, "the operating mode changed (from, to, by)" },
    { "agents.reloaded", true, "the agent files were read again (names in force, problems: path, line, message, code; docs/agents.md)" },
    { "workflow.run_started", true, "a task's workflow run began, on the definition it keeps (task_id, workflow, source, start; docs/workflows.md)" },
    { "workflow.node_started", true, "a node visit began, or began again after an interruption (task_id, node, seq, visit, kind, idempotency_key, resumed)" },
    { "workflow.node_waiting", true, "a gate asked for its approval and the task waits (task_id, node, seq, visit, approval_id)" },
    { "workflow.node_finished", true, "a node visit ended (task_id, node, seq, visit, state: done|failed, outcome: pass|fail, next?, error?)" },
    { "workflow.node_interrupted", true, "a node visit stopped before it finished (a stop, a cancel, a lost lease, a dead worker) and runs again with the same key (task_id, node, seq, reason)" },
    { "workflow.run_finished", true, "a run ended (task_id, state: done|failed, error)" },
    { "workflow.hold_set", true, "an operator asked a run to pause after its next node (hold \"*\", tasks.step) or before a node (tasks.until) (task_id, hold, by)" },
    { "workflow.token", false, "a streamed token of a workflow's model call (task_id, node, visit, text)" },
    { "board.statement", false, "a Shadow Board persona's statement (deliberation id, round, persona, source, text, vote, confidence; docs/board.md)" },
    { "board.deliberated", true, "a Shadow Board deliberation was saved (id, whatif_of, approval_id, verdict, approve_share, dissent, requested_by)" },
    { "tokens.created", true, "an API token was made (name, role, expires_ms, by; docs/server.md): the token itself is never in an event" },
    { "tokens.revoked", true, "an API token was revoked (name, role, expires_ms, by)" },
    { "pilot.run_started", true, "a SOVR pilot day began after its go-live approval, or gate 3's dry run (run, kind: day|dry_run, approval_id, started_by; docs/pilot.md)" },
    { "pilot.run_finished", true, "a SOVR pilot day ended (run, state: finished|failed, delivery_rate, target_met, error)" },
    { "pilot.run_progress", false, "a running pilot day's progress, at most five a second (run, window, windows, submissions, submissions_done, orders_held, fraction)" },
    { "pilot.gate_checked", true, "a pilot gate ran its checks (gate: 1|2|3, passed, checks: name, passed, evidence, reason; by; dry_run for gate 3)" },
    { "pilot.probe", false, "gate 1's probe of the event bus: published and received by the gate itself (nonce)" },
};

inline std::span<const EventType> registry() { return Registry; }

} // namespace cabinet::events

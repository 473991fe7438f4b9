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
inline const QString TaskSubmitted = QStringLiteral("task.submitted");
inline const QString TaskStateChanged = QStringLiteral("task.state_changed");
inline const QString TaskPauseChanged = QStringLiteral("task.pause_changed");

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
    { "task.submitted", true, "a committed batch submitted tasks (tasks: id, workflow, title, max_attempts, submitted_by; count)" },
    { "task.state_changed", true, "a committed batch moved tasks (changes: id, from, to, action, attempts, worker, error or reason, in order; count)" },
    { "task.pause_changed", true, "a committed batch paused or resumed tasks (changes: id, paused, state; count)" },
};

inline std::span<const EventType> registry() { return Registry; }

} // namespace cabinet::events

#pragma once

#include "Clock.h"
#include "Result.h"
#include "llm/BudgetCheck.h"
#include "llm/ChatTypes.h"
#include "llm/CircuitBreaker.h"
#include "llm/RouterSettings.h"
#include "llm/TokenBucket.h"
#include "service/Service.h"

#include <QJsonObject>
#include <QObject>

#include <deque>
#include <map>
#include <memory>

namespace cabinet {
class EventBus;
}

namespace cabinet::llm {

class ChatClient;
class Provider;

// One model tried for a call, in the order tried.
struct Attempt {
    QString alias, provider, model;
    QString outcome; // "served", "failed" (it was called), "skipped" (it was not)
    // Why it was left: an error code's name (unavailable, timeout,
    // resource_exhausted, ...) for a failed call, or breaker_open,
    // rate_limited, budget_refused, unconfigured, unknown_alias, queue_full
    // for a skipped one.
    QString reason;
    QString message;
    qint64 latencyNs = 0;
    // The budget's reservation for this model (0: none): the costs' spend
    // record, whose costs.spent entry tells what the attempt cost.
    BudgetCheck::Handle record = 0;
};

// What happened to a call: every alias and model tried and why each was
// left, which one served it, its latency, time to first token and tokens.
struct Trail {
    quint64 call = 0;
    QString taskType, alias;
    bool stream = false;
    QList<Attempt> attempts;
    QString servedAlias, servedProvider, servedModel;
    qint64 latencyNs = 0;
    qint64 firstTokenNs = -1;
    Usage usage;
    bool simulated = false;
    std::optional<Error> error;
};
QJsonObject trailToJson(const Trail &trail);

struct RouterOutcome {
    std::optional<Error> error; // none: `reply` holds the answer
    ChatReply reply;
    Trail trail;
};

// The model router, after LiteLLM's: a call names an alias (or a task type,
// routed to one) and is tried on the alias's provider and model, then on
// each alias of its fallback chain, in order, on an error, a time-out, an
// open breaker, a rate limit or a budget refusal. Each provider has a
// circuit breaker, request and token rate limits (token buckets) and a
// concurrency limit (calls beyond it wait their turn). Breaker cool-downs,
// rate-limit refills, HTTP retries and the offline provider's pacing are
// deadlines on the Clock, run by the one Scheduler. A streamed call that has
// delivered tokens is not moved to another model. docs/models.md.
class Router : public QObject, public Service {
    Q_OBJECT
public:
    static constexpr int CallsMax = 4'096;         // in flight or waiting, all providers
    static constexpr int WaitingPerProviderMax = 1'024;
    static constexpr int RecentCallsMax = 50;      // trails kept for models.list
    static constexpr int MessagesMax = 1'000;
    static constexpr qsizetype PromptCharsMax = 4 * 1024 * 1024;

    using SettingsLoader = std::function<Result<RouterSettings>()>;

    Router(const Clock &clock, RouterSettings settings, QObject *parent = nullptr);
    // In the core: the settings from the configuration, read again when an
    // llm.* key changes, and llm.* events on the bus.
    Router(const Clock &clock, SettingsLoader load, EventBus *events, QObject *parent = nullptr);
    ~Router() override;

    QString name() const override { return QStringLiteral("llm.router"); }
    std::optional<qint64> nextDeadlineNs() override;
    void runDue(qint64 nowNs) override;

    // Providers kept by name keep their breaker and buckets.
    void reconfigure(RouterSettings settings);
    const RouterSettings &settings() const { return m_settings; }
    // The configuration's last problem, when it did not load.
    const std::optional<Error> &configError() const { return m_configError; }
    // The costs subsystem's check (not owned: it outlives the calls); null
    // restores allow-all.
    void setBudgetCheck(BudgetCheck *check);

    struct Request {
        QString alias;    // an alias, or provider/model; empty: routed by taskType
        QString taskType; // the routing table's key ("research", "review", ...)
        QList<ChatMessage> messages;
        std::optional<double> temperature;
        std::optional<int> maxTokens;
        bool stream = false;
        QString idempotencyKey;
        // Who the call is for, for the budget and the spend record (empty:
        // the system's own).
        QString agent, task, node;
        int attempt = 0; // the node's visit (1: the first); 0: not a workflow's call
    };
    using Done = std::function<void(RouterOutcome)>;
    // Answers through `done`, never inside call(). Returns the call's id.
    quint64 call(Request request, TokenHandler onToken, Done done);
    bool cancel(quint64 id);

    struct Route {
        QString alias;
        QStringList chain; // the alias first, then its fallbacks
    };
    // The alias and chain that would serve a task type (or an alias).
    Result<Route> route(const QString &taskType, const QString &alias = {}) const;

    // Providers with their state, aliases, fallbacks, routing table and the
    // recent calls' trails (models.list).
    QJsonObject describe();
    CircuitBreaker::State breakerState(const QString &provider);
    int calls() const { return int(m_calls.size()); }

Q_SIGNALS:
    void callFinished(const QJsonObject &trail);
    void providerChanged(const QString &provider, const QJsonObject &state);

private:
    struct Runtime;
    struct Call;

    void reload();
    void advance(quint64 id);
    void launch(quint64 id, Runtime &runtime, const AliasTarget &target, const QString &alias);
    void answered(quint64 id, Result<ChatReply> result);
    // Tells the budget what the model called used (or that it failed).
    void settle(Call &call, const Result<ChatReply> &result, qint64 latencyNs);
    void finish(quint64 id, std::optional<Error> error, ChatReply reply = {});
    void resumeWaiting(Runtime &runtime);
    QJsonObject providerState(Runtime &runtime, qint64 nowNs);
    void changed(Runtime &runtime);
    Runtime *runtime(const QString &provider);

    const Clock &m_clock;
    RouterSettings m_settings;
    SettingsLoader m_load;
    EventBus *m_events = nullptr;
    int m_subscription = 0;
    std::optional<Error> m_configError;
    AllowAllBudget m_allowAll;
    BudgetCheck *m_budget = &m_allowAll;
    std::unique_ptr<ChatClient> m_client; // one for every HTTP provider: one multi handle
    std::map<QString, std::unique_ptr<Runtime>> m_runtimes;
    std::map<quint64, std::unique_ptr<Call>> m_calls;
    std::deque<QJsonObject> m_recent;
    quint64 m_lastId = 0;
    int m_calling = 0; // inside call(): answers wait for the event loop
};

} // namespace cabinet::llm

// models.*: the model router's providers, aliases and routing table, one
// call through it, and which chain would serve a task type (docs/models.md).
#include "Cabinet.h"
#include "QuotedInput.h"
#include "api/JsonText.h"
#include "api/ops/Groups.h"
#include "audit/AuditLog.h"
#include "events/EventBus.h"
#include "events/EventTypes.h"
#include "llm/Router.h"
#include "service/Scheduler.h"
#include "store/Database.h"

#include <QJsonArray>

#include <map>

namespace cabinet::api::ops {

namespace {

// The longest prompt models.test takes (a test, not a workload).
constexpr qsizetype TestPromptCharsMax = 64 * 1024;
constexpr int TestMaxTokensMax = 100'000;
// A caller's tag for its call (the console's Test box: a UUID).
constexpr qsizetype TestTagCharsMax = 64;

Result<QString> stringParam(const QJsonObject &params, const char *name, bool required)
{
    const QJsonValue value = params.value(QLatin1String(name));
    if (value.isUndefined() && !required)
        return QString();
    if (!value.isString() || (required && value.toString().isEmpty()))
        return Error { ErrorCode::InvalidArgument, QStringLiteral("'%1' must be a non-empty string").arg(QLatin1String(name)), QLatin1String(name) };
    return value.toString();
}

QJsonArray chainJson(const llm::Router &router, const QStringList &chain)
{
    QJsonArray array;
    const llm::RouterSettings &s = router.settings();
    for (const QString &alias : chain) {
        std::optional<llm::AliasTarget> target;
        if (auto it = s.aliases.find(alias); it != s.aliases.end())
            target = it->second;
        else
            target = llm::parseTarget(alias);
        QJsonObject step { { QStringLiteral("alias"), alias } };
        if (target) {
            step.insert(QStringLiteral("provider"), target->provider);
            step.insert(QStringLiteral("model"), target->model);
            step.insert(QStringLiteral("simulated"), s.providers.count(target->provider) && s.providers.at(target->provider).sim);
        }
        array.append(step);
    }
    return array;
}

// A core that is not started (a command line's own) runs no deadlines; a
// call through the router needs its own (retries, the offline provider's
// pacing), so the router joins the scheduler for as long as calls are out.
struct SchedulerJoin {
    Cabinet &cabinet;
    llm::Router &router;
    bool joined = false;
    SchedulerJoin(Cabinet &c, llm::Router &r) : cabinet(c), router(r)
    {
        if (cabinet.running())
            return;
        if (joins()[&router]++ == 0)
            cabinet.scheduler().add(router);
        joined = true;
    }
    ~SchedulerJoin()
    {
        if (joined && --joins()[&router] == 0) {
            joins().erase(&router);
            cabinet.scheduler().remove(router);
        }
    }
    static std::map<llm::Router *, int> &joins()
    {
        static std::map<llm::Router *, int> counts; // the core's thread only
        return counts;
    }
};

void modelsTest(Cabinet &cabinet, const Actor &actor, const QByteArray &params, Reply reply)
{
    auto object = paramsObject(params);
    if (!object)
        return reply(object.error());
    if (auto known = onlyKnownMembers(*object, { "alias", "task_type", "prompt", "stream", "max_tokens", "temperature", "tag" }); !known)
        return reply(known.error());
    auto alias = stringParam(*object, "alias", false);
    if (!alias)
        return reply(alias.error());
    auto task = stringParam(*object, "task_type", false);
    if (!task)
        return reply(task.error());
    if (alias->isEmpty() && task->isEmpty())
        return reply(Error { ErrorCode::InvalidArgument, QStringLiteral("give an 'alias' (e.g. cloud/mid) or a 'task_type' to route"), QStringLiteral("alias") });
    auto prompt = stringParam(*object, "prompt", false);
    if (!prompt)
        return reply(prompt.error());
    if (prompt->size() > TestPromptCharsMax)
        return reply(Error { ErrorCode::InvalidArgument, QStringLiteral("'prompt' holds at most %1 characters").arg(TestPromptCharsMax), QStringLiteral("prompt") });
    auto tag = stringParam(*object, "tag", false);
    if (!tag)
        return reply(tag.error());
    if (tag->size() > TestTagCharsMax)
        return reply(Error { ErrorCode::InvalidArgument, QStringLiteral("'tag' holds at most %1 characters").arg(TestTagCharsMax), QStringLiteral("tag") });
    const QJsonValue stream = object->value(QStringLiteral("stream"));
    if (!stream.isUndefined() && !stream.isBool())
        return reply(Error { ErrorCode::InvalidArgument, QStringLiteral("'stream' must be true or false"), QStringLiteral("stream") });
    llm::Router::Request request;
    request.alias = *alias;
    request.taskType = *task;
    request.stream = stream.toBool(false);
    request.messages = { { QStringLiteral("user"), prompt->isEmpty() ? QStringLiteral("Say hello in one sentence.") : *prompt } };
    const QJsonValue maxTokens = object->value(QStringLiteral("max_tokens"));
    if (!maxTokens.isUndefined()) {
        const double n = maxTokens.toDouble(-1);
        if (!maxTokens.isDouble() || n != std::floor(n) || n < 1 || n > TestMaxTokensMax)
            return reply(Error { ErrorCode::InvalidArgument, QStringLiteral("'max_tokens' must be a whole number from 1 to %1").arg(TestMaxTokensMax),
                                 QStringLiteral("max_tokens") });
        request.maxTokens = int(n);
    }
    const QJsonValue temperature = object->value(QStringLiteral("temperature"));
    if (!temperature.isUndefined()) {
        if (!temperature.isDouble() || temperature.toDouble() < 0 || temperature.toDouble() > 2)
            return reply(Error { ErrorCode::InvalidArgument, QStringLiteral("'temperature' must be a number from 0 to 2"), QStringLiteral("temperature") });
        request.temperature = temperature.toDouble();
    }
    llm::Router &router = cabinet.service<llm::Router>();
    if (auto route = router.route(request.taskType, request.alias); !route)
        return reply(route.error());
    auto join = std::make_shared<SchedulerJoin>(cabinet, router);
    const quint64 call = router.call(request, {}, [&cabinet, actor, reply, join](llm::RouterOutcome outcome) mutable {
        const QJsonObject trail = llm::trailToJson(outcome.trail);
        // The call is audited whatever its outcome: it may have spent money.
        QJsonObject details { { QStringLiteral("alias"), outcome.trail.alias },
                              { QStringLiteral("served"), trail.value(QStringLiteral("served")) },
                              { QStringLiteral("tokens_in"), trail.value(QStringLiteral("tokens_in")) },
                              { QStringLiteral("tokens_out"), trail.value(QStringLiteral("tokens_out")) },
                              { QStringLiteral("simulated"), outcome.trail.simulated },
                              { QStringLiteral("attempts"), trail.value(QStringLiteral("attempts")).toArray().size() } };
        if (outcome.error)
            details.insert(QStringLiteral("error"), errorCodeName(outcome.error->code));
        auto tx = cabinet.database().begin();
        if (!tx)
            return reply(tx.error());
        if (auto entry = cabinet.audit().append(*tx, actor.toString(), QStringLiteral("models.test"), outcome.trail.alias, details); !entry)
            return reply(entry.error());
        if (auto committed = tx->commit(); !committed)
            return reply(committed.error());
        join.reset();
        if (outcome.error)
            return reply(*outcome.error);
        reply(compact(QJsonObject { { QStringLiteral("reply"), outcome.reply.content },
                                    { QStringLiteral("model"), outcome.reply.model },
                                    { QStringLiteral("finish_reason"), outcome.reply.finishReason },
                                    { QStringLiteral("simulated"), outcome.reply.simulated },
                                    { QStringLiteral("trail"), trail } }));
    });
    // The answer comes when the call ends; a caller that wants its tokens as
    // they stream learns the call's id here (the router answers and streams
    // only after call() returns, so this event comes before the first token).
    cabinet.events().publishEphemeral(events::LlmTestStarted, { { QStringLiteral("call"), double(call) }, { QStringLiteral("tag"), *tag } });
}

} // namespace

std::vector<Operation> modelOperations()
{
    return {
        { { QStringLiteral("models.list"),
            QStringLiteral("The model providers with their state (configured, breaker, rate-limit headroom, calls in flight), the "
                           "aliases with their fallbacks, the routing table and the recent calls' trails."),
            false, Role::Viewer, QStringLiteral("{}"),
            QStringLiteral("{\"providers\": [{\"name\", \"kind\": \"sim\"|\"openai\", \"simulated\", \"configured\", \"why\"?, \"breaker\": "
                           "{\"state\": \"closed\"|\"open\"|\"half_open\", ...}, \"rate_limit\": {...}, \"concurrency\", \"in_flight\", "
                           "\"waiting\", \"base_url\"?, \"api_key_env\"?}], \"aliases\": [{\"alias\", \"provider\", \"model\", \"simulated\", "
                           "\"fallbacks\": [...]}], \"routing\": [{\"task_type\", \"alias\"}], \"recent_calls\": [trail, ...], \"config_error\"?}"),
            { ErrorCode::InvalidArgument } },
          now([](Cabinet &cabinet, const Actor &, const QByteArray &params) -> Result<QByteArray> {
              auto object = paramsObject(params);
              if (!object)
                  return object.error();
              if (auto known = onlyKnownMembers(*object, {}); !known)
                  return known.error();
              return compact(cabinet.service<llm::Router>().describe());
          }) },
        { { QStringLiteral("models.route"),
            QStringLiteral("Which alias, and which fallback chain after it, would serve a task type (or an alias)."), false, Role::Viewer,
            QStringLiteral("{\"task_type\": \"review\"} or {\"alias\": \"cloud/mid\"}"),
            QStringLiteral("{\"task_type\", \"alias\", \"chain\": [{\"alias\", \"provider\", \"model\", \"simulated\"}, ...]}"),
            { ErrorCode::InvalidArgument, ErrorCode::NotFound } },
          now([](Cabinet &cabinet, const Actor &, const QByteArray &params) -> Result<QByteArray> {
              auto object = paramsObject(params);
              if (!object)
                  return object.error();
              if (auto known = onlyKnownMembers(*object, { "task_type", "alias" }); !known)
                  return known.error();
              auto task = stringParam(*object, "task_type", false);
              if (!task)
                  return task.error();
              auto alias = stringParam(*object, "alias", false);
              if (!alias)
                  return alias.error();
              if (task->isEmpty() && alias->isEmpty())
                  return Error { ErrorCode::InvalidArgument, QStringLiteral("give a 'task_type' (e.g. review) or an 'alias'"), QStringLiteral("task_type") };
              const llm::Router &router = cabinet.service<llm::Router>();
              auto route = router.route(*task, *alias);
              if (!route)
                  return route.error();
              return compact(QJsonObject { { QStringLiteral("task_type"), *task },
                                           { QStringLiteral("alias"), route->alias },
                                           { QStringLiteral("chain"), chainJson(router, route->chain) } });
          }) },
        { { QStringLiteral("models.test"),
            QStringLiteral("One call through the router (the offline sim provider unless configured otherwise); answers when it ends "
                           "with the reply and its trail: aliases and models tried, why each fallback, who served it, latency, time "
                           "to first token, tokens. Audited: it may spend."),
            true, Role::Operator,
            QStringLiteral("{\"alias\": \"cloud/mid\" (or \"task_type\": \"review\"), \"prompt\": \"...\", \"stream\": false, "
                           "\"max_tokens\": n, \"temperature\": 0..2, \"tag\": \"...\" (at most 64 characters: the llm.test_started event "
                           "gives it with the call id, so the caller can follow the call's llm.token events)}"),
            QStringLiteral("{\"reply\": \"...\", \"model\": \"...\", \"finish_reason\", \"simulated\": true|false, \"trail\": {\"call\", "
                           "\"task_type\", \"alias\", \"stream\", \"attempts\": [{\"alias\", \"provider\", \"model\", \"outcome\", "
                           "\"reason\"?, \"message\"?, \"latency_ms\"?, \"record\"? (the costs' spend record)}], \"served\": {\"alias\", \"provider\", \"model\"}, \"latency_ms\", "
                           "\"first_token_ms\", \"tokens_in\", \"tokens_out\", \"simulated\"}}"),
            { ErrorCode::InvalidArgument, ErrorCode::NotFound, ErrorCode::FailedPrecondition, ErrorCode::BudgetExhausted,
              ErrorCode::ResourceExhausted, ErrorCode::Unavailable, ErrorCode::Timeout, ErrorCode::Cancelled, ErrorCode::Internal } },
          modelsTest },
    };
}

} // namespace cabinet::api::ops

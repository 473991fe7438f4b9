#include "llm/Router.h"

#include "Assert.h"
#include "events/EventBus.h"
#include "events/EventTypes.h"
#include "llm/ChatClient.h"
#include "llm/HttpProvider.h"
#include "llm/SimProvider.h"

#include <QJsonArray>
#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcLlm) // ChatClient.cpp

namespace cabinet::llm {

namespace {

QJsonValue ms(qint64 ns) { return ns < 0 ? QJsonValue() : QJsonValue(double(ns) / 1e6); }

// Failures that say the provider is unwell; a bad request or a cancel does not.
bool countsAgainstProvider(ErrorCode code)
{
    return code == ErrorCode::Unavailable || code == ErrorCode::Timeout || code == ErrorCode::ResourceExhausted || code == ErrorCode::Internal;
}

// The prompt's tokens as a reservation counts them (docs/costs.md): 3 bytes
// of UTF-8 a token, on the safe side of the 4 characters a token of English
// text (a prompt in another script, or code, makes more tokens a character),
// with the framing SimProvider::promptTokens counts.
// The output tokens a call may write: its max_tokens, or the bound a call
// without one is reserved for and sent with.
qint64 outputTokens(const Router::Request &request)
{
    return request.maxTokens ? qint64(*request.maxTokens) : BudgetCheck::UnboundedOutputTokens;
}

qint64 reservedPromptTokens(const QList<ChatMessage> &messages)
{
    qint64 tokens = 3;
    for (const ChatMessage &message : messages)
        tokens += (message.content.toUtf8().size() + 2) / 3 + 4;
    return tokens;
}

} // namespace

struct Router::Runtime {
    std::unique_ptr<Provider> provider;
    CircuitBreaker breaker;
    TokenBucket requests;
    TokenBucket tokens;
    int inFlight = 0;
    std::deque<quint64> waiting;
    std::optional<qint64> refillAtNs; // a refusal's end, to say the headroom is back
    CircuitBreaker::State reported = CircuitBreaker::State::Closed;
};

struct Router::Call {
    Request request;
    TokenHandler onToken;
    Done done;
    Trail trail;
    QStringList chain;
    int step = -1;
    QString provider; // the one called now
    quint64 providerCall = 0;
    bool waiting = false;
    bool tokensOut = false;
    qint64 startNs = 0;
    qint64 attemptStartNs = 0;
    qint64 promptEstimate = 0;
    qint64 reservedPrompt = 0; // the prompt as the reservation counts it
    BudgetCheck::Handle reservation = 0; // of the model called now
    std::optional<Error> lastError;
};

QJsonObject trailToJson(const Trail &trail)
{
    QJsonArray attempts;
    for (const Attempt &a : trail.attempts) {
        QJsonObject o { { QStringLiteral("alias"), a.alias }, { QStringLiteral("provider"), a.provider }, { QStringLiteral("model"), a.model },
                        { QStringLiteral("outcome"), a.outcome } };
        if (!a.reason.isEmpty())
            o.insert(QStringLiteral("reason"), a.reason);
        if (!a.message.isEmpty())
            o.insert(QStringLiteral("message"), a.message);
        if (a.outcome != QLatin1String("skipped"))
            o.insert(QStringLiteral("latency_ms"), ms(a.latencyNs));
        if (a.record)
            o.insert(QStringLiteral("record"), double(a.record));
        attempts.append(o);
    }
    QJsonObject o { { QStringLiteral("call"), double(trail.call) },
                    { QStringLiteral("task_type"), trail.taskType },
                    { QStringLiteral("alias"), trail.alias },
                    { QStringLiteral("stream"), trail.stream },
                    { QStringLiteral("attempts"), attempts },
                    { QStringLiteral("latency_ms"), ms(trail.latencyNs) },
                    { QStringLiteral("first_token_ms"), ms(trail.firstTokenNs) },
                    { QStringLiteral("tokens_in"), trail.usage.promptTokens >= 0 ? QJsonValue(double(trail.usage.promptTokens)) : QJsonValue() },
                    { QStringLiteral("tokens_out"), trail.usage.completionTokens >= 0 ? QJsonValue(double(trail.usage.completionTokens)) : QJsonValue() },
                    { QStringLiteral("simulated"), trail.simulated } };
    if (!trail.servedModel.isEmpty())
        o.insert(QStringLiteral("served"), QJsonObject { { QStringLiteral("alias"), trail.servedAlias },
                                                         { QStringLiteral("provider"), trail.servedProvider },
                                                         { QStringLiteral("model"), trail.servedModel } });
    else
        o.insert(QStringLiteral("served"), QJsonValue());
    if (trail.error)
        o.insert(QStringLiteral("error"), QJsonObject { { QStringLiteral("code"), errorCodeName(trail.error->code) },
                                                        { QStringLiteral("message"), trail.error->message } });
    return o;
}

Router::Router(const Clock &clock, RouterSettings settings, QObject *parent)
    : QObject(parent), m_clock(clock)
{
    reconfigure(std::move(settings));
}

Router::Router(const Clock &clock, SettingsLoader load, EventBus *events, QObject *parent)
    : QObject(parent), m_clock(clock), m_load(std::move(load)), m_events(events)
{
    auto loaded = m_load();
    if (!loaded) {
        m_configError = loaded.error();
        qCWarning(lcLlm).noquote() << "model settings do not load, using the offline defaults:" << loaded.error().message;
    }
    reconfigure(loaded ? *loaded : RouterSettings::defaults());
    if (m_events) {
        m_subscription = m_events->subscribe({ events::ConfigChanged }, [this](const Event &event) {
            if (!event.payload.value(QStringLiteral("key")).toString().startsWith(QLatin1String("llm.")))
                return;
            // Delivered at the commit, before Config reads the file again:
            // read the settings once this turn of the event loop is over.
            QMetaObject::invokeMethod(this, [this] { reload(); }, Qt::QueuedConnection);
        });
    }
}

void Router::reload()
{
    auto again = m_load();
    if (!again) {
        m_configError = again.error();
        qCWarning(lcLlm).noquote() << "model settings do not load, keeping the previous ones:" << again.error().message;
        return;
    }
    m_configError.reset();
    reconfigure(*again);
}

Router::~Router()
{
    if (m_events && m_subscription)
        m_events->unsubscribe(m_subscription);
    // Providers go before the client they call through.
    m_calls.clear();
    m_runtimes.clear();
}

void Router::reconfigure(RouterSettings settings)
{
    m_settings = std::move(settings);
    if (!m_settings.providers.count(QStringLiteral("sim")))
        m_settings.providers.emplace(QStringLiteral("sim"), RouterSettings::defaults().providers.at(QStringLiteral("sim")));
    std::map<QString, std::unique_ptr<Runtime>> kept;
    for (const auto &[name, provider] : m_settings.providers) {
        std::unique_ptr<Runtime> runtime;
        if (auto it = m_runtimes.find(name); it != m_runtimes.end() && it->second->inFlight == 0 && it->second->waiting.empty())
            runtime = std::move(it->second);
        else if (it != m_runtimes.end())
            runtime = std::move(it->second); // calls in flight keep their provider object until they end
        if (!runtime)
            runtime = std::make_unique<Runtime>();
        if (runtime->inFlight == 0) {
            if (provider.sim) {
                runtime->provider = std::make_unique<SimProvider>(m_clock, provider);
            } else {
                if (!m_client)
                    m_client = std::make_unique<ChatClient>(m_clock);
                runtime->provider = std::make_unique<HttpProvider>(*m_client, provider);
            }
            runtime->provider->setWake([this] { wake(); });
        }
        runtime->breaker.configure(provider.breakerFailures, provider.breakerCooldownMs);
        if (runtime->requests.capacity() != provider.requestsPerMinute)
            runtime->requests.configure(provider.requestsPerMinute);
        if (runtime->tokens.capacity() != provider.tokensPerMinute)
            runtime->tokens.configure(provider.tokensPerMinute);
        kept.emplace(name, std::move(runtime));
    }
    // A provider dropped from the configuration while calls use it stays
    // until they end (its name no longer routes anywhere).
    for (auto &[name, runtime] : m_runtimes)
        if (runtime && runtime->inFlight > 0)
            kept.emplace(name, std::move(runtime));
    m_runtimes = std::move(kept);
    if (m_client)
        m_client->setWake([this] { wake(); });
    wake();
}

void Router::setBudgetCheck(BudgetCheck *check)
{
    m_budget = check ? check : &m_allowAll;
}

Router::Runtime *Router::runtime(const QString &provider)
{
    auto it = m_runtimes.find(provider);
    return it == m_runtimes.end() ? nullptr : it->second.get();
}

Result<Router::Route> Router::route(const QString &taskType, const QString &alias) const
{
    Route route;
    route.alias = alias;
    if (route.alias.isEmpty()) {
        auto it = m_settings.routing.find(taskType);
        if (it == m_settings.routing.end())
            it = m_settings.routing.find(QStringLiteral("default"));
        if (it == m_settings.routing.end())
            return Error { ErrorCode::NotFound, QStringLiteral("no route for task type %1 and no default route").arg(taskType) };
        route.alias = it->second;
    }
    if (!m_settings.aliases.count(route.alias)) {
        const auto direct = parseTarget(route.alias);
        if (!direct || !m_settings.providers.count(direct->provider))
            return Error { ErrorCode::NotFound, QStringLiteral("no alias or provider/model named %1 (aliases: %2)")
                                                        .arg(route.alias, StandardAliases.join(QStringLiteral(", "))),
                           QStringLiteral("alias") };
    }
    route.chain = { route.alias };
    if (auto it = m_settings.fallbacks.find(route.alias); it != m_settings.fallbacks.end())
        for (const QString &next : it->second)
            if (!route.chain.contains(next))
                route.chain.append(next);
    return route;
}

quint64 Router::call(Request request, TokenHandler onToken, Done done)
{
    const quint64 id = ++m_lastId;
    auto call = std::make_unique<Call>();
    call->onToken = std::move(onToken);
    call->done = std::move(done);
    call->startNs = m_clock.nowNs();
    call->trail.call = id;
    call->trail.taskType = request.taskType;
    call->trail.stream = request.stream;
    qsizetype chars = 0;
    for (const ChatMessage &message : request.messages)
        chars += message.content.size();
    call->promptEstimate = SimProvider::promptTokens(request.messages);
    call->reservedPrompt = reservedPromptTokens(request.messages);
    std::optional<Error> refused;
    if (int(m_calls.size()) >= CallsMax)
        refused = Error { ErrorCode::ResourceExhausted, QStringLiteral("the router has %1 calls in flight already").arg(CallsMax) };
    else if (request.messages.isEmpty())
        refused = Error { ErrorCode::InvalidArgument, QStringLiteral("a model call needs at least one message"), QStringLiteral("messages") };
    else if (request.messages.size() > MessagesMax || chars > PromptCharsMax)
        refused = Error { ErrorCode::InvalidArgument, QStringLiteral("a model call holds at most %1 messages and %2 characters").arg(MessagesMax).arg(PromptCharsMax),
                          QStringLiteral("messages") };
    if (!refused) {
        auto route = this->route(request.taskType, request.alias);
        if (!route)
            refused = route.error();
        else {
            call->chain = route->chain;
            call->trail.alias = route->alias;
        }
    }
    if (call->trail.alias.isEmpty())
        call->trail.alias = request.alias;
    call->request = std::move(request);
    m_calls.emplace(id, std::move(call));
    // Started at once; an answer found inside call() (a refusal, a chain
    // skipped through) waits for the event loop: finish() sees m_calling.
    ++m_calling;
    if (refused)
        finish(id, refused);
    else
        advance(id);
    --m_calling;
    // The budget's reservation may have woken the scheduler while the
    // deadlines waited (nextDeadlineNs): it asks again from the event loop,
    // so no answer comes inside call().
    QMetaObject::invokeMethod(this, [this] { wake(); }, Qt::QueuedConnection);
    return id;
}

void Router::advance(quint64 id)
{
    auto it = m_calls.find(id);
    if (it == m_calls.end())
        return;
    Call &call = *it->second;
    const qint64 nowNs = m_clock.nowNs();
    while (++call.step < call.chain.size()) {
        const QString alias = call.chain[call.step];
        std::optional<AliasTarget> target;
        if (auto a = m_settings.aliases.find(alias); a != m_settings.aliases.end())
            target = a->second;
        else
            target = parseTarget(alias);
        Attempt skipped { alias, target ? target->provider : QString(), target ? target->model : QString(), QStringLiteral("skipped"), {}, {}, 0 };
        auto skip = [&](const QString &reason, const QString &message, ErrorCode code) {
            skipped.reason = reason;
            skipped.message = message;
            call.trail.attempts.append(skipped);
            call.lastError = Error { code, message };
        };
        Runtime *rt = target ? runtime(target->provider) : nullptr;
        if (!rt || !m_settings.providers.count(target->provider)) {
            skip(QStringLiteral("unknown_alias"), QStringLiteral("%1 names no configured provider").arg(alias), ErrorCode::NotFound);
            continue;
        }
        QString why;
        if (!rt->provider->configured(&why)) {
            skip(QStringLiteral("unconfigured"), QStringLiteral("provider %1 is not configured: %2").arg(target->provider, why), ErrorCode::FailedPrecondition);
            continue;
        }
        if (rt->inFlight >= rt->provider->settings().concurrency) {
            if (int(rt->waiting.size()) >= WaitingPerProviderMax) {
                skip(QStringLiteral("queue_full"), QStringLiteral("provider %1 has %2 calls waiting").arg(target->provider).arg(WaitingPerProviderMax),
                     ErrorCode::ResourceExhausted);
                continue;
            }
            // Wait for a slot; this step is taken again when one frees.
            --call.step;
            call.waiting = true;
            call.provider = target->provider;
            rt->waiting.push_back(id);
            return;
        }
        const CircuitBreaker::State before = rt->breaker.state();
        if (!rt->breaker.allow(nowNs)) {
            if (before != rt->breaker.state())
                changed(*rt);
            skip(QStringLiteral("breaker_open"), QStringLiteral("provider %1's circuit breaker is %2").arg(target->provider, CircuitBreaker::stateName(rt->breaker.state())),
                 ErrorCode::Unavailable);
            continue;
        }
        if (before != rt->breaker.state())
            changed(*rt);
        if (rt->requests.limited() && rt->requests.level(nowNs) < 1) {
            rt->breaker.abandoned();
            rt->refillAtNs = rt->requests.availableAtNs(1, nowNs);
            skip(QStringLiteral("rate_limited"), QStringLiteral("provider %1 is at its limit of %2 requests a minute").arg(target->provider).arg(rt->requests.capacity()),
                 ErrorCode::ResourceExhausted);
            wake();
            continue;
        }
        if (rt->tokens.limited() && rt->tokens.level(nowNs) < std::min<double>(call.promptEstimate, rt->tokens.capacity())) {
            rt->breaker.abandoned();
            rt->refillAtNs = rt->tokens.availableAtNs(double(call.promptEstimate), nowNs);
            skip(QStringLiteral("rate_limited"), QStringLiteral("provider %1 is at its limit of %2 tokens a minute").arg(target->provider).arg(rt->tokens.capacity()),
                 ErrorCode::ResourceExhausted);
            wake();
            continue;
        }
        BudgetCheck::Query query { alias, target->provider, target->model, call.request.taskType, call.reservedPrompt,
                                   outputTokens(call.request), rt->provider->settings().sim,
                                   rt->provider->settings().connectTimeoutMs + rt->provider->settings().timeoutMs, call.request.agent, call.request.task, call.request.node,
                                   call.request.attempt };
        auto reserved = m_budget->reserve(query);
        if (!reserved) {
            rt->breaker.abandoned();
            // Only a refusal for money moves on to a (cheaper) fallback; the
            // books failing to write is the call's error.
            if (reserved.error().code != ErrorCode::BudgetExhausted) {
                call.lastError = reserved.error();
                skipped.reason = QStringLiteral("budget_error");
                skipped.message = reserved.error().message;
                call.trail.attempts.append(skipped);
                finish(id, reserved.error());
                return;
            }
            skip(QStringLiteral("budget_refused"), reserved.error().message, ErrorCode::BudgetExhausted);
            continue;
        }
        call.reservation = *reserved;
        rt->requests.take(1, nowNs);
        rt->tokens.take(double(call.promptEstimate), nowNs);
        launch(id, *rt, *target, alias);
        return;
    }
    // The chain is used up: the last reason is the call's.
    Error error = call.lastError.value_or(Error { ErrorCode::Unavailable, QStringLiteral("no model could serve the call") });
    QStringList reasons;
    for (const Attempt &a : call.trail.attempts)
        reasons << QStringLiteral("%1 %2").arg(a.alias, a.reason);
    error.message = QStringLiteral("no model could serve %1 (%2); last: %3").arg(call.trail.alias, reasons.join(QStringLiteral(", ")), error.message);
    finish(id, error);
}

void Router::launch(quint64 id, Runtime &rt, const AliasTarget &target, const QString &alias)
{
    Call &call = *m_calls.at(id);
    ++rt.inFlight;
    call.provider = target.provider;
    call.waiting = false;
    call.attemptStartNs = m_clock.nowNs();
    call.trail.attempts.append(Attempt { alias, target.provider, target.model, QStringLiteral("calling"), {}, {}, 0, call.reservation });
    ChatRequest request;
    request.model = target.model;
    request.messages = call.request.messages;
    request.temperature = call.request.temperature;
    // Never more output than the reservation allowed for: a call that gave
    // no bound is sent with the one it was reserved for.
    request.maxTokens = int(outputTokens(call.request));
    request.stream = call.request.stream;
    request.idempotencyKey = call.request.idempotencyKey;
    request.taskType = call.request.taskType;
    request.visit = std::max(1, call.request.attempt);
    TokenHandler onToken;
    if (request.stream)
        onToken = [this, id](const QString &token) {
            auto it = m_calls.find(id);
            if (it == m_calls.end())
                return;
            Call &c = *it->second;
            if (c.trail.firstTokenNs < 0)
                c.trail.firstTokenNs = m_clock.nowNs() - c.startNs;
            c.tokensOut = true;
            if (m_events)
                m_events->publishEphemeral(events::LlmToken, { { QStringLiteral("call"), double(id) }, { QStringLiteral("text"), token } });
            if (c.onToken)
                c.onToken(token);
        };
    call.providerCall = rt.provider->start(request, std::move(onToken), [this, id](Result<ChatReply> result) { answered(id, std::move(result)); });
}

void Router::answered(quint64 id, Result<ChatReply> result)
{
    auto it = m_calls.find(id);
    if (it == m_calls.end())
        return;
    Call &call = *it->second;
    Runtime *rt = runtime(call.provider);
    CABINET_ASSERT(rt);
    const qint64 nowNs = m_clock.nowNs();
    --rt->inFlight;
    call.providerCall = 0;
    Attempt &attempt = call.trail.attempts.last();
    attempt.latencyNs = nowNs - call.attemptStartNs;
    settle(call, result, attempt.latencyNs);
    const CircuitBreaker::State before = rt->breaker.state();
    if (result) {
        rt->breaker.succeeded();
        const ChatReply &reply = result.value();
        // The buckets took the prompt's estimate; now the answer's count.
        const qint64 in = reply.usage.promptTokens >= 0 ? reply.usage.promptTokens : call.promptEstimate;
        const qint64 out = std::max<qint64>(0, reply.usage.completionTokens);
        rt->tokens.charge(double(in - call.promptEstimate + out), nowNs);
        attempt.outcome = QStringLiteral("served");
        call.trail.servedAlias = attempt.alias;
        call.trail.servedProvider = attempt.provider;
        call.trail.servedModel = attempt.model;
        call.trail.usage = reply.usage;
        call.trail.simulated = reply.simulated;
        if (before != rt->breaker.state())
            changed(*rt);
        resumeWaiting(*rt);
        finish(id, std::nullopt, reply);
        return;
    }
    const Error &error = result.error();
    if (error.code == ErrorCode::Cancelled) {
        rt->breaker.abandoned();
        attempt.outcome = QStringLiteral("failed");
        attempt.reason = errorCodeName(error.code);
        attempt.message = error.message;
        resumeWaiting(*rt);
        finish(id, error);
        return;
    }
    if (countsAgainstProvider(error.code))
        rt->breaker.failed(nowNs);
    else
        rt->breaker.abandoned();
    if (before != rt->breaker.state())
        changed(*rt);
    attempt.outcome = QStringLiteral("failed");
    attempt.reason = errorCodeName(error.code);
    attempt.message = error.message;
    call.lastError = error;
    qCInfo(lcLlm).noquote() << "call" << id << "on" << attempt.provider + u'/' + attempt.model << "failed:" << error.message;
    resumeWaiting(*rt);
    if (call.tokensOut) {
        // Its tokens are out: another model's would not continue them.
        Error final = error;
        final.message += QStringLiteral(" (mid-stream: not moved to a fallback)");
        finish(id, final);
        return;
    }
    advance(id);
}

void Router::settle(Call &call, const Result<ChatReply> &result, qint64 latencyNs)
{
    if (!call.reservation)
        return;
    BudgetCheck::Settlement settlement;
    settlement.served = result.ok();
    settlement.latencyNs = latencyNs;
    settlement.firstTokenNs = call.trail.firstTokenNs;
    if (result) {
        settlement.usage = result.value().usage;
        settlement.servedModel = result.value().model;
    } else {
        settlement.error = result.error();
        // A stream that failed after tokens came out used them.
        settlement.usage.completionTokens = call.tokensOut ? -1 : 0;
    }
    m_budget->settle(std::exchange(call.reservation, 0), settlement);
}

void Router::resumeWaiting(Runtime &rt)
{
    while (!rt.waiting.empty() && rt.inFlight < rt.provider->settings().concurrency) {
        const quint64 next = rt.waiting.front();
        rt.waiting.pop_front();
        if (m_calls.count(next)) {
            m_calls.at(next)->waiting = false;
            QMetaObject::invokeMethod(this, [this, next] { advance(next); }, Qt::QueuedConnection);
            return; // one at a time: it takes the slot when it runs
        }
    }
}

bool Router::cancel(quint64 id)
{
    auto it = m_calls.find(id);
    if (it == m_calls.end())
        return false;
    Call &call = *it->second;
    if (call.providerCall) {
        if (Runtime *rt = runtime(call.provider))
            return rt->provider->cancel(call.providerCall); // answered() finishes it
    }
    if (call.waiting)
        if (Runtime *rt = runtime(call.provider))
            std::erase(rt->waiting, id);
    finish(id, Error { ErrorCode::Cancelled, QStringLiteral("the model call was cancelled") });
    return true;
}

void Router::finish(quint64 id, std::optional<Error> error, ChatReply reply)
{
    auto it = m_calls.find(id);
    if (it == m_calls.end())
        return;
    std::unique_ptr<Call> call = std::move(it->second);
    m_calls.erase(it);
    RouterOutcome outcome;
    outcome.error = error;
    outcome.trail = std::move(call->trail);
    outcome.trail.latencyNs = m_clock.nowNs() - call->startNs;
    outcome.trail.error = error;
    if (!error) {
        reply.latencyNs = outcome.trail.latencyNs;
        reply.firstTokenNs = outcome.trail.firstTokenNs;
        outcome.reply = std::move(reply);
    }
    if (m_events || receivers(SIGNAL(callFinished(QJsonObject))) > 0) {
        QJsonObject json = trailToJson(outcome.trail);
        m_recent.push_back(json);
        if (int(m_recent.size()) > RecentCallsMax)
            m_recent.pop_front();
        if (m_events)
            m_events->publishEphemeral(events::LlmCall, json);
        Q_EMIT callFinished(json);
    }
    if (!call->done)
        return;
    if (m_calling > 0) {
        // Never inside call(): the caller may not be ready for its answer.
        QMetaObject::invokeMethod(this, [done = std::move(call->done), outcome = std::move(outcome)]() mutable { done(std::move(outcome)); },
                                  Qt::QueuedConnection);
        return;
    }
    call->done(std::move(outcome));
}

QJsonObject Router::providerState(Runtime &rt, qint64 nowNs)
{
    const ProviderSettings &s = rt.provider->settings();
    QString why;
    const bool configured = rt.provider->configured(&why);
    QJsonObject breaker { { QStringLiteral("state"), CircuitBreaker::stateName(rt.breaker.state()) },
                          { QStringLiteral("consecutive_failures"), rt.breaker.consecutiveFailures() },
                          { QStringLiteral("failures_to_open"), s.breakerFailures },
                          { QStringLiteral("cooldown_ms"), double(s.breakerCooldownMs) } };
    if (const auto until = rt.breaker.openUntilNs())
        breaker.insert(QStringLiteral("half_open_in_ms"), double(std::max<qint64>(0, *until - nowNs)) / 1e6);
    QJsonObject limits { { QStringLiteral("requests_per_minute"), s.requestsPerMinute }, { QStringLiteral("tokens_per_minute"), s.tokensPerMinute } };
    if (rt.requests.limited())
        limits.insert(QStringLiteral("requests_left"), std::floor(std::max(0.0, rt.requests.level(nowNs))));
    if (rt.tokens.limited())
        limits.insert(QStringLiteral("tokens_left"), std::floor(std::max(0.0, rt.tokens.level(nowNs))));
    QJsonObject o { { QStringLiteral("name"), s.name },
                    { QStringLiteral("kind"), s.sim ? QStringLiteral("sim") : QStringLiteral("openai") },
                    { QStringLiteral("simulated"), s.sim },
                    { QStringLiteral("configured"), configured },
                    { QStringLiteral("breaker"), breaker },
                    { QStringLiteral("rate_limit"), limits },
                    { QStringLiteral("concurrency"), s.concurrency },
                    { QStringLiteral("in_flight"), rt.inFlight },
                    { QStringLiteral("waiting"), int(rt.waiting.size()) } };
    if (!s.sim) {
        o.insert(QStringLiteral("base_url"), s.baseUrl);
        // The variable's name only, never its value.
        o.insert(QStringLiteral("api_key_env"), s.apiKeyEnv);
    }
    if (!configured)
        o.insert(QStringLiteral("why"), why);
    return o;
}

void Router::changed(Runtime &rt)
{
    rt.reported = rt.breaker.state();
    const QJsonObject state = providerState(rt, m_clock.nowNs());
    if (m_events)
        m_events->publishEphemeral(events::LlmProviderState, state);
    Q_EMIT providerChanged(rt.provider->settings().name, state);
}

CircuitBreaker::State Router::breakerState(const QString &provider)
{
    Runtime *rt = runtime(provider);
    return rt ? rt->breaker.state() : CircuitBreaker::State::Closed;
}

QJsonObject Router::describe()
{
    const qint64 nowNs = m_clock.nowNs();
    QJsonArray providers;
    for (auto &[name, rt] : m_runtimes)
        if (m_settings.providers.count(name))
            providers.append(providerState(*rt, nowNs));
    QJsonArray aliases;
    for (const auto &[alias, target] : m_settings.aliases) {
        QJsonArray fallbacks;
        if (auto it = m_settings.fallbacks.find(alias); it != m_settings.fallbacks.end())
            for (const QString &next : it->second)
                fallbacks.append(next);
        const bool sim = m_settings.providers.count(target.provider) && m_settings.providers.at(target.provider).sim;
        aliases.append(QJsonObject { { QStringLiteral("alias"), alias }, { QStringLiteral("provider"), target.provider },
                                     { QStringLiteral("model"), target.model }, { QStringLiteral("simulated"), sim },
                                     { QStringLiteral("fallbacks"), fallbacks } });
    }
    QJsonArray routing;
    for (const auto &[task, alias] : m_settings.routing)
        routing.append(QJsonObject { { QStringLiteral("task_type"), task }, { QStringLiteral("alias"), alias } });
    QJsonArray recent;
    for (auto it = m_recent.crbegin(); it != m_recent.crend(); ++it)
        recent.append(*it);
    QJsonObject o { { QStringLiteral("providers"), providers }, { QStringLiteral("aliases"), aliases },
                    { QStringLiteral("routing"), routing }, { QStringLiteral("recent_calls"), recent } };
    if (m_configError)
        o.insert(QStringLiteral("config_error"), m_configError->message);
    return o;
}

std::optional<qint64> Router::nextDeadlineNs()
{
    // Inside call() none is due: a reservation commits in the ledger, which
    // wakes the scheduler, and another call's answer settled there would
    // re-enter the budget mid-reservation. call() wakes it again at its end.
    if (m_calling > 0)
        return std::nullopt;
    std::optional<qint64> earliest;
    auto consider = [&earliest](std::optional<qint64> t) {
        if (t && (!earliest || *t < *earliest))
            earliest = t;
    };
    if (m_client)
        consider(m_client->nextDeadlineNs());
    for (const auto &[name, rt] : m_runtimes) {
        consider(rt->provider->nextDeadlineNs());
        consider(rt->breaker.openUntilNs());
        consider(rt->refillAtNs);
    }
    return earliest;
}

void Router::runDue(qint64 nowNs)
{
    if (m_client && m_client->nextDeadlineNs() && *m_client->nextDeadlineNs() <= nowNs)
        m_client->runDue(nowNs);
    std::vector<Runtime *> runtimes;
    for (auto &[name, rt] : m_runtimes)
        runtimes.push_back(rt.get());
    for (Runtime *rt : runtimes) {
        if (auto due = rt->provider->nextDeadlineNs(); due && *due <= nowNs)
            rt->provider->runDue(nowNs);
        if (rt->breaker.advance(nowNs))
            changed(*rt); // half-open: the next call is the probe
        if (rt->refillAtNs && *rt->refillAtNs <= nowNs) {
            rt->refillAtNs.reset();
            changed(*rt); // headroom again
        }
    }
}

} // namespace cabinet::llm

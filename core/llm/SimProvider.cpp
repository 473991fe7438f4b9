#include "llm/SimProvider.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <cmath>

namespace cabinet::llm {

namespace {

// SplitMix64: small, fast and the same on every platform, so a seed gives
// the same replies everywhere.
struct Random {
    quint64 state;
    quint64 next()
    {
        quint64 z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    double unit() { return double(next() >> 11) * (1.0 / 9007199254740992.0); } // [0, 1)
    int below(int n) { return int(next() % quint64(n)); }
    template <size_t N> const char *pick(const char *const (&list)[N]) { return list[below(int(N))]; }
};

quint64 fnv1a(quint64 hash, const QByteArray &bytes)
{
    for (char c : bytes) {
        hash ^= quint8(c);
        hash *= 0x100000001B3ull;
    }
    return hash;
}

quint64 promptHash(quint64 seed, const ChatRequest &request)
{
    quint64 hash = fnv1a(0xCBF29CE484222325ull ^ seed, request.model.toUtf8());
    for (const ChatMessage &message : request.messages) {
        hash = fnv1a(hash, message.role.toUtf8() + '\0');
        hash = fnv1a(hash, message.content.toUtf8() + '\0');
    }
    return hash;
}

enum class Role { Scout, Rex, Hawk, Forge, Other };

Role roleOf(const ChatRequest &request)
{
    const QString task = request.taskType.toLower();
    if (task == QLatin1String("research"))
        return Role::Scout;
    if (task == QLatin1String("build"))
        return Role::Rex;
    if (task == QLatin1String("review"))
        return Role::Hawk;
    if (task == QLatin1String("deploy"))
        return Role::Forge;
    static const std::pair<QRegularExpression, Role> names[] = {
        { QRegularExpression(QStringLiteral("\\bscout\\b"), QRegularExpression::CaseInsensitiveOption), Role::Scout },
        { QRegularExpression(QStringLiteral("\\brex\\b"), QRegularExpression::CaseInsensitiveOption), Role::Rex },
        { QRegularExpression(QStringLiteral("\\bhawk\\b"), QRegularExpression::CaseInsensitiveOption), Role::Hawk },
        { QRegularExpression(QStringLiteral("\\bforge\\b"), QRegularExpression::CaseInsensitiveOption), Role::Forge },
    };
    for (const ChatMessage &message : request.messages) {
        if (message.role != QLatin1String("system"))
            continue;
        for (const auto &[pattern, role] : names)
            if (pattern.match(message.content).hasMatch())
                return role;
    }
    return Role::Other;
}

QString topicOf(const ChatRequest &request)
{
    QString topic;
    for (auto it = request.messages.crbegin(); it != request.messages.crend(); ++it)
        if (it->role == QLatin1String("user")) {
            topic = it->content.simplified();
            break;
        }
    if (topic.isEmpty())
        topic = QStringLiteral("the task");
    if (topic.size() > 80)
        topic = topic.left(77) + QStringLiteral("...");
    return topic;
}

const char *const Subjects[] = { "the cache layer", "the request path", "the retry policy", "the schema", "the build", "the queue",
                                 "the API surface", "the error handling", "the test suite", "the configuration" };
const char *const Claims[] = { "is the likely bottleneck", "needs a bound on its size", "has no test for the failure case",
                               "is simpler than it looks", "should be measured before it is changed", "duplicates logic found elsewhere",
                               "can be changed without a migration", "holds the invariant the task depends on" };
const char *const Files[] = { "src/router.cpp", "src/queue.cpp", "src/cache.cpp", "src/config.cpp", "src/api.cpp" };
const char *const Findings[] = { "a time-out is not bounded", "an error path returns success", "a test asserts nothing",
                                 "a size is read without a limit", "a retry has no backoff", "a name says the opposite of what it does" };
const char *const Targets[] = { "staging", "production (canary 5 %)", "the preview environment" };

QString research(Random &r, const QString &topic)
{
    QString text = SimProvider::Marker + QStringLiteral(" Research brief (Scout): ") + topic + QStringLiteral("\n\nFindings:\n");
    for (int i = 1; i <= 3; ++i)
        text += QStringLiteral("%1. %2 %3.\n").arg(i).arg(QLatin1String(r.pick(Subjects)), QLatin1String(r.pick(Claims)));
    text += QStringLiteral("\nRecommendation: start with %1; it %2.\nConfidence: %3 (simulated; no sources were read).")
                    .arg(QLatin1String(r.pick(Subjects)), QLatin1String(r.pick(Claims)),
                         QLatin1String(r.below(2) ? "medium" : "high"));
    return text;
}

QString patch(Random &r, const QString &topic)
{
    const QString file = QLatin1String(r.pick(Files));
    const int line = 10 + r.below(200);
    return SimProvider::Marker + QStringLiteral(" Patch (Rex) for: ") + topic
            + QStringLiteral("\n\n```diff\n--- a/%1\n+++ b/%1\n@@ -%2,4 +%2,6 @@\n   auto result = handle(request);\n-  return result;\n"
                             "+  if (!result)\n+    return error(result, \"%3\");\n+  return result;\n }\n```\n\nTests: added a case for %4.")
                      .arg(file)
                      .arg(line)
                      .arg(QLatin1String(r.pick(Findings)), QLatin1String(r.pick(Subjects)));
}

// A review prompt that asks for one JSON object (a workflow node with
// `output: json`) gets its verdict and findings as one.
bool wantsJson(const ChatRequest &request)
{
    for (auto it = request.messages.crbegin(); it != request.messages.crend(); ++it)
        if (it->role == QLatin1String("user"))
            return it->content.contains(QLatin1String("JSON object"), Qt::CaseInsensitive);
    return false;
}

QString reviewJson(bool pass, const QString &findings)
{
    const QJsonObject object { { QStringLiteral("verdict"), pass ? QStringLiteral("pass") : QStringLiteral("fail") },
                               { QStringLiteral("findings"), findings },
                               { QStringLiteral("simulated"), true } };
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QString review(Random &r, const ChatRequest &request, double failChance)
{
    // A first review: the node's first visit, in a conversation that holds
    // no earlier verdict.
    bool first = request.visit <= 1;
    for (const ChatMessage &message : request.messages)
        if (message.content.contains(QLatin1String("VERDICT:")))
            first = false;
    const bool fail = first && r.unit() < failChance;
    const bool json = wantsJson(request);
    if (!fail) {
        const QString findings = QStringLiteral("none blocking. Checked %1 and %2 (simulated review).").arg(QLatin1String(r.pick(Subjects)), QLatin1String(r.pick(Subjects)));
        return json ? reviewJson(true, SimProvider::Marker + u' ' + findings)
                    : SimProvider::Marker + QStringLiteral(" VERDICT: PASS\n\nFindings: ") + findings;
    }
    const QString findings = QStringLiteral("- %1 in %2\n- %3").arg(QLatin1String(r.pick(Findings)), QLatin1String(r.pick(Files)), QLatin1String(r.pick(Findings)));
    return json ? reviewJson(false, SimProvider::Marker + u' ' + findings)
                : SimProvider::Marker + QStringLiteral(" VERDICT: FAIL\n\nFindings:\n") + findings
                        + QStringLiteral("\n\nFix these and send the patch back (simulated review).");
}

QString deploy(Random &r, const QString &topic)
{
    return SimProvider::Marker + QStringLiteral(" Deploy report (Forge): ") + topic
            + QStringLiteral("\n\nTarget: %1\nSteps: build, migrate, roll out, health check\nHealth: %2 of %2 checks green\n"
                             "Rollback: ready\nNothing was deployed: this report is simulated.")
                      .arg(QLatin1String(r.pick(Targets)))
                      .arg(3 + r.below(5));
}

QString answer(Random &r, const QString &topic)
{
    QString text = SimProvider::Marker + QStringLiteral(" Answer to: ") + topic + QStringLiteral("\n\n");
    const int sentences = 2 + r.below(3);
    for (int i = 0; i < sentences; ++i) {
        QString subject = QLatin1String(r.pick(Subjects));
        subject[0] = subject[0].toUpper();
        text += QStringLiteral("%1%2 %3.").arg(i ? QStringLiteral(" ") : QString(), subject, QLatin1String(r.pick(Claims)));
    }
    return text + QStringLiteral(" (No model was called: this reply is simulated.)");
}

} // namespace

SimProvider::SimProvider(const Clock &clock, ProviderSettings settings, QObject *parent)
    : QObject(parent), m_clock(clock), m_settings(std::move(settings))
{
}

SimProvider::~SimProvider() = default;

QString SimProvider::replyText(const SimSettings &sim, const ChatRequest &request)
{
    Random r { promptHash(sim.seed, request) };
    const QString topic = topicOf(request);
    switch (roleOf(request)) {
    case Role::Scout: return research(r, topic);
    case Role::Rex: return patch(r, topic);
    case Role::Hawk: return review(r, request, sim.reviewFailChance);
    case Role::Forge: return deploy(r, topic);
    case Role::Other: break;
    }
    return answer(r, topic);
}

QStringList SimProvider::tokens(const QString &text)
{
    QStringList pieces;
    pieces.reserve(text.size() / 4 + 1);
    for (qsizetype i = 0; i < text.size(); i += 4)
        pieces.append(text.mid(i, 4));
    return pieces;
}

qint64 SimProvider::promptTokens(const QList<ChatMessage> &messages)
{
    qint64 tokens = 3;
    for (const ChatMessage &message : messages)
        tokens += (message.content.size() + 3) / 4 + 4;
    return tokens;
}

quint64 SimProvider::start(const ChatRequest &request, TokenHandler onToken, Done done)
{
    const quint64 id = ++m_lastId;
    const SimSettings &sim = m_settings.simSettings;
    Call call;
    call.done = std::move(done);
    call.onToken = std::move(onToken);
    call.request = request;
    call.startNs = m_clock.nowNs();
    call.firstAtNs = call.startNs + sim.latencyMs * 1'000'000;
    call.intervalNs = sim.tokensPerSecond > 0 ? qint64(std::llround(1e9 / sim.tokensPerSecond)) : 0;
    call.finishReason = QStringLiteral("stop");
    if (int(m_calls.size()) >= CallsMax)
        call.failure = Error { ErrorCode::ResourceExhausted, QStringLiteral("the simulated provider has %1 calls in flight already").arg(CallsMax) };

    // Failures are drawn per call (the seed and the call's number), the text
    // per prompt: a retried prompt may succeed, and says the same when it does.
    Random draw { sim.seed ^ (0xD1B54A32D192ED03ull * ++m_callNumber) };
    const double roll = draw.unit();
    if (!call.failure) {
        if (roll < sim.rateLimitChance) {
            call.failure = Error { ErrorCode::ResourceExhausted, QStringLiteral("simulated rate limit (HTTP 429) from %1").arg(m_settings.name) };
        } else if (roll < sim.rateLimitChance + sim.serverErrorChance) {
            call.failure = Error { ErrorCode::Unavailable, QStringLiteral("simulated server error (HTTP 503) from %1").arg(m_settings.name) };
        } else if (roll < sim.rateLimitChance + sim.serverErrorChance + sim.timeoutChance) {
            call.failure = Error { ErrorCode::Timeout, QStringLiteral("simulated time-out: no answer from %1 within %2 ms").arg(m_settings.name).arg(m_settings.timeoutMs) };
            call.firstAtNs = call.startNs + m_settings.timeoutMs * 1'000'000;
        }
    }
    if (!call.failure) {
        call.tokens = tokens(replyText(sim, request));
        if (request.maxTokens && *request.maxTokens >= 0 && call.tokens.size() > *request.maxTokens) {
            call.tokens = call.tokens.mid(0, *request.maxTokens);
            call.finishReason = QStringLiteral("length");
        }
    }
    m_calls.emplace(id, std::move(call));
    // Never inside start(): the scheduler runs it from the event loop.
    QMetaObject::invokeMethod(this, [this] { wake(); }, Qt::QueuedConnection);
    return id;
}

bool SimProvider::cancel(quint64 id)
{
    if (!m_calls.contains(id))
        return false;
    finish(id, Error { ErrorCode::Cancelled, QStringLiteral("the model call was cancelled") });
    return true;
}

qint64 SimProvider::dueNs(const Call &call) const
{
    if (call.failure)
        return call.firstAtNs;
    // A whole (non-streamed) reply comes when its last token would have.
    const int next = call.request.stream ? call.sent : int(call.tokens.size()) - 1;
    return call.firstAtNs + call.intervalNs * std::max(0, next);
}

std::optional<qint64> SimProvider::nextDeadlineNs() const
{
    std::optional<qint64> earliest;
    for (const auto &[id, call] : m_calls) {
        const qint64 due = dueNs(call);
        if (!earliest || due < *earliest)
            earliest = due;
    }
    return earliest;
}

void SimProvider::runDue(qint64 nowNs)
{
    std::vector<quint64> ids;
    for (const auto &[id, call] : m_calls)
        if (dueNs(call) <= nowNs)
            ids.push_back(id);
    for (quint64 id : ids) {
        auto it = m_calls.find(id);
        if (it == m_calls.end())
            continue;
        Call &call = it->second;
        if (call.failure) {
            finish(id, *call.failure);
            continue;
        }
        if (call.request.stream) {
            while (call.sent < call.tokens.size() && dueNs(call) <= nowNs) {
                const QString token = call.tokens[call.sent++];
                if (call.onToken) {
                    call.onToken(token);
                    if (!m_calls.contains(id))
                        break; // cancelled by the handler
                }
            }
            if (!m_calls.contains(id) || call.sent < call.tokens.size())
                continue;
        }
        ChatReply reply;
        reply.content = call.tokens.join(QString());
        reply.model = m_settings.name + u'/' + call.request.model;
        reply.finishReason = call.finishReason;
        reply.usage.promptTokens = promptTokens(call.request.messages);
        reply.usage.completionTokens = call.tokens.size();
        reply.simulated = true;
        if (call.request.stream && !call.tokens.isEmpty())
            reply.firstTokenNs = call.firstAtNs - call.startNs;
        finish(id, reply);
    }
}

void SimProvider::finish(quint64 id, Result<ChatReply> result)
{
    auto it = m_calls.find(id);
    if (it == m_calls.end())
        return;
    Call call = std::move(it->second);
    m_calls.erase(it);
    if (result)
        result.value().latencyNs = m_clock.nowNs() - call.startNs;
    if (call.done)
        call.done(std::move(result));
}

} // namespace cabinet::llm

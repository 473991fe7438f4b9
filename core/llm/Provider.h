#pragma once

#include "Result.h"
#include "llm/ChatTypes.h"
#include "llm/Timed.h"

#include <QString>

#include <functional>

namespace cabinet::llm {

// The offline provider's knobs (llm.providers.<name>.sim.* and llm.sim.*
// for the built-in `sim`; docs/models.md).
struct SimSettings {
    quint64 seed = 0;
    double tokensPerSecond = 50; // 0: every token at once
    qint64 latencyMs = 300;      // before the first token; 0: none
    // Chances per call, 0..1, of a simulated 429, 503 or time-out.
    double rateLimitChance = 0;
    double serverErrorChance = 0;
    double timeoutChance = 0;
    // The chance that a first review (no earlier verdict in the
    // conversation) comes back FAIL, so the self-correction loop is seen.
    double reviewFailChance = 0.3;
};

// A provider as the configuration describes it (llm.providers.<name>.*).
struct ProviderSettings {
    QString name;
    bool sim = false;  // the offline provider: no network, no key
    QString baseUrl;
    QString apiKeyEnv; // the environment variable that holds the key; empty: none needed
    QList<QPair<QByteArray, QByteArray>> headers;
    int concurrency = 4;
    qint64 connectTimeoutMs = 10'000;
    qint64 timeoutMs = 120'000;
    int requestsPerMinute = 0; // 0: no limit
    int tokensPerMinute = 0;   // 0: no limit
    int breakerFailures = 5;   // consecutive failures that open the breaker
    qint64 breakerCooldownMs = 30'000;
    SimSettings simSettings;
};

// Where a call goes: the HTTP client for a server, or the offline provider.
class Provider : public Timed {
public:
    using Done = std::function<void(Result<ChatReply>)>;
    virtual ~Provider() = default;
    virtual const ProviderSettings &settings() const = 0;
    // Whether it can be called; when not, `why` says what is missing (its key).
    virtual bool configured(QString *why = nullptr) const = 0;
    // Answers through `done`, never inside start().
    virtual quint64 start(const ChatRequest &request, TokenHandler onToken, Done done) = 0;
    virtual bool cancel(quint64 id) = 0;
};

} // namespace cabinet::llm

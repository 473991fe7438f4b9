#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

#include <functional>
#include <optional>

// The values a chat call carries, shared by the HTTP client, the offline
// provider and the router (docs/models.md).
namespace cabinet::llm {

struct ChatMessage {
    QString role; // "system", "user", "assistant"
    QString content;
};

struct ChatRequest {
    QString model;
    QList<ChatMessage> messages;
    std::optional<double> temperature;
    std::optional<int> maxTokens;
    bool stream = false;
    // Sent as the Idempotency-Key header when not empty.
    QString idempotencyKey;
    // Not sent over HTTP: what the call is for ("research", "review", ...).
    // The offline provider shapes its answer by it.
    QString taskType;
    // Not sent over HTTP: which visit of its workflow node the call is for
    // (1: the first). The offline provider fails only first reviews, and a
    // workflow's review prompt starts afresh each round, so the conversation
    // cannot tell it.
    int visit = 1;
};

struct Usage {
    // -1: the answer did not say.
    qint64 promptTokens = -1;
    qint64 completionTokens = -1;
    bool known() const { return promptTokens >= 0 && completionTokens >= 0; }
};

struct ChatReply {
    QString content;
    QString model;        // as the server named it (or as asked when it did not)
    QString finishReason; // "stop", "length", ...
    Usage usage;
    int attempts = 1;          // HTTP tries made, retries included
    qint64 latencyNs = 0;      // from the call to its last byte, on the Clock
    qint64 firstTokenNs = -1;  // from the call to its first token (streamed), on the Clock
    bool simulated = false;    // made by the offline provider: no model was called
};

// Where an OpenAI-compatible server is and how to reach it. The key is held
// here only in memory, read from its environment variable by the caller.
struct Endpoint {
    QString baseUrl;                              // "http://127.0.0.1:8080" (".../v1" is accepted too)
    QByteArray apiKey;                            // sent as "Authorization: Bearer ..."; never logged
    QList<QPair<QByteArray, QByteArray>> headers; // extra headers
    qint64 connectTimeoutMs = 10'000;
    qint64 timeoutMs = 120'000; // the whole call, first byte to last
};

using TokenHandler = std::function<void(const QString &token)>;

} // namespace cabinet::llm

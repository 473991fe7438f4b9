#pragma once

#include "Clock.h"
#include "Result.h"
#include "llm/ChatTypes.h"
#include "llm/Timed.h"

#include <QObject>
#include <QTimer>

#include <map>
#include <memory>
#include <random>

namespace cabinet::llm {

// POST {base_url}/v1/chat/completions to any OpenAI-compatible server
// (OpenAI, LiteLLM, vLLM, Ollama, llama.cpp's server), over libcurl's multi
// interface driven by this thread's event loop: curl's sockets are watched
// with QSocketNotifiers and its one timer is a QTimer (I/O, not a deadline),
// so nothing here ever blocks the thread it reports to. One multi handle
// for every call, so connections are kept alive and reused.
//
// A call is answered exactly once through `done`, after start() has
// returned; a streamed one delivers each token through `onToken` as it
// arrives. Retries (429 honouring Retry-After, 5xx, 408, dropped
// connections, time-outs) wait on the Clock with exponential backoff and
// jitter: the owner runs them as a Timed part (the Router, or a
// TimedService on a Scheduler). A streamed call that has delivered a token
// is never retried (the tokens would come twice). docs/models.md.
class ChatClient : public QObject, public Timed {
    Q_OBJECT
public:
    // HTTP tries per call, the first included.
    static constexpr int AttemptsMax = 3;
    // Backoff before try n (n >= 2): BackoffBaseMs * 2^(n-2), at most
    // BackoffMaxMs, of which a random half is jitter.
    static constexpr qint64 BackoffBaseMs = 250;
    static constexpr qint64 BackoffMaxMs = 8'000;
    // A Retry-After longer than this is not waited for: the call fails with
    // resource_exhausted so the router can fall back at once.
    static constexpr qint64 RetryAfterMaxMs = 60'000;
    // The most bytes one answer may hold (headers not counted).
    static constexpr qsizetype ResponseBytesMax = 8 * 1024 * 1024;
    // Calls in flight or waiting to retry.
    static constexpr int CallsMax = 4'096;

    using Done = std::function<void(Result<ChatReply>)>;

    explicit ChatClient(const Clock &clock, quint64 jitterSeed = std::random_device {}(), QObject *parent = nullptr);
    ~ChatClient() override;

    // Starts a call; returns its id (never 0). Errors, a full client
    // included, arrive through `done` too.
    quint64 start(const Endpoint &endpoint, const ChatRequest &request, TokenHandler onToken, Done done);
    // Stops a call in flight or waiting to retry; `done` gets cancelled,
    // before cancel() returns. False when the call is not (or no longer) here.
    bool cancel(quint64 id);

    int calls() const { return int(m_calls.size()); }
    // New connections opened so far (keep-alive reuses the rest).
    quint64 connectionsOpened() const { return m_connectionsOpened; }

    std::optional<qint64> nextDeadlineNs() const override;
    void runDue(qint64 nowNs) override;

private:
    struct Call;
    struct Watch;

    void attempt(Call &call);
    void releaseHandle(Call &call);
    void socketAction(int fd, int events);
    void afterAction();
    bool deliver(quint64 id); // false: the call has gone
    void completed(quint64 id, int curlCode);
    void fail(quint64 id, const Error &error, bool retryable, std::optional<qint64> retryAfterMs = std::nullopt);
    void finish(quint64 id, Result<ChatReply> result);
    void finishSoon(quint64 id, Error error);

    static int onSocket(void *easy, int fd, int what, void *self, void *socketData);
    static int onTimer(void *multi, long timeoutMs, void *self);
    static size_t onWrite(char *data, size_t size, size_t count, void *call);
    static size_t onHeader(char *data, size_t size, size_t count, void *call);

    const Clock &m_clock;
    void *m_multi = nullptr;
    QTimer m_curlTimer;
    std::map<int, std::unique_ptr<Watch>> m_watches;
    std::map<quint64, std::unique_ptr<Call>> m_calls;
    std::vector<quint64> m_dirty; // calls with bytes not yet read
    quint64 m_lastId = 0;
    quint64 m_connectionsOpened = 0;
    bool m_starting = false; // inside start(): answers wait for the event loop
    std::mt19937_64 m_jitter;
};

} // namespace cabinet::llm

#include "llm/ChatClient.h"

#include "Assert.h"
#include "llm/ChatWire.h"

#include <QDateTime>
#include <QLoggingCategory>
#include <QPointer>
#include <QSocketNotifier>

#include <curl/curl.h>

#include <mutex>

Q_LOGGING_CATEGORY(lcLlm, "cabinet.llm")

namespace cabinet::llm {

namespace {

void initCurl()
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

bool safeHeaderText(const QByteArray &text)
{
    return !text.contains('\r') && !text.contains('\n') && !text.contains('\0');
}

} // namespace

struct ChatClient::Watch {
    QSocketNotifier *read = nullptr;
    QSocketNotifier *write = nullptr;
};

struct ChatClient::Call {
    ChatClient *client = nullptr;
    quint64 id = 0;
    Endpoint endpoint;
    ChatRequest request;
    QByteArray url;
    QByteArray body;
    TokenHandler onToken;
    Done done;
    CURL *easy = nullptr;
    curl_slist *headers = nullptr;
    int attempts = 0;
    qint64 startNs = 0;
    qint64 firstTokenNs = -1;
    std::optional<qint64> retryAtNs;
    // One try's answer.
    long status = 0;
    std::optional<qint64> retryAfterMs;
    QByteArray received; // a whole answer, or an error's body
    QByteArray pending;  // streamed bytes not yet read
    qsizetype bytes = 0;
    bool tooLarge = false;
    bool dirty = false;
    wire::SseReader sse;
    // The whole call's answer so far.
    QString content;
    Usage usage;
    QString model;
    QString finishReason;
    bool tokensDelivered = false;
    bool eventStream = false; // this try's answer is text/event-stream

    void resetTry()
    {
        status = 0;
        retryAfterMs.reset();
        received.clear();
        pending.clear();
        bytes = 0;
        tooLarge = false;
        sse = {};
        eventStream = false;
    }
    bool streamedBody() const { return request.stream && eventStream && status >= 200 && status < 300; }
};

ChatClient::ChatClient(const Clock &clock, quint64 jitterSeed, QObject *parent)
    : QObject(parent), m_clock(clock), m_jitter(jitterSeed)
{
    initCurl();
    m_multi = curl_multi_init();
    CABINET_ASSERT(m_multi);
    curl_multi_setopt(m_multi, CURLMOPT_SOCKETFUNCTION, &ChatClient::onSocket);
    curl_multi_setopt(m_multi, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(m_multi, CURLMOPT_TIMERFUNCTION, &ChatClient::onTimer);
    curl_multi_setopt(m_multi, CURLMOPT_TIMERDATA, this);
    m_curlTimer.setSingleShot(true);
    m_curlTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_curlTimer, &QTimer::timeout, this, [this] { socketAction(CURL_SOCKET_TIMEOUT, 0); });
}

ChatClient::~ChatClient()
{
    // Nobody is told: the owner is going away with its callbacks.
    for (auto &[id, call] : m_calls)
        releaseHandle(*call);
    m_calls.clear();
    curl_multi_cleanup(m_multi);
    for (auto &[fd, watch] : m_watches) {
        delete watch->read;
        delete watch->write;
    }
}

quint64 ChatClient::start(const Endpoint &endpoint, const ChatRequest &request, TokenHandler onToken, Done done)
{
    const quint64 id = ++m_lastId;
    auto call = std::make_unique<Call>();
    call->client = this;
    call->id = id;
    call->endpoint = endpoint;
    call->request = request;
    call->onToken = std::move(onToken);
    call->done = std::move(done);
    call->startNs = m_clock.nowNs();
    call->url = wire::completionsUrl(endpoint.baseUrl);
    call->body = wire::requestBody(request);
    call->model = request.model;
    Call &ref = *call;
    const bool full = int(m_calls.size()) >= CallsMax;
    m_calls.emplace(id, std::move(call));
    if (full) {
        finishSoon(id, Error { ErrorCode::ResourceExhausted, QStringLiteral("the model client has %1 calls in flight already").arg(CallsMax) });
        return id;
    }
    const QString base = endpoint.baseUrl.trimmed();
    if (!base.startsWith(QLatin1String("http://")) && !base.startsWith(QLatin1String("https://"))) {
        finishSoon(id, Error { ErrorCode::InvalidArgument, QStringLiteral("a model server's base_url must start with http:// or https://") });
        return id;
    }
    for (const auto &[name, value] : endpoint.headers) {
        if (name.isEmpty() || !safeHeaderText(name) || name.contains(':') || !safeHeaderText(value)) {
            finishSoon(id, Error { ErrorCode::InvalidArgument, QStringLiteral("a header for the model server has a line break or colon in it") });
            return id;
        }
    }
    if (!safeHeaderText(endpoint.apiKey) || !safeHeaderText(request.idempotencyKey.toUtf8())) {
        finishSoon(id, Error { ErrorCode::InvalidArgument, QStringLiteral("the API key or idempotency key has a line break in it") });
        return id;
    }
    // Sent from here, not a turn of the event loop later; whatever curl
    // finds done meanwhile is handled after start() returns.
    m_starting = true;
    attempt(ref);
    if (ref.easy) {
        int running = 0;
        curl_multi_socket_action(m_multi, CURL_SOCKET_TIMEOUT, 0, &running);
    }
    m_starting = false;
    // Bytes or an end curl met while sending are read a turn later.
    QMetaObject::invokeMethod(this, [this] { afterAction(); }, Qt::QueuedConnection);
    return id;
}

void ChatClient::finishSoon(quint64 id, Error error)
{
    // Never inside start(): the caller may not be ready for its answer yet.
    QMetaObject::invokeMethod(this, [this, id, error = std::move(error)] { finish(id, error); }, Qt::QueuedConnection);
}

void ChatClient::attempt(Call &call)
{
    call.resetTry();
    call.retryAtNs.reset();
    ++call.attempts;
    call.easy = curl_easy_init();
    if (!call.easy)
        return finishSoon(call.id, Error { ErrorCode::Internal, QStringLiteral("curl could not start a transfer") });
    CURL *easy = call.easy;
    curl_easy_setopt(easy, CURLOPT_URL, call.url.constData());
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_POST, 1L);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, long(call.body.size()));
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, call.body.constData()); // call.body outlives the transfer
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(easy, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, long(call.endpoint.connectTimeoutMs));
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, long(call.endpoint.timeoutMs));
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &ChatClient::onWrite);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &call);
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, &ChatClient::onHeader);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, &call);
    curl_easy_setopt(easy, CURLOPT_PRIVATE, &call);
    curl_slist *headers = nullptr;
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, call.request.stream ? "Accept: text/event-stream" : "Accept: application/json");
    headers = curl_slist_append(headers, "Expect:");
    if (!call.endpoint.apiKey.isEmpty())
        headers = curl_slist_append(headers, QByteArray("Authorization: Bearer " + call.endpoint.apiKey).constData());
    if (!call.request.idempotencyKey.isEmpty())
        headers = curl_slist_append(headers, QByteArray("Idempotency-Key: " + call.request.idempotencyKey.toUtf8()).constData());
    for (const auto &[name, value] : call.endpoint.headers)
        headers = curl_slist_append(headers, QByteArray(name + ": " + value).constData());
    call.headers = headers;
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
    if (curl_multi_add_handle(m_multi, easy) != CURLM_OK) {
        releaseHandle(call);
        finishSoon(call.id, Error { ErrorCode::Internal, QStringLiteral("curl could not add a transfer") });
    }
}

void ChatClient::releaseHandle(Call &call)
{
    if (call.easy) {
        curl_multi_remove_handle(m_multi, call.easy);
        curl_easy_cleanup(call.easy);
        call.easy = nullptr;
    }
    if (call.headers) {
        curl_slist_free_all(call.headers);
        call.headers = nullptr;
    }
}

bool ChatClient::cancel(quint64 id)
{
    const auto it = m_calls.find(id);
    if (it == m_calls.end())
        return false;
    finish(id, Error { ErrorCode::Cancelled, QStringLiteral("the model call was cancelled") });
    return true;
}

int ChatClient::onSocket(void *, int fd, int what, void *self, void *)
{
    auto *client = static_cast<ChatClient *>(self);
    auto &watch = client->m_watches[fd];
    if (!watch)
        watch = std::make_unique<Watch>();
    auto retire = [](QSocketNotifier *&notifier) {
        if (!notifier)
            return;
        // Perhaps inside this notifier's own signal: never delete it here.
        notifier->setEnabled(false);
        notifier->deleteLater();
        notifier = nullptr;
    };
    if (what == CURL_POLL_REMOVE) {
        retire(watch->read);
        retire(watch->write);
        client->m_watches.erase(fd);
        return 0;
    }
    const bool wantRead = what == CURL_POLL_IN || what == CURL_POLL_INOUT;
    const bool wantWrite = what == CURL_POLL_OUT || what == CURL_POLL_INOUT;
    auto want = [client, fd](QSocketNotifier *&notifier, bool wanted, QSocketNotifier::Type type, int event) {
        if (!wanted) {
            if (notifier)
                notifier->setEnabled(false);
            return;
        }
        if (!notifier) {
            notifier = new QSocketNotifier(fd, type, client);
            QObject::connect(notifier, &QSocketNotifier::activated, client, [client, fd, event] { client->socketAction(fd, event); });
        }
        notifier->setEnabled(true);
    };
    want(watch->read, wantRead, QSocketNotifier::Read, CURL_CSELECT_IN);
    want(watch->write, wantWrite, QSocketNotifier::Write, CURL_CSELECT_OUT);
    return 0;
}

int ChatClient::onTimer(void *, long timeoutMs, void *self)
{
    auto *client = static_cast<ChatClient *>(self);
    if (timeoutMs < 0)
        client->m_curlTimer.stop();
    else
        client->m_curlTimer.start(int(std::min<long>(timeoutMs, 24L * 3600 * 1000)));
    return 0;
}

size_t ChatClient::onWrite(char *data, size_t size, size_t count, void *userp)
{
    auto *call = static_cast<Call *>(userp);
    const size_t n = size * count;
    call->bytes += qsizetype(n);
    if (call->bytes > ResponseBytesMax) {
        call->tooLarge = true;
        return 0; // curl stops the transfer with CURLE_WRITE_ERROR
    }
    if (!call->status) {
        curl_easy_getinfo(call->easy, CURLINFO_RESPONSE_CODE, &call->status);
        const char *type = nullptr;
        curl_easy_getinfo(call->easy, CURLINFO_CONTENT_TYPE, &type);
        call->eventStream = type && QByteArray(type).toLower().startsWith("text/event-stream");
    }
    if (call->streamedBody()) {
        call->pending.append(data, qsizetype(n));
        if (!call->dirty) {
            call->dirty = true;
            call->client->m_dirty.push_back(call->id);
        }
    } else {
        call->received.append(data, qsizetype(n));
    }
    return n;
}

size_t ChatClient::onHeader(char *data, size_t size, size_t count, void *userp)
{
    auto *call = static_cast<Call *>(userp);
    const size_t n = size * count;
    const QByteArray line = QByteArray(data, qsizetype(n)).trimmed();
    if (line.startsWith("HTTP/")) {
        call->retryAfterMs.reset(); // a new response (after a 100, a redirect)
    } else if (line.size() > 12 && line.left(12).toLower() == "retry-after:") {
        const QByteArray value = line.mid(12).trimmed();
        bool ok = false;
        const double seconds = value.toDouble(&ok);
        if (ok && seconds >= 0) {
            call->retryAfterMs = qint64(seconds * 1000);
        } else {
            const QDateTime when = QDateTime::fromString(QString::fromLatin1(value), Qt::RFC2822Date);
            if (when.isValid())
                call->retryAfterMs = std::max<qint64>(0, when.toMSecsSinceEpoch() - call->client->m_clock.nowMs());
        }
    }
    return n;
}

void ChatClient::socketAction(int fd, int events)
{
    int running = 0;
    curl_multi_socket_action(m_multi, curl_socket_t(fd), events, &running);
    afterAction();
}

void ChatClient::afterAction()
{
    if (m_starting)
        return; // no answer inside start(): start() posts this for later
    // Outside curl's callbacks, so a handler may start or cancel calls.
    for (size_t i = 0; i < m_dirty.size(); ++i)
        deliver(m_dirty[i]);
    m_dirty.clear();
    int left = 0;
    while (CURLMsg *message = curl_multi_info_read(m_multi, &left)) {
        if (message->msg != CURLMSG_DONE)
            continue;
        Call *call = nullptr;
        curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &call);
        CABINET_ASSERT(call);
        const int code = int(message->data.result);
        const quint64 id = call->id;
        if (!deliver(id))
            continue;
        completed(id, code);
    }
}

bool ChatClient::deliver(quint64 id)
{
    auto it = m_calls.find(id);
    if (it == m_calls.end())
        return false;
    Call &call = *it->second;
    call.dirty = false;
    if (call.pending.isEmpty())
        return true;
    QList<wire::SseReader::Delta> deltas;
    const Status read = call.sse.feed(std::exchange(call.pending, {}), deltas);
    for (const auto &delta : deltas) {
        if (!delta.model.isEmpty())
            call.model = delta.model;
        if (!delta.finishReason.isEmpty())
            call.finishReason = delta.finishReason;
        if (delta.usage)
            call.usage = *delta.usage;
        if (delta.content.isEmpty())
            continue;
        if (call.firstTokenNs < 0)
            call.firstTokenNs = m_clock.nowNs() - call.startNs;
        call.content += delta.content;
        call.tokensDelivered = true;
        if (call.onToken) {
            call.onToken(delta.content);
            if (!m_calls.contains(id))
                return false; // cancelled by the handler
        }
    }
    if (!read) {
        fail(id, read.error(), false);
        return false;
    }
    return true;
}

void ChatClient::completed(quint64 id, int curlCode)
{
    Call &call = *m_calls.at(id);
    long connects = 0;
    curl_easy_getinfo(call.easy, CURLINFO_NUM_CONNECTS, &connects);
    m_connectionsOpened += quint64(connects);
    curl_easy_getinfo(call.easy, CURLINFO_RESPONSE_CODE, &call.status);
    const qint64 connectLimit = call.endpoint.connectTimeoutMs;
    const qint64 totalLimit = call.endpoint.timeoutMs;
    switch (CURLcode(curlCode)) {
    case CURLE_OK:
        break;
    case CURLE_WRITE_ERROR:
        if (call.tooLarge)
            return fail(id, Error { ErrorCode::Internal, QStringLiteral("the model server's answer is over %1 bytes").arg(ResponseBytesMax) }, false);
        return fail(id, Error { ErrorCode::Internal, QStringLiteral("the model server's answer could not be read") }, false);
    case CURLE_OPERATION_TIMEDOUT: {
        // A new connection that never completed: the connect limit ran out.
        double connectTime = 0;
        curl_easy_getinfo(call.easy, CURLINFO_CONNECT_TIME, &connectTime);
        const bool connecting = connects > 0 && connectTime <= 0;
        return fail(id, Error { ErrorCode::Timeout, connecting ? QStringLiteral("no connection to the model server within %1 ms").arg(connectLimit)
                                                              : QStringLiteral("no complete answer from the model server within %1 ms").arg(totalLimit) },
                    true);
    }
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return fail(id, Error { ErrorCode::Unavailable, QStringLiteral("cannot reach the model server at %1: %2")
                                                                .arg(QString::fromUtf8(call.url), QString::fromUtf8(curl_easy_strerror(CURLcode(curlCode)))) },
                    false);
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
        return fail(id, Error { ErrorCode::Unavailable, call.tokensDelivered
                                        ? QStringLiteral("the model server dropped the connection mid-stream, after %1 chunks").arg(call.sse.chunks())
                                        : QStringLiteral("the model server dropped the connection (%1)").arg(QString::fromUtf8(curl_easy_strerror(CURLcode(curlCode)))) },
                    true);
    default:
        return fail(id, Error { ErrorCode::Unavailable, QStringLiteral("the call to the model server failed: %1").arg(QString::fromUtf8(curl_easy_strerror(CURLcode(curlCode)))) },
                    false);
    }
    const long status = call.status;
    if (status >= 200 && status < 300) {
        if (call.streamedBody()) {
            if (!call.sse.done())
                return fail(id, Error { ErrorCode::Internal, QStringLiteral("malformed answer from the model server: the stream ended without [DONE] after %1 chunks").arg(call.sse.chunks()) },
                            false);
            ChatReply reply;
            reply.content = call.content;
            reply.model = call.model;
            reply.finishReason = call.finishReason;
            reply.usage = call.usage;
            return finish(id, reply);
        }
        // A server that ignores "stream" answers whole: one token, then done.
        auto reply = wire::parseReply(call.received, call.request.model);
        if (!reply)
            return fail(id, reply.error(), false);
        if (call.request.stream && !reply->content.isEmpty()) {
            call.firstTokenNs = m_clock.nowNs() - call.startNs;
            call.tokensDelivered = true;
            if (call.onToken) {
                call.onToken(reply->content);
                if (!m_calls.contains(id))
                    return;
            }
        }
        return finish(id, *reply);
    }
    const QString message = wire::serverMessage(call.received);
    if (status == 429)
        return fail(id, Error { ErrorCode::ResourceExhausted, QStringLiteral("the model server is rate limiting (HTTP 429): %1").arg(message) }, true,
                    call.retryAfterMs);
    if (status >= 500)
        return fail(id, Error { ErrorCode::Unavailable, QStringLiteral("the model server failed (HTTP %1): %2").arg(status).arg(message) }, true,
                    call.retryAfterMs);
    if (status == 408)
        return fail(id, Error { ErrorCode::Timeout, QStringLiteral("the model server timed out (HTTP 408): %1").arg(message) }, true);
    if (status >= 400)
        return fail(id, Error { ErrorCode::InvalidArgument, QStringLiteral("the model server refused the request (HTTP %1): %2").arg(status).arg(message) }, false);
    fail(id, Error { ErrorCode::Internal, QStringLiteral("malformed answer from the model server: unexpected HTTP status %1").arg(status) }, false);
}

void ChatClient::fail(quint64 id, const Error &error, bool retryable, std::optional<qint64> retryAfterMs)
{
    Call &call = *m_calls.at(id);
    releaseHandle(call);
    const bool waitTooLong = retryAfterMs && *retryAfterMs > RetryAfterMaxMs;
    if (!retryable || call.tokensDelivered || call.attempts >= AttemptsMax || waitTooLong) {
        Error final = error;
        if (call.attempts > 1)
            final.message += QStringLiteral(" (after %1 tries)").arg(call.attempts);
        else if (waitTooLong)
            final.message += QStringLiteral(" (it asks for %1 s, more than the %2 s waited for)").arg(*retryAfterMs / 1000).arg(RetryAfterMaxMs / 1000);
        return finish(id, final);
    }
    qint64 waitMs = 0;
    if (retryAfterMs) {
        // At least what the server asked for, with up to a tenth more so
        // many clients told the same do not come back together.
        waitMs = *retryAfterMs + qint64(std::uniform_int_distribution<qint64>(0, std::max<qint64>(1, *retryAfterMs / 10))(m_jitter));
    } else {
        const qint64 backoff = std::min<qint64>(BackoffMaxMs, BackoffBaseMs << std::min(call.attempts - 1, 20));
        waitMs = backoff / 2 + std::uniform_int_distribution<qint64>(0, backoff / 2)(m_jitter);
    }
    qCDebug(lcLlm).noquote() << "call" << id << "try" << call.attempts << "failed:" << error.message << "- retrying in" << waitMs << "ms";
    call.retryAtNs = m_clock.nowNs() + waitMs * 1'000'000;
    wake();
}

void ChatClient::finish(quint64 id, Result<ChatReply> result)
{
    auto it = m_calls.find(id);
    if (it == m_calls.end())
        return;
    std::unique_ptr<Call> call = std::move(it->second);
    m_calls.erase(it);
    releaseHandle(*call);
    if (result) {
        result.value().attempts = call->attempts;
        result.value().latencyNs = m_clock.nowNs() - call->startNs;
        result.value().firstTokenNs = call->firstTokenNs;
    }
    if (call->done)
        call->done(std::move(result));
}

std::optional<qint64> ChatClient::nextDeadlineNs() const
{
    std::optional<qint64> earliest;
    for (const auto &[id, call] : m_calls)
        if (call->retryAtNs && (!earliest || *call->retryAtNs < *earliest))
            earliest = call->retryAtNs;
    return earliest;
}

void ChatClient::runDue(qint64 nowNs)
{
    std::vector<quint64> due;
    for (const auto &[id, call] : m_calls)
        if (call->retryAtNs && *call->retryAtNs <= nowNs)
            due.push_back(id);
    for (quint64 id : due)
        if (auto it = m_calls.find(id); it != m_calls.end())
            attempt(*it->second);
}

} // namespace cabinet::llm

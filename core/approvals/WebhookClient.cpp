#include "approvals/WebhookClient.h"

#include "Assert.h"

#include <QSocketNotifier>

#include <curl/curl.h>

#include <mutex>

namespace cabinet::approvals {

struct WebhookClient::Watch {
    QSocketNotifier *read = nullptr;
    QSocketNotifier *write = nullptr;
};

struct WebhookClient::Transfer {
    CURL *easy = nullptr;
    curl_slist *headers = nullptr;
    QByteArray url, body; // outlive the transfer: curl reads them in place
    QByteArray received;
    Done done;
};

namespace {

void initCurl()
{
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

} // namespace

WebhookClient::WebhookClient(qint64 timeoutMs, QObject *parent) : QObject(parent), m_timeoutMs(timeoutMs)
{
    initCurl();
    m_multi = curl_multi_init();
    CABINET_ASSERT(m_multi);
    curl_multi_setopt(m_multi, CURLMOPT_SOCKETFUNCTION, &WebhookClient::onSocket);
    curl_multi_setopt(m_multi, CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(m_multi, CURLMOPT_TIMERFUNCTION, &WebhookClient::onTimer);
    curl_multi_setopt(m_multi, CURLMOPT_TIMERDATA, this);
    m_curlTimer.setSingleShot(true);
    connect(&m_curlTimer, &QTimer::timeout, this, [this] { socketAction(CURL_SOCKET_TIMEOUT, 0); });
}

WebhookClient::~WebhookClient()
{
    // Nobody is told: the owner is going away with its callbacks.
    for (auto &[key, transfer] : m_transfers) {
        curl_multi_remove_handle(m_multi, transfer->easy);
        curl_easy_cleanup(transfer->easy);
        curl_slist_free_all(transfer->headers);
    }
    m_transfers.clear();
    curl_multi_cleanup(m_multi);
    for (auto &[fd, watch] : m_watches) {
        delete watch->read;
        delete watch->write;
    }
}

void WebhookClient::post(const QByteArray &url, const QByteArray &body, Done done)
{
    auto owned = std::make_unique<Transfer>();
    Transfer *transfer = owned.get();
    transfer->url = url;
    transfer->body = body;
    transfer->done = std::move(done);
    transfer->easy = curl_easy_init();
    CURL *easy = transfer->easy;
    m_transfers.emplace(transfer, std::move(owned));
    if (!easy) {
        QMetaObject::invokeMethod(this, [this, transfer] { finish(transfer, { 0, QStringLiteral("curl could not start a transfer") }); },
                                  Qt::QueuedConnection);
        return;
    }
    curl_easy_setopt(easy, CURLOPT_URL, transfer->url.constData());
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_POST, 1L);
    curl_easy_setopt(easy, CURLOPT_POSTFIELDSIZE, long(transfer->body.size()));
    curl_easy_setopt(easy, CURLOPT_POSTFIELDS, transfer->body.constData());
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, long(std::min(m_timeoutMs, ConnectTimeoutMsMax)));
    curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, long(m_timeoutMs));
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, &WebhookClient::onWrite);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, transfer);
    curl_easy_setopt(easy, CURLOPT_PRIVATE, transfer);
    transfer->headers = curl_slist_append(nullptr, "Content-Type: application/json");
    transfer->headers = curl_slist_append(transfer->headers, "Expect:");
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, transfer->headers);
    // Added from the event loop, so `done` never runs inside post().
    QMetaObject::invokeMethod(
            this,
            [this, transfer] {
                if (curl_multi_add_handle(m_multi, transfer->easy) != CURLM_OK)
                    return finish(transfer, { 0, QStringLiteral("curl could not add a transfer") });
                socketAction(CURL_SOCKET_TIMEOUT, 0);
            },
            Qt::QueuedConnection);
}

void WebhookClient::finish(Transfer *transfer, Outcome outcome)
{
    auto it = m_transfers.find(transfer);
    CABINET_ASSERT(it != m_transfers.end());
    std::unique_ptr<Transfer> owned = std::move(it->second);
    m_transfers.erase(it);
    if (owned->easy) {
        curl_multi_remove_handle(m_multi, owned->easy);
        curl_easy_cleanup(owned->easy);
    }
    curl_slist_free_all(owned->headers);
    owned->done(std::move(outcome));
}

int WebhookClient::onSocket(void *, int fd, int what, void *self, void *)
{
    auto *client = static_cast<WebhookClient *>(self);
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
    want(watch->read, what == CURL_POLL_IN || what == CURL_POLL_INOUT, QSocketNotifier::Read, CURL_CSELECT_IN);
    want(watch->write, what == CURL_POLL_OUT || what == CURL_POLL_INOUT, QSocketNotifier::Write, CURL_CSELECT_OUT);
    return 0;
}

int WebhookClient::onTimer(void *, long timeoutMs, void *self)
{
    auto *client = static_cast<WebhookClient *>(self);
    if (timeoutMs < 0)
        client->m_curlTimer.stop();
    else
        client->m_curlTimer.start(int(std::min<long>(timeoutMs, 24L * 3600 * 1000)));
    return 0;
}

size_t WebhookClient::onWrite(char *data, size_t size, size_t count, void *userp)
{
    auto *transfer = static_cast<Transfer *>(userp);
    const size_t n = size * count;
    // Only the start of an answer is kept; the rest is read and dropped.
    const qsizetype room = ResponseBytesMax - transfer->received.size();
    if (room > 0)
        transfer->received.append(data, std::min(room, qsizetype(n)));
    return n;
}

void WebhookClient::socketAction(int fd, int events)
{
    int running = 0;
    curl_multi_socket_action(m_multi, curl_socket_t(fd), events, &running);
    int left = 0;
    while (CURLMsg *message = curl_multi_info_read(m_multi, &left)) {
        if (message->msg != CURLMSG_DONE)
            continue;
        Transfer *transfer = nullptr;
        curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &transfer);
        CABINET_ASSERT(transfer);
        Outcome outcome;
        if (message->data.result != CURLE_OK) {
            outcome.error = QString::fromUtf8(curl_easy_strerror(message->data.result));
        } else {
            curl_easy_getinfo(message->easy_handle, CURLINFO_RESPONSE_CODE, &outcome.status);
            if (outcome.status < 200 || outcome.status > 299)
                outcome.error = QStringLiteral("HTTP %1: %2").arg(outcome.status).arg(QString::fromUtf8(transfer->received.left(256)).simplified());
        }
        finish(transfer, std::move(outcome));
    }
}

} // namespace cabinet::approvals

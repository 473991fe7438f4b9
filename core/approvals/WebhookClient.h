#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QTimer>

#include <functional>
#include <map>
#include <memory>

namespace cabinet::approvals {

// POSTs a JSON body to a webhook over libcurl's multi interface, driven by
// this thread's event loop: curl's sockets are watched with
// QSocketNotifiers and its one timer is a QTimer (I/O, not a deadline), so
// a send never blocks the thread. One try per post(); the Notifier retries
// on the Scheduler.
//
// A client of its own rather than a share of llm::ChatClient: that one's
// socket layer is woven into streaming, Retry-After and its own Timed
// retries, and taking it apart is not a small change; this one is the same
// ~60 lines of curl plumbing for a plain POST (docs/approvals.md).
class WebhookClient : public QObject {
    Q_OBJECT
public:
    // What is kept of an answer's body (for the error it names).
    static constexpr qsizetype ResponseBytesMax = 16 * 1024;
    static constexpr qint64 ConnectTimeoutMsMax = 5'000;

    struct Outcome {
        long status = 0; // the HTTP status; 0: no answer (error says why)
        QString error;   // empty for a 2xx
    };
    using Done = std::function<void(Outcome)>;

    // `timeoutMs`: the whole of one try, connecting included.
    explicit WebhookClient(qint64 timeoutMs, QObject *parent = nullptr);
    ~WebhookClient() override;

    // `done` is called exactly once, from the event loop, never inside post().
    void post(const QByteArray &url, const QByteArray &body, Done done);
    int inFlight() const { return int(m_transfers.size()); }

private:
    struct Transfer;
    struct Watch;

    void socketAction(int fd, int events);
    void finish(Transfer *transfer, Outcome outcome);

    static int onSocket(void *easy, int fd, int what, void *self, void *socketData);
    static int onTimer(void *multi, long timeoutMs, void *self);
    static size_t onWrite(char *data, size_t size, size_t count, void *transfer);

    qint64 m_timeoutMs;
    void *m_multi = nullptr;
    QTimer m_curlTimer;
    std::map<int, std::unique_ptr<Watch>> m_watches;
    std::map<Transfer *, std::unique_ptr<Transfer>> m_transfers;
};

} // namespace cabinet::approvals

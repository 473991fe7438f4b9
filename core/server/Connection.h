#pragma once

#include "Result.h"
#include "api/JsonRpc.h"
#include "server/TokenStore.h"

#include <QObject>
#include <QStringList>

#include <deque>
#include <memory>
#include <optional>
#include <vector>

class QWebSocket;

namespace cabinet {
struct Event;
}

namespace cabinet::server {

class Server;

// The close codes the server sends (docs/server.md); 1009 (too big) comes
// from QtWebSockets when a frame or message is over its limit.
struct CloseCode {
    static constexpr int GoingAway = 1001;        // the server stops
    static constexpr int UnsupportedData = 1003;  // a binary message
    static constexpr int TryAgainLater = 1013;    // the server holds ConnectionsMax
    static constexpr int AuthTimeout = 4001;      // no authentication in time
    static constexpr int TokenRevoked = 4003;     // its token was revoked
    static constexpr int QueueOverflow = 4008;    // too slow: events or answers piled up
    static constexpr int AuthRateLimited = 4029;  // too many failed authentications from the address
};

// An event as the server sends it: {"seq", "time_ms", "type", "payload"}.
QByteArray eventJson(const Event &event);

// One WebSocket client: its JSON-RPC session (the framing of
// core/api/JsonRpc), the token it authenticated with, its subscriptions and
// the bounded queue of events waiting to go to it.
class Connection final : public QObject {
    Q_OBJECT
public:
    Connection(Server &server, QWebSocket *socket, std::optional<TokenStore::Token> token, qint64 nowNs);
    ~Connection() override;

    const std::optional<TokenStore::Token> &token() const { return m_token; }
    // Until it authenticates.
    std::optional<qint64> authDeadlineNs() const;
    int subscriptions() const { return int(m_subscriptions.size()); }
    QString address() const;

    // An event from the core, its JSON written once for every client.
    void offer(const Event &event, const QByteArray &json);
    // Closes with `code`; `dropped` names the reason in /metrics.
    void close(int code, const QString &reason, const QString &dropped);

private:
    struct Subscription {
        int id = 0;
        QStringList types;
        qint64 cursor = 0; // the newest stored event sent or passed over
        bool live = false; // false: still replaying stored events
    };

    std::optional<Result<QByteArray>> transportMethod(const QString &method, const QByteArray &params);
    Result<QByteArray> auth(const QByteArray &params);
    Result<QByteArray> subscribe(const QByteArray &params);
    Result<QByteArray> unsubscribe(const QByteArray &params);
    Result<std::function<void()>> admitCall(const api::OperationInfo &operation);
    void send(const QByteArray &message);
    void enqueue(int subscription, const QByteArray &json);
    void scheduleFlush();
    void flush();
    void replayMore();

    Server &m_server;
    QWebSocket *m_socket; // a child of this
    std::optional<TokenStore::Token> m_token;
    qint64 m_authDeadlineNs;
    std::unique_ptr<api::Session> m_session;
    std::vector<Subscription> m_subscriptions;
    int m_lastSubscription = 0;
    std::deque<QByteArray> m_pending; // notifications not yet handed to the socket
    bool m_flushQueued = false;
    bool m_closing = false;
};

} // namespace cabinet::server

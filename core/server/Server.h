#pragma once

#include "Result.h"
#include "server/Metrics.h"
#include "server/RateLimiter.h"
#include "server/ServerLimits.h"
#include "server/TokenStore.h"
#include "service/Service.h"

#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QSslConfiguration>

#include <memory>
#include <optional>

class QTcpServer;
class QTcpSocket;
class QWebSocket;
class QWebSocketServer;

namespace cabinet {
class Cabinet;
struct Event;
} // namespace cabinet

namespace cabinet::server {

class ChatHooks;
class Connection;

// The headless server (docs/server.md): one port, HTTP read here (GET
// /health, GET /metrics, the chat hooks of ChatHooks.h) and WebSocket upgrades handed to QtWebSockets,
// where each connection speaks JSON-RPC 2.0 with the catalogue under an API
// token. Runs on the core's thread; its deadlines (authentication and HTTP
// read time limits) run on the Scheduler; nothing in it waits for a client.
class Server final : public QObject, public Service {
    Q_OBJECT
public:
    struct Options {
        QHostAddress address = QHostAddress::LocalHost;
        quint16 port = 8765; // 0: any free port (logged)
        QString tlsCert, tlsKey; // PEM files; both or neither
        bool insecure = false;   // plain text on a non-loopback address
    };
    // "HOST:PORT" as --listen takes it (an IPv6 host in brackets).
    static Result<Options> parseListen(const QString &text);

    Server(Cabinet &cabinet, Options options);
    ~Server() override;

    QString name() const override { return QStringLiteral("server"); }
    Status start() override;
    void stop() override;
    std::optional<qint64> nextDeadlineNs() override;
    void runDue(qint64 nowNs) override;

    quint16 port() const;
    // WebSocket clients connected now (as /metrics reports them).
    int clients() const { return m_counters.clients; }

    // For the connections.
    Cabinet &cabinet() const { return m_cabinet; }
    const ServerLimits &limits() const { return m_limits; }
    // The token `secret` is, counted against `address`'s failures (each
    // one audited while the address is under its limit).
    Result<TokenStore::Token> authenticate(const QByteArray &secret, const QString &address, const QString &how);
    // Whether `token` may open one more connection / subscription.
    Status admitConnection(const TokenStore::Token &token) const;
    Status admitSubscription(const QString &tokenName) const;
    bool takeCall(const QString &tokenName);
    void observe(const QString &method, qint64 ns) { m_counters.latency[method].observe(ns); }
    void dropped(const QString &reason) { ++m_counters.dropped[reason]; }
    void connectionGone(Connection *connection);

private:
    void onTcpConnection();
    void readHttp(QTcpSocket *socket);
    void answerHttp(QTcpSocket *socket, const QByteArray &response);
    void onWebSocket();
    void onEvent(const Event &event);
    // Counts a failed authentication and audits it while `address` is under its limit.
    void failedAuthentication(const QString &address, const QString &how, const Error &error);

    Cabinet &m_cabinet;
    Options m_options;
    ServerLimits m_limits;
    std::optional<QSslConfiguration> m_tls;
    std::unique_ptr<QTcpServer> m_tcp;
    std::unique_ptr<QWebSocketServer> m_ws;
    std::unique_ptr<ChatHooks> m_hooks; // /hooks/slack, /hooks/whatsapp
    // Sockets still sending their HTTP request, with their deadlines.
    QHash<QTcpSocket *, qint64> m_reading;
    // Upgrades whose Authorization header was accepted, by "address:port",
    // until QtWebSockets hands their connection over.
    QHash<QString, std::pair<TokenStore::Token, qint64>> m_upgrading;
    std::vector<Connection *> m_connections;
    RateLimiter m_calls;
    RateLimiter m_authFailures;
    ServerCounters m_counters;
    int m_subscription = 0;
};

} // namespace cabinet::server

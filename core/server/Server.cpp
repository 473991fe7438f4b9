#include "server/Server.h"

#include "Cabinet.h"
#include "api/JsonText.h"
#include "audit/AuditLog.h"
#include "events/EventBus.h"
#include "server/ChatHooks.h"
#include "server/Connection.h"
#include "server/HttpRequest.h"

#include <QFile>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QSslKey>
#include <QSslSocket>
#include <QTcpServer>
#include <QWebSocket>
#include <QWebSocketServer>

Q_LOGGING_CATEGORY(lcServer, "cabinet.server")

namespace cabinet::server {

namespace {

// Accepts TCP connections, encrypting them first when the server has TLS:
// the HTTP request is read after the TLS handshake, and the upgrade handed
// to QtWebSockets is already an encrypted socket (QSslServer is not in Qt
// 6.4).
class Listener final : public QTcpServer {
public:
    explicit Listener(std::optional<QSslConfiguration> tls) : m_tls(std::move(tls)) { }

protected:
    void incomingConnection(qintptr descriptor) override
    {
        if (!m_tls)
            return QTcpServer::incomingConnection(descriptor);
        auto *socket = new QSslSocket(this);
        socket->setSslConfiguration(*m_tls);
        if (!socket->setSocketDescriptor(descriptor)) {
            delete socket;
            return;
        }
        socket->startServerEncryption();
        addPendingConnection(socket);
    }

private:
    std::optional<QSslConfiguration> m_tls;
};

QString peerKey(const QHostAddress &address, quint16 port)
{
    return address.toString() + u'#' + QString::number(port);
}

QByteArray errorBody(const Error &error)
{
    return api::compact(QJsonObject { { QStringLiteral("error"), QJsonObject { { QStringLiteral("code"), errorCodeName(error.code) },
                                                                              { QStringLiteral("message"), error.message } } } });
}

Result<QSslConfiguration> loadTls(const QString &certPath, const QString &keyPath)
{
    QFile certFile(certPath), keyFile(keyPath);
    if (!certFile.open(QIODevice::ReadOnly))
        return Error { ErrorCode::InvalidArgument, QStringLiteral("cannot read the TLS certificate %1").arg(certPath), QStringLiteral("tls-cert") };
    if (!keyFile.open(QIODevice::ReadOnly))
        return Error { ErrorCode::InvalidArgument, QStringLiteral("cannot read the TLS key %1").arg(keyPath), QStringLiteral("tls-key") };
    const QList<QSslCertificate> chain = QSslCertificate::fromData(certFile.read(1 << 20), QSsl::Pem);
    const QByteArray keyPem = keyFile.read(1 << 20);
    QSslKey key(keyPem, QSsl::Rsa, QSsl::Pem);
    if (key.isNull())
        key = QSslKey(keyPem, QSsl::Ec, QSsl::Pem);
    if (chain.isEmpty() || key.isNull())
        return Error { ErrorCode::InvalidArgument, QStringLiteral("%1 holds no PEM certificate or %2 no PEM RSA or EC key").arg(certPath, keyPath),
                       QStringLiteral("tls-cert") };
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificateChain(chain);
    tls.setPrivateKey(key);
    tls.setPeerVerifyMode(QSslSocket::VerifyNone); // clients authenticate with tokens
    return tls;
}

} // namespace

Result<Server::Options> Server::parseListen(const QString &text)
{
    const qsizetype colon = text.lastIndexOf(u':');
    QString host = text.left(colon);
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    bool ok = false;
    const uint port = text.mid(colon + 1).toUInt(&ok);
    Options options;
    options.address = QHostAddress(host);
    if (colon <= 0 || !ok || port > 65535 || options.address.isNull())
        return Error { ErrorCode::InvalidArgument, QStringLiteral("--listen takes ADDRESS:PORT (an IP address; port 0 picks a free one), e.g. 127.0.0.1:8765"),
                       QStringLiteral("listen") };
    options.port = quint16(port);
    return options;
}

Server::Server(Cabinet &cabinet, Options options)
    : m_cabinet(cabinet), m_options(std::move(options)), m_calls(1, 1, 1), m_authFailures(1, 1, 1)
{
}

Server::~Server()
{
    stop();
}

quint16 Server::port() const
{
    return m_tcp ? m_tcp->serverPort() : 0;
}

Status Server::start()
{
    auto limits = ServerLimits::fromConfig(m_cabinet.config());
    if (!limits)
        return limits.error();
    m_limits = *limits;
    m_calls = RateLimiter(2.0 * m_limits.callsPerSecond, m_limits.callsPerSecond, ServerLimits::RateKeysMax);
    m_authFailures = RateLimiter(m_limits.authFailuresPerWindow, m_limits.authFailuresPerWindow / (double(ServerLimits::AuthFailureWindowNs) / 1e9),
                                 ServerLimits::RateKeysMax);

    const bool wantTls = !m_options.tlsCert.isEmpty() || !m_options.tlsKey.isEmpty();
    if (wantTls && (m_options.tlsCert.isEmpty() || m_options.tlsKey.isEmpty()))
        return Error { ErrorCode::InvalidArgument, QStringLiteral("TLS needs both --tls-cert and --tls-key"), QStringLiteral("tls-key") };
    if (wantTls && m_options.insecure)
        return Error { ErrorCode::InvalidArgument, QStringLiteral("--insecure and --tls-cert contradict each other: choose one"), QStringLiteral("insecure") };
    const bool loopback = m_options.address.isLoopback();
    if (!loopback && !wantTls && !m_options.insecure)
        return Error { ErrorCode::InvalidArgument,
                       QStringLiteral("%1 is not a loopback address: give --tls-cert and --tls-key, or --insecure to send tokens in clear text")
                               .arg(m_options.address.toString()),
                       QStringLiteral("listen") };
    if (wantTls) {
        if (!QSslSocket::supportsSsl())
            return Error { ErrorCode::FailedPrecondition, QStringLiteral("this Qt has no TLS backend") };
        auto tls = loadTls(m_options.tlsCert, m_options.tlsKey);
        if (!tls)
            return tls.error();
        m_tls = *tls;
    }
    auto hooks = ChatHooks::fromConfig(m_cabinet, m_limits.authFailuresPerWindow);
    if (!hooks)
        return hooks.error();
    m_hooks = std::move(*hooks);
    for (const QString &problem : m_hooks->problems())
        qCWarning(lcServer).noquote() << problem;
    if (!loopback && m_options.insecure)
        qCWarning(lcServer).noquote() << "--insecure: listening on" << m_options.address.toString()
                                      << "without TLS; tokens and everything else cross the network in clear text";

    m_ws = std::make_unique<QWebSocketServer>(QStringLiteral("cabinet"), QWebSocketServer::NonSecureMode);
    connect(m_ws.get(), &QWebSocketServer::newConnection, this, &Server::onWebSocket);
    auto listener = std::make_unique<Listener>(m_tls);
    if (!listener->listen(m_options.address, m_options.port))
        return Error { ErrorCode::Unavailable, QStringLiteral("cannot listen on %1:%2: %3").arg(m_options.address.toString()).arg(m_options.port).arg(listener->errorString()) };
    m_tcp = std::move(listener);
    connect(m_tcp.get(), &QTcpServer::pendingConnectionAvailable, this, &Server::onTcpConnection);
    m_subscription = m_cabinet.events().subscribe({}, [this](const Event &event) { onEvent(event); });
    // Parseable, so a script (or a test) started with port 0 finds the port.
    qCInfo(lcServer).noquote() << QStringLiteral("server listening on %1://%2:%3").arg(m_tls ? QStringLiteral("wss") : QStringLiteral("ws"),
                                                                                   m_options.address.toString()).arg(port());
    return {};
}

void Server::stop()
{
    if (!m_tcp)
        return;
    m_cabinet.events().unsubscribe(m_subscription);
    m_tcp->close();
    const auto connections = m_connections;
    for (Connection *connection : connections) {
        connection->close(CloseCode::GoingAway, QStringLiteral("the server is stopping"), QStringLiteral("server_stopping"));
        delete connection;
    }
    m_connections.clear();
    for (QTcpSocket *socket : m_reading.keys())
        delete socket;
    m_reading.clear();
    m_ws->close();
    m_ws.reset();
    m_tcp.reset();
}

std::optional<qint64> Server::nextDeadlineNs()
{
    std::optional<qint64> next;
    auto earliest = [&next](qint64 at) { next = next ? std::min(*next, at) : at; };
    for (Connection *connection : m_connections)
        if (auto at = connection->authDeadlineNs())
            earliest(*at);
    for (qint64 at : m_reading)
        earliest(at);
    for (const auto &[token, at] : m_upgrading)
        earliest(at);
    return next;
}

void Server::runDue(qint64 nowNs)
{
    const auto connections = m_connections;
    for (Connection *connection : connections) {
        if (auto at = connection->authDeadlineNs(); at && *at <= nowNs) {
            const Error late { ErrorCode::Unauthenticated, QStringLiteral("no authentication within %1 ms").arg(m_limits.authTimeoutNs / 1'000'000) };
            failedAuthentication(connection->address(), QStringLiteral("timeout"), late);
            connection->close(CloseCode::AuthTimeout, late.message, QStringLiteral("auth_timeout"));
        }
    }
    for (auto it = m_reading.begin(); it != m_reading.end();) {
        if (it.value() > nowNs) {
            ++it;
            continue;
        }
        QTcpSocket *socket = it.key();
        it = m_reading.erase(it);
        socket->abort();
        socket->deleteLater();
    }
    for (auto it = m_upgrading.begin(); it != m_upgrading.end();)
        it = it->second <= nowNs ? m_upgrading.erase(it) : std::next(it);
}

void Server::failedAuthentication(const QString &address, const QString &how, const Error &error)
{
    ++m_counters.authFailures;
    // Audited while the address is under its limit; past it refused unaudited,
    // so a flood cannot fill the trail.
    if (!m_authFailures.take(address, m_cabinet.clock().nowNs()))
        return;
    if (auto entry = m_cabinet.audit().record(QStringLiteral("system:server"), QStringLiteral("server.auth_failed"), address,
                                              { { QStringLiteral("how"), how }, { QStringLiteral("code"), errorCodeName(error.code) },
                                                { QStringLiteral("reason"), error.message } });
        !entry)
        qCWarning(lcServer).noquote() << "cannot audit a failed authentication:" << entry.error().message;
}

Result<TokenStore::Token> Server::authenticate(const QByteArray &secret, const QString &address, const QString &how)
{
    if (!m_authFailures.allows(address, m_cabinet.clock().nowNs())) {
        ++m_counters.authFailures;
        return Error { ErrorCode::ResourceExhausted,
                       QStringLiteral("too many failed authentications from %1; wait a minute").arg(address) };
    }
    auto token = m_cabinet.service<TokenStore>().authenticate(secret);
    if (!token)
        failedAuthentication(address, how, token.error());
    return token;
}

Status Server::admitConnection(const TokenStore::Token &token) const
{
    int open = 0;
    for (const Connection *connection : m_connections)
        open += connection->token() && connection->token()->name == token.name ? 1 : 0;
    for (const auto &[upgrading, at] : m_upgrading)
        open += upgrading.name == token.name ? 1 : 0;
    if (open >= m_limits.connectionsPerToken)
        return Error { ErrorCode::ResourceExhausted,
                       QStringLiteral("the token %1 holds %2 connections, its limit (server.connections_per_token)").arg(token.name).arg(open) };
    return {};
}

Status Server::admitSubscription(const QString &tokenName) const
{
    int held = 0;
    for (const Connection *connection : m_connections)
        held += connection->token() && connection->token()->name == tokenName ? connection->subscriptions() : 0;
    if (held >= m_limits.subscriptionsPerToken)
        return Error { ErrorCode::ResourceExhausted,
                       QStringLiteral("the token %1 holds %2 subscriptions, its limit (server.subscriptions_per_token)").arg(tokenName).arg(held) };
    return {};
}

bool Server::takeCall(const QString &tokenName)
{
    return m_calls.take(tokenName, m_cabinet.clock().nowNs());
}

void Server::connectionGone(Connection *connection)
{
    const auto it = std::find(m_connections.begin(), m_connections.end(), connection);
    if (it == m_connections.end())
        return;
    m_connections.erase(it);
    m_counters.clients = int(m_connections.size());
    connection->deleteLater();
}

void Server::onTcpConnection()
{
    while (QTcpSocket *socket = m_tcp ? m_tcp->nextPendingConnection() : nullptr) {
        if (m_connections.size() + size_t(m_reading.size()) >= size_t(ServerLimits::ConnectionsMax)) {
            socket->write(httpResponse(503, "application/json", errorBody({ ErrorCode::ResourceExhausted, QStringLiteral("the server is full") })));
            socket->disconnectFromHost();
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            continue;
        }
        m_reading.insert(socket, m_cabinet.clock().nowNs() + ServerLimits::HttpReadTimeoutNs);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { readHttp(socket); });
        connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
            m_reading.remove(socket);
            socket->deleteLater();
        });
        if (socket->bytesAvailable() > 0)
            readHttp(socket);
    }
    wake();
}

void Server::answerHttp(QTcpSocket *socket, const QByteArray &response)
{
    m_reading.remove(socket);
    socket->readAll();
    socket->write(response);
    socket->disconnectFromHost();
}

void Server::readHttp(QTcpSocket *socket)
{
    if (!m_reading.contains(socket))
        return;
    // Peeked, not read: an upgrade goes to QtWebSockets with its request.
    auto parsed = parseHttpRequest(socket->peek(ServerLimits::HttpHeaderBytesMax + 1), ServerLimits::HttpHeaderBytesMax);
    if (!parsed)
        return answerHttp(socket, httpResponse(parsed.error().code == ErrorCode::ResourceExhausted ? 431 : 400, "application/json",
                                               errorBody(parsed.error())));
    if (!*parsed)
        return;
    const HttpRequest &request = **parsed;
    if (request.isWebSocketUpgrade()) {
        if (request.path != "/")
            return answerHttp(socket, httpResponse(404, "application/json", errorBody({ ErrorCode::NotFound, QStringLiteral("WebSocket clients connect to /") })));
        std::optional<TokenStore::Token> token;
        if (const QByteArray authorization = request.header("authorization"); !authorization.isEmpty()) {
            // Refused here, before the upgrade: a bad header never gets a WebSocket.
            const Error notBearer { ErrorCode::Unauthenticated, QStringLiteral("Authorization takes Bearer TOKEN") };
            Result<TokenStore::Token> found = notBearer;
            if (authorization.startsWith("Bearer "))
                found = authenticate(authorization.mid(7).trimmed(), socket->peerAddress().toString(), QStringLiteral("handshake"));
            else
                failedAuthentication(socket->peerAddress().toString(), QStringLiteral("handshake"), notBearer);
            if (found)
                if (auto admitted = admitConnection(*found); !admitted)
                    found = admitted.error();
            if (!found)
                return answerHttp(socket, httpResponse(found.error().code == ErrorCode::ResourceExhausted ? 429 : 401, "application/json",
                                                       errorBody(found.error()), "WWW-Authenticate: Bearer\r\n"));
            token = *found;
        }
        m_reading.remove(socket);
        QObject::disconnect(socket, nullptr, this, nullptr);
        if (token)
            m_upgrading.insert(peerKey(socket->peerAddress(), socket->peerPort()),
                               { *token, m_cabinet.clock().nowNs() + ServerLimits::HttpReadTimeoutNs });
        m_ws->handleConnection(socket);
        return;
    }
    if (request.path == "/health" || request.path == "/metrics") {
        if (request.method != "GET" && request.method != "HEAD")
            return answerHttp(socket, httpResponse(405, "application/json", errorBody({ ErrorCode::InvalidArgument, QStringLiteral("GET only") }),
                                                   "Allow: GET, HEAD\r\n"));
        if (request.path == "/health") {
            const Health report = health(m_cabinet);
            return answerHttp(socket, httpResponse(report.healthy ? 200 : 503, "application/json", report.json));
        }
        auto text = metricsText(m_cabinet, m_counters);
        if (!text)
            return answerHttp(socket, httpResponse(503, "application/json", errorBody(text.error())));
        return answerHttp(socket, httpResponse(200, "text/plain; version=0.0.4; charset=utf-8", *text));
    }
    if (request.path.startsWith("/hooks/")) {
        // Nothing yet while the body is short of its Content-Length (the read time limit still runs).
        auto answer = m_hooks->answer(request, socket->peek(request.headerBytes + HookBodyBytesMax).mid(request.headerBytes),
                                      socket->peerAddress().toString());
        if (!answer)
            return;
        // Counted for the two hooks only: any other path would be a label value a client picks.
        if (request.path == "/hooks/slack" || request.path == "/hooks/whatsapp")
            ++m_counters.hookRequests[{ QString::fromLatin1(request.path.mid(7)), answer->status }];
        return answerHttp(socket, httpResponse(answer->status, answer->contentType, answer->body));
    }
    answerHttp(socket, httpResponse(404, "application/json",
                                    errorBody({ ErrorCode::NotFound, QStringLiteral("the server answers GET /health, GET /metrics, the chat hooks "
                                                                                    "/hooks/slack and /hooks/whatsapp and WebSocket upgrades on /") })));
}

void Server::onWebSocket()
{
    while (QWebSocket *socket = m_ws ? m_ws->nextPendingConnection() : nullptr) {
        auto upgrading = m_upgrading.find(peerKey(socket->peerAddress(), socket->peerPort()));
        std::optional<TokenStore::Token> token;
        if (upgrading != m_upgrading.end()) {
            token = upgrading->first;
            m_upgrading.erase(upgrading);
        }
        if (m_connections.size() >= size_t(ServerLimits::ConnectionsMax)) {
            socket->close(QWebSocketProtocol::CloseCode(CloseCode::TryAgainLater), QStringLiteral("the server is full"));
            socket->deleteLater();
            dropped(QStringLiteral("server_full"));
            continue;
        }
        m_connections.push_back(new Connection(*this, socket, std::move(token), m_cabinet.clock().nowNs()));
        ++m_counters.connections;
        m_counters.clients = int(m_connections.size());
    }
    wake(); // a new authentication deadline
}

void Server::onEvent(const Event &event)
{
    // A copy: closing a client (revoked, overflowed) may take it off the list.
    const auto connections = m_connections;
    if (event.type == events::TokensRevoked) {
        const QString name = event.payload.value(QStringLiteral("name")).toString();
        for (Connection *connection : connections)
            if (connection->token() && connection->token()->name == name)
                connection->close(CloseCode::TokenRevoked, QStringLiteral("the token was revoked"), QStringLiteral("token_revoked"));
    }
    QByteArray json; // written once, for every client that takes it
    for (Connection *connection : connections) {
        if (connection->subscriptions() == 0)
            continue;
        if (json.isEmpty())
            json = eventJson(event);
        connection->offer(event, json);
    }
}

} // namespace cabinet::server

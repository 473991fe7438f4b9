#include "server/Connection.h"

#include "Cabinet.h"
#include "api/Dispatcher.h"
#include "api/JsonText.h"
#include "events/EventBus.h"
#include "server/Server.h"

#include <QJsonArray>
#include <QPointer>
#include <QWebSocket>

namespace cabinet::server {

namespace {

// Stored events read per step of a replay.
constexpr int ReplayPageEvents = 1000;
// Answers waiting in the socket's buffer past which the client is too slow
// to keep (a client that sends calls and never reads their answers).
constexpr qint64 AnswerBacklogBytesMax = 16 * ServerLimits::SendBufferBytesMax;

int rank(api::Role role)
{
    return int(role);
}

Error invalid(const QString &message, const QString &field)
{
    return Error { ErrorCode::InvalidArgument, message, field };
}

bool knownType(const QString &type)
{
    for (const auto &registered : events::registry()) {
        const QString name = QLatin1StringView(registered.name);
        if (type.endsWith(u'.') ? name.startsWith(type) : name == type)
            return true;
    }
    return false;
}

// The notification that carries an event to one subscription.
QByteArray notification(int subscription, const QByteArray &eventJson)
{
    return "{\"jsonrpc\":\"2.0\",\"method\":\"events.event\",\"params\":{\"subscription\":" + QByteArray::number(subscription)
            + ",\"event\":" + eventJson + "}}";
}

} // namespace

QByteArray eventJson(const Event &event)
{
    return api::compact(QJsonObject { { QStringLiteral("seq"), event.seq },
                                         { QStringLiteral("time_ms"), event.timeMs },
                                         { QStringLiteral("type"), event.type },
                                         { QStringLiteral("payload"), event.payload } });
}

Connection::Connection(Server &server, QWebSocket *socket, std::optional<TokenStore::Token> token, qint64 nowNs)
    : m_server(server), m_socket(socket), m_token(std::move(token)), m_authDeadlineNs(nowNs + server.limits().authTimeoutNs)
{
    m_socket->setParent(this);
    m_socket->setMaxAllowedIncomingFrameSize(quint64(server.limits().frameBytes));
    m_socket->setMaxAllowedIncomingMessageSize(quint64(server.limits().messageBytes));
    api::Session::Transport transport;
    transport.method = [this](const QString &method, const QByteArray &params) { return transportMethod(method, params); };
    transport.admitCall = [this](const api::OperationInfo &operation) { return admitCall(operation); };
    // session.identify is the local socket's: here a token says who calls.
    auto admit = [](const Actor &) -> Status {
        return Error { ErrorCode::PermissionDenied,
                       QStringLiteral("the server takes API tokens: call auth {\"token\": ...} or send Authorization: Bearer in the handshake") };
    };
    m_session = std::make_unique<api::Session>(server.cabinet().api(), [this](const QByteArray &message) { send(message); }, admit,
                                               std::move(transport));
    if (m_token)
        m_session->setActor(m_token->actor());
    connect(m_socket, &QWebSocket::textMessageReceived, this, [this](const QString &message) {
        if (!m_closing)
            m_session->handle(message.toUtf8());
    });
    connect(m_socket, &QWebSocket::binaryMessageReceived, this,
            [this] { close(CloseCode::UnsupportedData, QStringLiteral("JSON-RPC messages are text frames"), QStringLiteral("binary_message")); });
    connect(m_socket, &QWebSocket::bytesWritten, this, [this] {
        if (!m_pending.empty() || !m_subscriptions.empty())
            flush();
    });
    connect(m_socket, &QWebSocket::disconnected, this, [this] {
        // QtWebSockets closed it for a frame or message over the limit.
        if (!m_closing && m_socket->closeCode() == QWebSocketProtocol::CloseCodeTooMuchData)
            m_server.dropped(QStringLiteral("message_too_big"));
        m_closing = true;
        m_server.connectionGone(this);
    });
}

Connection::~Connection()
{
    // The socket goes after this object's members: nothing of it may call back.
    QObject::disconnect(m_socket, nullptr, this, nullptr);
}

std::optional<qint64> Connection::authDeadlineNs() const
{
    if (m_token || m_closing)
        return std::nullopt;
    return m_authDeadlineNs;
}

QString Connection::address() const
{
    return m_socket->peerAddress().toString();
}

void Connection::close(int code, const QString &reason, const QString &dropped)
{
    if (m_closing)
        return;
    m_closing = true;
    m_pending.clear();
    m_server.dropped(dropped);
    m_socket->close(QWebSocketProtocol::CloseCode(code), reason);
}

void Connection::send(const QByteArray &message)
{
    if (m_closing)
        return;
    if (m_socket->bytesToWrite() > AnswerBacklogBytesMax) {
        close(CloseCode::QueueOverflow, QStringLiteral("answers piled up unread (over %1 bytes)").arg(AnswerBacklogBytesMax), QStringLiteral("slow_reader"));
        return;
    }
    m_socket->sendTextMessage(QString::fromUtf8(message));
}

std::optional<Result<QByteArray>> Connection::transportMethod(const QString &method, const QByteArray &params)
{
    if (method == u"auth")
        return auth(params);
    if (method != u"events.subscribe" && method != u"events.unsubscribe")
        return std::nullopt;
    if (!m_token)
        return Result<QByteArray>(Error { ErrorCode::Unauthenticated, QStringLiteral("authenticate first: auth {\"token\": ...}") });
    return method == u"events.subscribe" ? subscribe(params) : unsubscribe(params);
}

Result<QByteArray> Connection::auth(const QByteArray &params)
{
    if (m_token)
        return Error { ErrorCode::FailedPrecondition, QStringLiteral("this connection is authenticated already, as %1").arg(m_token->actor().toString()) };
    auto object = api::paramsObject(params);
    if (!object)
        return object.error();
    if (auto known = api::onlyKnownMembers(*object, { "token" }); !known)
        return known.error();
    const QJsonValue secret = object->value(QStringLiteral("token"));
    if (!secret.isString())
        return invalid(QStringLiteral("'token' must be a string"), QStringLiteral("token"));
    auto token = m_server.authenticate(secret.toString().toUtf8(), address(), QStringLiteral("auth"));
    if (!token) {
        if (token.error().code == ErrorCode::ResourceExhausted)
            QMetaObject::invokeMethod(
                    this, [this, message = token.error().message] { close(CloseCode::AuthRateLimited, message.left(120), QStringLiteral("auth_rate_limited")); },
                    Qt::QueuedConnection);
        return token.error();
    }
    if (auto admitted = m_server.admitConnection(*token); !admitted)
        return admitted.error();
    m_token = *token;
    m_session->setActor(m_token->actor());
    return api::compact(QJsonObject { { QStringLiteral("actor"), m_token->actor().toString() },
                                      { QStringLiteral("role"), api::roleName(m_token->role) } });
}

Result<QByteArray> Connection::subscribe(const QByteArray &params)
{
    auto object = api::paramsObject(params);
    if (!object)
        return object.error();
    if (auto known = api::onlyKnownMembers(*object, { "from_seq", "types" }); !known)
        return known.error();
    const QJsonValue from = object->value(QStringLiteral("from_seq"));
    if (!from.isUndefined() && (!from.isDouble() || from.toDouble() != double(from.toInteger()) || from.toInteger() < 0))
        return invalid(QStringLiteral("'from_seq' must be a whole number, 0 or more"), QStringLiteral("from_seq"));
    const QJsonValue typesValue = object->value(QStringLiteral("types"));
    if (!typesValue.isUndefined() && !typesValue.isArray())
        return invalid(QStringLiteral("'types' must be an array of event types (\"ledger.\" for a group)"), QStringLiteral("types"));
    const QJsonArray typesArray = typesValue.toArray();
    if (typesArray.size() > ServerLimits::SubscriptionTypesMax)
        return invalid(QStringLiteral("a subscription names at most %1 types").arg(ServerLimits::SubscriptionTypesMax), QStringLiteral("types"));
    QStringList types;
    for (const QJsonValue &type : typesArray) {
        if (!type.isString() || !knownType(type.toString()))
            return invalid(QStringLiteral("%1 is not an event type or group (see docs/api.md, Events)").arg(type.toString().left(64)),
                           QStringLiteral("types"));
        types.append(type.toString());
    }
    if (m_subscriptions.size() >= size_t(ServerLimits::SubscriptionsPerConnectionMax))
        return Error { ErrorCode::ResourceExhausted,
                       QStringLiteral("a connection holds at most %1 subscriptions").arg(ServerLimits::SubscriptionsPerConnectionMax) };
    if (auto admitted = m_server.admitSubscription(m_token->name); !admitted)
        return admitted.error();

    const EventBus &events = m_server.cabinet().events();
    const qint64 last = events.lastSequence();
    Subscription subscription { ++m_lastSubscription, types, last, true };
    if (!from.isUndefined()) {
        // From before the retained history: not_found, naming where it starts.
        const qint64 after = std::max<qint64>(0, from.toInteger() - 1);
        if (auto first = events.replay(after, 1); !first)
            return first.error();
        subscription.cursor = std::min(after, last);
        subscription.live = subscription.cursor >= last;
    }
    m_subscriptions.push_back(subscription);
    if (!subscription.live)
        scheduleFlush(); // the replay starts once this answer is out
    return api::compact(QJsonObject { { QStringLiteral("subscription"), subscription.id },
                                      { QStringLiteral("last_seq"), last },
                                      { QStringLiteral("replaying"), !subscription.live } });
}

Result<QByteArray> Connection::unsubscribe(const QByteArray &params)
{
    auto object = api::paramsObject(params);
    if (!object)
        return object.error();
    if (auto known = api::onlyKnownMembers(*object, { "subscription" }); !known)
        return known.error();
    const qint64 id = object->value(QStringLiteral("subscription")).toInteger(-1);
    const auto it = std::find_if(m_subscriptions.begin(), m_subscriptions.end(), [id](const Subscription &s) { return s.id == id; });
    if (it == m_subscriptions.end())
        return Error { ErrorCode::NotFound, QStringLiteral("no subscription %1 on this connection").arg(id), QStringLiteral("subscription") };
    m_subscriptions.erase(it);
    return api::compact(QJsonObject { { QStringLiteral("subscription"), id } });
}

Result<std::function<void()>> Connection::admitCall(const api::OperationInfo &operation)
{
    if (rank(m_token->role) < rank(operation.role))
        return Error { ErrorCode::PermissionDenied, QStringLiteral("%1 needs the %2 role; the token %3 has %4")
                                                            .arg(operation.name, api::roleName(operation.role), m_token->name, api::roleName(m_token->role)) };
    if (!m_server.takeCall(m_token->name))
        return Error { ErrorCode::ResourceExhausted,
                       QStringLiteral("the token %1 is over %2 calls a second; slow down").arg(m_token->name).arg(m_server.limits().callsPerSecond) };
    const Clock &clock = m_server.cabinet().clock();
    return std::function<void()>([server = QPointer<Server>(&m_server), &clock, name = operation.name, start = clock.nowNs()] {
        if (server)
            server->observe(name, clock.nowNs() - start);
    });
}

void Connection::offer(const Event &event, const QByteArray &json)
{
    if (m_closing)
        return;
    for (Subscription &subscription : m_subscriptions) {
        if (!EventBus::matches(subscription.types, event.type))
            continue;
        if (!event.ephemeral()) {
            // While replaying, the replay reaches this event; once live, one
            // the replay sent already is passed over: no gap, no duplicate.
            if (!subscription.live || event.seq <= subscription.cursor)
                continue;
            subscription.cursor = event.seq;
        }
        enqueue(subscription.id, json);
        if (m_closing)
            return;
    }
}

void Connection::enqueue(int subscription, const QByteArray &json)
{
    if (m_pending.size() >= size_t(m_server.limits().queueEvents)) {
        close(CloseCode::QueueOverflow, QStringLiteral("too slow: over %1 events waited for this client").arg(m_server.limits().queueEvents),
              QStringLiteral("queue_overflow"));
        return;
    }
    m_pending.push_back(notification(subscription, json));
    scheduleFlush();
}

void Connection::scheduleFlush()
{
    if (m_flushQueued)
        return;
    m_flushQueued = true;
    QMetaObject::invokeMethod(this, &Connection::flush, Qt::QueuedConnection);
}

void Connection::flush()
{
    m_flushQueued = false;
    if (m_closing)
        return;
    while (!m_pending.empty() && m_socket->bytesToWrite() < ServerLimits::SendBufferBytesMax) {
        const size_t count = std::min(m_pending.size(), size_t(ServerLimits::EventsPerFrameMax));
        QByteArray frame;
        if (count == 1) {
            frame = std::move(m_pending.front());
        } else {
            // Several events share a frame: a JSON-RPC batch of notifications.
            frame = "[";
            for (size_t i = 0; i < count; ++i)
                frame += (i ? "," : "") + m_pending[i];
            frame += ']';
        }
        m_pending.erase(m_pending.begin(), m_pending.begin() + qsizetype(count));
        m_socket->sendTextMessage(QString::fromUtf8(frame));
    }
    replayMore();
}

void Connection::replayMore()
{
    const EventBus &events = m_server.cabinet().events();
    for (auto it = m_subscriptions.begin(); it != m_subscriptions.end();) {
        Subscription &subscription = *it;
        bool ended = false;
        // One page at a time, and only while the client keeps up: a replay
        // never fills the queue that overflows.
        while (!subscription.live && m_pending.size() < size_t(ReplayPageEvents) && m_socket->bytesToWrite() < ServerLimits::SendBufferBytesMax) {
            auto page = events.replay(subscription.cursor, ReplayPageEvents);
            if (!page) {
                // History was pruned under a slow replay: the subscription ends.
                send("{\"jsonrpc\":\"2.0\",\"method\":\"events.ended\",\"params\":{\"subscription\":" + QByteArray::number(subscription.id)
                     + ",\"error\":" + api::jsonString(page.error().message) + "}}");
                ended = true;
                break;
            }
            for (const Event &event : *page)
                if (EventBus::matches(subscription.types, event.type))
                    m_pending.push_back(notification(subscription.id, eventJson(event)));
            if (!page->isEmpty())
                subscription.cursor = page->back().seq;
            // Caught up: everything stored is sent, what commits next comes live.
            if (page->size() < ReplayPageEvents)
                subscription.live = true;
        }
        it = ended ? m_subscriptions.erase(it) : std::next(it);
    }
    // A full socket buffer resumes the flush from bytesWritten.
    if (!m_pending.empty() && m_socket->bytesToWrite() < ServerLimits::SendBufferBytesMax)
        scheduleFlush();
}

} // namespace cabinet::server

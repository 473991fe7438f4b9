#pragma once

#include "Actor.h"
#include "Result.h"
#include "api/Operation.h"

#include <QByteArray>

#include <functional>
#include <memory>
#include <optional>

namespace cabinet::api {

class Dispatcher;

// JSON-RPC 2.0 (https://www.jsonrpc.org/specification) over any transport
// that carries whole messages: the owner's control socket now, the
// WebSocket server later. Standard codes for the framing, the catalogue's
// codes in the server range (-32000..-32099), each ErrorCode mapped once.
namespace jsonrpc {
constexpr int ParseError = -32700;
constexpr int InvalidRequest = -32600;
constexpr int MethodNotFound = -32601;
constexpr int InvalidParams = -32602;
constexpr int InternalError = -32603;
// Requests in one batch at most.
constexpr int BatchMax = 256;
// The method that names the caller on a connection, before anything else.
inline const QString IdentifyMethod = QStringLiteral("session.identify");
} // namespace jsonrpc

int jsonRpcCode(ErrorCode code);

// The JSON text of an error response; `id` is the request's id as JSON text
// ("null" when unknown).
QByteArray errorResponse(const QByteArray &id, int code, const QString &message, const Error *error = nullptr);
QByteArray errorResponse(const QByteArray &id, const Error &error);
QByteArray resultResponse(const QByteArray &id, const QByteArray &result);
// An Error back from a response's error object (for clients).
Error errorFromResponse(const QByteArray &errorObjectJson);

// One connection's side of the protocol: keeps who identified on it and
// answers each message (a request, a notification or a batch) through the
// dispatcher, in order of completion. Mutating and reading calls alike need
// an identified actor.
class Session {
public:
    // Sends one response message (never called for notifications only).
    using Send = std::function<void(const QByteArray &message)>;
    // Who may identify on this transport: an error (permission_denied)
    // refuses the actor and leaves the session unidentified. Empty: anyone.
    using Admit = std::function<Status(const Actor &actor)>;

    // What a transport adds to the protocol (the WebSocket server: methods
    // of its own such as auth and events.subscribe, and a check of each
    // catalogue call against the caller's token). Empty members: none.
    struct Transport {
        // Answers a method the transport serves itself; nothing: not one.
        std::function<std::optional<Result<QByteArray>>(const QString &method, const QByteArray &params)> method;
        // Runs before a catalogue call of an identified caller: an error
        // refuses the call; the function returned is called once it answered.
        std::function<Result<std::function<void()>>(const OperationInfo &operation)> admitCall;
    };

    Session(const Dispatcher &dispatcher, Send send, Admit admit = {}, Transport transport = {});
    ~Session();

    void handle(const QByteArray &message);
    const std::optional<Actor> &actor() const { return m_actor; }
    // For a transport that identifies the caller itself (a token).
    void setActor(const Actor &actor) { m_actor = actor; }

private:
    void call(const QByteArray &requestJson, std::function<void(std::optional<QByteArray>)> done);

    const Dispatcher &m_dispatcher;
    Send m_send;
    Admit m_admit;
    Transport m_transport;
    std::optional<Actor> m_actor;
    // Cleared when the session goes, so a late answer of a long job is dropped.
    std::shared_ptr<bool> m_alive;
};

} // namespace cabinet::api

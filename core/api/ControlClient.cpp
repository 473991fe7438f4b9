#include "api/ControlClient.h"

#include "api/ControlServer.h"
#include "api/JsonRpc.h"
#include "api/JsonText.h"

#include <QDeadlineTimer>
#include <QLocalSocket>

namespace cabinet::api {

ControlClient::~ControlClient() = default;

std::unique_ptr<ControlClient> ControlClient::connect(const QString &dataDir, const Actor &actor)
{
    // A socket someone else could have put there is not the owner's.
    if (!ControlServer::trustedSocket(dataDir))
        return nullptr;
    std::unique_ptr<ControlClient> client(new ControlClient);
    client->m_socket = std::make_unique<QLocalSocket>();
    client->m_socket->connectToServer(ControlServer::socketPath(dataDir));
    if (!client->m_socket->waitForConnected(ConnectTimeoutMs))
        return nullptr;
    auto identified = client->roundTrip(jsonrpc::IdentifyMethod,
                                        QByteArrayLiteral("{\"actor\":") + jsonString(actor.toString()) + '}');
    if (!identified)
        return nullptr;
    return client;
}

Result<QByteArray> ControlClient::call(const QString &operation, const QByteArray &params)
{
    return roundTrip(operation, params);
}

Result<QByteArray> ControlClient::roundTrip(const QString &method, const QByteArray &params)
{
    // One message a line: the params go compact, so a pretty-printed batch
    // (newlines between its values) is not cut off at its first line. Read
    // exactly, so no number passes through a double; nothing is "{}", as
    // in process.
    auto parsed = ledger::parseExactJson(params.trimmed().isEmpty() ? QByteArrayLiteral("{}") : params);
    if (!parsed)
        return Error { ErrorCode::InvalidArgument, QStringLiteral("params are not valid JSON: ") + parsed.error().message,
                       QStringLiteral("params") };
    const qint64 id = m_nextId++;
    const QByteArray request = QByteArrayLiteral("{\"jsonrpc\":\"2.0\",\"id\":") + QByteArray::number(id)
            + QByteArrayLiteral(",\"method\":") + jsonString(method) + QByteArrayLiteral(",\"params\":") + writeJson(*parsed) + "}\n";
    m_socket->write(request);
    const QDeadlineTimer deadline(CallTimeoutMs);
    while (m_socket->bytesToWrite() > 0) {
        if (!m_socket->waitForBytesWritten(int(deadline.remainingTime())))
            return Error { ErrorCode::Unavailable, QStringLiteral("the owning process stopped answering: ") + m_socket->errorString() };
    }
    while (!m_socket->canReadLine()) {
        if (deadline.hasExpired() || !m_socket->waitForReadyRead(int(deadline.remainingTime()))) {
            if (deadline.hasExpired())
                return Error { ErrorCode::Timeout, QStringLiteral("the owning process did not answer within %1 s").arg(CallTimeoutMs / 1000) };
            return Error { ErrorCode::Unavailable, QStringLiteral("the owning process closed the connection: ") + m_socket->errorString() };
        }
    }
    const QByteArray line = m_socket->readLine();
    auto response = ledger::parseExactJson(line);
    if (!response || !response->isObject())
        return Error { ErrorCode::Internal, QStringLiteral("the owning process sent a malformed answer") };
    if (const JsonValue *result = member(*response, QStringLiteral("result")))
        return writeJson(*result);
    if (const JsonValue *error = member(*response, QStringLiteral("error")))
        return errorFromResponse(writeJson(*error));
    return Error { ErrorCode::Internal, QStringLiteral("the owning process sent an answer with neither result nor error") };
}

} // namespace cabinet::api

#include "api/ControlServer.h"

#include "api/JsonRpc.h"

#include <QCryptographicHash>
#include <QDir>
#include <QLocalServer>
#include <QLocalSocket>
#include <QLoggingCategory>

#include <sys/stat.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcControl, "cabinet.api")

namespace cabinet::api {

namespace {
// sockaddr_un's sun_path holds 108 bytes on Linux, the terminating NUL included.
constexpr qsizetype SocketPathBytesMax = 107;
} // namespace

ControlServer::ControlServer(const Dispatcher &dispatcher, QString dataDir) : m_dispatcher(dispatcher), m_dataDir(std::move(dataDir)) { }

ControlServer::~ControlServer()
{
    stop();
}

QString ControlServer::socketPath(const QString &dataDir)
{
    const QString inside = QDir(dataDir).absoluteFilePath(QStringLiteral("cabinet.sock"));
    if (QFile::encodeName(inside).size() <= SocketPathBytesMax)
        return inside;
    const QByteArray hash = QCryptographicHash::hash(QFile::encodeName(QDir(dataDir).absolutePath()), QCryptographicHash::Sha256).toHex().left(32);
    return QDir::temp().absoluteFilePath(QStringLiteral("cabinet-%1/%2.sock").arg(getuid()).arg(QString::fromLatin1(hash)));
}

namespace {

// The socket's folder is its own (not the data directory), under the
// temporary directory, where anyone may have made it first.
bool sharedFolder(const QString &dataDir, const QString &socket)
{
    return QFileInfo(socket).absolutePath() != QDir(dataDir).absolutePath();
}

// This user's folder (closed to others' writes, when `closed`) or socket,
// by lstat: a symbolic link is refused, not followed.
bool ownedByThisUser(const QString &path, bool folder, bool closed = true)
{
    struct stat st;
    if (::lstat(QFile::encodeName(path).constData(), &st) != 0 || st.st_uid != getuid())
        return false;
    if (!folder)
        return S_ISSOCK(st.st_mode);
    return S_ISDIR(st.st_mode) && (!closed || (st.st_mode & (S_IWGRP | S_IWOTH)) == 0);
}

} // namespace

bool ControlServer::trustedSocket(const QString &dataDir)
{
    const QString path = socketPath(dataDir);
    if (!sharedFolder(dataDir, path))
        return true;
    return ownedByThisUser(QFileInfo(path).absolutePath(), true) && ownedByThisUser(path, false);
}

Status ControlServer::start()
{
    const QString path = socketPath(m_dataDir);
    const QString folder = QFileInfo(path).absolutePath();
    if (!QDir().mkpath(folder))
        return Error { ErrorCode::PermissionDenied, QStringLiteral("cannot create %1 for the control socket").arg(folder) };
    // Under the temporary directory the folder must be this user's and
    // closed to others: whoever else could write there could put a socket
    // of theirs where the command line looks for this one.
    if (sharedFolder(m_dataDir, path)) {
        if (!ownedByThisUser(folder, true, false) || ::chmod(QFile::encodeName(folder).constData(), S_IRWXU) != 0)
            return Error { ErrorCode::PermissionDenied,
                           QStringLiteral("%1 is not a folder of this user's alone; remove it, and the control socket is made there "
                                          "afresh")
                                   .arg(folder) };
    }
    // We hold the data directory's lock, so a socket file here is a dead
    // owner's.
    QLocalServer::removeServer(path);
    m_server = std::make_unique<QLocalServer>();
    m_server->setSocketOptions(QLocalServer::UserAccessOption);
    m_server->setMaxPendingConnections(ConnectionsMax);
    if (!m_server->listen(path)) {
        const QString why = m_server->errorString();
        m_server.reset();
        return Error { ErrorCode::Unavailable, QStringLiteral("cannot listen on %1: %2").arg(path, why) };
    }
    connect(m_server.get(), &QLocalServer::newConnection, this, &ControlServer::onNewConnection);
    qCInfo(lcControl).noquote() << "control socket at" << path;
    return {};
}

void ControlServer::stop()
{
    if (!m_server)
        return;
    m_server->close(); // removes the socket file
    m_server.reset();
}

void ControlServer::onNewConnection()
{
    while (QLocalSocket *socket = m_server ? m_server->nextPendingConnection() : nullptr) {
        if (m_connections >= ConnectionsMax) {
            socket->write(errorResponse("null", jsonrpc::InternalError,
                                        QStringLiteral("too many connections (at most %1)").arg(ConnectionsMax)) + '\n');
            socket->disconnectFromServer();
            socket->deleteLater();
            continue;
        }
        serve(socket);
    }
}

Status ControlServer::admitLocalActor(const Actor &actor)
{
    // Anyone who can open the socket is this Unix user (the socket is 0600),
    // acting as a person at a terminal, as the in-process CLI does. Agents
    // and the core's own components act inside the core, and API tokens
    // belong to the server, which checks them: none of them is taken on a
    // bare claim.
    if (actor.kind() == Actor::Kind::Operator)
        return {};
    return Error { ErrorCode::PermissionDenied,
                   QStringLiteral("the control socket takes operators only (operator:NAME), not %1: agents and the core act "
                                  "inside it, API tokens through the server")
                           .arg(actor.toString()),
                   QStringLiteral("actor") };
}

void ControlServer::serve(QLocalSocket *socket)
{
    ++m_connections;
    auto *session = new Session(
            m_dispatcher,
            [socket](const QByteArray &message) {
                socket->write(message + '\n');
                socket->flush();
            },
            admitLocalActor);
    connect(socket, &QLocalSocket::readyRead, socket, [socket, session] {
        while (socket->canReadLine()) {
            const QByteArray line = socket->readLine(MessageBytesMax + 1).trimmed();
            if (!line.isEmpty())
                session->handle(line);
        }
        if (socket->bytesAvailable() > MessageBytesMax) {
            socket->write(errorResponse("null", jsonrpc::InvalidRequest,
                                        QStringLiteral("a message is at most %1 bytes").arg(MessageBytesMax)) + '\n');
            socket->disconnectFromServer();
        }
    });
    // The session goes with its socket, also when the server closes.
    connect(socket, &QObject::destroyed, socket, [session] { delete session; });
    connect(socket, &QLocalSocket::disconnected, this, [this, socket] {
        --m_connections;
        socket->deleteLater();
    });
}

} // namespace cabinet::api

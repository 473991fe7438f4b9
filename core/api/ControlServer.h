#pragma once

#include "Actor.h"
#include "Result.h"
#include "service/Service.h"

#include <QObject>
#include <QString>

#include <memory>

class QLocalServer;
class QLocalSocket;

namespace cabinet::api {

class Dispatcher;

// The owner's control socket: while the core runs, the process that owns a
// data directory (console or headless) listens on a local socket there,
// owner-only, speaking JSON-RPC 2.0 with the catalogue, one message a line.
// The command line sends its writing commands here when the directory is
// owned, so it works beside a running console. A socket file left by a dead
// owner is replaced (only the lock holder listens, so any file found is
// stale).
class ControlServer final : public QObject, public Service {
    Q_OBJECT
public:
    // A message (one line) longer than this closes the connection.
    static constexpr qsizetype MessageBytesMax = 20 * 1024 * 1024;
    static constexpr int ConnectionsMax = 64;

    ControlServer(const Dispatcher &dispatcher, QString dataDir);
    ~ControlServer() override;

    QString name() const override { return QStringLiteral("api.control_socket"); }
    Status start() override;
    void stop() override;

    // Where the socket of a data directory is: cabinet.sock inside it, or,
    // when that path is too long for a Unix socket, a per-user folder under
    // the temporary directory named by the directory's hash.
    static QString socketPath(const QString &dataDir);
    // Whether a client may trust the socket at socketPath(dataDir): always
    // inside the data directory; under the temporary directory only when
    // the folder and the socket are this user's and the folder is closed
    // to others (anyone may create that folder first).
    static bool trustedSocket(const QString &dataDir);
    // Who may identify on the socket: operators only (permission_denied
    // otherwise, naming the actor).
    static Status admitLocalActor(const Actor &actor);

private:
    void onNewConnection();
    void serve(QLocalSocket *socket);

    const Dispatcher &m_dispatcher;
    QString m_dataDir;
    std::unique_ptr<QLocalServer> m_server;
    int m_connections = 0;
};

} // namespace cabinet::api

#pragma once

#include "Actor.h"
#include "Result.h"

#include <QByteArray>
#include <QString>

#include <memory>

class QLocalSocket;

namespace cabinet::api {

// The command line's side of the owner's control socket. It blocks, as a
// command may: it is never used on a thread that serves a window.
class ControlClient {
public:
    static constexpr int ConnectTimeoutMs = 2'000;
    // How long a call may take before the command gives up (a long job such
    // as a big ledger batch answers within it).
    static constexpr int CallTimeoutMs = 600'000;

    ~ControlClient();

    // Connects and identifies as `actor`; nothing when no process listens
    // there (the data directory is not owned, or its owner died).
    static std::unique_ptr<ControlClient> connect(const QString &dataDir, const Actor &actor);

    // The operation's result as JSON text, or its error with code and field.
    Result<QByteArray> call(const QString &operation, const QByteArray &params);

private:
    ControlClient() = default;
    Result<QByteArray> roundTrip(const QString &method, const QByteArray &params);

    std::unique_ptr<QLocalSocket> m_socket;
    qint64 m_nextId = 1;
};

} // namespace cabinet::api

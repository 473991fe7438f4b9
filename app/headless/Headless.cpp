#include "headless/Headless.h"

#include "Cabinet.h"
#include "headless/JsonLog.h"
#include "server/Server.h"
#include "service/Scheduler.h"

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QSocketNotifier>

#include <cerrno>
#include <csignal>
#include <sys/socket.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcHeadless, "cabinet.headless")

namespace cabinet::headless {

namespace {
int signalPipe[2] = { -1, -1 };

// Only async-signal-safe work here: the event loop does the rest, after the
// transaction in flight has finished.
void onSignal(int signal)
{
    const int savedErrno = errno;
    const char byte = char(signal);
    (void)!::write(signalPipe[0], &byte, 1);
    errno = savedErrno;
}
// The server's options from the command line, or nothing without --listen.
Result<std::optional<server::Server::Options>> serverOptionsFrom(const QMap<QString, QString> &given)
{
    if (!given.contains(QStringLiteral("--listen"))) {
        if (!given.isEmpty())
            return Error { ErrorCode::InvalidArgument, QStringLiteral("%1 needs --listen ADDRESS:PORT").arg(given.firstKey()) };
        return std::optional<server::Server::Options>();
    }
    auto options = server::Server::parseListen(given.value(QStringLiteral("--listen")));
    if (!options)
        return options.error();
    options->tlsCert = given.value(QStringLiteral("--tls-cert"));
    options->tlsKey = given.value(QStringLiteral("--tls-key"));
    options->insecure = given.contains(QStringLiteral("--insecure"));
    return std::optional<server::Server::Options>(*options);
}

} // namespace

const QStringList &serverOptions()
{
    static const QStringList all { QStringLiteral("--listen"), QStringLiteral("--tls-cert"), QStringLiteral("--tls-key"), QStringLiteral("--insecure") };
    return all;
}

int run(int argc, char **argv, const QString &dataDir, const QMap<QString, QString> &configOverrides, const QMap<QString, QString> &serverGiven)
{
    QCoreApplication app(argc, argv);
    installJsonLogHandler();

    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, signalPipe) != 0) {
        qCCritical(lcHeadless) << "cannot create the signal pipe";
        return 1;
    }
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);

    QSocketNotifier notifier(signalPipe[1], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, &app, [&app] {
        char signal = 0;
        (void)!::read(signalPipe[1], &signal, 1);
        qCInfo(lcHeadless).noquote() << (signal == SIGINT ? "SIGINT" : "SIGTERM") << "received; stopping";
        app.quit();
    });

    auto serverOptions = serverOptionsFrom(serverGiven);
    if (!serverOptions) {
        qCCritical(lcHeadless).noquote() << serverOptions.error().message;
        return 2;
    }

    Cabinet::Options options;
    options.dataDir = dataDir;
    options.config = configOverrides;
    auto cabinet = Cabinet::open(options);
    if (!cabinet) {
        qCCritical(lcHeadless).noquote() << cabinet.error().message;
        return 1;
    }
    if (auto started = (*cabinet)->start(); !started) {
        qCCritical(lcHeadless).noquote() << started.error().message;
        return 1;
    }
    // Not one of the core's services: only a headless core serves the network.
    std::unique_ptr<server::Server> server;
    if (*serverOptions) {
        server = std::make_unique<server::Server>(**cabinet, **serverOptions);
        if (auto started = server->start(); !started) {
            qCCritical(lcHeadless).noquote() << "cannot start the server:" << started.error().message;
            (*cabinet)->stop();
            return 1;
        }
        (*cabinet)->scheduler().add(*server);
    }
    qCInfo(lcHeadless).noquote() << QStringLiteral("headless core running (pid %1, data directory %2, mode %3)")
                                            .arg(QCoreApplication::applicationPid())
                                            .arg(dataDir, (*cabinet)->operatingMode());
    const int code = app.exec();
    // From here a second signal stops a shutdown that hangs.
    std::signal(SIGTERM, SIG_DFL);
    std::signal(SIGINT, SIG_DFL);
    if (server) {
        (*cabinet)->scheduler().remove(*server);
        server.reset(); // closes its clients with 1001 (going away)
    }
    (*cabinet)->stop();
    cabinet->reset(); // closes the database before we report the exit
    qCInfo(lcHeadless) << "stopped cleanly";
    return code;
}

} // namespace cabinet::headless

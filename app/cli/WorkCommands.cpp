// cabinet work [--until-idle] [--workers N]: runs the task queue headless
// (docs/workflows.md). The console and --headless run it too; beside such an
// owner this command says so and ends.
#include "Actor.h"
#include "QuotedInput.h"
#include "api/ControlClient.h"
#include "cli/Command.h"
#include "orchestrator/WorkflowRunner.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTimer>

#include <cerrno>
#include <csignal>
#include <sys/socket.h>
#include <unistd.h>

namespace cabinet::cli {

namespace {

// How often --until-idle looks whether anything is left to run (a timer of
// this command's own event loop, not of the core).
constexpr int IdleCheckMs = 20;

int signalPipe[2] = { -1, -1 };

void onSignal(int signal)
{
    const int savedErrno = errno;
    const char byte = char(signal);
    (void)!::write(signalPipe[0], &byte, 1);
    errno = savedErrno;
}

int work(Context &context, QCommandLineParser &parser)
{
    const bool untilIdle = parser.isSet(QStringLiteral("until-idle"));
    if (parser.isSet(QStringLiteral("workers"))) {
        bool ok = false;
        const int workers = parser.value(QStringLiteral("workers")).toInt(&ok);
        if (!ok || workers < 1 || workers > orchestrator::WorkflowRunner::WorkersMax)
            return fail(context, QStringLiteral("--workers must be 1..%1, got %2")
                                         .arg(orchestrator::WorkflowRunner::WorkersMax)
                                         .arg(quoteInput(parser.value(QStringLiteral("workers")))),
                        Usage);
        context.configOverrides.insert(QStringLiteral("orchestrator.workers"), QString::number(workers));
    }
    if (api::ControlClient::connect(context.dataDir, Actor::person(Cabinet::localLogin())))
        return fail(context, QStringLiteral("the data directory %1 has an owner running (the console or --headless), and it already runs the queue")
                                     .arg(context.dataDir));
    auto cabinet = openCabinet(context, false);
    if (!cabinet)
        return fail(context, cabinet.error());

    // SIGTERM and SIGINT stop the core from the event loop: running tools
    // get SIGTERM, then SIGKILL after a grace period, and their nodes run
    // again at the next start.
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, signalPipe) != 0)
        return fail(context, QStringLiteral("cannot create the signal pipe"));
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);
    QSocketNotifier notifier(signalPipe[1], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, [] {
        char signal = 0;
        (void)!::read(signalPipe[1], &signal, 1);
        QCoreApplication::exit(0);
    });

    if (auto started = (*cabinet)->start(); !started)
        return fail(context, started.error());
    auto &runner = (*cabinet)->service<orchestrator::WorkflowRunner>();
    context.err << "cabinet: working the queue of " << context.dataDir << " with " << runner.workers() << " workers"
                << (untilIdle ? " until nothing is left to run" : " until stopped") << '\n';
    context.err.flush();
    int code = Ok;
    QTimer idleCheck;
    if (untilIdle) {
        QObject::connect(&idleCheck, &QTimer::timeout, [&] {
            auto idle = runner.idle();
            if (!idle) {
                context.err << "cabinet: " << idle.error().message << '\n';
                code = Failure;
                QCoreApplication::exit(0);
            } else if (*idle) {
                QCoreApplication::exit(0);
            }
        });
        idleCheck.start(IdleCheckMs);
    }
    QCoreApplication::exec();
    std::signal(SIGTERM, SIG_DFL);
    std::signal(SIGINT, SIG_DFL);
    (*cabinet)->stop();
    return code;
}

} // namespace

std::vector<Command> workCommands()
{
    return {
        { { QStringLiteral("work") },
          {},
          QStringLiteral("Run the task queue headless: claim tasks and run their workflows until stopped (or, with --until-idle, until "
                         "nothing runnable is left)."),
          [](QCommandLineParser &parser) {
              parser.addOption({ QStringLiteral("until-idle"), QStringLiteral("Exit when no task is left that could run now or after a backoff.") });
              parser.addOption({ QStringLiteral("workers"),
                                 QStringLiteral("Runs at once (default: orchestrator.workers, else %1).").arg(orchestrator::WorkflowRunner::WorkersDefault),
                                 QStringLiteral("N") });
          },
          work },
    };
}

} // namespace cabinet::cli

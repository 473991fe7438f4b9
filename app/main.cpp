// The cabinet executable: the console, headless mode and every subcommand
// start here and build the same Cabinet core.
#include "QuotedInput.h"
#include "cli/Command.h"
#include "config/Config.h"
#include "headless/Headless.h"
#include "store/DataDirectory.h"
#ifdef CABINET_HAVE_GUI
#include "gui/Console.h"
#endif

#include <QCoreApplication>
#include <QLoggingCategory>
#include <QTextStream>

#include <algorithm>
#include <cstdio>

using namespace cabinet;

namespace {

struct GlobalOptions {
    QString dataDir;
    QMap<QString, QString> config;
    QString screenshot;
    QMap<QString, QString> server; // --listen, --tls-cert, --tls-key, --insecure (headless only)
    bool headless = false;
    bool help = false;
    bool version = false;
    QStringList rest; // the command words and their own arguments
    QString error;
};

// Global options may stand anywhere before "--"; everything else is the
// command and its arguments, parsed by the command itself.
GlobalOptions parseGlobal(const QStringList &args)
{
    GlobalOptions options;
    auto takeValue = [&](qsizetype &i, const QString &name) -> QString {
        const QString &arg = args[i];
        if (arg.startsWith(name + u'='))
            return arg.mid(name.size() + 1);
        if (i + 1 >= args.size()) {
            options.error = QStringLiteral("%1 needs a value").arg(name);
            return {};
        }
        return args[++i];
    };
    bool commandSeen = false;
    for (qsizetype i = 1; i < args.size(); ++i) {
        const QString &arg = args[i];
        if (arg == QLatin1String("--")) {
            // Before the command it only ends the global options.
            options.rest += commandSeen ? args.mid(i) : args.mid(i + 1);
            break;
        }
        if (arg == QLatin1String("--data-dir") || arg.startsWith(QLatin1String("--data-dir="))) {
            options.dataDir = takeValue(i, QStringLiteral("--data-dir"));
            // An unset shell variable must not silently mean the real data.
            if (options.dataDir.isEmpty() && options.error.isEmpty())
                options.error = QStringLiteral("--data-dir needs a non-empty folder");
        } else if (arg == QLatin1String("--set") || arg.startsWith(QLatin1String("--set="))) {
            const QString pair = takeValue(i, QStringLiteral("--set"));
            const qsizetype eq = pair.indexOf(u'=');
            // The key is checked as 'config set' checks it: a key of another
            // form would be one no setting is read from, silently.
            if (options.error.isEmpty()) {
                if (eq <= 0)
                    options.error = QStringLiteral("--set needs KEY=VALUE, got %1").arg(quoteInput(pair));
                else if (!Config::validKey(pair.left(eq)))
                    options.error = QStringLiteral("--set: ") + Config::invalidKey(pair.left(eq)).message;
                else
                    options.config.insert(pair.left(eq), pair.mid(eq + 1));
            }
        } else if (!commandSeen && arg == QLatin1String("--headless")) {
            options.headless = true;
        } else if (!commandSeen && headless::serverOptions().contains(arg.section(u'=', 0, 0))) {
            const QString name = arg.section(u'=', 0, 0);
            options.server.insert(name, name == QLatin1String("--insecure") ? QString() : takeValue(i, name));
        } else if (!commandSeen && arg == QLatin1String("--screenshot")) {
            options.screenshot = takeValue(i, QStringLiteral("--screenshot"));
        } else if (!commandSeen && (arg == QLatin1String("--help") || arg == QLatin1String("-h"))) {
            options.help = true;
        } else if (!commandSeen && (arg == QLatin1String("--version") || arg == QLatin1String("-v"))) {
            options.version = true;
        } else if (!commandSeen && arg.startsWith(u'-')) {
            options.error = QStringLiteral("unknown option %1").arg(quoteInput(arg));
        } else {
            commandSeen = true;
            options.rest.append(arg);
        }
        if (!options.error.isEmpty())
            break;
    }
    return options;
}

// The commands whose first word is `group` (all of them for an empty one),
// one a line with their summaries.
void listCommands(QTextStream &out, const QString &group = {})
{
    auto synopsis = [](const cli::Command &command) -> QString {
        return command.path.join(u' ') + (command.arguments.isEmpty() ? QString() : u' ' + command.arguments);
    };
    auto listed = [&](const cli::Command &command) { return group.isEmpty() || command.path.first() == group; };
    qsizetype width = 0;
    for (const auto &command : cli::commands())
        if (listed(command))
            width = std::max(width, synopsis(command).size());
    for (const auto &command : cli::commands())
        if (listed(command))
            out << "  " << synopsis(command).leftJustified(width) << "  " << command.summary << '\n';
}

void printHelp(QTextStream &out)
{
    out << "Usage: cabinet [--data-dir DIR] [--set KEY=VALUE]... [COMMAND [ARGS]]\n\n"
           "Cabinet: operator console for a team of autonomous AI agents.\n\n"
           "With no command, starts the console window (needs a display).\n\n"
           "Global options:\n"
           "  --data-dir DIR       Data directory (default: $CABINET_DATA_DIR, else "
        << DataDirectory::defaultPath()
        << ")\n"
           "  --set KEY=VALUE      Override a configuration value for this run\n"
           "  --headless           Run the core with no display until SIGTERM (for servers)\n"
           "  --listen ADDR:PORT   Headless: serve WebSocket JSON-RPC, /health and /metrics (docs/server.md)\n"
           "  --tls-cert FILE, --tls-key FILE   Headless: TLS for --listen (needed off loopback)\n"
           "  --insecure           Headless: allow --listen off loopback without TLS (warned at every start)\n"
           "  --screenshot FILE    Console: save a PNG of the window once it has rendered, then quit\n"
           "  -h, --help           Show this help; 'cabinet COMMAND --help' for a command\n"
           "  -v, --version        Show the version\n\n"
           "Commands:\n";
    listCommands(out);
}

// 'cabinet ledger' and 'cabinet ledger --help': the group's commands, as git
// lists a command's subcommands. Asked for (--help): on stdout, exit 0;
// a group alone or with an unknown word: on stderr, exit 2.
int printGroup(const QString &group, bool asked, QTextStream &out, QTextStream &err)
{
    QTextStream &to = asked ? out : err;
    to << "Usage: cabinet " << group << " COMMAND [ARGS]\n\nCommands:\n";
    listCommands(to, group);
    to << "\n'cabinet " << group << " COMMAND --help' for one command.\n";
    return asked ? cli::Ok : cli::Usage;
}

int runCommand(const GlobalOptions &options, QTextStream &out, QTextStream &err)
{
    // The longest command path that the words start with.
    const cli::Command *match = nullptr;
    for (const auto &command : cli::commands()) {
        if (options.rest.size() >= command.path.size() && options.rest.mid(0, command.path.size()) == command.path
            && (!match || command.path.size() > match->path.size()))
            match = &command;
    }
    if (!match) {
        const QString first = options.rest.first();
        const bool group = std::any_of(cli::commands().begin(), cli::commands().end(),
                                       [&](const cli::Command &command) { return command.path.size() > 1 && command.path.first() == first; });
        if (!group) {
            err << "cabinet: unknown command " << quoteInput(first) << " (see 'cabinet --help')\n";
            return cli::Usage;
        }
        const QString second = options.rest.value(1);
        if (second == QLatin1String("--help") || second == QLatin1String("-h"))
            return printGroup(first, true, out, err);
        if (options.rest.size() > 1)
            err << "cabinet: unknown command " << quoteInput(options.rest.mid(0, 2).join(u' ')) << "\n\n";
        return printGroup(first, false, out, err);
    }
    cli::Context context { options.rest.mid(match->path.size()), DataDirectory::resolve(options.dataDir), options.config, out, err };
    QCommandLineParser parser;
    if (auto exit = cli::parse(*match, context, parser))
        return *exit;
    return match->run(context, parser);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication::setApplicationName(QStringLiteral("cabinet"));
    QCoreApplication::setOrganizationName(QStringLiteral("cabinet"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CABINET_VERSION));

    QStringList args;
    for (int i = 0; i < argc; ++i)
        args.append(QString::fromLocal8Bit(argv[i]));
    const GlobalOptions options = parseGlobal(args);

    QTextStream out(stdout);
    QTextStream err(stderr);
    if (!options.error.isEmpty()) {
        err << "cabinet: " << options.error << " (see 'cabinet --help')\n";
        return cli::Usage;
    }
    if (options.version) {
        out << "cabinet " << CABINET_VERSION << '\n';
        return cli::Ok;
    }
    if (options.help) {
        printHelp(out);
        return cli::Ok;
    }
    if (options.headless && !options.rest.isEmpty()) {
        err << "cabinet: --headless runs the server and takes no command (got " << quoteInput(options.rest.join(u' ')) << ")\n";
        return cli::Usage;
    }
    if (!options.headless && !options.server.isEmpty()) {
        err << "cabinet: " << options.server.firstKey() << " serves with --headless only\n";
        return cli::Usage;
    }
    if (options.headless)
        return headless::run(argc, argv, DataDirectory::resolve(options.dataDir), options.config, options.server);
    if (!options.rest.isEmpty()) {
        QCoreApplication app(argc, argv);
        // A command's output is its answer; progress chatter stays out
        // unless QT_LOGGING_RULES asks for it.
        if (!qEnvironmentVariableIsSet("QT_LOGGING_RULES"))
            QLoggingCategory::setFilterRules(QStringLiteral("cabinet.*.info=false"));
        return runCommand(options, out, err);
    }
#ifdef CABINET_HAVE_GUI
    return gui::runConsole(argc, argv, DataDirectory::resolve(options.dataDir), options.config, options.screenshot);
#else
    err << "cabinet: this build has no console window (built with CABINET_GUI=OFF).\n"
           "Run 'cabinet --headless' for the server, or 'cabinet --help' for the commands.\n";
    return cli::Usage;
#endif
}

#include "cli/Command.h"

#include "QuotedInput.h"
#include "config/Config.h"

namespace cabinet::cli {

const std::vector<Command> &commands()
{
    static const std::vector<Command> all = [] {
        std::vector<Command> list;
        for (auto group : { agentCommands, apiCommands, approvalCommands, auditCommands, boardCommands, configCommands, costCommands, ledgerCommands, modelCommands,
                            pilotCommands, simulateCommands, taskCommands, tokenCommands, workCommands, workflowCommands }) {
            auto more = group();
            list.insert(list.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
        }
        return list;
    }();
    return all;
}

std::optional<int> parse(const Command &command, Context &context, QCommandLineParser &parser)
{
    parser.setApplicationDescription(command.summary);
    const QCommandLineOption help({ QStringLiteral("h"), QStringLiteral("help") }, QStringLiteral("Show this help."));
    parser.addOption(help);
    if (command.declare)
        command.declare(parser);
    const QString name = QStringLiteral("cabinet ") + command.path.join(u' ');
    const QString seeHelp = QStringLiteral(" (see '%1 --help')").arg(name);
    if (!parser.parse(QStringList { name } + context.args)) {
        // Qt's text quotes an unknown option whole and raw; say it through
        // quoteInput like every other echo of what was typed.
        const QStringList unknown = parser.unknownOptionNames();
        const QString problem = unknown.isEmpty() ? escapeInput(parser.errorText())
                                                  : QStringLiteral("unknown option %1").arg(quoteInput(unknown.first()));
        return fail(context, problem + seeHelp, Usage);
    }
    if (parser.isSet(help)) {
        QString text = parser.helpText();
        // Qt names the binary in the usage line; name the whole command.
        const qsizetype firstLineEnd = text.indexOf(u'\n');
        text.replace(0, firstLineEnd,
                     QStringLiteral("Usage: %1 [options]%2").arg(name, command.arguments.isEmpty() ? QString() : u' ' + command.arguments));
        context.out << text << "  --data-dir <dir>           Data directory (default: $CABINET_DATA_DIR, else "
                               "~/.local/share/cabinet).\n";
        context.out.flush();
        return Ok;
    }
    // A word the command does not use is a mistake to report, not to drop:
    // 'audit verify extra' may have meant another command. Commands with a
    // synopsis check their own counts.
    if (command.arguments.isEmpty() && !parser.positionalArguments().isEmpty())
        return fail(context,
                    QStringLiteral("%1 takes no arguments, got %2").arg(command.path.join(u' '), quoteInput(parser.positionalArguments().join(u' ')))
                            + seeHelp,
                    Usage);
    return std::nullopt;
}

Result<std::unique_ptr<Cabinet>> openCabinet(const Context &context, bool readOnly, ConfigUse config)
{
    Cabinet::Options options;
    options.dataDir = context.dataDir;
    options.readOnly = readOnly;
    options.config = context.configOverrides;
    // A core that writes acts on its settings; so does a command that shows them.
    options.configRequired = !readOnly || config == ConfigUse::Read;
    auto cabinet = Cabinet::open(options);
    if (cabinet && !options.configRequired)
        if (const auto &problem = (*cabinet)->config().loadError()) {
            context.err << "cabinet: warning: this command reads no setting and runs without config.yaml: " << problem->message << '\n';
            context.err.flush();
        }
    return cabinet;
}

int fail(Context &context, const QString &message, int code)
{
    context.err << "cabinet: " << message << '\n';
    context.err.flush();
    return code;
}

} // namespace cabinet::cli

#include "cli/Command.h"

namespace cabinet::cli {

const std::vector<Command> &commands()
{
    static const std::vector<Command> all = [] {
        std::vector<Command> list;
        for (auto group : { auditCommands, configCommands, ledgerCommands, simulateCommands }) {
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
    if (!parser.parse(QStringList { name } + context.args))
        return fail(context, parser.errorText() + QStringLiteral(" (see '%1 --help')").arg(name), Usage);
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
    return std::nullopt;
}

Result<std::unique_ptr<Cabinet>> openCabinet(const Context &context, bool readOnly)
{
    Cabinet::Options options;
    options.dataDir = context.dataDir;
    options.readOnly = readOnly;
    options.config = context.configOverrides;
    return Cabinet::open(options);
}

int fail(Context &context, const QString &message, int code)
{
    context.err << "cabinet: " << message << '\n';
    context.err.flush();
    return code;
}

} // namespace cabinet::cli

// cabinet config get | set | list
#include "QuotedInput.h"
#include "api/JsonText.h"
#include "audit/AuditLog.h"
#include "cli/Command.h"
#include "config/Config.h"

namespace cabinet::cli {

namespace {

int get(Context &context, QCommandLineParser &parser)
{
    if (parser.positionalArguments().size() != 1)
        return fail(context, QStringLiteral("config get takes one KEY"), Usage);
    const QString key = parser.positionalArguments().first();
    auto cabinet = openCabinet(context, true, ConfigUse::Read);
    if (!cabinet)
        return fail(context, cabinet.error().message);
    const QString value = (*cabinet)->config().value(key);
    if (value.isNull())
        return fail(context, QStringLiteral("configuration key %1 is not set").arg(quoteInput(key)));
    // The value as it is: it is the answer, for scripts ($(cabinet config get ...)).
    context.out << value << '\n';
    return Ok;
}

int set(Context &context, QCommandLineParser &parser)
{
    const QStringList args = parser.positionalArguments();
    if (args.size() != 2)
        return fail(context, QStringLiteral("config set takes KEY VALUE"), Usage);
    if (!Config::validKey(args[0]))
        return fail(context, Config::invalidKey(args[0]).message, Usage);
    const QByteArray params = "{\"key\":" + api::jsonString(args[0]) + ",\"value\":" + api::jsonString(args[1]) + '}';
    if (auto set = callOperation(context, QStringLiteral("config.set"), params); !set)
        return fail(context, set.error());
    return Ok;
}

int list(Context &context, QCommandLineParser &)
{
    auto cabinet = openCabinet(context, true, ConfigUse::Read);
    if (!cabinet)
        return fail(context, cabinet.error().message);
    // One line a key: a value with a newline or a terminal escape in it is
    // shown escaped (\n, \x1b), so it neither spans lines nor acts on the
    // terminal. Keys are escaped too: the file may spell one as any YAML scalar.
    for (const auto &item : (*cabinet)->config().items())
        context.out << escapeInput(item.key) << " = " << escapeInput(item.value) << "  (" << item.source << ")\n";
    return Ok;
}

} // namespace

std::vector<Command> configCommands()
{
    auto key = [](QCommandLineParser &parser) { parser.addPositionalArgument(QStringLiteral("key"), QStringLiteral("Dotted key, e.g. log.level.")); };
    return {
        { { QStringLiteral("config"), QStringLiteral("get") }, QStringLiteral("KEY"),
          QStringLiteral("Print one configuration value."), key, get },
        { { QStringLiteral("config"), QStringLiteral("set") }, QStringLiteral("KEY VALUE"),
          QStringLiteral("Change a value in config.yaml (audited; the rest of the file, comments included, is kept)."),
          [key](QCommandLineParser &parser) {
              key(parser);
              parser.addPositionalArgument(QStringLiteral("value"), QStringLiteral("New value."));
          },
          set },
        { { QStringLiteral("config"), QStringLiteral("list") }, {},
          QStringLiteral("Print every configured value and where it comes from."), nullptr, list },
    };
}

} // namespace cabinet::cli

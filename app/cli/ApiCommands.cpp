// cabinet api list: the catalogue of operations every face calls
// (docs/api.md is this command's --markdown output).
#include "api/Operation.h"
#include "cli/Command.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace cabinet::cli {

namespace {

int list(Context &context, QCommandLineParser &parser)
{
    if (!parser.positionalArguments().isEmpty())
        return fail(context, QStringLiteral("api list takes no arguments"), Usage);
    if (parser.isSet(QStringLiteral("json"))) {
        // Exactly api.list's result, without opening a data directory.
        context.out << QString::fromUtf8(api::catalogueJson()) << '\n';
    } else if (parser.isSet(QStringLiteral("markdown"))) {
        context.out << api::catalogueMarkdown();
    } else {
        qsizetype width = 0;
        for (const api::Operation &operation : api::catalogue())
            width = std::max(width, operation.info.name.size());
        for (const api::Operation &operation : api::catalogue()) {
            const api::OperationInfo &info = operation.info;
            context.out << info.name.leftJustified(width + 2) << api::roleName(info.role).leftJustified(10)
                        << (info.mutating ? "writes  " : "        ") << info.summary << '\n';
        }
    }
    context.out.flush();
    return Ok;
}

} // namespace

std::vector<Command> apiCommands()
{
    return {
        { { QStringLiteral("api"), QStringLiteral("list") }, {},
          QStringLiteral("The operations every face calls: name, role, whether it writes, what it does (docs/api.md)."),
          [](QCommandLineParser &parser) {
              parser.addOption({ QStringLiteral("json"), QStringLiteral("Print api.list's result: every operation with params, result and errors.") });
              parser.addOption({ QStringLiteral("markdown"), QStringLiteral("Print the catalogue as docs/api.md holds it.") });
          },
          list },
    };
}

} // namespace cabinet::cli

// cabinet tokens create | list | revoke: the headless server's API tokens
// through their operations (docs/server.md). --json prints the operation's
// result as it is.
#include "QuotedInput.h"
#include "api/JsonText.h"
#include "cli/Command.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace cabinet::cli {

namespace {

const QCommandLineOption JsonOption(QStringLiteral("json"), QStringLiteral("Print the operation's JSON result as it is."));

QString when(qint64 ms)
{
    return ms == 0 ? QStringLiteral("never") : QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate);
}

int create(Context &context, QCommandLineParser &parser)
{
    if (!parser.isSet(QStringLiteral("name")) || !parser.isSet(QStringLiteral("role")))
        return fail(context, QStringLiteral("tokens create needs --name NAME and --role viewer|operator|admin (see 'cabinet tokens create --help')"),
                    Usage);
    QByteArray params = "{\"name\":" + api::jsonString(parser.value(QStringLiteral("name"))) + ",\"role\":"
            + api::jsonString(parser.value(QStringLiteral("role")));
    if (parser.isSet(QStringLiteral("expires"))) {
        bool ok = false;
        const qint64 days = parser.value(QStringLiteral("expires")).toLongLong(&ok);
        if (!ok)
            return fail(context, QStringLiteral("--expires takes a number of days, got %1").arg(quoteInput(parser.value(QStringLiteral("expires")))),
                        Usage);
        params += ",\"expires_days\":" + QByteArray::number(days);
    }
    auto result = callOperation(context, QStringLiteral("tokens.create"), params + '}');
    if (!result)
        return fail(context, result.error());
    if (parser.isSet(JsonOption)) {
        context.out << QString::fromUtf8(*result) << '\n';
        context.out.flush();
        return Ok;
    }
    const QJsonObject token = QJsonDocument::fromJson(*result).object();
    // The token alone on stdout, so a script can take it; the rest beside it.
    context.out << token.value(QStringLiteral("token")).toString() << '\n';
    context.out.flush();
    context.err << "token " << escapeInput(token.value(QStringLiteral("name")).toString()) << " (" << token.value(QStringLiteral("role")).toString()
                << ", expires " << when(token.value(QStringLiteral("expires_ms")).toInteger())
                << "): shown this once; only its hash is kept\n";
    context.err.flush();
    return Ok;
}

int list(Context &context, QCommandLineParser &parser)
{
    auto result = callOperation(context, QStringLiteral("tokens.list"), "{}");
    if (!result)
        return fail(context, result.error());
    if (parser.isSet(JsonOption)) {
        context.out << QString::fromUtf8(*result) << '\n';
        context.out.flush();
        return Ok;
    }
    const QJsonArray tokens = QJsonDocument::fromJson(*result).object().value(QStringLiteral("tokens")).toArray();
    if (tokens.isEmpty())
        context.out << "no tokens (make one with 'cabinet tokens create --name NAME --role ROLE')\n";
    for (const QJsonValue &value : tokens) {
        const QJsonObject t = value.toObject();
        const qint64 revoked = t.value(QStringLiteral("revoked_ms")).toInteger();
        context.out << QStringLiteral("%1  %2  expires %3  by %4%5")
                               .arg(escapeInput(t.value(QStringLiteral("name")).toString()).leftJustified(20),
                                    t.value(QStringLiteral("role")).toString().leftJustified(8), when(t.value(QStringLiteral("expires_ms")).toInteger()),
                                    escapeInput(t.value(QStringLiteral("created_by")).toString()),
                                    revoked ? QStringLiteral("  REVOKED ") + when(revoked) : QString())
                    << '\n';
    }
    context.out.flush();
    return Ok;
}

int revoke(Context &context, QCommandLineParser &parser)
{
    const QStringList args = parser.positionalArguments();
    if (args.size() != 1)
        return fail(context, QStringLiteral("tokens revoke takes one NAME, got %1").arg(quoteInput(args.join(u' '))), Usage);
    auto result = callOperation(context, QStringLiteral("tokens.revoke"), "{\"name\":" + api::jsonString(args.first()) + '}');
    if (!result)
        return fail(context, result.error());
    if (parser.isSet(JsonOption))
        context.out << QString::fromUtf8(*result) << '\n';
    else
        context.out << "revoked " << escapeInput(args.first()) << '\n';
    context.out.flush();
    return Ok;
}

} // namespace

std::vector<Command> tokenCommands()
{
    auto words = [](const char *verb) { return QStringList { QStringLiteral("tokens"), QString::fromLatin1(verb) }; };
    return {
        { words("create"), {}, QStringLiteral("Make an API token for the headless server; prints it once (admin, audited)."),
          [](QCommandLineParser &parser) {
              parser.addOption({ QStringLiteral("name"), QStringLiteral("Its name: the actor is token:NAME."), QStringLiteral("NAME") });
              parser.addOption({ QStringLiteral("role"), QStringLiteral("viewer, operator or admin."), QStringLiteral("ROLE") });
              parser.addOption({ QStringLiteral("expires"), QStringLiteral("Days until it expires (default: never)."), QStringLiteral("DAYS") });
              parser.addOption(JsonOption);
          },
          create },
        { words("list"), {}, QStringLiteral("The API tokens with their roles, expiry and revocation (never the tokens)."),
          [](QCommandLineParser &parser) { parser.addOption(JsonOption); }, list },
        { words("revoke"), QStringLiteral("NAME"), QStringLiteral("Revoke an API token; the server closes its connections (audited)."),
          [](QCommandLineParser &parser) {
              parser.addPositionalArgument(QStringLiteral("name"), QStringLiteral("The token's name."));
              parser.addOption(JsonOption);
          },
          revoke },
    };
}

} // namespace cabinet::cli

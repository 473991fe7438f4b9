// cabinet audit verify | export | tail
#include "audit/AuditLog.h"
#include "cli/Command.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>

namespace cabinet::cli {

namespace {

int verify(Context &context, QCommandLineParser &)
{
    auto cabinet = openCabinet(context, true);
    if (!cabinet)
        return fail(context, cabinet.error().message);
    auto result = (*cabinet)->audit().verify();
    if (!result)
        return fail(context, result.error().message);
    if (!result->intact) {
        context.out << "audit trail BROKEN at entry " << result->firstBrokenSeq << ": " << result->reason << '\n'
                    << result->entries << " entries before it verified\n";
        return Failure;
    }
    context.out << "audit trail intact: " << result->entries << " entries\n";
    return Ok;
}

int exportJsonl(Context &context, QCommandLineParser &parser)
{
    const QString format = parser.value(QStringLiteral("format"));
    if (format != QLatin1String("jsonl"))
        return fail(context, QStringLiteral("unknown export format '%1' (supported: jsonl)").arg(format), Usage);
    auto cabinet = openCabinet(context, true);
    if (!cabinet)
        return fail(context, cabinet.error().message);

    QFile file;
    const QString output = parser.value(QStringLiteral("output"));
    if (output.isEmpty() || output == QLatin1String("-")) {
        if (!file.open(stdout, QIODevice::WriteOnly))
            return fail(context, QStringLiteral("cannot write to standard output"));
    } else {
        file.setFileName(output);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
            return fail(context, QStringLiteral("cannot write %1: %2").arg(output, file.errorString()));
    }
    qint64 count = 0;
    const Status walked = (*cabinet)->audit().forEach([&](const AuditEntry &entry) {
        file.write(QJsonDocument(entry.toJson()).toJson(QJsonDocument::Compact));
        file.write("\n");
        ++count;
    });
    file.close();
    if (!walked)
        return fail(context, walked.error().message);
    if (!output.isEmpty() && output != QLatin1String("-"))
        context.err << count << " entries written to " << output << '\n';
    return Ok;
}

int tail(Context &context, QCommandLineParser &parser)
{
    bool ok = false;
    const int count = parser.value(QStringLiteral("n")).toInt(&ok);
    if (!ok || count <= 0)
        return fail(context, QStringLiteral("-n needs a positive number, got '%1'").arg(parser.value(QStringLiteral("n"))), Usage);
    auto cabinet = openCabinet(context, true);
    if (!cabinet)
        return fail(context, cabinet.error().message);
    auto entries = (*cabinet)->audit().tail(count);
    if (!entries)
        return fail(context, entries.error().message);
    for (const AuditEntry &entry : *entries) {
        context.out << entry.seq << '\t' << QDateTime::fromMSecsSinceEpoch(entry.timeMs, Qt::UTC).toString(Qt::ISODateWithMs)
                    << '\t' << entry.actor << '\t' << entry.action << '\t' << entry.subject << '\t'
                    << QString::fromUtf8(entry.payloadJson) << '\n';
    }
    return Ok;
}

} // namespace

std::vector<Command> auditCommands()
{
    return {
        { { QStringLiteral("audit"), QStringLiteral("verify") }, {},
          QStringLiteral("Recompute the audit hash chain; exit 1 and name the first broken entry if it was tampered with."),
          nullptr, verify },
        { { QStringLiteral("audit"), QStringLiteral("export") }, {},
          QStringLiteral("Write every audit entry, one JSON object a line."),
          [](QCommandLineParser &parser) {
              parser.addOption({ QStringLiteral("format"), QStringLiteral("Output format (jsonl)."), QStringLiteral("format"),
                                 QStringLiteral("jsonl") });
              parser.addOption({ { QStringLiteral("o"), QStringLiteral("output") }, QStringLiteral("File to write (default: standard output)."),
                                 QStringLiteral("file") });
          },
          exportJsonl },
        { { QStringLiteral("audit"), QStringLiteral("tail") }, {}, QStringLiteral("Print the newest audit entries."),
          [](QCommandLineParser &parser) {
              parser.addOption({ QStringLiteral("n"), QStringLiteral("How many entries (default 10)."), QStringLiteral("count"),
                                 QStringLiteral("10") });
          },
          tail },
    };
}

} // namespace cabinet::cli

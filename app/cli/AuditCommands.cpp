// cabinet audit verify | export | tail | checkpoint
#include "QuotedInput.h"
#include "audit/AuditCheckpointer.h"
#include "audit/AuditCheckpoints.h"
#include "audit/AuditLog.h"
#include "cli/Command.h"
#include "store/Database.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <unistd.h>
#include <limits>
#include <QJsonDocument>
#include <QJsonObject>

namespace cabinet::cli {

namespace {

int verify(Context &context, QCommandLineParser &parser)
{
    auto verified = callOperation(context, QStringLiteral("audit.verify"), "{}");
    if (!verified)
        return fail(context, verified.error());
    const QJsonObject result = QJsonDocument::fromJson(*verified).object();
    const bool intact = result.value(u"intact").toBool();
    if (parser.isSet(QStringLiteral("json"))) {
        context.out << QString::fromUtf8(*verified) << '\n';
        return intact ? Ok : Failure;
    }
    const qint64 entries = result.value(u"entries").toInteger();
    const qint64 signedSeq = result.value(u"checkpoint_seq").toInteger();
    if (!intact) {
        context.out << "audit trail BROKEN at entry " << result.value(u"first_broken_seq").toInteger() << ": "
                    << result.value(u"reason").toString() << '\n';
        if (result.value(u"checkpoint_held").toBool(true))
            context.out << entries << " entries before it verified\n";
        else
            context.out << "the trail is not the one signed in the checkpoint of entry " << signedSeq
                        << " (docs/data-directory.md)\n";
        return Failure;
    }
    context.out << "audit trail intact: " << entries << " entries\n";
    if (signedSeq > 0)
        context.out << "newest signed checkpoint: entry " << signedSeq << ", signed "
                    << QDateTime::fromMSecsSinceEpoch(result.value(u"checkpoint_time_ms").toInteger(), Qt::UTC).toString(Qt::ISODateWithMs)
                    << "; " << result.value(u"entries_after_checkpoint").toInteger() << " entries after it\n";
    else
        context.out << "no signed checkpoint yet\n";
    return Ok;
}

// Without --export it signs the head now (owning the data directory, as any
// write does); with it, it prints the newest checkpoint, read-only.
int checkpoint(Context &context, QCommandLineParser &parser)
{
    const bool exportOnly = parser.isSet(QStringLiteral("export"));
    auto cabinet = openCabinet(context, exportOnly);
    if (!cabinet)
        return fail(context, cabinet.error().message);
    Cabinet &core = **cabinet;
    auto checkpointer = AuditCheckpointer::attach(context.dataDir, core.database(), core.audit(), core.events(), core.clock(), exportOnly);
    if (!exportOnly) {
        auto made = checkpointer->checkpointNow();
        if (!made)
            return fail(context, made.error().message);
        if (*made)
            context.err << "signed the audit trail's head, entry " << (*made)->seq << '\n';
    }
    auto newest = checkpointer->newest();
    if (!newest)
        return fail(context, newest.error().message);
    if (!*newest)
        return fail(context, QStringLiteral("no signed checkpoint yet in %1: one is signed when the core stops, every %2 entries and "
                                            "every %3 minutes, or now with 'cabinet audit checkpoint'")
                                     .arg(checkpointer->checkpoints()->logPath())
                                     .arg(AuditCheckpointer::EveryEntries)
                                     .arg(AuditCheckpointer::EveryNs / 60'000'000'000));
    context.out << QString::fromLatin1((*newest)->toJson()) << '\n';
    return Ok;
}

int exportJsonl(Context &context, QCommandLineParser &parser)
{
    const QString format = parser.value(QStringLiteral("format"));
    if (format != QLatin1String("jsonl"))
        return fail(context, QStringLiteral("unknown export format %1 (supported: jsonl)").arg(quoteInput(format)), Usage);
    auto cabinet = openCabinet(context, true);
    if (!cabinet)
        return fail(context, cabinet.error().message);

    // A regular file appears only when complete (QSaveFile); standard output
    // and devices are written unbuffered, so a failed write is seen at once
    // and fails the command.
    const QString output = parser.value(QStringLiteral("output"));
    const bool toStdout = output.isEmpty() || output == QLatin1String("-");
    const bool atomic = !toStdout && (!QFileInfo::exists(output) || QFileInfo(output).isFile());
    const QString target = toStdout ? QStringLiteral("standard output") : output;
    QFile direct;
    QSaveFile file(output);
    QIODevice &device = atomic ? static_cast<QIODevice &>(file) : direct;
    bool opened = false;
    if (atomic) {
        opened = file.open(QIODevice::WriteOnly);
    } else if (toStdout) {
        opened = direct.open(STDOUT_FILENO, QIODevice::WriteOnly | QIODevice::Unbuffered);
    } else {
        direct.setFileName(output);
        opened = direct.open(QIODevice::WriteOnly | QIODevice::Unbuffered);
    }
    if (!opened)
        return fail(context, QStringLiteral("cannot write %1: %2").arg(target, device.errorString()));
    qint64 count = 0;
    bool written = true;
    const Status walked = (*cabinet)->audit().forEach([&](const AuditEntry &entry) {
        const QByteArray line = QJsonDocument(entry.toJson()).toJson(QJsonDocument::Compact) + '\n';
        written = written && device.write(line) == line.size();
        ++count;
    });
    if (!walked)
        return fail(context, walked.error().message);
    written = written && (!atomic || file.commit());
    if (!written)
        return fail(context, QStringLiteral("writing the export to %1 failed: %2").arg(target, device.errorString()));
    if (!toStdout)
        context.err << count << " entries written to " << output << '\n';
    return Ok;
}

int tail(Context &context, QCommandLineParser &parser)
{
    bool ok = false;
    const int count = parser.value(QStringLiteral("n")).toInt(&ok);
    if (!ok || count <= 0)
        return fail(context, QStringLiteral("-n needs a whole number from 1 to %1, got %2")
                                     .arg(std::numeric_limits<int>::max())
                                     .arg(quoteInput(parser.value(QStringLiteral("n")))),
                    Usage);
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
          QStringLiteral("Recompute the audit hash chain and check it holds the newest signed checkpoint; exit 1 and name the "
                         "first broken entry if it was tampered with."),
          [](QCommandLineParser &parser) {
              parser.addOption({ QStringLiteral("json"), QStringLiteral("Print audit.verify's result (docs/api.md).") });
          },
          verify },
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
        { { QStringLiteral("audit"), QStringLiteral("checkpoint") }, {},
          QStringLiteral("Sign the audit trail's head now and print it; with --export, print the newest signed checkpoint for an "
                         "outside witness to keep."),
          [](QCommandLineParser &parser) {
              parser.addOption({ QStringLiteral("export"), QStringLiteral("Only print the newest checkpoint (read-only; works beside a "
                                                                          "running console).") });
          },
          checkpoint },
    };
}

} // namespace cabinet::cli

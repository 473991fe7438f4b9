// What ledger JSON input costs at and past its limits (issue 9): the reader's
// time and the process's peak memory for each case, one case per run of the
// binary so that each peak is its own.
//
//   bench_json_limits            # every case, each in a child process
//   bench_json_limits CASE       # one case in this process
//
// Figures go into docs/performance.md.
#include "ledger/ExactJson.h"
#include "ledger/LedgerJson.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QProcess>
#include <cstdio>
#include <functional>
#include <sys/resource.h>
#include <vector>

using namespace cabinet;
using namespace cabinet::ledger;

namespace {

QByteArray arrayOf(qsizetype count, const QByteArray &item)
{
    QByteArray out = "[";
    for (qsizetype i = 0; i < count; ++i)
        out += (i > 0 ? "," : "") + item;
    return out + ']';
}

QByteArray objectOf(qsizetype keys)
{
    QByteArray out = "{";
    for (qsizetype i = 0; i < keys; ++i)
        out += (i > 0 ? ",\"k" : "\"k") + QByteArray::number(i) + "\":0";
    return out + '}';
}

QByteArray widestBatch()
{
    Transfer widest;
    widest.id = widest.debit_account_id = widest.credit_account_id = widest.amount = widest.pending_id = widest.user_data_128
        = U128Max;
    widest.user_data_64 = ~u64(0);
    widest.user_data_32 = widest.timeout = widest.ledger = ~u32(0);
    widest.code = u16(~u16(0));
    widest.flags = u16((1u << 9) - 1);
    widest.timestamp = TimestampMax;
    const std::vector<Transfer> batch(BatchMax, widest);
    return QJsonDocument::fromJson(json::write(std::span<const Transfer>(batch))).toJson(QJsonDocument::Indented);
}

JsonLimits lifted()
{
    JsonLimits limits;
    limits.keysPerObjectMax = 1'000'000;
    limits.valuesMax = 10'000'000;
    return limits;
}

struct Case {
    const char *name;
    std::function<QByteArray()> input;
    std::function<QString(const QByteArray &)> parse; // the outcome, in words
};

QString outcome(const Result<JsonValue> &r)
{
    return r ? QStringLiteral("parsed") : r.error().message.left(90);
}
template <typename T> QString outcome(const Result<std::vector<T>> &r)
{
    return r ? QStringLiteral("parsed, %1 events").arg(r->size()) : r.error().message.left(90);
}

const std::vector<Case> &cases()
{
    static const std::vector<Case> all = {
        { "object-1000-keys-lifted", [] { return objectOf(1'000); },
            [](const QByteArray &t) { return outcome(parseExactJson(t, lifted())); } },
        { "object-10000-keys-lifted", [] { return objectOf(10'000); },
            [](const QByteArray &t) { return outcome(parseExactJson(t, lifted())); } },
        { "object-100000-keys-lifted", [] { return objectOf(100'000); },
            [](const QByteArray &t) { return outcome(parseExactJson(t, lifted())); } },
        { "object-100000-keys", [] { return objectOf(100'000); },
            [](const QByteArray &t) { return outcome(parseExactJson(t)); } },
        { "batch-widest-8189", widestBatch, [](const QByteArray &t) { return outcome(json::parseTransfers(t)); } },
        { "batch-1000000-events", [] { return arrayOf(1'000'000, "{}"); },
            [](const QByteArray &t) { return outcome(json::parseTransfers(t)); } },
        { "batch-10000000-events", [] { return arrayOf(10'000'000, "{}"); },
            [](const QByteArray &t) { return outcome(json::parseTransfers(t)); } },
        { "text-past-16MiB", []() -> QByteArray { return "[" + QByteArray(JsonBytesMax, ' ') + "]"; },
            [](const QByteArray &t) { return outcome(json::parseTransfers(t)); } },
        { "filter-4000000-values", []() -> QByteArray { return "{\"flags\":" + arrayOf(4'000'000, "0") + "}"; },
            [](const QByteArray &t) { return outcome(parseExactJson(t)); } },
    };
    return all;
}

int runOne(const Case &c)
{
    const QByteArray text = c.input();
    rusage before {};
    getrusage(RUSAGE_SELF, &before);
    QElapsedTimer timer;
    timer.start();
    const QString result = c.parse(text);
    const double ms = double(timer.nsecsElapsed()) / 1e6;
    rusage after {};
    getrusage(RUSAGE_SELF, &after);
    std::printf("| %s | %.2f MB | %.1f ms | %.0f MiB (%.0f MiB before parsing) | %s |\n", c.name, double(text.size()) / 1e6, ms,
        double(after.ru_maxrss) / 1024.0, double(before.ru_maxrss) / 1024.0, qPrintable(result));
    return 0;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() == 2) {
        for (const Case &c : cases()) {
            if (args[1] == QLatin1String(c.name))
                return runOne(c);
        }
        std::fprintf(stderr, "unknown case %s\n", qPrintable(args[1]));
        return 2;
    }
    std::printf("| case | input | parse | peak RSS | outcome |\n|---|---|---|---|---|\n");
    std::fflush(stdout);
    for (const Case &c : cases()) {
        QProcess child;
        child.setProcessChannelMode(QProcess::ForwardedChannels);
        child.start(app.applicationFilePath(), { QString::fromLatin1(c.name) });
        child.waitForFinished(-1);
    }
    return 0;
}

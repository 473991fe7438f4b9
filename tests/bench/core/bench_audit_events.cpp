// Audit appends per second (committed, synchronous=FULL) and events
// published per second. A benchmark, not a test: it prints figures.
//   bench_audit_events [--data-dir DIR] [--seconds S]
#include "Cabinet.h"
#include "audit/AuditLog.h"
#include "events/EventBus.h"
#include "store/Database.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>

#include <cstdio>

using namespace cabinet;

namespace {

struct Rate {
    qint64 count = 0;
    double seconds = 0;
    double perSecond() const { return seconds > 0 ? double(count) / seconds : 0; }
};

// Runs `step` (which does `batch` operations) until `seconds` have passed.
template <typename Step>
Rate measure(double seconds, int batch, Step step)
{
    Rate rate;
    QElapsedTimer timer;
    timer.start();
    while (timer.nsecsElapsed() < qint64(seconds * 1e9)) {
        if (!step())
            qFatal("benchmark step failed");
        rate.count += batch;
    }
    rate.seconds = double(timer.nsecsElapsed()) / 1e9;
    return rate;
}

void report(const char *what, const Rate &rate)
{
    std::printf("%-58s %12.0f /s  (%lld in %.2f s)\n", what, rate.perSecond(), static_cast<long long>(rate.count), rate.seconds);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOption({ QStringLiteral("data-dir"), QStringLiteral("Where to write (default: a temporary folder)."), QStringLiteral("dir") });
    parser.addOption({ QStringLiteral("seconds"), QStringLiteral("Time per measurement."), QStringLiteral("s"), QStringLiteral("3") });
    parser.process(app);
    const double seconds = parser.value(QStringLiteral("seconds")).toDouble();

    QTemporaryDir temp;
    Cabinet::Options options;
    options.dataDir = parser.isSet(QStringLiteral("data-dir")) ? parser.value(QStringLiteral("data-dir")) : temp.path();
    auto opened = Cabinet::open(options);
    if (!opened)
        qFatal("%s", qPrintable(opened.error().message));
    Cabinet &cabinet = **opened;
    quint64 received = 0;
    QObject::connect(&cabinet.events(), &EventBus::published, [&received](const Event &) { ++received; });
    const QJsonObject payload { { QStringLiteral("task"), QStringLiteral("01JD0000000000000000000000") }, { QStringLiteral("cost_micro_usd"), 1234 } };

    std::printf("data directory: %s\n", qPrintable(options.dataDir));
    report("audit appends, one per committed transaction", measure(seconds, 1, [&] {
               return bool(cabinet.audit().record(QStringLiteral("operator:bench"), QStringLiteral("bench.append"), QStringLiteral("x"), payload));
           }));
    constexpr int Batch = 100;
    report("audit appends, 100 per committed transaction", measure(seconds, Batch, [&] {
               auto tx = cabinet.database().begin();
               for (int i = 0; i < Batch; ++i)
                   if (!tx || !cabinet.audit().append(*tx, QStringLiteral("operator:bench"), QStringLiteral("bench.append"), QStringLiteral("x"), payload))
                       return false;
               return bool(tx->commit());
           }));
    const quint64 before = received;
    const Rate stored = measure(seconds, 1000, [&] {
        auto tx = cabinet.database().begin();
        for (int i = 0; i < 1000; ++i)
            if (!tx || !cabinet.events().append(*tx, QStringLiteral("bench.event"), payload))
                return false;
        return bool(tx->commit());
    });
    report("events stored and published, 1000 per transaction", stored);
    if (received - before != quint64(stored.count))
        qFatal("published %llu events, expected %lld", static_cast<unsigned long long>(received - before), static_cast<long long>(stored.count));
    report("ephemeral events published (not stored)", measure(seconds, 1000, [&] {
               for (int i = 0; i < 1000; ++i)
                   cabinet.events().publishEphemeral(QStringLiteral("bench.token"), payload);
               return true;
           }));
    QElapsedTimer timer;
    timer.start();
    auto verified = cabinet.audit().verify();
    if (!verified || !verified->intact)
        qFatal("chain broken after the benchmark");
    std::printf("%-58s %12.0f /s  (%lld entries in %.2f s)\n", "audit verify", double(verified->entries) / (double(timer.nsecsElapsed()) / 1e9),
                static_cast<long long>(verified->entries), double(timer.nsecsElapsed()) / 1e9);

    // What the console does after new entries: verify only those.
    constexpr int Checks = 100;
    AuditLog::Checkpoint checkpoint = verified->last;
    qint64 checkNs = 0;
    for (int check = 0; check < Checks; ++check) {
        auto tx = cabinet.database().begin();
        for (int i = 0; i < Batch; ++i)
            if (!tx || !cabinet.audit().append(*tx, QStringLiteral("operator:bench"), QStringLiteral("bench.append"), QStringLiteral("x"), payload))
                qFatal("append failed");
        if (!tx->commit())
            qFatal("commit failed");
        timer.restart();
        auto after = cabinet.audit().verifyAfter(checkpoint);
        checkNs += timer.nsecsElapsed();
        if (!after || !after->intact)
            qFatal("chain broken after the benchmark");
        checkpoint = after->last;
    }
    std::printf("%-58s %12.3f ms  (trail of %lld entries, mean of %d)\n", "audit verify of 100 new entries (verifyAfter)",
                double(checkNs) / 1e6 / Checks, static_cast<long long>(checkpoint.seq), Checks);
    return 0;
}

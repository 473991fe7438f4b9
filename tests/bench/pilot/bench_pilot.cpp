// A whole pilot day, durable, through the catalogue as `cabinet pilot run
// --participants N --seed 1` does: the gates, pilot.prepare,
// approvals.decide, pilot.run (waiting for the day, which runs in the
// background: orders on a worker, the ledger's steps on this thread's
// event loop) on a fresh data directory (3 orders a participant, two Ed25519
// signatures and their checks, a pending transfer and its post or void
// each). Prints the submissions per second and each stage's share of the
// day's wall time (docs/performance.md, docs/pilot.md).
//
//   bench_pilot [participants]   (default 10000)
#include "Cabinet.h"
#include "api/Dispatcher.h"
#include "ledger/Ledger.h"
#include "pilot/PilotDay.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <cstdio>
#include <optional>

using namespace cabinet;

namespace {

QJsonObject call(Cabinet &cabinet, const char *name, const QByteArray &params)
{
    std::optional<Result<QByteArray>> answer;
    QEventLoop loop;
    cabinet.api().call(QLatin1String(name), Actor::person(QStringLiteral("bench")), params, [&](Result<QByteArray> r) {
        answer = std::move(r);
        loop.quit();
    });
    if (!answer)
        loop.exec();
    if (!answer || !*answer) {
        std::fprintf(stderr, "%s: %s\n", name, answer ? qPrintable(answer->error().message) : "no answer");
        std::exit(1);
    }
    return QJsonDocument::fromJson(answer->value()).object();
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int participants = argc > 1 ? std::atoi(argv[1]) : 10'000;
    QTemporaryDir dir;
    Cabinet::Options options;
    options.dataDir = dir.path();
    auto cabinet = Cabinet::open(options);
    if (!cabinet) {
        std::fprintf(stderr, "%s\n", qPrintable(cabinet.error().message));
        return 1;
    }
    for (const char *gate : { "{\"gate\":1}", "{\"gate\":2}", "{\"gate\":3}" })
        if (!call(**cabinet, "pilot.gate", gate).value(QStringLiteral("passed")).toBool()) {
            std::fprintf(stderr, "pilot gate %s did not pass\n", gate);
            return 1;
        }
    const QJsonObject prepared = call(**cabinet, "pilot.prepare", QStringLiteral("{\"participants\":%1,\"seed\":1}").arg(participants).toUtf8());
    const QString id = prepared.value(QStringLiteral("approval")).toObject().value(QStringLiteral("id")).toString();
    call(**cabinet, "approvals.decide", "{\"ids\":[\"" + id.toUtf8() + "\"],\"verdict\":\"approve\"}");
    const QJsonObject ran = call(**cabinet, "pilot.run", "{\"approval_id\":\"" + id.toUtf8() + "\",\"wait\":true}");
    const QJsonObject perf = ran.value(QStringLiteral("performance")).toObject();
    std::printf("participants %d, submissions %lld, wall %.2f s, %.0f submissions/s, longest step on the core's thread %.1f ms (%s; at most %.1f ms of CPU), delivery rate %.3f\n",
                participants, perf.value(QStringLiteral("submissions")).toInteger(), perf.value(QStringLiteral("wall_seconds")).toDouble(),
                perf.value(QStringLiteral("orders_per_second")).toDouble(), perf.value(QStringLiteral("longest_step_ms")).toDouble(),
                qPrintable(perf.value(QStringLiteral("longest_step")).toString()), perf.value(QStringLiteral("longest_step_cpu_ms")).toDouble(),
                ran.value(QStringLiteral("report")).toObject().value(QStringLiteral("delivery_rate")).toDouble());
    const QJsonObject shares = perf.value(QStringLiteral("stage_share")).toObject();
    for (auto it = shares.begin(); it != shares.end(); ++it)
        std::printf("  %-14s %5.1f %%\n", qPrintable(it.key()), it.value().toDouble() * 100.0);

    // The baseline on the same machine and load: the same day in one go on
    // this thread (as pilot.run did before the day moved off it), on a run
    // number of its own.
    pilot::PilotParams params;
    params.participants = participants;
    auto inOneGo = pilot::PilotDay((*cabinet)->service<ledger::Ledger>(), (*cabinet)->audit(), 1'000'000, params).run();
    if (!inOneGo) {
        std::fprintf(stderr, "in one go: %s\n", qPrintable(inOneGo.error().message));
        return 1;
    }
    std::printf("in one go on one thread: wall %.2f s, %.0f submissions/s, same report: %s\n",
                inOneGo->performance.value(QStringLiteral("wall_seconds")).toDouble(), inOneGo->performance.value(QStringLiteral("orders_per_second")).toDouble(),
                inOneGo->report == ran.value(QStringLiteral("report")).toObject() ? "yes" : "NO");
    return 0;
}

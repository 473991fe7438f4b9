// A whole Shadow Board deliberation, end to end through board.deliberate on
// a fresh data directory: the history read, one engine run on the CPU
// backend on a worker thread, the three rounds, the save with its event and
// audit entry, the statements streamed. Prints the wall time and the
// engine's share, for 10,000 scenarios x 90 days (median of the runs) and
// for 1,000,000 scenarios (docs/performance.md, docs/board.md).
//
//   bench_board [runs]   (default 7)
#include "Cabinet.h"
#include "api/Dispatcher.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace cabinet;

namespace {

struct Timing {
    double wallMs = 0;
    double engineMs = 0;
    QString device; // the engine's: "cpu avx512, 2 threads"
};

Timing deliberate(Cabinet &cabinet, int scenarios, int seed)
{
    const QByteArray params = QStringLiteral("{\"proposal\": {\"kind\": \"tier2_action\", \"text\": \"Deploy v2\", \"cost_estimate_micros\": 40000000, "
                                             "\"assumptions\": {\"scenarios\": %1, \"horizon_days\": 90, \"budget_micros\": 200000000, "
                                             "\"expected_value_micros\": 60000000}}, \"seed\": %2}")
                                      .arg(scenarios)
                                      .arg(seed)
                                      .toUtf8();
    std::optional<Result<QByteArray>> answer;
    QEventLoop loop;
    QElapsedTimer timer;
    timer.start();
    cabinet.api().call(QStringLiteral("board.deliberate"), Actor::person(QStringLiteral("bench")), params, [&](Result<QByteArray> r) {
        answer = std::move(r);
        loop.quit();
    });
    if (!answer)
        loop.exec();
    Timing t;
    t.wallMs = double(timer.nsecsElapsed()) / 1e6;
    if (!*answer) {
        std::fprintf(stderr, "board.deliberate failed: %s\n", qPrintable(answer->error().message));
        std::exit(1);
    }
    const QJsonObject result = QJsonDocument::fromJson(answer->value()).object().value(QStringLiteral("result")).toObject();
    t.engineMs = result.value(QStringLiteral("elapsed_ms")).toDouble();
    t.device = result.value(QStringLiteral("device")).toString();
    return t;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int runs = argc > 1 ? std::max(1, atoi(argv[1])) : 7;
    QTemporaryDir dir;
    Cabinet::Options options;
    options.dataDir = dir.path();
    auto opened = Cabinet::open(options);
    if (!opened) {
        std::fprintf(stderr, "cannot open: %s\n", qPrintable(opened.error().message));
        return 1;
    }
    Cabinet &cabinet = **opened;
    if (auto started = cabinet.start(); !started) {
        std::fprintf(stderr, "cannot start: %s\n", qPrintable(started.error().message));
        return 1;
    }
    deliberate(cabinet, 1000, 0); // warm: the engine is made once
    std::vector<Timing> small;
    for (int i = 0; i < runs; ++i)
        small.push_back(deliberate(cabinet, 10'000, i + 1));
    std::sort(small.begin(), small.end(), [](const Timing &a, const Timing &b) { return a.wallMs < b.wallMs; });
    const Timing median = small[small.size() / 2];
    std::printf("engine: %s\n", qPrintable(median.device));
    std::printf("10,000 scenarios x 90 days, median of %d: end to end %.1f ms, engine %.1f ms (%.0f %%)\n", runs, median.wallMs, median.engineMs,
                100 * median.engineMs / median.wallMs);
    const Timing big = deliberate(cabinet, 1'000'000, 99);
    std::printf("1,000,000 scenarios x 90 days: end to end %.1f ms, engine %.1f ms (%.0f %%)\n", big.wallMs, big.engineMs, 100 * big.engineMs / big.wallMs);
    return 0;
}

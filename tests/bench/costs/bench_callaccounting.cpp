// What the books add to a model call (docs/performance.md): the same calls
// to the loopback OpenAI-compatible server sent straight by a plain libcurl
// loop (the floor), through a bare Router (no books), and through the
// core's Router with its budgets - route, reserve in the ledger, call, post,
// spend record, costs.spent event, every ledger write durable
// (synchronous=FULL, WAL) on the data directory's disk. 4 calls in flight.
// The same run measures that disk's fsync (write 4 KiB + fdatasync) and the
// core's ledger batches, so what the durable commits cost is apart from the
// rest. Usage: bench_callaccounting [calls] [data-dir-parent]
#include "Cabinet.h"
#include "DirectCalls.h"
#include "LoopbackServer.h"
#include "costs/Budgets.h"
#include "llm/ChatWire.h"
#include "llm/Router.h"
#include "service/Scheduler.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QTemporaryDir>
#include <QTimer>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <functional>
#include <memory>

using namespace cabinet;
using namespace cabinet::bench;
using namespace cabinet::llm;

namespace {

// fsyncs timed for the disk's own figure.
constexpr int FsyncSamples = 2'000;

// The disk's fsync: a 4 KiB write and fdatasync, as a WAL commit is.
std::vector<double> fsyncTimes(const QString &dir)
{
    const QByteArray path = QFile::encodeName(dir + QStringLiteral("/fsync-probe"));
    const int fd = ::open(path.constData(), O_CREAT | O_WRONLY | O_TRUNC, 0600);
    if (fd < 0)
        std::abort();
    std::vector<double> us;
    char page[4096] = {};
    for (int i = 0; i < FsyncSamples; ++i) {
        const auto start = Steady::now();
        if (::pwrite(fd, page, sizeof page, off_t(i % 64) * off_t(sizeof page)) != ssize_t(sizeof page) || ::fdatasync(fd) != 0)
            std::abort();
        us.push_back(sinceUs(start));
    }
    ::close(fd);
    ::unlink(path.constData());
    return us;
}

Router::Request benchRequest()
{
    Router::Request request;
    request.alias = QStringLiteral("local/fast");
    request.temperature = 0.2;
    request.maxTokens = 64;
    request.messages = { { QStringLiteral("system"), QStringLiteral("You are terse.") }, { QStringLiteral("user"), QStringLiteral("Say hello.") } };
    request.agent = QStringLiteral("system");
    request.task = QStringLiteral("bench");
    return request;
}

// `calls` calls through `router`, InFlight at a time, on this thread's loop.
Figures through(Router &router, int calls)
{
    const auto began = Steady::now();
    Figures figures;
    QEventLoop loop;
    int started = 0, finished = 0;
    std::function<void()> next = [&] {
        const auto start = Steady::now();
        ++started;
        router.call(benchRequest(), {}, [&, start](RouterOutcome outcome) {
            figures.latencyUs.push_back(sinceUs(start));
            if (outcome.error)
                ++figures.failures;
            if (++finished == calls)
                loop.quit();
            else if (started < calls)
                next();
        });
    };
    QTimer::singleShot(0, &loop, [&] {
        for (int i = 0; i < InFlight; ++i)
            next();
    });
    loop.exec();
    figures.seconds = sinceUs(began) / 1e6;
    return figures;
}

// A bare Router to the server: no budget check, nothing written.
Figures bare(int port, int calls)
{
    SystemClock clock;
    RouterSettings settings = RouterSettings::defaults();
    ProviderSettings provider;
    provider.name = QStringLiteral("bench");
    provider.baseUrl = QStringLiteral("http://127.0.0.1:%1").arg(port);
    provider.concurrency = InFlight;
    provider.apiKeyEnv = QStringLiteral("CABINET_BENCH_KEY");
    settings.providers[provider.name] = provider;
    settings.aliases[QStringLiteral("local/fast")] = { QStringLiteral("bench"), QStringLiteral("bench-model") };
    Router router(clock, settings);
    Scheduler scheduler(clock);
    scheduler.add(router);
    const Figures figures = through(router, calls);
    scheduler.remove(router);
    return figures;
}

void report(const char *name, const Figures &f)
{
    std::printf("%-32s %7zu calls  p50 %7.1f us  p99 %7.1f us  mean %7.1f us  %7.0f calls/s  failures %ld\n", name, f.latencyUs.size(),
                percentile(f.latencyUs, 0.5), percentile(f.latencyUs, 0.99),
                [&] {
                    double sum = 0;
                    for (double v : f.latencyUs)
                        sum += v;
                    return sum / double(std::max<size_t>(1, f.latencyUs.size()));
                }(),
                double(f.latencyUs.size()) / f.seconds, f.failures);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int calls = argc > 1 ? std::max(100, std::atoi(argv[1])) : 20'000;
    QTemporaryDir dir(argc > 2 ? QString::fromLocal8Bit(argv[2]) + QStringLiteral("/bench-costs-XXXXXX") : QDir::tempPath() + QStringLiteral("/bench-costs-XXXXXX"));
    if (!dir.isValid())
        return 1;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    qputenv("CABINET_BENCH_KEY", "sk-bench");
    LoopbackServer server;

    // The core as it runs, on a data directory of its own: the provider is
    // the loopback server, priced (0.01 USD per million tokens, so a call
    // costs 1 micro-USD and the system envelope never runs dry).
    {
        QFile prices(dir.path() + QStringLiteral("/prices.yaml"));
        if (!prices.open(QIODevice::WriteOnly))
            return 1;
        prices.write("version: \"bench\"\neffective: 2026-01-01\nmodels:\n  bench/bench-model: { input: 0.01, output: 0.01 }\n");
    }
    Cabinet::Options options;
    options.dataDir = dir.path();
    options.config = { { QStringLiteral("llm.providers.bench.kind"), QStringLiteral("openai") },
                       { QStringLiteral("llm.providers.bench.base_url"), QStringLiteral("http://127.0.0.1:%1").arg(server.port()) },
                       { QStringLiteral("llm.providers.bench.api_key_env"), QStringLiteral("CABINET_BENCH_KEY") },
                       { QStringLiteral("llm.providers.bench.concurrency"), QString::number(InFlight) },
                       { QStringLiteral("llm.aliases.local.fast"), QStringLiteral("bench/bench-model") },
                       { QStringLiteral("costs.system_daily_usd"), QStringLiteral("1000") } };
    auto opened = Cabinet::open(options);
    if (!opened) {
        std::fprintf(stderr, "cannot open the core: %s\n", qPrintable(opened.error().message));
        return 1;
    }
    Cabinet &cabinet = **opened;
    if (auto started = cabinet.start(); !started) {
        std::fprintf(stderr, "cannot start the core: %s\n", qPrintable(started.error().message));
        return 1;
    }
    if (auto refilled = cabinet.service<costs::Budgets>().refill(Actor::system(QStringLiteral("bench"))); !refilled) {
        std::fprintf(stderr, "cannot refill: %s\n", qPrintable(refilled.error().message));
        return 1;
    }
    Router &books = cabinet.service<Router>();

    ChatRequest wire;
    wire.model = QStringLiteral("bench-model");
    wire.temperature = 0.2;
    wire.maxTokens = 64;
    wire.messages = benchRequest().messages;
    const std::string body = wire::requestBody(wire).toStdString();

    std::printf("loopback server on 127.0.0.1:%d, %d calls each, %d in flight, data directory %s\n", server.port(), calls, InFlight,
                qPrintable(dir.path()));
    // Warm every path, then measure each twice, alternating, and report the second round.
    direct(server.port(), 1'000, false, body);
    bare(server.port(), 1'000);
    through(books, 1'000);
    Figures d, r, b;
    quint64 batches = 0;
    std::vector<double> fsync;
    for (int round = 0; round < 2; ++round) {
        d = direct(server.port(), calls, false, body);
        r = bare(server.port(), calls);
        const quint64 before = cabinet.service<costs::Budgets>().batchesCommitted();
        b = through(books, calls);
        batches = cabinet.service<costs::Budgets>().batchesCommitted() - before;
        fsync = fsyncTimes(dir.path());
    }
    report("plain libcurl", d);
    report("Router, no books", r);
    report("Router + budgets (durable)", b);
    std::printf("fsync (4 KiB write + fdatasync) on the data directory's disk: p50 %.1f us  p99 %.1f us  (%d samples)\n", percentile(fsync, 0.5),
                percentile(fsync, 0.99), FsyncSamples);
    std::printf("ledger batches (each one durable transaction): %.2f per call\n", double(batches) / double(std::max(1, calls)));
    std::printf("added to a call by the books and the router: p50 %+.1f us, p99 %+.1f us against the plain loop; by the books alone "
                "(against the bare router): p50 %+.1f us, p99 %+.1f us\n",
                percentile(b.latencyUs, 0.5) - percentile(d.latencyUs, 0.5), percentile(b.latencyUs, 0.99) - percentile(d.latencyUs, 0.99),
                percentile(b.latencyUs, 0.5) - percentile(r.latencyUs, 0.5), percentile(b.latencyUs, 0.99) - percentile(r.latencyUs, 0.99));
    std::printf("of that, the durable commits at the disk's fsync p50: %.2f batches x %.1f us = %.1f us a call\n",
                double(batches) / double(std::max(1, calls)), percentile(fsync, 0.5),
                double(batches) / double(std::max(1, calls)) * percentile(fsync, 0.5));
    cabinet.stop();
    return 0;
}

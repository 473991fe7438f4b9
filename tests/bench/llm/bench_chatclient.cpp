// What the model client and router add to a call: the same requests to a
// loopback OpenAI-compatible server that answers at once, sent by a plain
// libcurl multi loop (the floor) and through ChatClient and Router, 4 calls
// in flight, N calls each (default 100,000). Whole answers: latency p50 and
// p99; streamed: time to first token p50 and p99. Figures go into
// docs/performance.md. Usage: bench_chatclient [calls]
#include "Clock.h"
#include "llm/ChatClient.h"
#include "llm/ChatWire.h"
#include "llm/Router.h"
#include "service/Scheduler.h"
#include "DirectCalls.h"
#include "LoopbackServer.h"

#include <QCoreApplication>
#include <QTimer>

#include <curl/curl.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

using namespace cabinet;
using namespace cabinet::llm;
using namespace cabinet::bench;

namespace {

// Through ChatClient alone on the Qt event loop.
Figures client(int port, int calls, bool stream)
{
    const auto began = Steady::now();
    Figures figures;
    SystemClock clock;
    ChatClient chat(clock);
    Endpoint endpoint;
    endpoint.baseUrl = QStringLiteral("http://127.0.0.1:%1").arg(port);
    endpoint.apiKey = "sk-bench";
    QEventLoop loop;
    int started = 0, finished = 0;
    std::function<void()> next = [&] {
        const auto start = Steady::now();
        auto firstSeen = std::make_shared<bool>(false);
        ChatRequest request;
        request.model = QStringLiteral("bench-model");
        request.stream = stream;
        request.temperature = 0.2;
        request.maxTokens = 64;
        request.messages = { { QStringLiteral("system"), QStringLiteral("You are terse.") }, { QStringLiteral("user"), QStringLiteral("Say hello.") } };
        ++started;
        chat.start(endpoint, request,
                   [&figures, start, firstSeen](const QString &) {
                       if (!*firstSeen) {
                           *firstSeen = true;
                           figures.firstTokenUs.push_back(sinceUs(start));
                       }
                   },
                   [&, start](Result<ChatReply> reply) {
                       figures.latencyUs.push_back(sinceUs(start));
                       if (!reply)
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
    figures.connections = long(chat.connectionsOpened());
    return figures;
}

// Through the Router (and so ChatClient) on the Qt event loop.
Figures routed(int port, int calls, bool stream)
{
    const auto began = Steady::now();
    Figures figures;
    SystemClock clock;
    RouterSettings settings = RouterSettings::defaults();
    ProviderSettings provider;
    provider.name = QStringLiteral("bench");
    provider.baseUrl = QStringLiteral("http://127.0.0.1:%1").arg(port);
    provider.concurrency = InFlight;
    provider.apiKeyEnv = QStringLiteral("CABINET_BENCH_KEY");
    qputenv("CABINET_BENCH_KEY", "sk-bench");
    settings.providers[provider.name] = provider;
    settings.aliases[QStringLiteral("local/fast")] = { QStringLiteral("bench"), QStringLiteral("bench-model") };
    Router router(clock, settings);
    Scheduler scheduler(clock);
    scheduler.add(router);
    // As in the core: every trail is built and handed on.
    QObject::connect(&router, &Router::callFinished, &router, [](const QJsonObject &) { });
    QEventLoop loop;
    int started = 0, finished = 0;
    std::function<void()> next = [&] {
        const auto start = Steady::now();
        auto firstSeen = std::make_shared<bool>(false);
        Router::Request request;
        request.alias = QStringLiteral("local/fast");
        request.stream = stream;
        request.temperature = 0.2;
        request.maxTokens = 64;
        request.messages = { { QStringLiteral("system"), QStringLiteral("You are terse.") }, { QStringLiteral("user"), QStringLiteral("Say hello.") } };
        ++started;
        router.call(request,
                    [&figures, start, firstSeen](const QString &) {
                        if (!*firstSeen) {
                            *firstSeen = true;
                            figures.firstTokenUs.push_back(sinceUs(start));
                        }
                    },
                    [&, start](RouterOutcome outcome) {
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
    scheduler.remove(router);
    figures.seconds = sinceUs(began) / 1e6;
    return figures;
}

void report(const char *name, const Figures &f, bool stream)
{
    std::printf("%-28s %7zu calls  latency p50 %7.1f us  p99 %7.1f us", name, f.latencyUs.size(), percentile(f.latencyUs, 0.5),
                percentile(f.latencyUs, 0.99));
    if (stream)
        std::printf("   first token p50 %7.1f us  p99 %7.1f us", percentile(f.firstTokenUs, 0.5), percentile(f.firstTokenUs, 0.99));
    double sum = 0;
    for (double v : f.latencyUs)
        sum += v;
    long slow = 0;
    for (double v : f.latencyUs)
        slow += v > 2'000;
    std::printf("   >2ms %ld", slow);
    std::printf("   mean %7.1f us  max %8.1f us  %7.0f calls/s  failures %ld", sum / double(std::max<size_t>(1, f.latencyUs.size())),
                f.latencyUs.empty() ? 0.0 : *std::max_element(f.latencyUs.begin(), f.latencyUs.end()), double(f.latencyUs.size()) / f.seconds,
                f.failures);
    if (f.connections >= 0)
        std::printf("  connections %ld", f.connections);
    std::printf("\n");
    std::fflush(stdout);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int calls = argc > 1 ? std::max(100, std::atoi(argv[1])) : 100'000;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    LoopbackServer server;
    // The router's request, byte for byte, for the plain loop.
    ChatRequest request;
    request.model = QStringLiteral("bench-model");
    request.temperature = 0.2;
    request.maxTokens = 64;
    request.messages = { { QStringLiteral("system"), QStringLiteral("You are terse.") }, { QStringLiteral("user"), QStringLiteral("Say hello.") } };
    const std::string wholeBody = wire::requestBody(request).toStdString();
    request.stream = true;
    const std::string streamBody = wire::requestBody(request).toStdString();

    std::printf("loopback server on 127.0.0.1:%d, %d calls each, %d in flight\n", server.port(), calls, InFlight);
    // Warm both paths (connections, caches), then measure each twice,
    // alternating, and report the second round.
    direct(server.port(), 2'000, false, wholeBody);
    routed(server.port(), 2'000, false);
    Figures d, c, r, ds, cs, rs;
    for (int round = 0; round < 2; ++round) {
        d = direct(server.port(), calls, false, wholeBody);
        c = client(server.port(), calls, false);
        r = routed(server.port(), calls, false);
        ds = direct(server.port(), calls, true, streamBody);
        cs = client(server.port(), calls, true);
        rs = routed(server.port(), calls, true);
    }
    report("plain libcurl, whole", d, false);
    report("ChatClient, whole", c, false);
    report("ChatClient+Router, whole", r, false);
    report("plain libcurl, streamed", ds, true);
    report("ChatClient, streamed", cs, true);
    report("ChatClient+Router, streamed", rs, true);
    std::printf("added by the client and router: whole p50 %+.1f us, p99 %+.1f us; streamed first token p50 %+.1f us, p99 %+.1f us\n",
                percentile(r.latencyUs, 0.5) - percentile(d.latencyUs, 0.5), percentile(r.latencyUs, 0.99) - percentile(d.latencyUs, 0.99),
                percentile(rs.firstTokenUs, 0.5) - percentile(ds.firstTokenUs, 0.5),
                percentile(rs.firstTokenUs, 0.99) - percentile(ds.firstTokenUs, 0.99));
    return 0;
}

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
using Steady = std::chrono::steady_clock;

namespace {

constexpr int InFlight = 4;

// The server: a thread per connection, keep-alive, answers as soon as a
// request is read, so its own cost stays far below what is measured.
class LoopbackServer {
public:
    LoopbackServer()
    {
        m_listen = ::socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        ::setsockopt(m_listen, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in address {};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::bind(m_listen, reinterpret_cast<sockaddr *>(&address), sizeof address) != 0 || ::listen(m_listen, 64) != 0)
            std::abort();
        socklen_t length = sizeof address;
        ::getsockname(m_listen, reinterpret_cast<sockaddr *>(&address), &length);
        m_port = ntohs(address.sin_port);
        m_accept = std::thread([this] { acceptLoop(); });
    }
    ~LoopbackServer()
    {
        m_stopping = true;
        ::shutdown(m_listen, SHUT_RDWR);
        ::close(m_listen);
        m_accept.join();
        for (auto &t : m_connections)
            t.join();
    }
    int port() const { return m_port; }

private:
    void acceptLoop()
    {
        for (;;) {
            const int fd = ::accept(m_listen, nullptr, nullptr);
            if (fd < 0)
                return;
            int one = 1;
            ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
            m_connections.emplace_back([fd] { serve(fd); });
        }
    }
    static void serve(int fd)
    {
        static const std::string body =
                R"({"id":"b","object":"chat.completion","model":"bench","choices":[{"index":0,"message":{"role":"assistant","content":"Hello there."},"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":3}})";
        static const std::string whole = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
        auto chunk = [](const std::string &data) {
            char size[16];
            std::snprintf(size, sizeof size, "%zx\r\n", data.size());
            return size + data + "\r\n";
        };
        static const std::string streamed = [&] {
            std::string s = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
            for (const char *token : { "Hel", "lo", " there." })
                s += chunk(std::string(R"(data: {"model":"bench","choices":[{"index":0,"delta":{"content":")") + token + "\"}}]}\n\n");
            s += chunk(R"(data: {"model":"bench","choices":[],"usage":{"prompt_tokens":12,"completion_tokens":3}})" "\n\n");
            s += chunk("data: [DONE]\n\n");
            return s + "0\r\n\r\n";
        }();
        std::string buffer;
        char data[65536];
        for (;;) {
            const ssize_t n = ::read(fd, data, sizeof data);
            if (n <= 0)
                break;
            buffer.append(data, size_t(n));
            for (;;) {
                const size_t end = buffer.find("\r\n\r\n");
                if (end == std::string::npos)
                    break;
                size_t length = 0;
                std::string head = buffer.substr(0, end);
                std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) { return char(std::tolower(c)); });
                if (const size_t at = head.find("content-length:"); at != std::string::npos)
                    length = std::strtoul(head.c_str() + at + 15, nullptr, 10);
                if (buffer.size() < end + 4 + length)
                    break;
                const bool stream = buffer.compare(end + 4, length, "") != 0 && buffer.find("\"stream\":true", end + 4) < end + 4 + length;
                buffer.erase(0, end + 4 + length);
                const std::string &answer = stream ? streamed : whole;
                if (::write(fd, answer.data(), answer.size()) != ssize_t(answer.size()))
                    break;
            }
        }
        ::close(fd);
    }

    int m_listen = -1;
    int m_port = 0;
    std::atomic<bool> m_stopping = false;
    std::thread m_accept;
    std::vector<std::thread> m_connections;
};

struct Figures {
    std::vector<double> latencyUs, firstTokenUs;
    long failures = 0;
    double seconds = 0; // the whole run
    long connections = -1; // opened, where known
};

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(p * double(v.size())))];
}

double sinceUs(Steady::time_point t) { return std::chrono::duration<double, std::micro>(Steady::now() - t).count(); }

// The floor: the same requests from a plain libcurl multi loop, easy
// handles reused, InFlight at a time.
Figures direct(int port, int calls, bool stream, const std::string &body)
{
    const auto began = Steady::now();
    struct Slot {
        CURL *easy = nullptr;
        Steady::time_point start;
        bool firstSeen = false;
        Figures *figures = nullptr;
    };
    Figures figures;
    CURLM *multi = curl_multi_init();
    const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/v1/chat/completions";
    curl_slist *headers = nullptr;
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, stream ? "Accept: text/event-stream" : "Accept: application/json");
    headers = curl_slist_append(headers, "Authorization: Bearer sk-bench");
    headers = curl_slist_append(headers, "Expect:");
    auto onWrite = +[](char *data, size_t size, size_t count, void *user) -> size_t {
        auto *slot = static_cast<Slot *>(user);
        if (!slot->firstSeen && ::memmem(data, size * count, "\"content\":", 10)) {
            slot->firstSeen = true;
            slot->figures->firstTokenUs.push_back(sinceUs(slot->start));
        }
        return size * count;
    };
    std::vector<Slot> handles(InFlight);
    int started = 0, finished = 0;
    auto launch = [&](Slot &slot) {
        curl_easy_setopt(slot.easy, CURLOPT_URL, url.c_str());
        curl_easy_setopt(slot.easy, CURLOPT_POSTFIELDS, body.c_str());
        curl_easy_setopt(slot.easy, CURLOPT_POSTFIELDSIZE, long(body.size()));
        curl_easy_setopt(slot.easy, CURLOPT_HTTPHEADER, headers);
        curl_easy_setopt(slot.easy, CURLOPT_WRITEFUNCTION, onWrite);
        curl_easy_setopt(slot.easy, CURLOPT_WRITEDATA, &slot);
        curl_easy_setopt(slot.easy, CURLOPT_NOSIGNAL, 1L);
        slot.start = Steady::now();
        slot.firstSeen = false;
        curl_multi_add_handle(multi, slot.easy);
        ++started;
    };
    for (Slot &slot : handles) {
        slot.easy = curl_easy_init();
        slot.figures = &figures;
        curl_easy_setopt(slot.easy, CURLOPT_PRIVATE, &slot);
        launch(slot);
    }
    while (finished < calls) {
        int running = 0;
        curl_multi_perform(multi, &running);
        int left = 0;
        bool launched = false;
        while (CURLMsg *message = curl_multi_info_read(multi, &left)) {
            if (message->msg != CURLMSG_DONE)
                continue;
            Slot *slot = nullptr;
            curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &slot);
            figures.latencyUs.push_back(sinceUs(slot->start));
            if (message->data.result != CURLE_OK)
                ++figures.failures;
            ++finished;
            curl_multi_remove_handle(multi, slot->easy);
            if (started < calls) {
                launch(*slot);
                launched = true;
            }
        }
        // A new request is sent at once, as the client sends one from start().
        if (finished < calls && !launched)
            curl_multi_poll(multi, nullptr, 0, 100, nullptr);
    }
    for (Slot &slot : handles)
        curl_easy_cleanup(slot.easy);
    curl_slist_free_all(headers);
    curl_multi_cleanup(multi);
    figures.seconds = sinceUs(began) / 1e6;
    return figures;
}

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

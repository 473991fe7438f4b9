#pragma once

// A loopback OpenAI-compatible server for the benchmarks (bench_chatclient,
// bench_callaccounting): a thread per connection, keep-alive, answers as
// soon as a request is read, whole or streamed as the request asks.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace cabinet::bench {

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

} // namespace cabinet::bench

#pragma once

// What the benchmarks measure a call with, and the floor they compare
// against: the same requests from a plain libcurl multi loop to the
// loopback server, easy handles reused, InFlight at a time.
#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <string>
#include <vector>

namespace cabinet::bench {

using Steady = std::chrono::steady_clock;

constexpr int InFlight = 4;

struct Figures {
    std::vector<double> latencyUs, firstTokenUs;
    long failures = 0;
    double seconds = 0; // the whole run
    long connections = -1; // opened, where known
};

inline double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, size_t(p * double(v.size())))];
}

inline double sinceUs(Steady::time_point t) { return std::chrono::duration<double, std::micro>(Steady::now() - t).count(); }

// The floor: the same requests from a plain libcurl multi loop, easy
// handles reused, InFlight at a time.
inline Figures direct(int port, int calls, bool stream, const std::string &body)
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

} // namespace cabinet::bench

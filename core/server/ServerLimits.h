#pragma once

#include "Result.h"

#include <QString>

namespace cabinet {
class Config;
}

namespace cabinet::server {

// Every limit of the server (docs/server.md). Each default is a named
// constant; the ones a deployment may need to move are settings
// (server.<key> in config.yaml or --set), read once at start.
struct ServerLimits {
    // One WebSocket frame, and one message (its frames together). Over
    // either, the socket closes with 1009 (message too big).
    static constexpr qint64 FrameBytesDefault = 1 << 20;
    static constexpr qint64 MessageBytesDefault = 8 << 20;
    // An HTTP request's line and headers; the time a client has to send them.
    static constexpr qsizetype HttpHeaderBytesMax = 16 * 1024;
    static constexpr qint64 HttpReadTimeoutNs = 10'000'000'000LL;
    // A connection that has not authenticated by then is closed (4001).
    static constexpr qint64 AuthTimeoutNsDefault = 10'000'000'000LL;
    // Catalogue calls per second per token (a burst of twice as many).
    static constexpr int CallsPerSecondDefault = 500;
    static constexpr int ConnectionsPerTokenDefault = 64;
    static constexpr int ConnectionsMax = 1024;
    static constexpr int SubscriptionsPerTokenDefault = 64;
    static constexpr int SubscriptionsPerConnectionMax = 16;
    static constexpr int SubscriptionTypesMax = 64;
    // Events waiting for one slow client at most: past it the client is
    // closed (4008), never the core made to wait.
    static constexpr int QueueEventsDefault = 10'000;
    // Held in the socket's own buffer before we stop handing it more.
    static constexpr qint64 SendBufferBytesMax = 1 << 20;
    // Events in one frame (a JSON-RPC batch of notifications) at most.
    static constexpr int EventsPerFrameMax = 256;
    // Failed authentications per address per window; past them the address
    // is refused (and no longer audited) until the window has passed.
    static constexpr int AuthFailuresPerWindowDefault = 10;
    static constexpr qint64 AuthFailureWindowNs = 60'000'000'000LL;
    // Addresses and tokens the rate limiters remember at most.
    static constexpr int RateKeysMax = 10'000;

    qint64 frameBytes = FrameBytesDefault;
    qint64 messageBytes = MessageBytesDefault;
    qint64 authTimeoutNs = AuthTimeoutNsDefault;
    int callsPerSecond = CallsPerSecondDefault;
    int connectionsPerToken = ConnectionsPerTokenDefault;
    int subscriptionsPerToken = SubscriptionsPerTokenDefault;
    int queueEvents = QueueEventsDefault;
    int authFailuresPerWindow = AuthFailuresPerWindowDefault;

    // The settings server.frame_bytes, server.message_bytes,
    // server.auth_timeout_ms, server.calls_per_second,
    // server.connections_per_token, server.subscriptions_per_token,
    // server.queue_events and server.auth_failures_per_minute; a value out
    // of its range is invalid_argument naming the key.
    static Result<ServerLimits> fromConfig(const Config &config);
};

} // namespace cabinet::server

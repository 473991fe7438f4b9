#include "server/ServerLimits.h"

#include "QuotedInput.h"
#include "config/Config.h"

namespace cabinet::server {

namespace {

// The setting `key` as a whole number in min..max, or `fallback` when unset.
template <typename T> Status read(const Config &config, const char *key, T min, T max, T &value)
{
    const QString name = QStringLiteral("server.") + QLatin1StringView(key);
    const QString text = config.value(name);
    if (text.isEmpty())
        return {};
    bool ok = false;
    const qint64 number = text.toLongLong(&ok);
    if (!ok || number < qint64(min) || number > qint64(max))
        return Error { ErrorCode::InvalidArgument, QStringLiteral("%1 must be a whole number in %2..%3, got %4").arg(name).arg(min).arg(max).arg(quoteInput(text)),
                       name };
    value = T(number);
    return {};
}

} // namespace

Result<ServerLimits> ServerLimits::fromConfig(const Config &config)
{
    ServerLimits limits;
    qint64 authTimeoutMs = limits.authTimeoutNs / 1'000'000;
    for (Status status : { read<qint64>(config, "frame_bytes", 1024, 64 << 20, limits.frameBytes),
                           read<qint64>(config, "message_bytes", 1024, 64 << 20, limits.messageBytes),
                           read<qint64>(config, "auth_timeout_ms", 100, 600'000, authTimeoutMs),
                           read<int>(config, "calls_per_second", 1, 1'000'000, limits.callsPerSecond),
                           read<int>(config, "connections_per_token", 1, ConnectionsMax, limits.connectionsPerToken),
                           read<int>(config, "subscriptions_per_token", 1, 10'000, limits.subscriptionsPerToken),
                           read<int>(config, "queue_events", 1, 1'000'000, limits.queueEvents),
                           read<int>(config, "auth_failures_per_minute", 1, 10'000, limits.authFailuresPerWindow) }) {
        if (!status)
            return status.error();
    }
    if (limits.frameBytes > limits.messageBytes)
        return Error { ErrorCode::InvalidArgument, QStringLiteral("server.frame_bytes must not exceed server.message_bytes"),
                       QStringLiteral("server.frame_bytes") };
    limits.authTimeoutNs = authTimeoutMs * 1'000'000;
    return limits;
}

} // namespace cabinet::server

#include "pilot/PilotParams.h"

#include <QJsonValue>

namespace cabinet::pilot {

namespace {

Result<int> wholeIn(const QJsonObject &object, const char *name, int fallback, int lo, int hi)
{
    const QJsonValue value = object.value(QLatin1String(name));
    if (value.isUndefined())
        return fallback;
    const double n = value.toDouble(-1);
    if (!value.isDouble() || n < lo || n > hi || n != double(qint64(n)))
        return Error { ErrorCode::InvalidArgument, QStringLiteral("'%1' must be a whole number from %2 to %3").arg(QLatin1String(name)).arg(lo).arg(hi),
                       QLatin1String(name) };
    return int(n);
}

} // namespace

Result<PilotParams> pilotParamsFromJson(const QJsonObject &object)
{
    static const char *const Known[] = { "participants", "seed", "orders_per_participant", "failure_rate", "hours" };
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (std::find_if(std::begin(Known), std::end(Known), [&](const char *k) { return it.key() == QLatin1String(k); }) == std::end(Known))
            return Error { ErrorCode::InvalidArgument, QStringLiteral("unknown member '%1'").arg(it.key()), it.key() };
    }
    PilotParams params;
    auto participants = wholeIn(object, "participants", params.participants, 1, ParticipantsMax);
    if (!participants)
        return participants.error();
    auto orders = wholeIn(object, "orders_per_participant", params.ordersPerParticipant, 1, OrdersPerParticipantMax);
    if (!orders)
        return orders.error();
    auto hours = wholeIn(object, "hours", params.hours, 1, HoursMax);
    if (!hours)
        return hours.error();
    params.participants = *participants;
    params.ordersPerParticipant = *orders;
    params.hours = *hours;

    const QJsonValue seed = object.value(QStringLiteral("seed"));
    if (!seed.isUndefined()) {
        bool ok = false;
        if (seed.isString()) {
            params.seed = seed.toString().toULongLong(&ok);
        } else if (seed.isDouble()) {
            const double n = seed.toDouble();
            ok = n >= 0 && n <= 9007199254740992.0 && n == double(quint64(n));
            params.seed = quint64(n);
        }
        if (!ok)
            return Error { ErrorCode::InvalidArgument, QStringLiteral("'seed' must be a whole number from 0 to 2^64 - 1 (a decimal string above 2^53)"),
                           QStringLiteral("seed") };
    }
    const QJsonValue failure = object.value(QStringLiteral("failure_rate"));
    if (!failure.isUndefined()) {
        if (!failure.isDouble() || !(failure.toDouble() >= 0.0 && failure.toDouble() <= 1.0))
            return Error { ErrorCode::InvalidArgument, QStringLiteral("'failure_rate' must be a number from 0 to 1"), QStringLiteral("failure_rate") };
        params.failureRate = failure.toDouble();
    }
    return params;
}

QJsonObject pilotParamsJson(const PilotParams &params)
{
    return { { QStringLiteral("participants"), params.participants },
             { QStringLiteral("seed"), QString::number(params.seed) },
             { QStringLiteral("orders_per_participant"), params.ordersPerParticipant },
             { QStringLiteral("failure_rate"), params.failureRate },
             { QStringLiteral("hours"), params.hours } };
}

} // namespace cabinet::pilot

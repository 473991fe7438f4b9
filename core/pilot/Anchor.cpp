#include "pilot/Anchor.h"

#include "pilot/PilotRandom.h"

#include <algorithm>

namespace cabinet::pilot {

namespace {
constexpr quint64 AnchorStream = 4ull << 40;
// A partial fill delivers this share of the items, at least.
constexpr double PartialShareMin = 0.5;
} // namespace

QString orderOutcomeName(OrderOutcome outcome)
{
    switch (outcome) {
    case OrderOutcome::Delivered: return QStringLiteral("delivered");
    case OrderOutcome::Partial: return QStringLiteral("partial");
    case OrderOutcome::FulfilmentFailed: return QStringLiteral("fulfilment_failed");
    case OrderOutcome::TimedOut: return QStringLiteral("timed_out");
    case OrderOutcome::IssuerFailed: return QStringLiteral("issuer_failed");
    }
    return {};
}

Fulfilment Anchor::fulfil(u128 orderId, qint64 amountUnits)
{
    // The order's own stream: its fate does not depend on the others'.
    PilotRandom random(m_params.seed, AnchorStream + (quint64(orderId) & IndexMax));
    Fulfilment f;
    f.fulfilmentMs = std::max<qint64>(1, qint64(random.logNormal(m_params.latencyMedianMs, m_params.latencySigma)));
    const bool failed = random.chance(m_params.failureRate);
    const bool partial = random.chance(m_params.partialRate) && amountUnits > 1;
    const double share = PartialShareMin + (1.0 - PartialShareMin) * random.uniform();
    if (failed) {
        f.outcome = OrderOutcome::FulfilmentFailed;
        return f;
    }
    if (f.fulfilmentMs > m_params.holdTimeoutMs) {
        f.outcome = OrderOutcome::TimedOut;
        return f;
    }
    const qint64 units = partial ? std::clamp<qint64>(qint64(double(amountUnits) * share), 1, amountUnits - 1) : amountUnits;
    const auto card = m_adapter.codeFor(orderId, units);
    f.giftCardMs = card.latencyMs;
    f.issuerAttempts = card.attempts;
    if (!card.code) {
        f.outcome = OrderOutcome::IssuerFailed;
        return f;
    }
    f.outcome = partial && units < amountUnits ? OrderOutcome::Partial : OrderOutcome::Delivered;
    f.deliveredUnits = units;
    return f;
}

} // namespace cabinet::pilot

#pragma once

// The Instacart anchor: grocery fulfilment, SIMULATED. For each order, as
// seeded by the order's id: a fulfilment latency (log-normal), a failure
// with the failure rate, or a partial fill; what it delivers it pays with
// a gift-card code from the adapter. The caller posts the hold for what was
// delivered (a partial post for a partial fill) and voids it otherwise.
#include "pilot/GiftCardAdapter.h"
#include "pilot/PilotParams.h"

namespace cabinet::pilot {

enum class OrderOutcome { Delivered, Partial, FulfilmentFailed, TimedOut, IssuerFailed };
inline constexpr OrderOutcome AllOrderOutcomes[] = { OrderOutcome::Delivered, OrderOutcome::Partial, OrderOutcome::FulfilmentFailed,
                                                     OrderOutcome::TimedOut, OrderOutcome::IssuerFailed };
// "delivered", "partial", "fulfilment_failed", "timed_out", "issuer_failed".
QString orderOutcomeName(OrderOutcome outcome);
inline bool delivered(OrderOutcome o) { return o == OrderOutcome::Delivered || o == OrderOutcome::Partial; }

struct Fulfilment {
    OrderOutcome outcome = OrderOutcome::Delivered;
    qint64 deliveredUnits = 0;   // 0 unless delivered
    qint64 fulfilmentMs = 0;     // the anchor's latency
    qint64 giftCardMs = 0;       // the adapter's, every attempt
    int issuerAttempts = 0;
    qint64 totalMs() const { return fulfilmentMs + giftCardMs; }
};

class Anchor {
public:
    Anchor(const PilotParams &params, GiftCardAdapter &adapter) : m_params(params), m_adapter(adapter) { }

    Fulfilment fulfil(u128 orderId, qint64 amountUnits);

private:
    PilotParams m_params;
    GiftCardAdapter &m_adapter;
};

} // namespace cabinet::pilot

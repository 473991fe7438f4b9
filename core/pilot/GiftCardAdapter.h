#pragma once

// The gift-card adapter: gets one code for an order from the (simulated)
// issuer, retrying under the order's id as the idempotency key, so that an
// order never gets two codes, and remembers the code it got.
#include "pilot/GiftCardIssuer.h"
#include "pilot/PilotIds.h"

#include <QHash>

namespace cabinet::pilot {

class GiftCardAdapter {
public:
    GiftCardAdapter(SimulatedGiftCardIssuer &issuer, int attempts) : m_issuer(issuer), m_attempts(attempts) { }

    struct Outcome {
        std::optional<QString> code; // none: every attempt failed
        int attempts = 0;
        qint64 latencyMs = 0; // all attempts together
    };
    Outcome codeFor(u128 orderId, qint64 units);
    qsizetype codes() const { return m_codes.size(); }

private:
    SimulatedGiftCardIssuer &m_issuer;
    int m_attempts;
    QHash<QString, QString> m_codes; // order id -> its one code
};

} // namespace cabinet::pilot

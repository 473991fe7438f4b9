#include "pilot/GiftCardAdapter.h"

#include "ledger/U128.h"

namespace cabinet::pilot {

GiftCardAdapter::Outcome GiftCardAdapter::codeFor(u128 orderId, qint64 units)
{
    const QString key = ledger::toDecimal(orderId);
    Outcome outcome;
    if (auto known = m_codes.constFind(key); known != m_codes.constEnd()) {
        outcome.code = *known;
        return outcome;
    }
    while (outcome.attempts < m_attempts) {
        const auto reply = m_issuer.issue(key, units);
        ++outcome.attempts;
        outcome.latencyMs += reply.latencyMs;
        if (reply.code) {
            m_codes.insert(key, *reply.code);
            outcome.code = reply.code;
            break;
        }
    }
    return outcome;
}

} // namespace cabinet::pilot

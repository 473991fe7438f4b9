#include "pilot/GiftCardIssuer.h"

#include "pilot/PilotRandom.h"

namespace cabinet::pilot {

namespace {
constexpr quint64 IssuerStream = 3ull << 40;
}

SimulatedGiftCardIssuer::SimulatedGiftCardIssuer(const PilotParams &params) : m_params(params) { }

SimulatedGiftCardIssuer::Reply SimulatedGiftCardIssuer::issue(const QString &idempotencyKey, qint64 units)
{
    // The day's calls come in the same order for the same parameters: the
    // n-th call's fate is the same in every run, whatever its key.
    PilotRandom random(m_params.seed, IssuerStream + m_calls++);
    Reply reply;
    reply.latencyMs = qint64(random.logNormal(double(m_params.issuerLatencyMs), 0.4));
    if (random.chance(m_params.issuerFailureRate))
        return reply; // down: nothing issued
    auto known = m_codes.constFind(idempotencyKey);
    const QString code = known != m_codes.constEnd() ? *known
                                                     : QStringLiteral("SIM-%1").arg(random.next(), 16, 16, QLatin1Char('0')).toUpper();
    if (known == m_codes.constEnd()) {
        m_codes.insert(idempotencyKey, code);
        m_issuedUnits += units;
    }
    if (random.chance(m_params.issuerLostReplyRate))
        return reply; // issued, but the caller never hears of it
    reply.code = code;
    return reply;
}

} // namespace cabinet::pilot

#include "pilot/GiftCardIssuer.h"

#include "pilot/PilotRandom.h"

namespace cabinet::pilot {

namespace {
constexpr quint64 IssuerStream = 3ull << 40;
}

SimulatedGiftCardIssuer::SimulatedGiftCardIssuer(const PilotParams &params) : m_params(params) { }

SimulatedGiftCardIssuer::Reply SimulatedGiftCardIssuer::issue(const QString &idempotencyKey, qint64 units, int attempt)
{
    Q_UNUSED(units);
    PilotRandom random(m_params.seed ^ qHash(idempotencyKey, 0), IssuerStream + quint64(attempt));
    Reply reply;
    reply.latencyMs = qint64(random.logNormal(double(m_params.issuerLatencyMs), 0.4));
    if (random.chance(m_params.issuerFailureRate))
        return reply; // down: nothing issued
    auto known = m_codes.constFind(idempotencyKey);
    const QString code = known != m_codes.constEnd() ? *known
                                                     : QStringLiteral("SIM-%1").arg(random.next(), 16, 16, QLatin1Char('0')).toUpper();
    m_codes.insert(idempotencyKey, code);
    if (random.chance(m_params.issuerLostReplyRate))
        return reply; // issued, but the caller never hears of it
    reply.code = code;
    return reply;
}

} // namespace cabinet::pilot

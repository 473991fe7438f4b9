#include "pilot/Attestor.h"

#include <QtEndian>

namespace cabinet::pilot {

namespace {
template <typename T> void appendLe(QByteArray &out, T value)
{
    const T le = qToLittleEndian(value);
    out.append(reinterpret_cast<const char *>(&le), sizeof le);
}
} // namespace

QString attestorRefusalName(AttestorRefusal reason)
{
    switch (reason) {
    case AttestorRefusal::BadSignature: return QStringLiteral("bad_signature");
    case AttestorRefusal::UnknownParticipant: return QStringLiteral("unknown_participant");
    case AttestorRefusal::ReplayedNonce: return QStringLiteral("replayed_nonce");
    case AttestorRefusal::OverOrderLimit: return QStringLiteral("over_order_limit");
    case AttestorRefusal::OverDayLimit: return QStringLiteral("over_day_limit");
    case AttestorRefusal::Velocity: return QStringLiteral("velocity");
    }
    return {};
}

QByteArray Attestation::signedBytes() const
{
    QByteArray bytes("sovr.attestation.v1");
    appendLe<quint64>(bytes, quint64(orderId >> 64));
    appendLe<quint64>(bytes, quint64(orderId));
    appendLe<qint32>(bytes, participant);
    appendLe<qint64>(bytes, amountUnits);
    appendLe<quint64>(bytes, nonce);
    appendLe<qint64>(bytes, issuedMs);
    return bytes;
}

Attestor::Attestor(const PilotParams &params, quint32 run, KeyPair key) : m_params(params), m_run(run), m_key(std::move(key)) { }

void Attestor::enroll(int participant, const PublicKey &key)
{
    if (size_t(participant) >= m_keys.size()) {
        m_keys.resize(size_t(participant) + 1);
        m_seen.resize(size_t(participant) + 1);
    }
    m_keys[size_t(participant)] = key;
}

std::variant<Attestation, AttestorRefusal> Attestor::attest(const OrderIntent &intent, qint64 nowMs)
{
    if (intent.participant < 0 || size_t(intent.participant) >= m_keys.size() || !m_keys[size_t(intent.participant)])
        return AttestorRefusal::UnknownParticipant;
    // The signature first: nothing of an intent nobody signed is believed,
    // not even its nonce.
    if (!verify(*m_keys[size_t(intent.participant)], intent.signedBytes(), intent.signature))
        return AttestorRefusal::BadSignature;
    Seen &seen = m_seen[size_t(intent.participant)];
    if (seen.nonces.contains(intent.nonce))
        return AttestorRefusal::ReplayedNonce;
    seen.nonces.insert(intent.nonce); // burnt, whatever follows
    if (intent.amountUnits <= 0 || intent.amountUnits > m_params.orderLimitUnits)
        return AttestorRefusal::OverOrderLimit;
    while (!seen.recentMs.empty() && seen.recentMs.front() <= nowMs - m_params.velocityWindowMs)
        seen.recentMs.pop_front();
    if (int(seen.recentMs.size()) >= m_params.velocityOrders)
        return AttestorRefusal::Velocity;
    if (seen.dayUnits + intent.amountUnits > m_params.dayLimitUnits)
        return AttestorRefusal::OverDayLimit;
    seen.recentMs.push_back(nowMs);
    seen.dayUnits += intent.amountUnits;

    Attestation a;
    a.orderId = pilotId(m_run, IdKind::Order, ++m_attested);
    a.participant = intent.participant;
    a.amountUnits = intent.amountUnits;
    a.nonce = intent.nonce;
    a.issuedMs = nowMs;
    a.signature = m_key.sign(a.signedBytes());
    return a;
}

} // namespace cabinet::pilot

#pragma once

// The attestor: checks a participant's signed order intent (signature,
// replayed nonce, the amount limits per order and per day, the order
// velocity) and attests it with its own Ed25519 key, or refuses it with a
// reason code. Its state (nonces seen, the day's amounts, recent orders)
// is the day's, in memory; the caller audits each refusal.
#include "pilot/Ed25519.h"
#include "pilot/PilotIds.h"
#include "pilot/PilotParams.h"
#include "pilot/Studio.h"

#include <QHash>
#include <QSet>

#include <deque>
#include <variant>
#include <vector>

namespace cabinet::pilot {

enum class AttestorRefusal { BadSignature, UnknownParticipant, ReplayedNonce, OverOrderLimit, OverDayLimit, Velocity };
inline constexpr AttestorRefusal AllAttestorRefusals[] = { AttestorRefusal::BadSignature, AttestorRefusal::UnknownParticipant,
                                                           AttestorRefusal::ReplayedNonce, AttestorRefusal::OverOrderLimit,
                                                           AttestorRefusal::OverDayLimit, AttestorRefusal::Velocity };
// "bad_signature", "unknown_participant", ...
QString attestorRefusalName(AttestorRefusal reason);

struct Attestation {
    u128 orderId = 0;
    int participant = 0;
    qint64 amountUnits = 0;
    quint64 nonce = 0;
    qint64 issuedMs = 0; // on the simulated day
    Signature signature {};

    QByteArray signedBytes() const;
};

class Attestor {
public:
    Attestor(const PilotParams &params, quint32 run, KeyPair key);

    const PublicKey &publicKey() const { return m_key.publicKey(); }
    // Registers a participant's public key (the studio's enrolment).
    void enroll(int participant, const PublicKey &key);

    // At `nowMs` on the simulated day.
    std::variant<Attestation, AttestorRefusal> attest(const OrderIntent &intent, qint64 nowMs);
    quint64 attested() const { return m_attested; }

private:
    PilotParams m_params;
    quint32 m_run;
    KeyPair m_key;
    std::vector<std::optional<PublicKey>> m_keys;
    struct Seen {
        QSet<quint64> nonces;
        qint64 dayUnits = 0;
        std::deque<qint64> recentMs; // attested orders inside the velocity window
    };
    std::vector<Seen> m_seen;
    quint64 m_attested = 0;
};

} // namespace cabinet::pilot

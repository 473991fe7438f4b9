#pragma once

// The Studio app: the participants' side of the pilot, SIMULATED. Each
// participant has an Ed25519 key pair from the run's seed and places its
// orders (items, amount, nonce, time) signed with it; a few, as seeded,
// misbehave (an intent altered after signing, a nonce sent twice, an order
// over the limit, a burst, an attestation shown twice) so that the
// attestor's and the terminal's checks are exercised on every day.
#include "pilot/Ed25519.h"
#include "pilot/PilotParams.h"

#include <vector>

namespace cabinet::pilot {

struct OrderIntent {
    int participant = 0;
    int items = 0;
    qint64 amountUnits = 0;
    quint64 nonce = 0;
    qint64 timeMs = 0; // on the pilot's simulated day
    Signature signature {};

    // The bytes the participant signs: every field but the signature, fixed width.
    QByteArray signedBytes() const;
};

// One thing a participant sends, in the day's order.
struct Submission {
    OrderIntent intent;
    bool presentTwice = false; // the participant shows its attestation to the terminal again
};

class Studio {
public:
    explicit Studio(const PilotParams &params);

    int participants() const { return int(m_keys.size()); }
    const PublicKey &publicKey(int participant) const { return m_keys[size_t(participant)].publicKey(); }
    // Signs an intent as its participant (sets its signature).
    void sign(OrderIntent &intent) const;
    // The whole day's submissions, by time (ties by participant), the
    // same for the same parameters.
    std::vector<Submission> day() const;

private:
    PilotParams m_params;
    std::vector<KeyPair> m_keys;
};

} // namespace cabinet::pilot

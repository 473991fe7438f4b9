#pragma once

// The gift-card issuer: SIMULATED (there is no real issuer behind it).
// Each call, seeded by the seed and its place in the day, fails,
// issues a code, or issues one whose reply is lost on the way back; a
// request under a key that was issued before answers the same code, so a
// retry never yields a second card.
#include "pilot/PilotParams.h"

#include <QHash>
#include <QString>

#include <optional>

namespace cabinet::pilot {

class SimulatedGiftCardIssuer {
public:
    explicit SimulatedGiftCardIssuer(const PilotParams &params);

    struct Reply {
        std::optional<QString> code; // none: failed, or the reply was lost
        qint64 latencyMs = 0;
    };
    Reply issue(const QString &idempotencyKey, qint64 units);

    // Cards issued in all, one per key at most.
    qsizetype issued() const { return m_codes.size(); }
    // Their value, in credit units.
    qint64 issuedUnits() const { return m_issuedUnits; }

private:
    PilotParams m_params;
    QHash<QString, QString> m_codes; // idempotency key -> code
    quint64 m_calls = 0;
    qint64 m_issuedUnits = 0;
};

} // namespace cabinet::pilot

#pragma once

// A pilot day's parameters (docs/pilot.md): what the operator sets, and
// the fixed rules and simulated behaviour around them. Amounts are pilot
// credit units (1 credit = 100 units), never USD.
#include "Result.h"

#include <QJsonObject>

namespace cabinet::pilot {

// Limits on what a run may ask for, checked before any work.
inline constexpr int ParticipantsMax = 100'000;
inline constexpr int OrdersPerParticipantMax = 20;
inline constexpr int HoursMax = 24;

struct PilotParams {
    int participants = 100;
    quint64 seed = 1;
    int ordersPerParticipant = 3;
    double failureRate = 0.05; // the simulated fulfilment's failure rate
    int hours = 8;             // the simulated day's length

    // The day's rules.
    qint64 grantUnits = 20'000;          // credited to each participant at the start
    qint64 orderLimitUnits = 8'000;      // the attestor's most per order
    qint64 dayLimitUnits = 15'000;       // the attestor's most per participant per day
    int velocityOrders = 2;              // at most this many orders ...
    qint64 velocityWindowMs = 10 * 60'000; // ... in this simulated window
    qint64 attestationFreshMs = 5 * 60'000; // an attestation's life at the terminal
    qint64 holdTimeoutMs = 2 * 3'600'000;  // a hold not delivered by then is voided

    // The simulated participants' behaviour (seeded).
    qint64 orderMinUnits = 1'500;
    qint64 orderMaxUnits = 6'000;
    double forgeryRate = 0.005;    // an intent altered after signing
    double replayRate = 0.005;     // an intent sent again (its nonce seen before)
    double overLimitRate = 0.005;  // an order above the per-order limit
    double burstRate = 0.01;       // participants who place every order within a minute
    double reuseRate = 0.005;      // an attestation presented to the terminal twice

    // The simulated fulfilment and gift-card issuer (seeded).
    double partialRate = 0.10;            // deliveries with part of the items
    double latencyMedianMs = 40 * 60'000; // fulfilment latency, log-normal
    double latencySigma = 0.5;
    double issuerFailureRate = 0.05;      // per attempt
    double issuerLostReplyRate = 0.02;    // issued, but the reply is lost (the retry must not issue twice)
    int issuerAttempts = 3;
    qint64 issuerLatencyMs = 800;         // per attempt
};

// Strict: only participants, seed, orders_per_participant, failure_rate and
// hours, each in range (the field at fault named).
Result<PilotParams> pilotParamsFromJson(const QJsonObject &object);
// The operator's parameters, as pilotParamsFromJson reads them.
QJsonObject pilotParamsJson(const PilotParams &params);

} // namespace cabinet::pilot

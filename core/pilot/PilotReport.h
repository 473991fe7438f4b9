#pragma once

// What a pilot day counts as it runs, and the report made of it: the
// delivery rate against the seed's target, orders by outcome, every credit
// accounted for, latency percentiles per stage, fraud refusals by reason,
// and the forecast against the outcome.
#include "pilot/Anchor.h"
#include "pilot/Attestor.h"
#include "pilot/CreditTerminal.h"
#include "pilot/PilotAccounts.h"
#include "pilot/PilotForecast.h"

#include <QJsonObject>

#include <map>
#include <vector>

namespace cabinet::pilot {

struct DayTally {
    quint64 submissions = 0;
    std::map<AttestorRefusal, quint64> attestorRefusals;
    std::map<TerminalRefusal, quint64> terminalRefusals;
    quint64 insufficientCredits = 0; // attested, but the ledger found too few credits
    std::map<OrderOutcome, quint64> outcomes;
    StageCounts stages;
    std::vector<qint64> fulfilmentMs, giftCardMs, orderToDeliveryMs; // simulated
    quint64 issuerAttempts = 0;
    quint64 conservationChecks = 0;
    CreditCount credits;

    void add(const Fulfilment &f);
    quint64 held() const; // orders that reached the anchor
    double deliveryRate() const;
};

// {p50, p90, p99, max, count} of simulated milliseconds.
QJsonObject percentiles(std::vector<qint64> values);

QJsonObject dayReport(const PilotParams &params, const DayTally &tally, const SimulatedGiftCardIssuer &issuer, qsizetype ordersWithCode);

} // namespace cabinet::pilot

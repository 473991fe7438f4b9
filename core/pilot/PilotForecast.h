#pragma once

// The delivery rate forecast before go-live, from the simulated
// fulfilment's parameters, on the scenario engine's Bayesian layer
// (gpu/Bayes.h): a Beta prior on each stage's success (fulfilment, on
// time, gift card), then a CPU Monte-Carlo over the day's orders, each
// draw taking every stage's rate from its Beta and every order through
// the stages. After the day each stage's Beta takes the observed counts
// (Beta-Binomial) and the report sets forecast and outcome side by side.
#include "pilot/PilotParams.h"

#include <QJsonObject>

namespace cabinet::pilot {

// The Beta prior's weight in orders: the parameters are believed about as
// much as this many observed orders.
inline constexpr double ForecastPriorOrders = 200.0;
inline constexpr int ForecastDraws = 400;
// The orders a draw simulates, at most (the day's expected holds, capped).
inline constexpr qint64 ForecastOrdersMax = 50'000;

struct StageCounts {
    quint64 fulfilled = 0, fulfilmentFailed = 0; // the anchor: delivered anything or failed
    quint64 onTime = 0, timedOut = 0;           // of those not failed
    quint64 carded = 0, cardFailed = 0;         // the adapter, of those on time
};

// The stages' prior success rates as the parameters give them.
struct StageRates {
    double fulfilment = 0, onTime = 0, giftCard = 0;
};
StageRates stageRates(const PilotParams &params);

// {stages: {name: {prior_mean, ...}}, orders, draws, mean, p05, p95}.
QJsonObject forecastDeliveryRate(const PilotParams &params, qint64 expectedOrders);
// Each stage's posterior after the day's counts: {name: {successes, failures, posterior_mean, lower, upper}}.
QJsonObject stagePosteriors(const PilotParams &params, const StageCounts &counts);

} // namespace cabinet::pilot

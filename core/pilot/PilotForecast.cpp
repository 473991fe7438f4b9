#include "pilot/PilotForecast.h"

#include <Bayes.h>
#include "pilot/PilotRandom.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace cabinet::pilot {

namespace {

constexpr quint64 ForecastStream = 5ull << 40;

gpu::bayes::BetaPosterior prior(double rate)
{
    // Beta(1 + w p, 1 + w (1 - p)): finite and positive for every p in [0, 1].
    auto posterior = gpu::bayes::betaBinomialPosterior(1.0 + ForecastPriorOrders * rate, 1.0 + ForecastPriorOrders * (1.0 - rate), 0, 0);
    return posterior.value();
}

QJsonObject stageJson(const gpu::bayes::BetaPosterior &beta)
{
    const auto interval = beta.credibleInterval(0.90);
    return { { QStringLiteral("mean"), beta.mean() }, { QStringLiteral("lower_90"), interval.lower }, { QStringLiteral("upper_90"), interval.upper } };
}

} // namespace

StageRates stageRates(const PilotParams &params)
{
    StageRates r;
    r.fulfilment = 1.0 - params.failureRate;
    // P(log-normal latency <= the hold's timeout).
    const double z = (std::log(double(params.holdTimeoutMs)) - std::log(params.latencyMedianMs)) / params.latencySigma;
    r.onTime = 0.5 * std::erfc(-z / std::sqrt(2.0));
    const double attempt = (1.0 - params.issuerFailureRate) * (1.0 - params.issuerLostReplyRate);
    r.giftCard = 1.0 - std::pow(1.0 - attempt, params.issuerAttempts);
    return r;
}

QJsonObject forecastDeliveryRate(const PilotParams &params, qint64 expectedOrders)
{
    const StageRates rates = stageRates(params);
    const gpu::bayes::BetaPosterior stages[] = { prior(rates.fulfilment), prior(rates.onTime), prior(rates.giftCard) };
    const qint64 orders = std::clamp<qint64>(expectedOrders, 1, ForecastOrdersMax);
    std::vector<double> rateOfDraw;
    rateOfDraw.reserve(ForecastDraws);
    for (int d = 0; d < ForecastDraws; ++d) {
        double p[3];
        for (int s = 0; s < 3; ++s)
            p[s] = stages[s].draw(params.seed + quint64(s), quint64(d));
        PilotRandom random(params.seed, ForecastStream + quint64(d));
        qint64 delivered = 0;
        for (qint64 o = 0; o < orders; ++o)
            delivered += random.chance(p[0]) && random.chance(p[1]) && random.chance(p[2]);
        rateOfDraw.push_back(double(delivered) / double(orders));
    }
    std::sort(rateOfDraw.begin(), rateOfDraw.end());
    double sum = 0;
    for (double r : rateOfDraw)
        sum += r;
    const auto at = [&](double q) { return rateOfDraw[size_t(std::min<double>(ForecastDraws - 1, q * ForecastDraws))]; };
    return { { QStringLiteral("method"), QStringLiteral("beta prior per stage from the simulated parameters, CPU Monte-Carlo over the day's orders") },
             { QStringLiteral("stages"), QJsonObject { { QStringLiteral("fulfilment"), stageJson(stages[0]) },
                                                       { QStringLiteral("on_time"), stageJson(stages[1]) },
                                                       { QStringLiteral("gift_card"), stageJson(stages[2]) } } },
             { QStringLiteral("orders"), orders },
             { QStringLiteral("draws"), ForecastDraws },
             { QStringLiteral("mean"), sum / ForecastDraws },
             { QStringLiteral("p05"), at(0.05) },
             { QStringLiteral("p95"), at(0.95) } };
}

QJsonObject stagePosteriors(const PilotParams &params, const StageCounts &counts)
{
    const StageRates rates = stageRates(params);
    auto stage = [](double rate, quint64 successes, quint64 failures) {
        auto posterior = gpu::bayes::betaBinomialPosterior(1.0 + ForecastPriorOrders * rate, 1.0 + ForecastPriorOrders * (1.0 - rate), successes, failures);
        QJsonObject json = stageJson(posterior.value());
        json.insert(QStringLiteral("successes"), qint64(successes));
        json.insert(QStringLiteral("failures"), qint64(failures));
        return json;
    };
    return { { QStringLiteral("fulfilment"), stage(rates.fulfilment, counts.fulfilled, counts.fulfilmentFailed) },
             { QStringLiteral("on_time"), stage(rates.onTime, counts.onTime, counts.timedOut) },
             { QStringLiteral("gift_card"), stage(rates.giftCard, counts.carded, counts.cardFailed) } };
}

} // namespace cabinet::pilot

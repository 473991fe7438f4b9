#include "pilot/PilotReport.h"

#include "pilot/PilotDay.h"

#include <algorithm>

namespace cabinet::pilot {

void DayTally::add(const Fulfilment &f)
{
    ++outcomes[f.outcome];
    if (f.outcome == OrderOutcome::FulfilmentFailed) {
        ++stages.fulfilmentFailed;
        return;
    }
    ++stages.fulfilled;
    fulfilmentMs.push_back(f.fulfilmentMs);
    if (f.outcome == OrderOutcome::TimedOut) {
        ++stages.timedOut;
        return;
    }
    ++stages.onTime;
    giftCardMs.push_back(f.giftCardMs);
    issuerAttempts += quint64(f.issuerAttempts);
    if (f.outcome == OrderOutcome::IssuerFailed) {
        ++stages.cardFailed;
        return;
    }
    ++stages.carded;
    orderToDeliveryMs.push_back(f.totalMs());
}

quint64 DayTally::held() const
{
    quint64 n = 0;
    for (const auto &[outcome, count] : outcomes)
        n += count;
    return n;
}

double DayTally::deliveryRate() const
{
    const quint64 n = held();
    if (n == 0)
        return 0.0;
    const auto count = [this](OrderOutcome o) { auto it = outcomes.find(o); return it == outcomes.end() ? quint64(0) : it->second; };
    return double(count(OrderOutcome::Delivered) + count(OrderOutcome::Partial)) / double(n);
}

QJsonObject percentiles(std::vector<qint64> values)
{
    if (values.empty())
        return { { QStringLiteral("count"), 0 } };
    std::sort(values.begin(), values.end());
    const auto at = [&](double q) { return values[std::min(values.size() - 1, size_t(q * double(values.size())))]; };
    return { { QStringLiteral("count"), qint64(values.size()) }, { QStringLiteral("p50"), at(0.50) }, { QStringLiteral("p90"), at(0.90) },
             { QStringLiteral("p99"), at(0.99) }, { QStringLiteral("max"), values.back() } };
}

QJsonObject dayReport(const PilotParams &params, const DayTally &tally, const SimulatedGiftCardIssuer &issuer, qsizetype ordersWithCode)
{
    QJsonObject outcomes;
    for (OrderOutcome o : AllOrderOutcomes) {
        auto it = tally.outcomes.find(o);
        outcomes.insert(orderOutcomeName(o), qint64(it == tally.outcomes.end() ? 0 : it->second));
    }
    quint64 attestorRefused = 0, terminalRefused = 0;
    QJsonObject attestor, terminal;
    for (AttestorRefusal r : AllAttestorRefusals) {
        auto it = tally.attestorRefusals.find(r);
        const quint64 n = it == tally.attestorRefusals.end() ? 0 : it->second;
        attestorRefused += n;
        attestor.insert(attestorRefusalName(r), qint64(n));
    }
    for (TerminalRefusal r : AllTerminalRefusals) {
        auto it = tally.terminalRefusals.find(r);
        const quint64 n = it == tally.terminalRefusals.end() ? 0 : it->second;
        terminalRefused += n;
        terminal.insert(terminalRefusalName(r), qint64(n));
    }
    outcomes.insert(QStringLiteral("refused_by_attestor"), qint64(attestorRefused));
    outcomes.insert(QStringLiteral("refused_by_terminal"), qint64(terminalRefused));
    outcomes.insert(QStringLiteral("insufficient_credits"), qint64(tally.insufficientCredits));

    QJsonObject credits = tally.credits.json();
    credits.insert(QStringLiteral("unit"), QStringLiteral("pilot credit units on ledger 2 (1 credit = 100 units), never USD"));
    credits.insert(QStringLiteral("checks"), qint64(tally.conservationChecks));

    const QJsonObject forecast = forecastDeliveryRate(params, qint64(tally.held()));
    const double rate = tally.deliveryRate();
    return {
        { QStringLiteral("simulated"), QStringLiteral("simulated participants (studio), simulated fulfilment (anchor), simulated gift-card issuer; "
                                                      "the attestor, the terminal and the ledger are real") },
        { QStringLiteral("params"), pilotParamsJson(params) },
        { QStringLiteral("submissions"), qint64(tally.submissions) },
        { QStringLiteral("orders_held"), qint64(tally.held()) },
        { QStringLiteral("delivery_rate"), rate },
        { QStringLiteral("delivery_rate_target"), DeliveryRateTarget },
        { QStringLiteral("target_met"), rate >= DeliveryRateTarget },
        { QStringLiteral("orders"), outcomes },
        { QStringLiteral("refusals"), QJsonObject { { QStringLiteral("attestor"), attestor }, { QStringLiteral("terminal"), terminal } } },
        { QStringLiteral("credits"), credits },
        { QStringLiteral("latency_ms"), QJsonObject { { QStringLiteral("fulfilment"), percentiles(tally.fulfilmentMs) },
                                                      { QStringLiteral("gift_card"), percentiles(tally.giftCardMs) },
                                                      { QStringLiteral("order_to_delivery"), percentiles(tally.orderToDeliveryMs) } } },
        { QStringLiteral("gift_cards"), QJsonObject { { QStringLiteral("issued"), qint64(issuer.issued()) },
                                                      { QStringLiteral("value_units"), issuer.issuedUnits() },
                                                      { QStringLiteral("orders_with_code"), qint64(ordersWithCode) },
                                                      { QStringLiteral("issuer_attempts"), qint64(tally.issuerAttempts) } } },
        { QStringLiteral("forecast"), forecast },
        { QStringLiteral("forecast_vs_outcome"),
          QJsonObject { { QStringLiteral("forecast_mean"), forecast.value(QStringLiteral("mean")) },
                        { QStringLiteral("outcome"), rate },
                        { QStringLiteral("within_90"), rate >= forecast.value(QStringLiteral("p05")).toDouble() && rate <= forecast.value(QStringLiteral("p95")).toDouble() },
                        { QStringLiteral("stages_after"), stagePosteriors(params, tally.stages) } } },
    };
}

} // namespace cabinet::pilot

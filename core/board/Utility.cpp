#include "board/Utility.h"

#include "Assert.h"

#include <cmath>

namespace cabinet::board {

namespace {

struct KindInfo {
    UtilityKind kind;
    const char *name;
    QStringList params;
};

const QList<KindInfo> &kinds()
{
    static const QList<KindInfo> list = {
        { UtilityKind::Downside, "downside", { QStringLiteral("weight_p5") } },
        { UtilityKind::Upside, "upside", {} },
        { UtilityKind::Median, "median", {} },
        { UtilityKind::MeanRisk, "mean_risk", { QStringLiteral("risk_aversion") } },
        { UtilityKind::LossRisk, "loss_risk", { QStringLiteral("tolerance") } },
        { UtilityKind::BreachRisk, "breach_risk", { QStringLiteral("tolerance") } },
        { UtilityKind::FailureRisk, "failure_risk", { QStringLiteral("tolerance") } },
    };
    return list;
}

const KindInfo &info(UtilityKind kind)
{
    for (const KindInfo &k : kinds())
        if (k.kind == kind)
            return k;
    CABINET_ASSERT_MSG(false, "utility kind %d has no entry", int(kind));
    return kinds().first();
}

bool isMoneyKind(UtilityKind kind)
{
    return kind == UtilityKind::Downside || kind == UtilityKind::Upside || kind == UtilityKind::Median || kind == UtilityKind::MeanRisk;
}

} // namespace

QString utilityKindName(UtilityKind kind) { return QLatin1String(info(kind).name); }

QStringList utilityKindNames()
{
    QStringList names;
    for (const KindInfo &k : kinds())
        names.append(QLatin1String(k.name));
    return names;
}

QStringList utilityParamNames(UtilityKind kind) { return info(kind).params; }

Result<Utility> makeUtility(const QString &kind, const QMap<QString, double> &params)
{
    const KindInfo *found = nullptr;
    for (const KindInfo &k : kinds())
        if (kind == QLatin1String(k.name))
            found = &k;
    if (!found)
        return Error { ErrorCode::InvalidArgument,
                       QStringLiteral("unknown utility kind (the kinds are %1)").arg(utilityKindNames().join(QStringLiteral(", "))),
                       QStringLiteral("kind") };
    for (auto it = params.begin(); it != params.end(); ++it)
        if (!found->params.contains(it.key()))
            return Error { ErrorCode::InvalidArgument,
                           QStringLiteral("%1 takes no parameter %2 (its parameters: %3)")
                                   .arg(kind, it.key(), found->params.isEmpty() ? QStringLiteral("none") : found->params.join(QStringLiteral(", "))),
                           it.key() };
    for (const QString &name : found->params)
        if (!params.contains(name))
            return Error { ErrorCode::InvalidArgument, QStringLiteral("%1 needs the parameter %2").arg(kind, name), name };

    Utility u;
    u.kind = found->kind;
    auto out = [&](const QString &name, double lo, double hi, bool loOpen) -> std::optional<Error> {
        const double v = params.value(name);
        if (!std::isfinite(v) || (loOpen ? v <= lo : v < lo) || v > hi)
            return Error { ErrorCode::InvalidArgument,
                           QStringLiteral("%1 %2: expected a number %3 %4 to %5").arg(name).arg(v).arg(loOpen ? QStringLiteral("above") : QStringLiteral("from")).arg(lo).arg(hi),
                           name };
        return std::nullopt;
    };
    switch (u.kind) {
    case UtilityKind::Downside:
        if (auto bad = out(QStringLiteral("weight_p5"), 0, 1, false))
            return *bad;
        u.weightP5 = params.value(QStringLiteral("weight_p5"));
        break;
    case UtilityKind::MeanRisk:
        if (auto bad = out(QStringLiteral("risk_aversion"), 0, RiskAversionMax, false))
            return *bad;
        u.riskAversion = params.value(QStringLiteral("risk_aversion"));
        break;
    case UtilityKind::LossRisk:
    case UtilityKind::BreachRisk:
    case UtilityKind::FailureRisk:
        // Above zero: the tolerance is also the score's scale.
        if (auto bad = out(QStringLiteral("tolerance"), 0, 1, true))
            return *bad;
        u.tolerance = params.value(QStringLiteral("tolerance"));
        break;
    case UtilityKind::Upside:
    case UtilityKind::Median:
        break;
    }
    return u;
}

double utilityValue(const Utility &u, const OutcomeSummary &s)
{
    switch (u.kind) {
    case UtilityKind::Downside:
        return u.weightP5 * s.p5Gain + (1 - u.weightP5) * s.cvar95Gain;
    case UtilityKind::Upside:
        return s.p95Gain;
    case UtilityKind::Median:
        return s.p50Gain;
    case UtilityKind::MeanRisk:
        return s.meanGain - u.riskAversion * s.stdDev;
    case UtilityKind::LossRisk:
        return u.tolerance - s.probabilityOfLoss;
    case UtilityKind::BreachRisk:
        return u.tolerance - s.probabilityOfBreach;
    case UtilityKind::FailureRisk:
        return u.tolerance - s.probabilityOfFailure;
    }
    CABINET_ASSERT_MSG(false, "utility kind %d has no formula", int(u.kind));
    return 0;
}

double normalizedScore(const Utility &u, const OutcomeSummary &s)
{
    CABINET_ASSERT_MSG(s.scaleUsd > 0, "scale %f", s.scaleUsd);
    const double scale = isMoneyKind(u.kind) ? s.scaleUsd : u.tolerance;
    return std::tanh(utilityValue(u, s) / scale);
}

QString utilityFormula(const Utility &u)
{
    switch (u.kind) {
    case UtilityKind::Downside:
        return QStringLiteral("%1 x P5 + %2 x CVaR95 of the gain").arg(u.weightP5).arg(1 - u.weightP5);
    case UtilityKind::Upside:
        return QStringLiteral("P95 of the gain");
    case UtilityKind::Median:
        return QStringLiteral("P50 of the gain");
    case UtilityKind::MeanRisk:
        return QStringLiteral("mean - %1 x standard deviation of the gain").arg(u.riskAversion);
    case UtilityKind::LossRisk:
        return QStringLiteral("%1 - P(loss)").arg(u.tolerance);
    case UtilityKind::BreachRisk:
        return QStringLiteral("%1 - P(budget breach)").arg(u.tolerance);
    case UtilityKind::FailureRisk:
        return QStringLiteral("%1 - P(failure event)").arg(u.tolerance);
    }
    CABINET_ASSERT_MSG(false, "utility kind %d has no formula", int(u.kind));
    return {};
}

} // namespace cabinet::board

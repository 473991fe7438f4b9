#include "scenario/ScenarioJson.h"

#include "QuotedInput.h"

#include <QJsonArray>

#include <cmath>

namespace cabinet::scenario {

namespace {

struct DoubleField {
    const char *name;
    double gpu::ScenarioParams::*member;
};
struct SeriesField {
    const char *name;
    std::vector<float> gpu::ScenarioParams::*member;
};

constexpr DoubleField doubleFields[] = {
    { "initial_value", &gpu::ScenarioParams::initial_value },
    { "value_drift_daily", &gpu::ScenarioParams::value_drift_daily },
    { "value_volatility_daily", &gpu::ScenarioParams::value_volatility_daily },
    { "cost_log_mean", &gpu::ScenarioParams::cost_log_mean },
    { "cost_log_sd", &gpu::ScenarioParams::cost_log_sd },
    { "shock_probability_daily", &gpu::ScenarioParams::shock_probability_daily },
    { "shock_log_mean", &gpu::ScenarioParams::shock_log_mean },
    { "shock_log_sd", &gpu::ScenarioParams::shock_log_sd },
    { "failure_probability_daily", &gpu::ScenarioParams::failure_probability_daily },
    { "failure_cost", &gpu::ScenarioParams::failure_cost },
    { "budget", &gpu::ScenarioParams::budget },
    { "initial_capital", &gpu::ScenarioParams::initial_capital },
};
constexpr SeriesField seriesFields[] = {
    { "failure_probability_per_scenario", &gpu::ScenarioParams::failure_probability_per_scenario },
    { "cost_log_mean_per_scenario", &gpu::ScenarioParams::cost_log_mean_per_scenario },
    { "cost_log_sd_per_scenario", &gpu::ScenarioParams::cost_log_sd_per_scenario },
};

Error fieldError(const QString &field, const QString &problem)
{
    return Error { ErrorCode::InvalidArgument, QStringLiteral("%1: %2").arg(field, problem), field };
}

// An unsigned integer given as a JSON number or a decimal string.
Result<quint64> unsignedValue(const QString &field, const QJsonValue &value, quint64 max)
{
    bool ok = false;
    quint64 parsed = 0;
    if (value.isString()) {
        parsed = value.toString().toULongLong(&ok);
    } else if (value.isDouble()) {
        const double d = value.toDouble();
        ok = d >= 0 && d == std::floor(d) && d <= 9007199254740992.0; // exact in a double
        parsed = ok ? quint64(d) : 0;
    }
    if (!ok)
        return fieldError(field, QStringLiteral("expected a non-negative integer"));
    if (parsed > max)
        return fieldError(field, QStringLiteral("must be at most %1").arg(max));
    return parsed;
}

QJsonValue finiteOrNull(double value)
{
    return std::isfinite(value) ? QJsonValue(value) : QJsonValue(QJsonValue::Null);
}

} // namespace

Result<gpu::ScenarioParams> paramsFromJson(const QJsonObject &json, gpu::ScenarioParams params)
{
    for (auto it = json.begin(); it != json.end(); ++it) {
        const QString field = it.key();
        const QJsonValue value = it.value();
        if (field == QLatin1String("horizon_days") || field == QLatin1String("scenarios")) {
            auto parsed = unsignedValue(field, value, std::numeric_limits<std::uint32_t>::max());
            if (!parsed)
                return parsed.error();
            (field == QLatin1String("scenarios") ? params.scenarios : params.horizon_days) = std::uint32_t(*parsed);
            continue;
        }
        if (field == QLatin1String("seed")) {
            auto parsed = unsignedValue(field, value, std::numeric_limits<quint64>::max());
            if (!parsed)
                return parsed.error();
            params.seed = *parsed;
            continue;
        }
        bool known = false;
        for (const auto &f : doubleFields) {
            if (field != QLatin1String(f.name))
                continue;
            known = true;
            if (field == QLatin1String("budget") && value.isNull()) {
                params.budget = std::numeric_limits<double>::infinity();
            } else if (!value.isDouble()) {
                return fieldError(field, QStringLiteral("expected a number"));
            } else {
                params.*f.member = value.toDouble();
            }
        }
        for (const auto &f : seriesFields) {
            if (field != QLatin1String(f.name))
                continue;
            known = true;
            if (!value.isArray())
                return fieldError(field, QStringLiteral("expected an array of numbers"));
            std::vector<float> series;
            const QJsonArray array = value.toArray();
            series.reserve(size_t(array.size()));
            for (qsizetype i = 0; i < array.size(); ++i) {
                if (!array.at(i).isDouble())
                    return fieldError(QStringLiteral("%1[%2]").arg(field).arg(i), QStringLiteral("expected a number"));
                series.push_back(float(array.at(i).toDouble()));
            }
            params.*f.member = std::move(series);
        }
        if (!known) // the name is the user's: quoted safely, not as a known field's
            return Error { ErrorCode::InvalidArgument, QStringLiteral("unknown field %1").arg(quoteInput(field)), field };
    }
    if (auto problem = gpu::validate(params))
        return Error { ErrorCode::InvalidArgument, QString::fromStdString(*problem), problemField(*problem) };
    return params;
}

QJsonObject paramsToJson(const gpu::ScenarioParams &params)
{
    QJsonObject json {
        { QStringLiteral("horizon_days"), qint64(params.horizon_days) },
        { QStringLiteral("scenarios"), qint64(params.scenarios) },
        { QStringLiteral("seed"), QString::number(params.seed) },
    };
    for (const auto &f : doubleFields)
        json.insert(QLatin1String(f.name), finiteOrNull(params.*f.member));
    for (const auto &f : seriesFields) {
        if ((params.*f.member).empty())
            continue;
        QJsonArray array;
        for (float v : params.*f.member)
            array.append(double(v));
        json.insert(QLatin1String(f.name), array);
    }
    return json;
}

QJsonObject resultToJson(const gpu::ScenarioResult &result)
{
    QJsonArray counts;
    for (auto count : result.histogram.counts)
        counts.append(qint64(count));
    QJsonArray paths;
    for (const auto &path : result.sample_paths) {
        QJsonArray value, cost;
        for (float v : path.value)
            value.append(double(v));
        for (float c : path.cumulative_cost)
            cost.append(double(c));
        paths.append(QJsonObject { { QStringLiteral("scenario"), qint64(path.scenario) },
                                   { QStringLiteral("value"), value },
                                   { QStringLiteral("cumulative_cost"), cost } });
    }
    return QJsonObject {
        { QStringLiteral("backend"), QString::fromStdString(result.backend) },
        { QStringLiteral("device"), QString::fromStdString(result.device) },
        { QStringLiteral("elapsed_ms"), result.elapsed_ms },
        { QStringLiteral("simulate_ms"), result.simulate_ms },
        { QStringLiteral("scenarios"), qint64(result.scenarios) },
        { QStringLiteral("horizon_days"), qint64(result.horizon_days) },
        { QStringLiteral("mean"), result.mean },
        { QStringLiteral("std_dev"), result.std_dev },
        { QStringLiteral("p5"), result.p5 },
        { QStringLiteral("p50"), result.p50 },
        { QStringLiteral("p95"), result.p95 },
        { QStringLiteral("min"), result.min },
        { QStringLiteral("max"), result.max },
        { QStringLiteral("probability_of_loss"), result.probability_of_loss },
        { QStringLiteral("probability_of_budget_breach"), result.probability_of_budget_breach },
        { QStringLiteral("expected_shortfall_95"), result.expected_shortfall_95 },
        { QStringLiteral("cost_mean"), result.cost_mean },
        { QStringLiteral("cost_p5"), result.cost_p5 },
        { QStringLiteral("cost_p50"), result.cost_p50 },
        { QStringLiteral("cost_p95"), result.cost_p95 },
        { QStringLiteral("final_value_mean"), result.final_value_mean },
        { QStringLiteral("histogram"),
          QJsonObject { { QStringLiteral("min"), result.histogram.min },
                        { QStringLiteral("max"), result.histogram.max },
                        { QStringLiteral("counts"), counts },
                        { QStringLiteral("below"), qint64(result.histogram.below) },
                        { QStringLiteral("above"), qint64(result.histogram.above) } } },
        { QStringLiteral("sample_paths"), paths },
    };
}

QString problemField(const std::string &problem)
{
    const QString first = QString::fromStdString(problem).section(u' ', 0, 0);
    static const QStringList fields = [] {
        QStringList names = paramsToJson(gpu::ScenarioParams {}).keys();
        names << QStringLiteral("histogram_bins") << QStringLiteral("sample_paths");
        return names;
    }();
    return fields.contains(first) ? first : QString();
}

} // namespace cabinet::scenario

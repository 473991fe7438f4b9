#include "gui/ScenarioSession.h"

#include "scenario/ScenarioJson.h"
#include "scenario/ScenarioRunner.h"

#include <QJsonArray>
#include <cmath>
#include <limits>

namespace cabinet::gui {

// What run() hands to the core thread: the job id of this run, once the
// runner gave one. Only the core thread reads or writes it, so cancel()
// stops this run and never another.
struct ScenarioSession::Ticket {
    quint64 job = 0;
};

namespace {
constexpr double Infinity = std::numeric_limits<double>::infinity();
}

ScenarioSession::ScenarioSession(QObject *parent)
    : QObject(parent)
{
    resetParameters();
}

ScenarioSession::~ScenarioSession()
{
    // Nobody would read the result; free the runner for the next session.
    cancel();
}

void ScenarioSession::setConnection(CoreConnection *connection)
{
    if (connection == m_connection)
        return;
    if (m_connection)
        m_connection->unsubscribe(std::exchange(m_subscription, 0));
    m_connection = connection;
    // The run is a job: its progress and its end are job.* events.
    if (m_connection)
        m_subscription = m_connection->subscribe({ QStringLiteral("job.") }, this, [this](const Event &event) { onJobEvent(event); });
    Q_EMIT connectionChanged();
}

double ScenarioSession::resultBudget() const
{
    const QJsonValue budget = m_result.value(u"params").toObject().value(u"budget");
    return budget.isDouble() ? budget.toDouble() : Infinity;
}

double ScenarioSession::resultInitialCapital() const
{
    return m_result.value(u"params").toObject().value(u"initial_capital").toDouble();
}

void ScenarioSession::resetParameters()
{
    const gpu::ScenarioParams defaults;
    m_scenarios = int(defaults.scenarios);
    m_horizonDays = int(defaults.horizon_days);
    m_seed = QString::number(defaults.seed);
    m_backend = QStringLiteral("auto");
    m_initialValue = defaults.initial_value;
    m_valueDriftDaily = defaults.value_drift_daily;
    m_valueVolatilityDaily = defaults.value_volatility_daily;
    m_dailyCostMedian = std::exp(defaults.cost_log_mean);
    m_dailyCostLogSd = defaults.cost_log_sd;
    m_failureProbabilityDaily = defaults.failure_probability_daily;
    m_failureCost = defaults.failure_cost;
    m_shockProbabilityDaily = defaults.shock_probability_daily;
    m_shockDrop = 1.0 - std::exp(defaults.shock_log_mean);
    m_budget = defaults.budget;
    m_initialCapital = defaults.initial_capital;
    Q_EMIT parametersChanged();
}

QJsonObject ScenarioSession::parameters() const
{
    QJsonObject json {
        { QStringLiteral("scenarios"), m_scenarios },
        { QStringLiteral("horizon_days"), m_horizonDays },
        { QStringLiteral("seed"), m_seed.trimmed() },
        { QStringLiteral("initial_value"), m_initialValue },
        { QStringLiteral("value_drift_daily"), m_valueDriftDaily },
        { QStringLiteral("value_volatility_daily"), m_valueVolatilityDaily },
        { QStringLiteral("cost_log_mean"), std::log(m_dailyCostMedian) },
        { QStringLiteral("cost_log_sd"), m_dailyCostLogSd },
        { QStringLiteral("failure_probability_daily"), m_failureProbabilityDaily },
        { QStringLiteral("failure_cost"), m_failureCost },
        { QStringLiteral("shock_probability_daily"), m_shockProbabilityDaily },
        { QStringLiteral("shock_log_mean"), std::log(1.0 - m_shockDrop) },
        { QStringLiteral("initial_capital"), m_initialCapital },
    };
    // No budget line: the field is left out (JSON has no infinity).
    if (m_budget != Infinity)
        json.insert(QStringLiteral("budget"), m_budget);
    return json;
}

std::optional<ScenarioSession::Problem> ScenarioSession::problemInWords() const
{
    // Their logarithms would reach the engine as numbers the operator never
    // typed, so these two are checked here, in the operator's terms.
    if (!(m_dailyCostMedian > 0) || !std::isfinite(m_dailyCostMedian))
        return Problem { QStringLiteral("cost_log_mean"), tr("The median daily cost must be greater than 0.") };
    if (!(m_shockDrop >= 0 && m_shockDrop < 1))
        return Problem { QStringLiteral("shock_log_mean"), tr("The shock's drop must be at least 0 % and below 100 %.") };
    return std::nullopt;
}

void ScenarioSession::run()
{
    if (m_running)
        return;
    setCancelled(false);
    if (!m_connection || m_connection->state() != CoreConnection::Ready) {
        setError(tr("The core is not running."));
        Q_EMIT finished();
        return;
    }
    if (const auto problem = problemInWords()) {
        setError(problem->message, problem->field);
        Q_EMIT finished();
        return;
    }
    setError({});
    const quint64 run = ++m_run;
    m_ticket = std::make_shared<Ticket>();
    m_cancelRequested = false;
    setProgress(0);
    setRunning(true);

    // The run is a job of the core's runner: its progress and its end come
    // as job events carrying its id. The id is known on the core thread
    // first (the ticket), so a cancel that overtakes the reply still finds it.
    QPointer<ScenarioSession> self(this);
    m_connection->request(
        this,
        [ticket = m_ticket, json = parameters(), backend = m_backend](Cabinet &cabinet) -> Result<quint64> {
            auto job = cabinet.service<ScenarioRunner>().start(json, backend, int(gpu::kDefaultHistogramBins), 0);
            if (job)
                ticket->job = *job;
            return job;
        },
        [this, run](const Result<quint64> &job) {
            if (run != m_run)
                return;
            if (!job)
                onFailed(run, job.error());
            else
                m_job = *job;
        });
}

void ScenarioSession::cancel()
{
    if (!m_running || m_cancelRequested || !m_connection)
        return;
    m_cancelRequested = true;
    m_connection->request(
        this,
        [ticket = m_ticket](Cabinet &cabinet) { return ticket->job != 0 && cabinet.service<ScenarioRunner>().cancel(ticket->job); },
        [](bool) {});
}

void ScenarioSession::onJobEvent(const Event &event)
{
    if (m_job == 0 || quint64(event.payload.value(u"job").toInteger()) != m_job)
        return;
    if (event.type == events::JobProgress) {
        onProgress(m_run, event.payload.value(u"fraction").toDouble());
    } else if (event.type == events::JobFinished) {
        onFinished(m_run, event.payload.value(u"result").toObject());
    } else if (event.type == events::JobFailed) {
        ErrorCode code = ErrorCode::Internal;
        errorCodeFromName(event.payload.value(u"code").toString(), &code);
        onFailed(m_run, Error { code, event.payload.value(u"message").toString(), event.payload.value(u"field").toString() });
    }
}

void ScenarioSession::onProgress(quint64 run, double fraction)
{
    if (run == m_run && m_running)
        setProgress(fraction);
}

void ScenarioSession::onFinished(quint64 run, const QJsonObject &result)
{
    if (run != m_run || !m_running)
        return;
    m_job = 0;
    m_result = result;
    const QJsonObject histogram = result.value(u"histogram").toObject();
    m_histogramMin = histogram.value(u"min").toDouble();
    m_histogramMax = histogram.value(u"max").toDouble();
    m_histogramCounts.clear();
    const QJsonArray counts = histogram.value(u"counts").toArray();
    m_histogramCounts.reserve(counts.size());
    for (const QJsonValue &count : counts)
        m_histogramCounts.append(count.toDouble());
    setProgress(1);
    Q_EMIT resultChanged();
    setRunning(false);
    Q_EMIT finished();
}

void ScenarioSession::onFailed(quint64 run, const Error &error)
{
    if (run != m_run || !m_running)
        return;
    m_job = 0;
    if (m_cancelRequested || error.code == ErrorCode::Cancelled) {
        setCancelled(true);
        setError({});
    } else {
        setError(error.message, error.field);
    }
    setRunning(false);
    Q_EMIT finished();
}

void ScenarioSession::setError(const QString &message, const QString &field)
{
    if (message == m_errorMessage && field == m_errorField)
        return;
    m_errorMessage = message;
    m_errorField = field;
    Q_EMIT errorChanged();
}

void ScenarioSession::setRunning(bool running)
{
    if (running == m_running)
        return;
    m_running = running;
    Q_EMIT runningChanged();
}

void ScenarioSession::setCancelled(bool cancelled)
{
    if (cancelled == m_cancelled)
        return;
    m_cancelled = cancelled;
    Q_EMIT cancelledChanged();
}

void ScenarioSession::setProgress(double progress)
{
    if (progress == m_progress)
        return;
    m_progress = progress;
    Q_EMIT progressChanged();
}

} // namespace cabinet::gui

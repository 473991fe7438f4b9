#pragma once

#include "gui/CoreConnection.h"

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QtQml/qqmlregistration.h>

#include <memory>
#include <optional>

namespace cabinet::gui {

// One Monte Carlo run of the scenario engine as the console drives it: the
// parameters an operator edits, run() and cancel(), progress, and the
// result's statistics and histogram. The run happens in the core's
// ScenarioRunner, which simulates on a pool thread; this object only sends
// it the parameters and takes its queued reports.
//
// Parameters are in the engine's own units (gpu/ScenarioParams.h), except
// two that are easier to give in words: the median daily cost (the engine
// takes its logarithm) and the shock's typical drop (a fraction; the engine
// takes the logarithm of what remains). Bad parameters are reported by the
// core with the field's name; errorField holds that name so the panel can
// mark the input.
class ScenarioSession : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(cabinet::gui::CoreConnection *connection READ connection WRITE setConnection NOTIFY connectionChanged)

    // Parameters.
    Q_PROPERTY(int scenarios MEMBER m_scenarios NOTIFY parametersChanged)
    Q_PROPERTY(int horizonDays MEMBER m_horizonDays NOTIFY parametersChanged)
    Q_PROPERTY(QString seed MEMBER m_seed NOTIFY parametersChanged) // a 64-bit integer, as digits
    Q_PROPERTY(QString backend MEMBER m_backend NOTIFY parametersChanged) // auto, cpu or cuda
    Q_PROPERTY(double initialValue MEMBER m_initialValue NOTIFY parametersChanged)
    Q_PROPERTY(double valueDriftDaily MEMBER m_valueDriftDaily NOTIFY parametersChanged)
    Q_PROPERTY(double valueVolatilityDaily MEMBER m_valueVolatilityDaily NOTIFY parametersChanged)
    Q_PROPERTY(double dailyCostMedian MEMBER m_dailyCostMedian NOTIFY parametersChanged)
    Q_PROPERTY(double dailyCostLogSd MEMBER m_dailyCostLogSd NOTIFY parametersChanged)
    Q_PROPERTY(double failureProbabilityDaily MEMBER m_failureProbabilityDaily NOTIFY parametersChanged)
    Q_PROPERTY(double failureCost MEMBER m_failureCost NOTIFY parametersChanged)
    Q_PROPERTY(double shockProbabilityDaily MEMBER m_shockProbabilityDaily NOTIFY parametersChanged)
    Q_PROPERTY(double shockDrop MEMBER m_shockDrop NOTIFY parametersChanged)
    Q_PROPERTY(double budget MEMBER m_budget NOTIFY parametersChanged) // infinity: no budget line
    Q_PROPERTY(double initialCapital MEMBER m_initialCapital NOTIFY parametersChanged)

    // The run.
    Q_PROPERTY(bool running READ running NOTIFY runningChanged)
    Q_PROPERTY(double progress READ progress NOTIFY progressChanged)
    Q_PROPERTY(bool cancelled READ cancelled NOTIFY cancelledChanged)
    Q_PROPERTY(QString errorMessage READ errorMessage NOTIFY errorChanged)
    Q_PROPERTY(QString errorField READ errorField NOTIFY errorChanged)

    // The last result.
    Q_PROPERTY(bool hasResult READ hasResult NOTIFY resultChanged)
    Q_PROPERTY(QString backendUsed READ backendUsed NOTIFY resultChanged)
    Q_PROPERTY(QString device READ device NOTIFY resultChanged)
    Q_PROPERTY(double elapsedMs READ elapsedMs NOTIFY resultChanged)
    Q_PROPERTY(int resultScenarios READ resultScenarios NOTIFY resultChanged)
    Q_PROPERTY(int resultHorizonDays READ resultHorizonDays NOTIFY resultChanged)
    Q_PROPERTY(double mean READ mean NOTIFY resultChanged)
    Q_PROPERTY(double stdDev READ stdDev NOTIFY resultChanged)
    Q_PROPERTY(double p5 READ p5 NOTIFY resultChanged)
    Q_PROPERTY(double p50 READ p50 NOTIFY resultChanged)
    Q_PROPERTY(double p95 READ p95 NOTIFY resultChanged)
    Q_PROPERTY(double probabilityOfLoss READ probabilityOfLoss NOTIFY resultChanged)
    Q_PROPERTY(double probabilityOfBreach READ probabilityOfBreach NOTIFY resultChanged)
    Q_PROPERTY(double expectedShortfall95 READ expectedShortfall95 NOTIFY resultChanged)
    Q_PROPERTY(double costMean READ costMean NOTIFY resultChanged)
    Q_PROPERTY(double costP5 READ costP5 NOTIFY resultChanged)
    Q_PROPERTY(double costP50 READ costP50 NOTIFY resultChanged)
    Q_PROPERTY(double costP95 READ costP95 NOTIFY resultChanged)
    Q_PROPERTY(QList<qreal> histogramCounts READ histogramCounts NOTIFY resultChanged)
    Q_PROPERTY(double histogramMin READ histogramMin NOTIFY resultChanged)
    Q_PROPERTY(double histogramMax READ histogramMax NOTIFY resultChanged)
    Q_PROPERTY(double resultBudget READ resultBudget NOTIFY resultChanged)           // infinity: none
    Q_PROPERTY(double resultInitialCapital READ resultInitialCapital NOTIFY resultChanged)
public:
    explicit ScenarioSession(QObject *parent = nullptr);
    ~ScenarioSession() override;

    CoreConnection *connection() const { return m_connection; }
    void setConnection(CoreConnection *connection);

    bool running() const { return m_running; }
    double progress() const { return m_progress; }
    bool cancelled() const { return m_cancelled; }
    QString errorMessage() const { return m_errorMessage; }
    QString errorField() const { return m_errorField; }

    bool hasResult() const { return !m_result.isEmpty(); }
    QString backendUsed() const { return text(u"backend"); }
    QString device() const { return text(u"device"); }
    double elapsedMs() const { return number(u"elapsed_ms"); }
    int resultScenarios() const { return int(number(u"scenarios")); }
    int resultHorizonDays() const { return int(number(u"horizon_days")); }
    double mean() const { return number(u"mean"); }
    double stdDev() const { return number(u"std_dev"); }
    double p5() const { return number(u"p5"); }
    double p50() const { return number(u"p50"); }
    double p95() const { return number(u"p95"); }
    double probabilityOfLoss() const { return number(u"probability_of_loss"); }
    double probabilityOfBreach() const { return number(u"probability_of_budget_breach"); }
    double expectedShortfall95() const { return number(u"expected_shortfall_95"); }
    double costMean() const { return number(u"cost_mean"); }
    double costP5() const { return number(u"cost_p5"); }
    double costP50() const { return number(u"cost_p50"); }
    double costP95() const { return number(u"cost_p95"); }
    QList<qreal> histogramCounts() const { return m_histogramCounts; }
    double histogramMin() const { return m_histogramMin; }
    double histogramMax() const { return m_histogramMax; }
    double resultBudget() const;
    double resultInitialCapital() const;

    // The parameters as the engine takes them (gpu/ScenarioParams.h field names).
    QJsonObject parameters() const;

    // Starts a run with the current parameters; does nothing while one runs.
    Q_INVOKABLE void run();
    // Asks the run in flight to stop; it ends with cancelled set.
    Q_INVOKABLE void cancel();
    // The engine's defaults again.
    Q_INVOKABLE void resetParameters();

Q_SIGNALS:
    void connectionChanged();
    void parametersChanged();
    void runningChanged();
    void progressChanged();
    void cancelledChanged();
    void errorChanged();
    void resultChanged();
    // A run ended: with a result, or with errorMessage / cancelled set.
    void finished();

private:
    struct Ticket;
    struct Problem {
        QString field; // the engine's name for it
        QString message;
    };

    std::optional<Problem> problemInWords() const;
    QString text(QStringView key) const { return m_result.value(key).toString(); }
    double number(QStringView key) const { return m_result.value(key).toDouble(); }
    void onProgress(quint64 run, double fraction);
    void onFinished(quint64 run, const QJsonObject &result);
    void onFailed(quint64 run, const Error &error);
    void onJobEvent(const cabinet::Event &event);
    void setError(const QString &message, const QString &field = {});
    void setRunning(bool running);
    void setCancelled(bool cancelled);
    void setProgress(double progress);

    QPointer<CoreConnection> m_connection;
    int m_subscription = 0; // to job.* events

    int m_scenarios = 0;
    int m_horizonDays = 0;
    QString m_seed;
    QString m_backend;
    double m_initialValue = 0;
    double m_valueDriftDaily = 0;
    double m_valueVolatilityDaily = 0;
    double m_dailyCostMedian = 0;
    double m_dailyCostLogSd = 0;
    double m_failureProbabilityDaily = 0;
    double m_failureCost = 0;
    double m_shockProbabilityDaily = 0;
    double m_shockDrop = 0;
    double m_budget = 0;
    double m_initialCapital = 0;

    quint64 m_run = 0; // reports of earlier runs are ignored
    std::shared_ptr<Ticket> m_ticket; // the run in flight
    quint64 m_job = 0; // its job id, once the core has answered
    bool m_running = false;
    bool m_cancelRequested = false;
    bool m_cancelled = false;
    double m_progress = 0;
    QString m_errorMessage;
    QString m_errorField;

    QJsonObject m_result;
    QList<qreal> m_histogramCounts;
    double m_histogramMin = 0;
    double m_histogramMax = 0;
};

} // namespace cabinet::gui

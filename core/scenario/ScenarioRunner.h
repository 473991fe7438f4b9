#pragma once

#include "service/Service.h"

#include "Result.h"

#include <QJsonObject>
#include <QObject>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>

namespace cabinet {

class EventBus;

// Runs the scenario engine off the calling thread (QThreadPool) and reports
// back on the runner's thread, so neither the core's thread nor the GUI waits
// on a simulation. Each run is a job with an id: job.started, job.progress
// (at most ten a second), job.finished with the result or job.failed with
// the error's code, message and field go to the event stream, so any face
// follows a run by its id. One run at a time; the engine (and with it the
// CUDA context) is created once per backend name and kept.
class ScenarioRunner : public QObject, public Service {
    Q_OBJECT
public:
    explicit ScenarioRunner(EventBus &events, QObject *parent = nullptr);
    ~ScenarioRunner() override;

    QString name() const override { return QStringLiteral("scenarios"); }

    bool busy() const { return m_busy; }
    quint64 currentJob() const { return m_busy ? m_job : 0; }

    using Done = std::function<void(Result<QJsonObject>)>;
    // params: the JSON of gpu::ScenarioParams; backend: auto, cpu or cuda.
    // Returns the job id, or at once an error: bad parameters
    // (invalid_argument, with the field) or a run in progress
    // (resource_exhausted). `done` gets the result JSON (resultToJson plus
    // "params" as used) or the run's error.
    Result<quint64> start(const QJsonObject &params, const QString &backend, int histogramBins, int samplePaths, Done done = {});
    // Cancels the job if it is the one running; false otherwise.
    bool cancel(quint64 job);

private:
    void finish(Result<QJsonObject> result);

    struct Shared;
    EventBus &m_events;
    std::shared_ptr<Shared> m_shared; // outlives this object while a run is in flight
    bool m_busy = false;
    quint64 m_job = 0; // the newest job's id
    Done m_done;
};

} // namespace cabinet

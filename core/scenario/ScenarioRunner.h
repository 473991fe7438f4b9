#pragma once

#include <QJsonObject>
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>

namespace cabinet {

class EventBus;

// Runs the scenario engine off the calling thread (QThreadPool) and reports
// back with queued signals, so neither the core's thread nor the GUI waits on
// a simulation. One run at a time; the engine (and with it the CUDA context)
// is created once per backend name and kept.
class ScenarioRunner : public QObject {
    Q_OBJECT
public:
    explicit ScenarioRunner(EventBus &events, QObject *parent = nullptr);
    ~ScenarioRunner() override;

    bool busy() const { return m_busy; }

public Q_SLOTS:
    // params: the JSON of gpu::ScenarioParams; backend: auto, cpu or cuda.
    // Bad parameters are reported through failed(), synchronously.
    void start(const QJsonObject &params, const QString &backend, int histogramBins = 40, int samplePaths = 5);
    void cancel();

Q_SIGNALS:
    void started();
    void progress(double fraction);
    // resultToJson() of the run, plus "params" as used.
    void finished(const QJsonObject &result);
    void failed(const QString &message);

private:
    struct Shared;
    EventBus &m_events;
    std::shared_ptr<Shared> m_shared; // outlives this object while a run is in flight
    bool m_busy = false;
};

} // namespace cabinet

#include "scenario/ScenarioRunner.h"

#include "events/EventBus.h"
#include "scenario/ScenarioJson.h"

#include <QThreadPool>

#include <chrono>
#include <map>
#include <mutex>
#include <optional>

namespace cabinet {

struct ScenarioRunner::Shared {
    std::mutex mutex; // guards engines
    std::map<std::string, std::unique_ptr<gpu::ScenarioEngine>> engines;
    std::atomic<bool> cancel { false };
    // Cleared by the runner's destructor before anything else; a worker
    // posts to the runner only while holding ownerMutex with owner set, so
    // it never touches a runner being destroyed.
    std::mutex ownerMutex;
    ScenarioRunner *owner = nullptr;
};

ScenarioRunner::ScenarioRunner(EventBus &events, QObject *parent)
    : QObject(parent), m_events(events), m_shared(std::make_shared<Shared>())
{
    m_shared->owner = this;
}

ScenarioRunner::~ScenarioRunner()
{
    {
        std::lock_guard lock(m_shared->ownerMutex);
        m_shared->owner = nullptr;
    }
    m_shared->cancel = true;
}

void ScenarioRunner::start(const QJsonObject &paramsJson, const QString &backend, int histogramBins, int samplePaths)
{
    if (m_busy) {
        Q_EMIT failed(tr("a simulation is already running"));
        return;
    }
    auto params = scenario::paramsFromJson(paramsJson);
    if (!params) {
        Q_EMIT failed(params.error().message);
        return;
    }
    gpu::RunOptions options;
    options.histogram_bins = std::uint32_t(std::max(1, histogramBins));
    options.sample_paths = std::uint32_t(std::clamp<int>(samplePaths, 0, int(params->scenarios)));
    if (auto problem = gpu::validate(options, *params)) {
        Q_EMIT failed(QString::fromStdString(*problem));
        return;
    }

    m_busy = true;
    m_shared->cancel = false;
    Q_EMIT started();
    auto shared = m_shared;
    const std::string backendName = backend.toStdString();
    QThreadPool::globalInstance()->start([shared, backendName, params = std::move(*params), options]() mutable {
        // Reports go back to the runner's thread; a runner destroyed meanwhile
        // simply gets nothing (its pending events die with it).
        auto report = [&shared](auto &&signal) {
            std::lock_guard lock(shared->ownerMutex);
            if (ScenarioRunner *owner = shared->owner)
                QMetaObject::invokeMethod(owner, [owner, signal] { signal(owner); }, Qt::QueuedConnection);
        };
        options.cancel = &shared->cancel;
        // Reported ten times a second at most: a short run should not flood
        // the event stream. The end is always reported, as a signal only:
        // scenario.finished follows it in the stream.
        std::optional<std::chrono::steady_clock::time_point> lastReported;
        options.progress = [&](double fraction) {
            const auto now = std::chrono::steady_clock::now();
            const bool done = fraction >= 1.0;
            if (!done && lastReported && now - *lastReported < std::chrono::milliseconds(100))
                return;
            lastReported = now;
            report([fraction, done](ScenarioRunner *r) {
                Q_EMIT r->progress(fraction);
                if (!done)
                    r->m_events.publishEphemeral(QStringLiteral("scenario.progress"), { { QStringLiteral("fraction"), fraction } });
            });
        };

        gpu::Expected<gpu::ScenarioResult> result = gpu::Error { gpu::Error::Code::BackendUnavailable, {} };
        {
            std::lock_guard lock(shared->mutex);
            auto &engine = shared->engines[backendName];
            if (!engine) {
                auto made = gpu::makeEngine(backendName);
                if (!made) {
                    const QString message = QString::fromStdString(made.error().message);
                    report([message](ScenarioRunner *r) {
                        r->m_busy = false;
                        Q_EMIT r->failed(message);
                    });
                    return;
                }
                engine = std::move(*made);
            }
            result = engine->run(params, options);
        }
        if (!result) {
            const QString message = QString::fromStdString(result.error().message);
            report([message](ScenarioRunner *r) {
                r->m_busy = false;
                Q_EMIT r->failed(message);
            });
            return;
        }
        QJsonObject json = scenario::resultToJson(*result);
        json.insert(QStringLiteral("params"), scenario::paramsToJson(params));
        report([json](ScenarioRunner *r) {
            r->m_busy = false;
            r->m_events.publishEphemeral(QStringLiteral("scenario.finished"),
                                         { { QStringLiteral("backend"), json.value(QStringLiteral("backend")) },
                                           { QStringLiteral("elapsed_ms"), json.value(QStringLiteral("elapsed_ms")) } });
            Q_EMIT r->finished(json);
        });
    });
}

void ScenarioRunner::cancel()
{
    m_shared->cancel = true;
}

} // namespace cabinet

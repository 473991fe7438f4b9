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

namespace {

ErrorCode codeOf(gpu::Error::Code code)
{
    switch (code) {
    case gpu::Error::Code::InvalidParameters:
    case gpu::Error::Code::InvalidOptions:
    case gpu::Error::Code::UnknownBackend:
        return ErrorCode::InvalidArgument;
    case gpu::Error::Code::BackendUnavailable:
        return ErrorCode::Unavailable;
    case gpu::Error::Code::Cancelled:
        return ErrorCode::Cancelled;
    case gpu::Error::Code::OutOfMemory:
        return ErrorCode::ResourceExhausted;
    case gpu::Error::Code::DeviceError:
        return ErrorCode::Internal;
    }
    return ErrorCode::Internal;
}

Error errorOf(const gpu::Error &error)
{
    return Error { codeOf(error.code), QString::fromStdString(error.message), scenario::problemField(error.message) };
}

} // namespace

Result<quint64> ScenarioRunner::start(const QJsonObject &paramsJson, const QString &backend, int histogramBins, int samplePaths,
                                      Done done)
{
    if (m_busy)
        return Error { ErrorCode::ResourceExhausted, tr("a simulation is already running (job %1)").arg(m_job) };
    auto params = scenario::paramsFromJson(paramsJson);
    if (!params)
        return params.error();
    gpu::RunOptions options;
    options.histogram_bins = std::uint32_t(std::max(1, histogramBins));
    options.sample_paths = std::uint32_t(std::clamp<int>(samplePaths, 0, int(params->scenarios)));
    if (auto problem = gpu::validate(options, *params))
        return Error { ErrorCode::InvalidArgument, QString::fromStdString(*problem), scenario::problemField(*problem) };

    m_busy = true;
    const quint64 job = ++m_job;
    m_done = std::move(done);
    m_shared->cancel = false;
    m_events.publishEphemeral(events::JobStarted, { { QStringLiteral("job"), qint64(job) },
                                                    { QStringLiteral("kind"), QStringLiteral("scenario") },
                                                    { QStringLiteral("backend"), backend } });
    auto shared = m_shared;
    const std::string backendName = backend.toStdString();
    QThreadPool::globalInstance()->start([shared, job, backendName, params = std::move(*params), options]() mutable {
        // Reports go back to the runner's thread; a runner destroyed meanwhile
        // simply gets nothing (its pending events die with it).
        auto report = [&shared](auto &&deliver) {
            std::lock_guard lock(shared->ownerMutex);
            if (ScenarioRunner *owner = shared->owner)
                QMetaObject::invokeMethod(owner, [owner, deliver] { deliver(owner); }, Qt::QueuedConnection);
        };
        options.cancel = &shared->cancel;
        // Reported ten times a second at most: a short run should not flood
        // the event stream; the end is job.finished's.
        std::optional<std::chrono::steady_clock::time_point> lastReported;
        options.progress = [&](double fraction) {
            const auto now = std::chrono::steady_clock::now();
            if (fraction >= 1.0 || (lastReported && now - *lastReported < std::chrono::milliseconds(100)))
                return;
            lastReported = now;
            report([job, fraction](ScenarioRunner *r) {
                r->m_events.publishEphemeral(events::JobProgress,
                                             { { QStringLiteral("job"), qint64(job) }, { QStringLiteral("fraction"), fraction } });
            });
        };

        gpu::Expected<gpu::ScenarioResult> result = gpu::Error { gpu::Error::Code::BackendUnavailable, {} };
        {
            std::lock_guard lock(shared->mutex);
            auto &engine = shared->engines[backendName];
            if (!engine) {
                auto made = gpu::makeEngine(backendName);
                if (!made) {
                    const Error error = errorOf(made.error());
                    report([error](ScenarioRunner *r) { r->finish(error); });
                    return;
                }
                engine = std::move(*made);
            }
            result = engine->run(params, options);
        }
        if (!result) {
            const Error error = errorOf(result.error());
            report([error](ScenarioRunner *r) { r->finish(error); });
            return;
        }
        QJsonObject json = scenario::resultToJson(*result);
        json.insert(QStringLiteral("params"), scenario::paramsToJson(params));
        report([json](ScenarioRunner *r) { r->finish(json); });
    });
    return job;
}

void ScenarioRunner::finish(Result<QJsonObject> result)
{
    m_busy = false;
    const qint64 job = qint64(m_job);
    if (result) {
        m_events.publishEphemeral(events::JobFinished, { { QStringLiteral("job"), job },
                                                         { QStringLiteral("kind"), QStringLiteral("scenario") },
                                                         { QStringLiteral("result"), *result } });
    } else {
        m_events.publishEphemeral(events::JobFailed, { { QStringLiteral("job"), job },
                                                       { QStringLiteral("kind"), QStringLiteral("scenario") },
                                                       { QStringLiteral("code"), errorCodeName(result.error().code) },
                                                       { QStringLiteral("message"), result.error().message },
                                                       { QStringLiteral("field"), result.error().field } });
    }
    if (auto done = std::exchange(m_done, {}))
        done(std::move(result));
}

bool ScenarioRunner::cancel(quint64 job)
{
    if (!m_busy || job != m_job)
        return false;
    m_shared->cancel = true;
    return true;
}

} // namespace cabinet

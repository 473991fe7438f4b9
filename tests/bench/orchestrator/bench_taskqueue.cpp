// bench_taskqueue: the task queue's throughput with every state change
// durable (SQLite WAL, synchronous=FULL: an fsync per commit). Not run by
// ctest; figures go to docs/performance.md ("Task queue").
//
//   bench_taskqueue [--tasks N] [--stored N] [--submitters N] [--in-flight N]
//                   [--workers N] [--claim N] [--dir DIR]
//
// --submitters threads each keep up to --in-flight submits waiting for their
// commit; --workers threads each claim up to --claim tasks, report each one
// started and then complete (no-op work), and claim again. Every request
// goes through the queue's inbox to the queue's thread (this one), which
// commits each batch once and answers its callers after the commit: group
// commit. Per task that is 4 state changes (submitted, claimed, running,
// done), each with its event in the batch's transaction; each submit is
// audited. Prints the disk's fsync time first (the floor under every
// commit), then tasks/s (wall and per CPU-second), commits, tasks a commit,
// and the claim latency (from asking to the answer, claims that got work).
#include "Clock.h"
#include "audit/AuditLog.h"
#include "events/EventBus.h"
#include "orchestrator/TaskQueue.h"
#include "orchestrator/TaskStore.h"
#include "service/Scheduler.h"
#include "store/Database.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTimer>

#include <sys/resource.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <semaphore>
#include <thread>

using namespace cabinet;
using namespace cabinet::orchestrator;

namespace {

double cpuSeconds()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

[[noreturn]] void die(const QString &message)
{
    std::fprintf(stderr, "bench_taskqueue: %s\n", qPrintable(message));
    std::exit(1);
}

struct Percentiles {
    double p50 = 0, p99 = 0, max = 0;
};

Percentiles percentiles(std::vector<double> samples)
{
    std::sort(samples.begin(), samples.end());
    if (samples.empty())
        return {};
    auto at = [&](double q) { return samples[std::min(samples.size() - 1, size_t(q * double(samples.size())))]; };
    return { at(0.50), at(0.99), samples.back() };
}

// What one commit costs the disk here: write 4 KiB at the end of a file
// and fdatasync it, as a WAL commit does.
Percentiles fsyncMicros(const QString &dir, int rounds)
{
    const QByteArray path = QDir(dir).filePath(QStringLiteral("fsync-probe")).toLocal8Bit();
    const int fd = ::open(path.constData(), O_CREAT | O_WRONLY | O_TRUNC, 0600);
    if (fd < 0)
        die(QStringLiteral("cannot create %1").arg(QString::fromLocal8Bit(path)));
    std::vector<double> samples;
    char block[4096] = {};
    for (int i = 0; i < rounds; ++i) {
        const auto start = std::chrono::steady_clock::now();
        if (::write(fd, block, sizeof block) != sizeof block || ::fdatasync(fd) != 0)
            die(QStringLiteral("fsync probe failed"));
        samples.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
    }
    ::close(fd);
    ::unlink(path.constData());
    return percentiles(samples);
}

// Waits for `n` answers.
class Countdown {
public:
    void reset(int n)
    {
        std::lock_guard lock(m_mutex);
        m_left = n;
    }
    void done()
    {
        std::lock_guard lock(m_mutex);
        if (--m_left == 0)
            m_cv.notify_all();
    }
    void wait()
    {
        std::unique_lock lock(m_mutex);
        m_cv.wait(lock, [&] { return m_left <= 0; });
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_cv;
    int m_left = 0;
};

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Task queue throughput, every change durable."));
    parser.addHelpOption();
    parser.addOptions({
            { QStringLiteral("tasks"), QStringLiteral("Tasks to run through."), QStringLiteral("N"), QStringLiteral("200000") },
            { QStringLiteral("stored"), QStringLiteral("Finished tasks stored before the run."), QStringLiteral("N"), QStringLiteral("0") },
            { QStringLiteral("submitters"), QStringLiteral("Submitting threads."), QStringLiteral("N"), QStringLiteral("4") },
            { QStringLiteral("in-flight"), QStringLiteral("Submits each submitter has waiting at most."), QStringLiteral("N"), QStringLiteral("8") },
            { QStringLiteral("workers"), QStringLiteral("Worker threads."), QStringLiteral("N"), QStringLiteral("4") },
            { QStringLiteral("claim"), QStringLiteral("Tasks a worker claims at once."), QStringLiteral("N"), QStringLiteral("64") },
            { QStringLiteral("dir"), QStringLiteral("Folder for the database (default: a temporary one)."), QStringLiteral("DIR") },
    });
    parser.process(app);
    const int taskCount = parser.value(QStringLiteral("tasks")).toInt();
    const int stored = parser.value(QStringLiteral("stored")).toInt();
    const int submitters = std::max(1, parser.value(QStringLiteral("submitters")).toInt());
    const int inFlight = std::clamp(parser.value(QStringLiteral("in-flight")).toInt(), 1, 1024);
    const int workers = std::max(1, parser.value(QStringLiteral("workers")).toInt());
    const int claimMax = std::clamp(parser.value(QStringLiteral("claim")).toInt(), 1, ClaimBatchMax);

    QTemporaryDir temporary;
    const QString dir = parser.isSet(QStringLiteral("dir")) ? parser.value(QStringLiteral("dir")) : temporary.path();
    QDir().mkpath(dir);
    const Percentiles fsync = fsyncMicros(dir, 300);
    std::printf("disk: 4 KiB write + fdatasync p50 %.0f us, p99 %.0f us, max %.0f us (%s)\n", fsync.p50, fsync.p99, fsync.max, qPrintable(dir));

    auto opened = Database::open(QDir(dir).filePath(QStringLiteral("bench.db")));
    if (!opened)
        die(opened.error().message);
    Database &db = **opened;
    SystemClock clock;
    EventBus events(db, clock);
    AuditLog audit(db, events, clock);
    TaskQueue::Options options;
    options.limits.depthMax[size_t(TaskState::Pending)] = std::max<qint64>(100'000, taskCount);
    TaskQueue queue(db, events, audit, clock, options);
    Scheduler scheduler(clock);
    if (auto started = queue.start(); !started)
        die(started.error().message);
    scheduler.add(queue);

    if (stored > 0) {
        // History: finished tasks, written directly in one transaction.
        QElapsedTimer loading;
        loading.start();
        TaskStore store(db);
        Ulid::Generator ids(7);
        auto tx = db.begin();
        if (!tx)
            die(tx.error().message);
        const qint64 nowNs = clock.nowNs();
        for (int i = 0; i < stored; ++i) {
            Task task;
            task.id = ids.next(nowNs / 1'000'000 - stored + i);
            task.workflow = QStringLiteral("default");
            task.title = QStringLiteral("stored task %1").arg(i);
            task.input = QByteArrayLiteral("{\"n\":1}");
            task.state = TaskState::Done;
            task.claims = 1;
            task.submittedBy = QStringLiteral("system:bench");
            task.createdNs = task.updatedNs = task.notBeforeNs = nowNs;
            if (auto inserted = store.insert(task); !inserted)
                die(inserted.error().message);
        }
        TaskCounts delta {};
        delta[size_t(TaskState::Done)] = stored;
        if (auto added = store.addToCounts(delta); !added)
            die(added.error().message);
        if (auto committed = tx->commit(); !committed)
            die(committed.error().message);
        std::printf("stored %d finished tasks first (%.1f s)\n", stored, double(loading.elapsed()) / 1000);
    }

    std::atomic<int> completed { 0 };
    std::atomic<int> submitErrors { 0 }, reportErrors { 0 };
    std::atomic<bool> stop { false };
    std::atomic<int> running { submitters + workers };
    std::mutex latencyMutex;
    std::vector<double> claimLatencyMs;
    QElapsedTimer wall;
    const double cpuBefore = cpuSeconds();
    const quint64 batchesBefore = queue.batchesCommitted();
    wall.start();

    std::vector<std::thread> threads;
    for (int s = 0; s < submitters; ++s) {
        threads.emplace_back([&, s] {
            const int share = taskCount / submitters + (s < taskCount % submitters ? 1 : 0);
            std::counting_semaphore<1024> room(inFlight);
            const Actor actor = Actor::system(QStringLiteral("bench.submitter-%1").arg(s));
            for (int i = 0; i < share; ++i) {
                room.acquire();
                SubmitRequest request;
                request.workflow = QStringLiteral("default");
                request.title = QStringLiteral("bench task %1.%2").arg(s).arg(i);
                request.input = QByteArrayLiteral("{\"n\":1}");
                queue.submit(std::move(request), actor, [&room, &submitErrors](Result<Submitted> submitted) {
                    if (!submitted && submitErrors++ == 0)
                        std::fprintf(stderr, "submit failed: %s\n", qPrintable(submitted.error().message));
                    room.release();
                });
            }
            for (int i = 0; i < inFlight; ++i)
                room.acquire(); // every submit answered
            --running;
        });
    }
    for (int w = 0; w < workers; ++w) {
        threads.emplace_back([&, w] {
            const QString worker = QStringLiteral("bench-worker-%1").arg(w);
            Countdown answered;
            while (!stop.load()) {
                std::vector<Task> claimed;
                answered.reset(1);
                ClaimRequest claim;
                claim.worker = worker;
                claim.max = claimMax;
                claim.waitMs = 200;
                const auto asked = std::chrono::steady_clock::now();
                queue.claim(claim, [&](Result<std::vector<Task>> tasks) {
                    if (tasks)
                        claimed = std::move(*tasks);
                    answered.done();
                });
                answered.wait();
                if (claimed.empty())
                    continue;
                {
                    std::lock_guard lock(latencyMutex);
                    claimLatencyMs.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - asked).count());
                }
                // Start each, and complete each once it has started.
                answered.reset(int(claimed.size()));
                for (const Task &task : claimed) {
                    WorkerReport start;
                    start.lease = Lease::of(task);
                    start.action = TaskAction::Start;
                    queue.report(start, [&, lease = Lease::of(task)](Result<Task> started) {
                        if (!started) {
                            if (reportErrors++ == 0)
                                std::fprintf(stderr, "start failed: %s\n", qPrintable(started.error().message));
                            answered.done();
                            return;
                        }
                        WorkerReport complete;
                        complete.lease = lease;
                        complete.action = TaskAction::Complete;
                        queue.report(complete, [&](Result<Task> done) {
                            if (!done && reportErrors++ == 0)
                                std::fprintf(stderr, "complete failed: %s\n", qPrintable(done.error().message));
                            if (done)
                                ++completed;
                            answered.done();
                        });
                    });
                }
                answered.wait();
            }
            --running;
        });
    }

    // The queue's thread: this one, running its event loop until done.
    QTimer watch;
    watch.setInterval(5);
    QObject::connect(&watch, &QTimer::timeout, &app, [&] {
        if (completed.load() + reportErrors.load() >= taskCount || submitErrors.load() > 0)
            app.quit();
    });
    watch.start();
    app.exec();
    const double seconds = double(wall.nsecsElapsed()) / 1e9;
    const double cpu = cpuSeconds() - cpuBefore;
    const quint64 batches = queue.batchesCommitted() - batchesBefore;
    stop = true;
    // Workers waiting in a claim are answered by the queue's thread: keep
    // its loop turning until every thread has ended.
    while (running.load() > 0)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    for (auto &thread : threads)
        thread.join();

    const Percentiles latency = percentiles(claimLatencyMs);
    std::printf("tasks: %d through submit -> claim -> start -> complete (%d submitters x %d in flight, %d workers claiming up to %d)\n",
                completed.load(), submitters, inFlight, workers, claimMax);
    std::printf("rate: %.0f tasks/s wall (%.2f s), %.0f tasks per CPU-second (%.2f s CPU)\n", completed.load() / seconds, seconds,
                completed.load() / cpu, cpu);
    std::printf("commits: %llu (%.1f state changes each; %.0f commits/s)\n", static_cast<unsigned long long>(batches),
                batches ? 4.0 * completed.load() / double(batches) : 0.0, double(batches) / seconds);
    std::printf("claim latency (asked to answered, claims that got work): p50 %.2f ms, p99 %.2f ms, max %.2f ms (%zu claims)\n", latency.p50,
                latency.p99, latency.max, claimLatencyMs.size());
    if (submitErrors.load() || reportErrors.load())
        std::printf("errors: %d submits, %d reports\n", submitErrors.load(), reportErrors.load());
    auto counts = queue.counts();
    if (counts)
        std::printf("done: %lld stored as done\n", static_cast<long long>((*counts)[size_t(TaskState::Done)]));
    scheduler.remove(queue);
    queue.stop();
    return submitErrors.load() || reportErrors.load() ? 1 : 0;
}

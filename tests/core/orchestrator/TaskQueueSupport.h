#pragma once

// A task queue on a fresh database with a manual clock and its own
// scheduler, for the orchestrator's tests.
#include "Assert.h"
#include "Clock.h"
#include "audit/AuditLog.h"
#include "events/EventBus.h"
#include "orchestrator/TaskQueue.h"
#include "service/Scheduler.h"
#include "store/Database.h"

#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace cabinet::orchestrator::test {

inline Actor operatorActor() { return Actor::person(QStringLiteral("alice")); }

struct QueueFixture {
    QTemporaryDir dir;
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>();
    std::unique_ptr<Database> db;
    std::unique_ptr<EventBus> events;
    std::unique_ptr<AuditLog> audit;
    std::unique_ptr<Scheduler> scheduler;
    std::unique_ptr<TaskQueue> queue;
    QString error;

    QString databasePath() const { return dir.filePath(QStringLiteral("cabinet.db")); }

    // Opens (or reopens) the queue; with `schedule` it is started and run
    // by a scheduler on the manual clock, as Cabinet does.
    bool open(TaskQueue::Options options = {}, bool schedule = true)
    {
        close();
        auto opened = Database::open(databasePath());
        if (!opened) {
            error = opened.error().message;
            return false;
        }
        db = std::move(*opened);
        events = std::make_unique<EventBus>(*db, *clock);
        audit = std::make_unique<AuditLog>(*db, *events, *clock);
        queue = std::make_unique<TaskQueue>(*db, *events, *audit, *clock, std::move(options));
        if (schedule) {
            scheduler = std::make_unique<Scheduler>(*clock);
            if (auto started = queue->start(); !started) {
                error = started.error().message;
                return false;
            }
            scheduler->add(*queue);
        }
        return true;
    }
    void close()
    {
        if (scheduler && queue)
            scheduler->remove(*queue);
        if (queue)
            queue->stop();
        scheduler.reset();
        queue.reset();
        audit.reset();
        events.reset();
        db.reset();
    }
    ~QueueFixture() { close(); }

    TaskQueue *operator->() const { return queue.get(); }
};

inline SubmitRequest work(const QString &title = QStringLiteral("a task"), int maxAttempts = AttemptsDefault)
{
    SubmitRequest request;
    request.workflow = QStringLiteral("default");
    request.title = title;
    request.maxAttempts = maxAttempts;
    return request;
}

inline ClaimRequest claimBy(const QString &worker = QStringLiteral("w1"), int max = 1, qint64 leaseMs = LeaseMsDefault)
{
    ClaimRequest request;
    request.worker = worker;
    request.max = max;
    request.leaseMs = leaseMs;
    return request;
}

inline WorkerReport reportOf(const Task &task, TaskAction action)
{
    WorkerReport report;
    report.lease = Lease::of(task);
    report.action = action;
    return report;
}

} // namespace cabinet::orchestrator::test

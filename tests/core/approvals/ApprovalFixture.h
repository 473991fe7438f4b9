#pragma once

// An approval service beside a task queue on a fresh database, a manual
// clock and one scheduler, as Cabinet builds them, for the approvals' tests.
#include "Assert.h"
#include "Clock.h"
#include "approvals/ApprovalService.h"
#include "audit/AuditLog.h"
#include "events/EventBus.h"
#include "orchestrator/TaskQueue.h"
#include "service/Scheduler.h"
#include "store/Database.h"

#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace cabinet::approvals::test {

inline Action deploy(const QString &environment = QStringLiteral("production"))
{
    Action action;
    action.kind = ActionKind::Deploy;
    action.agent = QStringLiteral("forge");
    action.environment = environment;
    action.target = QStringLiteral("./deploy.sh");
    return action;
}

inline Action toAutonomous()
{
    Action action;
    action.kind = ActionKind::ModeChange;
    action.agent = QStringLiteral("kev");
    action.target = QStringLiteral("autonomous");
    return action;
}

inline Actor agent() { return Actor::agent(QStringLiteral("forge")); }
inline Actor person(const char *login) { return Actor::person(QString::fromLatin1(login)); }

struct ApprovalFixture {
    QTemporaryDir dir;
    std::shared_ptr<ManualClock> clock = std::make_shared<ManualClock>();
    QString mode = QStringLiteral("supervised");
    std::unique_ptr<Database> db;
    std::unique_ptr<EventBus> events;
    std::unique_ptr<AuditLog> audit;
    std::unique_ptr<Scheduler> scheduler;
    std::unique_ptr<orchestrator::TaskQueue> tasks;
    std::unique_ptr<ApprovalService> approvals;

    QString path() const { return dir.filePath(QStringLiteral("cabinet.db")); }

    // Opens (or reopens, as a restart) everything and starts the services.
    void open(bool start = true)
    {
        close();
        auto opened = Database::open(path());
        QVERIFY2(opened.ok(), opened.ok() ? "" : qPrintable(opened.error().message));
        db = std::move(*opened);
        events = std::make_unique<EventBus>(*db, *clock);
        audit = std::make_unique<AuditLog>(*db, *events, *clock);
        tasks = std::make_unique<orchestrator::TaskQueue>(*db, *events, *audit, *clock);
        ApprovalService::Options options;
        options.mode = [this] { return mode; };
        options.tasks = tasks.get();
        approvals = std::make_unique<ApprovalService>(*db, *events, *audit, *clock, options);
        if (!start)
            return;
        scheduler = std::make_unique<Scheduler>(*clock);
        QVERIFY(tasks->start().ok());
        scheduler->add(*tasks);
        auto started = approvals->start();
        QVERIFY2(started.ok(), started.ok() ? "" : qPrintable(started.error().message));
        scheduler->add(*approvals);
    }
    void close()
    {
        if (scheduler) {
            scheduler->remove(*approvals);
            scheduler->remove(*tasks);
            approvals->stop();
            tasks->stop();
        }
        scheduler.reset();
        approvals.reset();
        tasks.reset();
        audit.reset();
        events.reset();
        db.reset();
    }
    ~ApprovalFixture() { close(); }

    // Stored events of `type`, oldest first.
    QList<Event> stored(const QString &type) const
    {
        QList<Event> found;
        auto all = events->replay(0, EventBus::ReplayLimitMax);
        for (const Event &event : all.value())
            if (event.type == type)
                found << event;
        return found;
    }
    qint64 auditCount() const
    {
        auto tail = audit->tail(1);
        return tail.value().isEmpty() ? 0 : tail.value().first().seq;
    }

    // A task that a worker brought to a gate: awaiting_approval.
    QString taskAtGate()
    {
        orchestrator::SubmitRequest submit;
        submit.workflow = QStringLiteral("default");
        submit.title = QStringLiteral("ship it");
        auto task = tasks->submit(submit, person("alice"));
        CABINET_ASSERT(task.ok());
        claimToGate();
        return task->task.id;
    }
    // A worker claims the next pending task and brings it to a gate.
    void claimToGate()
    {
        orchestrator::ClaimRequest claim;
        claim.worker = QStringLiteral("w1");
        auto claimed = tasks->claim(claim);
        CABINET_ASSERT(claimed.ok() && claimed->size() == 1);
        for (auto action : { orchestrator::TaskAction::Start, orchestrator::TaskAction::AwaitApproval }) {
            orchestrator::WorkerReport report;
            report.lease = orchestrator::Lease::of(claimed->front());
            report.action = action;
            auto moved = tasks->report(report);
            CABINET_ASSERT(moved.ok());
        }
    }
    orchestrator::TaskState taskState(const QString &id) const { return tasks->get(id).value().state; }
};

} // namespace cabinet::approvals::test

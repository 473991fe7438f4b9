// The approval service: deadlines that deny, both reminders, tier 3's two
// different operators, decisions that cannot be taken twice, bulk
// decisions, bad input, a restart with deadlines passed while down, the
// waiting task moved by the outcome, and seeded random work against a
// naive reference model.
#include "ApprovalFixture.h"

#include <QJsonArray>
#include <QTest>

#include <algorithm>
#include <map>
#include <random>

using namespace cabinet;
using namespace cabinet::approvals;
using namespace cabinet::approvals::test;

namespace {

constexpr qint64 HourMs = 3'600'000;

NewApproval asking(const Action &action, const QString &taskId = {})
{
    return NewApproval { action, taskId, taskId.isEmpty() ? QString() : QStringLiteral("forge-gate"),
                         R"({"cost_micros":1250000,"command":"./deploy.sh --prod"})" };
}

Decision deciding(const QString &id, bool approve, const char *who, const QString &reason = {})
{
    return Decision { QStringList { id }, approve, QString::fromLatin1(who), reason };
}

} // namespace

class TestApprovalService : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void requestHoldsWhatWasAsked()
    {
        ApprovalFixture f;
        f.open();
        const qint64 before = f.auditCount();
        auto request = f.approvals->request(asking(deploy()), agent());
        QVERIFY(request.ok());
        QCOMPARE(request->tier, 2);
        QCOMPARE(request->rule, QStringLiteral("production-deploy"));
        QCOMPARE(request->state, ApprovalState::Pending);
        QCOMPARE(request->deadlineNs - request->createdNs, 4 * HourMs * 1'000'000);
        QCOMPARE(request->reminderNs(1) - request->createdNs, 2 * HourMs * 1'000'000);
        QCOMPARE(request->reminderNs(2) - request->createdNs, qint64(3.6 * HourMs) * 1'000'000);
        QCOMPARE(request->evidence, QByteArray(R"({"cost_micros":1250000,"command":"./deploy.sh --prod"})"));
        QCOMPARE(request->requestedBy, QStringLiteral("agent:forge"));
        QCOMPARE(f.auditCount(), before + 1);
        QCOMPARE(f.audit->tail(1).value().first().action, QStringLiteral("approval.request"));
        const auto requested = f.stored(events::ApprovalRequested);
        QCOMPARE(requested.size(), 1);
        QCOMPARE(requested.first().payload.value(QStringLiteral("id")).toString(), request->id);
        QCOMPARE(requested.first().payload.value(QStringLiteral("rule")).toString(), QStringLiteral("production-deploy"));
        auto read = f.approvals->get(request->id);
        QVERIFY(read.ok());
        QCOMPARE(approvalJson(*read), approvalJson(*request));
        // A gate always waits for a person: a tier-1 action is asked at tier 2.
        auto staging = f.approvals->request(asking(deploy(QStringLiteral("staging"))), agent());
        QCOMPARE(staging->tier, 2);
        QCOMPARE(staging->rule, QStringLiteral("default"));
    }

    void remindersThenExpiry()
    {
        ApprovalFixture f;
        f.open();
        const QString task = f.taskAtGate();
        auto request = f.approvals->request(asking(deploy(), task), agent());
        QVERIFY(request.ok());
        QCOMPARE(f.approvals->nextDeadlineNs().value(), request->reminderNs(1));
        f.clock->advanceMs(2 * HourMs - 1);
        QCOMPARE(f.stored(events::ApprovalReminder).size(), 0);
        f.clock->advanceMs(1);
        auto reminders = f.stored(events::ApprovalReminder);
        QCOMPARE(reminders.size(), 1);
        QCOMPARE(reminders.last().payload.value(QStringLiteral("percent")).toInt(), 50);
        QCOMPARE(f.audit->tail(1).value().first().actor, QStringLiteral("system:approvals"));
        QCOMPARE(f.audit->tail(1).value().first().action, QStringLiteral("approval.remind"));
        f.clock->advanceMs(qint64(1.6 * HourMs) - 1);
        QCOMPARE(f.stored(events::ApprovalReminder).size(), 1);
        f.clock->advanceMs(1);
        reminders = f.stored(events::ApprovalReminder);
        QCOMPARE(reminders.size(), 2);
        QCOMPARE(reminders.last().payload.value(QStringLiteral("percent")).toInt(), 90);
        QCOMPARE(f.approvals->get(request->id)->state, ApprovalState::Pending);
        QCOMPARE(f.taskState(task), orchestrator::TaskState::AwaitingApproval);
        f.clock->advanceMs(qint64(0.4 * HourMs) - 1);
        QCOMPARE(f.stored(events::ApprovalExpired).size(), 0);
        f.clock->advanceMs(1);
        const auto expired = f.stored(events::ApprovalExpired);
        QCOMPARE(expired.size(), 1);
        QCOMPARE(expired.first().payload.value(QStringLiteral("task_id")).toString(), task);
        QCOMPARE(expired.first().payload.value(QStringLiteral("node")).toString(), QStringLiteral("forge-gate"));
        auto after = f.approvals->get(request->id);
        QCOMPARE(after->state, ApprovalState::Expired);
        QVERIFY(after->votes.empty()); // no person decided it
        QCOMPARE(f.stored(events::ApprovalDecided).size(), 0);
        QCOMPARE(f.taskState(task), orchestrator::TaskState::Failed);
        QVERIFY(!f.approvals->nextDeadlineNs());
        // Expired is decided: nobody approves it afterwards.
        auto late = f.approvals->decide(deciding(request->id, true, "alice"), person("alice"));
        QVERIFY(!late.ok());
        QCOMPARE(late.error().code, ErrorCode::Conflict);
        QCOMPARE(f.approvals->get(request->id)->state, ApprovalState::Expired);
    }

    void deadlinePassedBeforeTheSweepIsExpired()
    {
        // No scheduler: the clock passes the deadline and no sweep runs.
        ApprovalFixture f;
        f.open(false);
        auto request = f.approvals->request(asking(deploy()), agent());
        QVERIFY(request.ok());
        f.clock->advanceMs(4 * HourMs);
        const qint64 audited = f.auditCount();
        auto late = f.approvals->decide(deciding(request->id, true, "alice"), person("alice"));
        QVERIFY(!late.ok());
        QCOMPARE(late.error().code, ErrorCode::FailedPrecondition);
        QCOMPARE(late.error().field, QStringLiteral("ids[0]"));
        QCOMPARE(f.auditCount(), audited);
        QVERIFY(f.approvals->get(request->id)->votes.empty());
        QCOMPARE(f.stored(events::ApprovalDecided).size(), 0);
        QCOMPARE(f.approvals->sweep(f.clock->nowNs()).value(), 1);
        QCOMPARE(f.approvals->get(request->id)->state, ApprovalState::Expired);
    }

    void storeChangesOnlyPending()
    {
        ApprovalFixture f;
        f.open();
        auto request = f.approvals->request(asking(deploy()), agent());
        QVERIFY(f.approvals->decide(deciding(request->id, false, "alice"), person("alice")).ok());
        // A stale copy read while it was pending does not overwrite the denial.
        ApprovalRequest stale = *request;
        stale.state = ApprovalState::Approved;
        stale.decidedNs = f.clock->nowNs();
        ApprovalStore store(*f.db);
        auto tx = f.db->begin();
        QVERIFY(tx.ok());
        auto updated = store.update(stale);
        QVERIFY(!updated.ok());
        QCOMPARE(updated.error().code, ErrorCode::Conflict);
        QVERIFY(tx->commit().ok());
        QCOMPARE(f.approvals->get(request->id)->state, ApprovalState::Denied);
    }

    void outcomeMovesTheTask()
    {
        ApprovalFixture f;
        f.open();
        const QString approvedTask = f.taskAtGate();
        const QString deniedTask = f.taskAtGate();
        auto approve = f.approvals->request(asking(deploy(), approvedTask), agent());
        auto deny = f.approvals->request(asking(deploy(), deniedTask), agent());
        QVERIFY(f.approvals->decide(deciding(approve->id, true, "alice", QStringLiteral("looks right")), person("alice")).ok());
        QVERIFY(f.approvals->decide(deciding(deny->id, false, "alice", QStringLiteral("not today")), person("alice")).ok());
        QCOMPARE(f.taskState(approvedTask), orchestrator::TaskState::Pending);
        QCOMPARE(f.taskState(deniedTask), orchestrator::TaskState::Failed);
        const auto decided = f.stored(events::ApprovalDecided);
        QCOMPARE(decided.size(), 2);
        QCOMPARE(decided[0].payload.value(QStringLiteral("outcome")).toString(), QStringLiteral("approved"));
        QCOMPARE(decided[0].payload.value(QStringLiteral("task_id")).toString(), approvedTask);
        QCOMPARE(decided[1].payload.value(QStringLiteral("outcome")).toString(), QStringLiteral("denied"));
        QCOMPARE(decided[1].payload.value(QStringLiteral("reason")).toString(), QStringLiteral("not today"));
        auto read = f.approvals->get(deny->id);
        QCOMPARE(read->votes.size(), size_t(1));
        QCOMPARE(read->votes.front().operatorName, QStringLiteral("alice"));
        QCOMPARE(read->reason, QStringLiteral("not today"));
        QCOMPARE(read->decidedNs, f.clock->nowNs());
    }

    void tierThreeNeedsTwoDifferentOperators()
    {
        ApprovalFixture f;
        f.open();
        auto request = f.approvals->request(asking(toAutonomous()), agent());
        QVERIFY(request.ok());
        QCOMPARE(request->tier, 3);
        QCOMPARE(request->rule, QStringLiteral("autonomous-mode"));
        QCOMPARE(request->deadlineNs, qint64(0));
        QVERIFY(!f.approvals->nextDeadlineNs());
        // Never decides itself.
        f.clock->advanceMs(30 * 24 * HourMs);
        QCOMPARE(f.approvals->get(request->id)->state, ApprovalState::Pending);

        auto first = f.approvals->decide(deciding(request->id, true, "alice"), person("alice"));
        QVERIFY(first.ok());
        QCOMPARE(first->front().state, ApprovalState::Pending);
        QCOMPARE(f.stored(events::ApprovalVoted).size(), 1);
        // The same identity again, from another source too: refused, nothing changed.
        const qint64 audited = f.auditCount();
        auto again = f.approvals->decide(deciding(request->id, true, "alice"), Actor::token(QStringLiteral("ci")));
        QVERIFY(!again.ok());
        QCOMPARE(again.error().code, ErrorCode::Conflict);
        QCOMPARE(again.error().field, QStringLiteral("ids[0]"));
        QCOMPARE(f.auditCount(), audited);
        QCOMPARE(f.approvals->get(request->id)->votes.size(), size_t(1));
        auto second = f.approvals->decide(deciding(request->id, true, "bob"), person("bob"));
        QVERIFY(second.ok());
        QCOMPARE(second->front().state, ApprovalState::Approved);
        const auto decided = f.stored(events::ApprovalDecided);
        QCOMPARE(decided.size(), 1);
        QCOMPARE(decided.first().payload.value(QStringLiteral("operators")).toArray(), QJsonArray({ QStringLiteral("alice"), QStringLiteral("bob") }));

        // One denial denies it, after an approval or before any.
        auto other = f.approvals->request(asking(toAutonomous()), agent());
        QVERIFY(f.approvals->decide(deciding(other->id, true, "alice"), person("alice")).ok());
        auto denied = f.approvals->decide(deciding(other->id, false, "carol"), person("carol"));
        QCOMPARE(denied->front().state, ApprovalState::Denied);
        auto third = f.approvals->request(asking(toAutonomous()), agent());
        QCOMPARE(f.approvals->decide(deciding(third->id, false, "alice"), person("alice"))->front().state, ApprovalState::Denied);
    }

    // One caller typing two names is one operator: the vote keeps the
    // caller's actor, and a second approval from it is refused.
    void oneCallerCannotApproveTwiceUnderTwoNames()
    {
        ApprovalFixture f;
        f.open();
        auto request = f.approvals->request(asking(toAutonomous()), agent());
        QVERIFY(request.ok());
        QVERIFY(f.approvals->decide(deciding(request->id, true, "alice"), person("mallory")).ok());
        const qint64 audited = f.auditCount();
        auto again = f.approvals->decide(deciding(request->id, true, "bob"), person("mallory"));
        QVERIFY(!again.ok());
        QCOMPARE(again.error().code, ErrorCode::Conflict);
        QCOMPARE(again.error().field, QStringLiteral("ids[0]"));
        QCOMPARE(f.auditCount(), audited);
        auto read = f.approvals->get(request->id);
        QCOMPARE(read->state, ApprovalState::Pending);
        QCOMPARE(read->votes.size(), size_t(1));
        QCOMPARE(read->votes.front().operatorName, QStringLiteral("alice"));
        QCOMPARE(read->votes.front().actor, QStringLiteral("operator:mallory"));
        // A different caller completes it.
        auto second = f.approvals->decide(deciding(request->id, true, "bob"), person("bob"));
        QVERIFY(second.ok());
        QCOMPARE(second->front().state, ApprovalState::Approved);
    }

    void decidedOnceOnly()
    {
        ApprovalFixture f;
        f.open();
        auto request = f.approvals->request(asking(deploy()), agent());
        QVERIFY(f.approvals->decide(deciding(request->id, true, "alice"), person("alice")).ok());
        const qint64 audited = f.auditCount();
        const auto decided = f.stored(events::ApprovalDecided).size();
        for (bool approve : { false, true }) {
            auto again = f.approvals->decide(deciding(request->id, approve, "bob"), person("bob"));
            QVERIFY(!again.ok());
            QCOMPARE(again.error().code, ErrorCode::Conflict);
        }
        QCOMPARE(f.auditCount(), audited);
        QCOMPARE(f.stored(events::ApprovalDecided).size(), decided);
        auto read = f.approvals->get(request->id);
        QCOMPARE(read->state, ApprovalState::Approved);
        QCOMPARE(read->votes.size(), size_t(1));
    }

    void somethingAlongsideRefusesTheWholeDecision()
    {
        ApprovalFixture f;
        f.open();
        auto request = f.approvals->request(asking(deploy()), agent());
        const qint64 audited = f.auditCount();
        // As a chat button's used token refuses it (core/server/ChatHooks.h).
        Decision refused = deciding(request->id, true, "alice");
        int ran = 0;
        refused.alongside = [&ran](Transaction &) -> Status {
            ++ran;
            return Error { ErrorCode::Conflict, QStringLiteral("used already") };
        };
        auto decided = f.approvals->decide(refused, person("alice"));
        QVERIFY(!decided.ok());
        QCOMPARE(decided.error().code, ErrorCode::Conflict);
        QCOMPARE(ran, 1);
        QCOMPARE(f.auditCount(), audited);
        QCOMPARE(f.stored(events::ApprovalDecided).size(), 0);
        QCOMPARE(f.approvals->get(request->id)->state, ApprovalState::Pending);
        QCOMPARE(f.approvals->get(request->id)->votes.size(), size_t(0));
        // What it writes commits with the decision, in its transaction.
        Decision taken = deciding(request->id, true, "alice");
        taken.alongside = [&f, &request](Transaction &tx) -> Status {
            if (auto entry = f.audit->append(tx, QStringLiteral("system:test"), QStringLiteral("test.alongside"), request->id); !entry)
                return entry.error();
            return {};
        };
        QVERIFY(f.approvals->decide(taken, person("alice")).ok());
        QCOMPARE(f.auditCount(), audited + 2);
        QCOMPARE(f.audit->tail(2).value().first().action, QStringLiteral("test.alongside"));
        QCOMPARE(f.approvals->get(request->id)->state, ApprovalState::Approved);
    }

    void bulkIsAllOrNothing()
    {
        ApprovalFixture f;
        f.open();
        QStringList ids;
        for (int i = 0; i < 3; ++i)
            ids << f.approvals->request(asking(deploy()), agent())->id;
        QVERIFY(f.approvals->decide(deciding(ids[1], false, "alice"), person("alice")).ok());
        const qint64 audited = f.auditCount();
        auto refused = f.approvals->decide(Decision { ids, true, QStringLiteral("bob"), QStringLiteral("batch") }, person("bob"));
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, ErrorCode::Conflict);
        QCOMPARE(refused.error().field, QStringLiteral("ids[1]"));
        QCOMPARE(f.auditCount(), audited);
        QCOMPARE(f.approvals->get(ids[0])->state, ApprovalState::Pending);
        ids.removeAt(1);
        auto done = f.approvals->decide(Decision { ids, true, QStringLiteral("bob"), QStringLiteral("batch") }, person("bob"));
        QVERIFY(done.ok());
        QCOMPARE(f.auditCount(), audited + 1); // one entry for the decision
        const auto entry = f.audit->tail(1).value().first();
        QCOMPARE(entry.action, QStringLiteral("approval.approve"));
        QCOMPARE(entry.actor, QStringLiteral("operator:bob"));
        for (const QString &id : ids) {
            QCOMPARE(f.approvals->get(id)->state, ApprovalState::Approved);
            QCOMPARE(f.approvals->get(id)->reason, QStringLiteral("batch"));
        }
    }

    void badInputChangesNothing()
    {
        ApprovalFixture f;
        f.open();
        auto request = f.approvals->request(asking(deploy()), agent());
        const qint64 audited = f.auditCount();
        auto expect = [&](auto result, ErrorCode code, const QString &field) {
            QVERIFY(!result.ok());
            QCOMPARE(result.error().code, code);
            QCOMPARE(result.error().field, field);
            QCOMPARE(f.auditCount(), audited);
        };
        NewApproval bad = asking(deploy());
        bad.evidence = "[1,2]";
        expect(f.approvals->request(bad, agent()), ErrorCode::InvalidArgument, QStringLiteral("evidence"));
        bad.evidence = "{\"x\":\"" + QByteArray(EvidenceBytesMax, 'a') + "\"}";
        expect(f.approvals->request(bad, agent()), ErrorCode::InvalidArgument, QStringLiteral("evidence"));
        bad = asking(deploy());
        bad.node = QString(NodeBytesMax + 1, u'n');
        expect(f.approvals->request(bad, agent()), ErrorCode::InvalidArgument, QStringLiteral("node"));
        expect(f.approvals->decide(deciding(request->id, true, "alice", QString(ReasonBytesMax + 1, u'r')), person("alice")),
               ErrorCode::InvalidArgument, QStringLiteral("reason"));
        expect(f.approvals->decide(deciding(request->id, true, "al ice"), person("alice")), ErrorCode::InvalidArgument, QStringLiteral("operator"));
        expect(f.approvals->decide(deciding(QStringLiteral("01NOPE"), true, "alice"), person("alice")), ErrorCode::NotFound, QStringLiteral("ids[0]"));
        expect(f.approvals->decide(Decision { {}, true, QStringLiteral("alice"), {} }, person("alice")), ErrorCode::InvalidArgument, QStringLiteral("ids"));
        expect(f.approvals->decide(Decision { { request->id, request->id }, true, QStringLiteral("alice"), {} }, person("alice")),
               ErrorCode::InvalidArgument, QStringLiteral("ids[1]"));
        QStringList many;
        for (int i = 0; i <= BulkMax; ++i)
            many << request->id;
        expect(f.approvals->decide(Decision { many, true, QStringLiteral("alice"), {} }, person("alice")), ErrorCode::InvalidArgument, QStringLiteral("ids"));
        expect(f.approvals->list(ApprovalFilter::All, {}, ListLimitMax + 1), ErrorCode::InvalidArgument, QStringLiteral("limit"));
        QCOMPARE(f.approvals->get(request->id)->state, ApprovalState::Pending);
    }

    void modes()
    {
        ApprovalFixture f;
        f.open();
        f.mode = QStringLiteral("paused");
        const qint64 audited = f.auditCount();
        auto refused = f.approvals->request(asking(deploy()), agent());
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code, ErrorCode::RefusedByPolicy);
        QCOMPARE(f.auditCount(), audited);
        QCOMPARE(f.approvals->list(ApprovalFilter::Pending, {}, 10)->pending, qint64(0));
        f.mode = QStringLiteral("manual");
        Action run;
        run.kind = ActionKind::ToolRun;
        run.target = QStringLiteral("ls");
        auto check = f.approvals->check(run);
        QCOMPARE(check->tier, 2);
        QVERIFY(check->raisedByMode);
        f.mode = QStringLiteral("sideways");
        QCOMPARE(f.approvals->check(run).error().code, ErrorCode::FailedPrecondition);
    }

    void brokenRuleFileClassifiesNothing()
    {
        ApprovalFixture f;
        f.open();
        const QString path = f.dir.filePath(QStringLiteral("tiers.yaml"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("rules:\n  - name: x\n    tier: 9\n");
        file.close();
        ApprovalService::Options options;
        options.policyPath = path;
        ApprovalService service(*f.db, *f.events, *f.audit, *f.clock, options);
        auto refused = service.check(deploy());
        QCOMPARE(refused.error().code, ErrorCode::FailedPrecondition);
        QCOMPARE(refused.error().field, path + QStringLiteral(":3"));
        // Mended, it is read again; broken again, the mended rules stay.
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write("rules:\n  - name: all\n    tier: 3\n");
        file.close();
        QVERIFY(service.reloadPolicy().ok());
        QCOMPARE(service.check(deploy())->rule, QStringLiteral("all"));
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write("rules: 7\n");
        file.close();
        QCOMPARE(service.reloadPolicy().error().field, path + QStringLiteral(":1"));
        QCOMPARE(service.check(deploy())->rule, QStringLiteral("all"));
    }

    void restartKeepsPendingAndExpiresOnce()
    {
        ApprovalFixture f;
        f.open();
        const QString task = f.taskAtGate();
        auto shortLived = f.approvals->request(asking(deploy(), task), agent());
        auto mandatory = f.approvals->request(asking(toAutonomous()), agent());
        f.close();
        // Down past the deadline (and both reminders).
        f.clock->advanceMs(5 * HourMs);
        f.open();
        QCOMPARE(f.approvals->get(shortLived->id)->state, ApprovalState::Expired);
        QCOMPARE(f.approvals->get(mandatory->id)->state, ApprovalState::Pending);
        QCOMPARE(f.stored(events::ApprovalExpired).size(), 1);
        QCOMPARE(f.stored(events::ApprovalReminder).size(), 0); // past its deadline: no reminder, only the expiry
        QCOMPARE(f.taskState(task), orchestrator::TaskState::Failed);
        f.close();
        f.clock->advanceMs(HourMs);
        f.open();
        QCOMPARE(f.stored(events::ApprovalExpired).size(), 1);
        QCOMPARE(f.approvals->list(ApprovalFilter::Pending, {}, 10)->pending, qint64(1));

        // Down between the 90 % mark and the deadline: one reminder (the 90 % one).
        auto another = f.approvals->request(asking(deploy()), agent());
        f.close();
        f.clock->advanceMs(qint64(3.7 * HourMs));
        f.open();
        const auto reminders = f.stored(events::ApprovalReminder);
        QCOMPARE(reminders.size(), 1);
        QCOMPARE(reminders.first().payload.value(QStringLiteral("percent")).toInt(), 90);
        QCOMPARE(f.approvals->get(another->id)->state, ApprovalState::Pending);
    }

    void decidedWhileTaskWasNotMovedIsSettledAtStart()
    {
        ApprovalFixture f;
        f.open();
        const QString task = f.taskAtGate();
        auto request = f.approvals->request(asking(deploy(), task), agent());
        f.close();
        // The decision commits in a process that has no task queue to move
        // (as if it stopped right after the commit).
        f.open(false);
        ApprovalService::Options alone;
        ApprovalService bare(*f.db, *f.events, *f.audit, *f.clock, alone);
        QVERIFY(bare.decide(deciding(request->id, true, "alice"), person("alice")).ok());
        QCOMPARE(f.taskState(task), orchestrator::TaskState::AwaitingApproval);
        f.open();
        QCOMPARE(f.taskState(task), orchestrator::TaskState::Pending);
    }

    // Two gates: the task passed gate 1 and waits at gate 2. At start it is
    // moved only by gate 2's request, never by gate 1's approval.
    void leftoversSettleByTheCurrentGateOnly()
    {
        ApprovalFixture f;
        f.open();
        const QString task = f.taskAtGate();
        auto first = f.approvals->request(asking(deploy(), task), agent());
        QVERIFY(first.ok());
        f.clock->advanceMs(1'000);
        QVERIFY(f.approvals->decide(deciding(first->id, true, "alice"), person("alice")).ok());
        QCOMPARE(f.taskState(task), orchestrator::TaskState::Pending);
        f.clock->advanceMs(1'000);
        // At gate 2; its request never committed (a crash before it).
        f.claimToGate();
        QCOMPARE(f.taskState(task), orchestrator::TaskState::AwaitingApproval);
        f.open();
        QCOMPARE(f.taskState(task), orchestrator::TaskState::AwaitingApproval);

        // Gate 2's request, decided in a process that moves no task (as if
        // it stopped right after the commit): the start moves it by that one.
        auto second = f.approvals->request(asking(deploy(), task), agent());
        QVERIFY(second.ok());
        QCOMPARE(second->taskClaim, first->taskClaim + 1);
        f.close();
        f.open(false);
        ApprovalService bare(*f.db, *f.events, *f.audit, *f.clock, ApprovalService::Options {});
        QVERIFY(bare.decide(deciding(second->id, false, "bob"), person("bob")).ok());
        QCOMPARE(f.taskState(task), orchestrator::TaskState::AwaitingApproval);
        f.open();
        QCOMPARE(f.taskState(task), orchestrator::TaskState::Failed);
    }

    // The runner asked under claim 1, stopped before reporting the wait, and
    // the task, claimed again, waits on that request under claim 2: a
    // decision made after the task began this wait still moves it at start.
    void leftoversSettleAWaitOnAnEarlierClaimsRequest()
    {
        ApprovalFixture f;
        f.open();
        orchestrator::SubmitRequest submit;
        submit.workflow = QStringLiteral("default");
        submit.title = QStringLiteral("ship it");
        const QString task = f.tasks->submit(submit, person("alice"))->task.id;
        orchestrator::ClaimRequest claim;
        claim.worker = QStringLiteral("w1");
        auto claimed = f.tasks->claim(claim);
        QVERIFY(claimed.ok() && claimed->size() == 1);
        for (auto action : { orchestrator::TaskAction::Start, orchestrator::TaskAction::Release }) {
            if (action == orchestrator::TaskAction::Release)
                QVERIFY(f.approvals->request(asking(deploy(), task), agent()).ok());
            orchestrator::WorkerReport report;
            report.lease = orchestrator::Lease::of(claimed->front());
            report.action = action;
            QVERIFY(f.tasks->report(report).ok());
        }
        const QString id = f.approvals->list(ApprovalFilter::Pending, {}, 1)->requests.front().id;
        f.clock->advanceMs(1'000);
        f.claimToGate();
        QCOMPARE(f.tasks->get(task)->claims, 2);
        f.clock->advanceMs(1'000);
        f.close();
        f.open(false);
        ApprovalService bare(*f.db, *f.events, *f.audit, *f.clock, ApprovalService::Options {});
        QVERIFY(bare.decide(deciding(id, true, "alice"), person("alice")).ok());
        f.open();
        QCOMPARE(f.taskState(task), orchestrator::TaskState::Pending);
    }

    void requestForAnUnknownTaskIsRefused()
    {
        ApprovalFixture f;
        f.open();
        const qint64 audited = f.auditCount();
        auto request = f.approvals->request(asking(deploy(), QStringLiteral("01JN0000000000000000000000")), agent());
        QVERIFY(!request.ok());
        QCOMPARE(request.error().code, ErrorCode::NotFound);
        QCOMPARE(request.error().field, QStringLiteral("task_id"));
        QCOMPARE(f.auditCount(), audited);
        QCOMPARE(f.approvals->list(ApprovalFilter::All, {}, 10)->requests.size(), size_t(0));
    }

    void pendingSortedByDeadline()
    {
        ApprovalFixture f;
        f.open();
        QVERIFY(f.approvals->request(asking(toAutonomous()), agent()).ok());
        auto later = f.approvals->request(asking(deploy()), agent());
        f.clock->advanceMs(1'000);
        // A spend over $20 has the default deadline too, a second later.
        Action spend;
        spend.kind = ActionKind::Spend;
        spend.amountMicros = 30'000'000;
        auto latest = f.approvals->request(asking(spend), agent());
        auto page = f.approvals->list(ApprovalFilter::Pending, {}, 2);
        QVERIFY(page.ok());
        QCOMPARE(page->pending, qint64(3));
        QCOMPARE(page->requests.size(), size_t(2));
        QCOMPARE(page->requests[0].id, later->id);
        QCOMPARE(page->requests[1].id, latest->id);
        auto rest = f.approvals->list(ApprovalFilter::Pending, page->next, 2);
        QCOMPARE(rest->requests.size(), size_t(1));
        QCOMPARE(rest->requests[0].tier, 3); // no deadline: last
        QVERIFY(rest->next.isEmpty());
        auto history = f.approvals->list(ApprovalFilter::All, {}, 10);
        QCOMPARE(history->requests.front().id, rest->requests[0].id > latest->id ? rest->requests[0].id : latest->id);
    }

    // Seeded random requests, decisions and clock moves against a naive
    // model: every request's state and vote count must agree after each step.
    void pendingPagesGoByDeadlineThenTier3()
    {
        ApprovalFixture f;
        f.open();
        // Requested in a mixed order: tier-2 deadlines are 4 h after each
        // request, so a later request is due later; tier 3 has none.
        QStringList dated, undated;
        for (int i = 0; i < 7; ++i) {
            f.clock->advanceMs(1'000);
            auto made = f.approvals->request(asking(i % 3 == 1 ? toAutonomous() : deploy()), agent());
            QVERIFY(made);
            (made->tier == 3 ? undated : dated) << made->id;
        }
        QCOMPARE(undated.size(), 2);
        std::sort(undated.begin(), undated.end());
        const QStringList expected = dated + undated;
        for (int limit : { 1, 2, 3, 5, 100 }) {
            QStringList seen;
            QString after;
            do {
                auto page = f.approvals->list(ApprovalFilter::Pending, after, limit);
                QVERIFY(page);
                QVERIFY(int(page->requests.size()) <= limit);
                for (const ApprovalRequest &request : page->requests)
                    seen << request.id;
                after = page->next;
            } while (!after.isEmpty());
            QCOMPARE(seen, expected);
        }
        // A cursor that names no request is refused, naming the field.
        auto unknown = f.approvals->list(ApprovalFilter::Pending, QStringLiteral("01NOSUCHREQUEST00000000000"), 10);
        QVERIFY(!unknown);
        QCOMPARE(unknown.error().code, ErrorCode::NotFound);
        QCOMPARE(unknown.error().field, QStringLiteral("after"));
    }

    void randomAgainstReference()
    {
        for (quint64 seed : { 1u, 2u, 3u, 4u }) {
            ApprovalFixture f;
            f.open();
            std::mt19937_64 rng(seed);
            struct Model {
                int tier;
                qint64 deadlineNs;
                ApprovalState state = ApprovalState::Pending;
                QStringList approvers;
            };
            std::map<QString, Model> model;
            const char *operators[] = { "alice", "bob", "carol" };
            for (int step = 0; step < 300; ++step) {
                const int pick = int(rng() % 10);
                if (pick < 3) {
                    const bool three = rng() % 3 == 0;
                    auto made = f.approvals->request(asking(three ? toAutonomous() : deploy()), agent());
                    QVERIFY(made.ok());
                    model[made->id] = Model { three ? 3 : 2, three ? 0 : f.clock->nowNs() + 4 * HourMs * 1'000'000, ApprovalState::Pending, {} };
                } else if (pick < 7 && !model.empty()) {
                    auto it = std::next(model.begin(), qsizetype(rng() % model.size()));
                    const bool approve = rng() % 3 != 0;
                    const char *who = operators[rng() % 3];
                    auto decided = f.approvals->decide(deciding(it->first, approve, who), person(who));
                    Model &m = it->second;
                    const bool allowed = m.state == ApprovalState::Pending && !m.approvers.contains(QString::fromLatin1(who));
                    QVERIFY2(decided.ok() == allowed, qPrintable(QStringLiteral("seed %1 step %2").arg(seed).arg(step)));
                    if (allowed) {
                        if (!approve)
                            m.state = ApprovalState::Denied;
                        else if (m.tier == 2 || m.approvers.size() + 1 >= Tier3ApprovalsNeeded)
                            m.state = ApprovalState::Approved;
                        m.approvers << QString::fromLatin1(who);
                    } else {
                        QCOMPARE(decided.error().code, ErrorCode::Conflict);
                    }
                } else {
                    f.clock->advanceMs(qint64(rng() % (90 * 60'000)));
                    for (auto &[id, m] : model)
                        if (m.state == ApprovalState::Pending && m.tier == 2 && f.clock->nowNs() >= m.deadlineNs)
                            m.state = ApprovalState::Expired;
                }
                if (step % 25 == 0 || step == 299) {
                    qint64 pending = 0;
                    for (const auto &[id, m] : model) {
                        auto stored = f.approvals->get(id);
                        QVERIFY(stored.ok());
                        QVERIFY2(stored->state == m.state, qPrintable(QStringLiteral("seed %1 step %2 request %3").arg(seed).arg(step).arg(id)));
                        pending += m.state == ApprovalState::Pending;
                    }
                    QCOMPARE(f.approvals->list(ApprovalFilter::Pending, {}, 10)->pending, pending);
                }
            }
            qint64 expired = 0;
            for (const auto &[id, m] : model)
                expired += m.state == ApprovalState::Expired;
            QCOMPARE(qint64(f.stored(events::ApprovalExpired).size()), expired);
        }
    }
};

QTEST_GUILESS_MAIN(TestApprovalService)
#include "tst_approvalservice.moc"

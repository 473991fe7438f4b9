#pragma once

#include "Actor.h"
#include "Clock.h"
#include "Result.h"
#include "approvals/ApprovalStore.h"
#include "approvals/ApprovalTypes.h"
#include "approvals/TierPolicy.h"
#include "orchestrator/Ulid.h"
#include "service/Service.h"

#include <QStringList>

#include <functional>
#include <optional>
#include <vector>

namespace cabinet {
class AuditLog;
class Database;
class EventBus;
class Transaction;
namespace orchestrator {
class TaskQueue;
}
} // namespace cabinet

namespace cabinet::approvals {

// What a gate (or an agent) asks for: the one call that creates a request.
struct NewApproval {
    Action action;
    QString taskId;      // the task waiting in awaiting_approval; empty: none
    QString node;        // the workflow's gate node
    QByteArray evidence; // a JSON object (cost estimate, command or diff, partial results); empty: {}
};

struct Decision {
    QStringList ids;      // 1..BulkMax requests, decided alike
    bool approve = false;
    QString operatorName; // empty: the caller's id
    QString reason;       // shared by every request in it
    // Runs inside the decision's transaction, before its commit; an error
    // refuses the decision with nothing changed. A chat button's decision
    // token is used up here (core/server/ChatHooks.h), so it decides once.
    std::function<Status(Transaction &)> alongside = {};
};

struct ApprovalPage {
    std::vector<ApprovalRequest> requests;
    QString next; // pass as `after` for the next page; empty at the end
    qint64 pending = 0;
};

// Approval requests with their deadlines, reminders and decisions
// (docs/approvals.md). A request is classified by the TierPolicy in the
// operating mode of the moment; a gate always waits for a person, so a
// request is tier 2 at least. Tier 2 expires into a denial (recorded as
// expired) at its deadline, with reminders at 50 % and 90 %; tier 3 has no
// deadline and needs approvals from two different operators, one denial
// denying it. Every request, reminder, vote, decision and expiry commits
// with its approval.* event and its audit entry in one transaction.
//
// When a decided request names a task, the task leaves awaiting_approval
// through TaskQueue::act (approve: pending; deny or expiry: failed), after
// the decision's commit, as system:approvals. A task the process stopped
// before moving is moved at the next start, by a request made under the
// task's current claim (each trip to a gate is a claim of its own).
//
// As a Service its deadline is the soonest reminder or expiry; start()
// expires at once what passed while the process was down (once: the
// expiry is stored).
class ApprovalService : public Service {
public:
    struct Options {
        // The operating mode's name (autonomous, supervised, manual,
        // paused); supervised when null. The costs issue keeps the mode.
        std::function<QString()> mode;
        // tiers.yaml in the data directory; empty or absent: the defaults.
        QString policyPath;
        // Moves waiting tasks by the outcome; null: requests name no task
        // that moves (tests of the service alone).
        orchestrator::TaskQueue *tasks = nullptr;
        // Switches the operating mode to an approved mode_change request's
        // target inside the decision's transaction (`by`: the deciding
        // caller's actor), so the approval is the switch (mode.set's tier
        // 2 and 3, docs/approvals.md). Null: an approved mode change
        // switches nothing (tests of the service alone).
        std::function<Status(Transaction &, const QString &mode, const QString &by, const QString &approvalId)> switchMode;
    };
    // Called inside the transaction of every request, reminder, decision
    // and expiry (`what`: requested, reminder, decided, expired), so a
    // notification is queued durably with what it tells of, and sent later.
    using Outbox = std::function<Status(Transaction &, const ApprovalRequest &, const QString &what)>;

    ApprovalService(Database &db, EventBus &events, AuditLog &audit, const Clock &clock, Options options);

    // A mode_change action's target must be a mode's name (its approval
    // switches to it).
    Result<ApprovalRequest> request(const NewApproval &request, const Actor &actor);
    // Every id or none: a request that is unknown, decided already, or that
    // this operator approved already (tier 3) refuses the whole decision,
    // naming it, and nothing changes; so does a tier-2 request whose
    // deadline has passed (failed_precondition: it is expired, and the next
    // sweep records it so). Returns the requests as they are now.
    Result<std::vector<ApprovalRequest>> decide(const Decision &decision, const Actor &actor);

    Result<ApprovalRequest> get(const QString &id) const;
    Result<ApprovalPage> list(ApprovalFilter filter, const QString &after, int limit) const;
    // The tier and rule an action would get now (policy.check).
    Result<TierDecision> check(const Action &action) const;

    // Reads tiers.yaml again; a file that does not validate is the error
    // and the policy in force stays.
    Status reloadPolicy();
    const TierPolicy &policy() const { return m_policy; }
    void setOutbox(Outbox outbox) { m_outbox = std::move(outbox); }

    // Reminders and expiries due by nowNs, at most SweepMax in one
    // transaction. Returns how many were handled.
    Result<int> sweep(qint64 nowNs);

    // Service.
    QString name() const override { return QStringLiteral("approvals"); }
    Status start() override;
    std::optional<qint64> nextDeadlineNs() override;
    void runDue(qint64 nowNs) override;

private:
    Result<Mode> mode() const;
    Status seedIds();
    Status checkDecision(const Decision &decision, const QString &operatorName, const QString &caller, qint64 nowNs,
                         std::vector<ApprovalRequest> &requests) const;
    // Moves the tasks of finished requests (after their commit).
    void settleTasks(const std::vector<ApprovalRequest> &finished);
    // At start: tasks still awaiting an approval that was decided, each by
    // the newest request of its current claim only.
    Status settleLeftovers();

    Database &m_db;
    EventBus &m_events;
    AuditLog &m_audit;
    const Clock &m_clock;
    ApprovalStore m_store;
    Options m_options;
    TierPolicy m_policy;
    std::optional<Error> m_policyError; // the rule file did not load at construction: nothing is classified
    Outbox m_outbox;
    orchestrator::Ulid::Generator m_ids;
    bool m_idsSeeded = false;
};

} // namespace cabinet::approvals

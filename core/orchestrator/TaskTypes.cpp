#include "orchestrator/TaskTypes.h"

#include "ledger/ExactJson.h"

#include <QStringList>

namespace cabinet::orchestrator {

const char *stateName(TaskState state)
{
    switch (state) {
    case TaskState::Pending: return "pending";
    case TaskState::Claimed: return "claimed";
    case TaskState::Running: return "running";
    case TaskState::AwaitingApproval: return "awaiting_approval";
    case TaskState::Review: return "review";
    case TaskState::Done: return "done";
    case TaskState::Failed: return "failed";
    case TaskState::Cancelled: return "cancelled";
    }
    return "?";
}

QString stateText(TaskState state)
{
    return QString::fromLatin1(stateName(state));
}

std::optional<TaskState> stateFromName(QStringView name)
{
    for (TaskState state : AllTaskStates) {
        if (name == QLatin1StringView(stateName(state)))
            return state;
    }
    return std::nullopt;
}

bool isFinished(TaskState state)
{
    return state == TaskState::Done || state == TaskState::Failed || state == TaskState::Cancelled;
}

const char *actionName(TaskAction action)
{
    switch (action) {
    case TaskAction::Claim: return "claim";
    case TaskAction::Start: return "start";
    case TaskAction::Release: return "release";
    case TaskAction::LeaseLost: return "lease_lost";
    case TaskAction::AwaitApproval: return "await_approval";
    case TaskAction::Approve: return "approve";
    case TaskAction::Deny: return "deny";
    case TaskAction::SubmitForReview: return "submit_for_review";
    case TaskAction::Complete: return "complete";
    case TaskAction::Accept: return "accept";
    case TaskAction::Reject: return "reject";
    case TaskAction::Fail: return "fail";
    case TaskAction::Cancel: return "cancel";
    case TaskAction::Retry: return "retry";
    }
    return "?";
}

bool transitionAllowed(TaskState from, TaskAction action, TaskState to)
{
    for (const Transition &t : Transitions) {
        if (t.from == from && t.action == action && t.to == to)
            return true;
    }
    return false;
}

bool actionApplies(TaskState from, TaskAction action)
{
    for (const Transition &t : Transitions) {
        if (t.from == from && t.action == action)
            return true;
    }
    return false;
}

QString statesFor(TaskAction action)
{
    QStringList states;
    for (const Transition &t : Transitions) {
        const QString name = u'\'' + stateText(t.from) + u'\'';
        if (t.action == action && !states.contains(name))
            states.append(name);
    }
    if (states.size() <= 1)
        return states.join(QString());
    const QString last = states.takeLast();
    return states.join(QStringLiteral(", ")) + QStringLiteral(" or ") + last;
}

Error illegalTransition(const QString &taskId, TaskState from, TaskAction action, TaskState to)
{
    return Error { ErrorCode::Conflict,
                   QStringLiteral("cannot %1 task %2: it is '%3', and '%3' → '%4' is not an allowed transition (%1 applies to a "
                                  "task that is %5)")
                           .arg(QLatin1StringView(actionName(action)), taskId, stateText(from), stateText(to), statesFor(action)),
                   QStringLiteral("id") };
}

QByteArray taskJson(const Task &task, bool withPayload)
{
    ledger::JsonWriter json;
    auto nullable = [&](const char *key, const QString &value) {
        json.key(key);
        if (value.isEmpty())
            json.raw(QByteArrayLiteral("null"));
        else
            json.string(value);
    };
    json.beginObject();
    json.key("id");
    json.string(task.id);
    json.key("workflow");
    json.string(task.workflow);
    json.key("title");
    json.string(task.title);
    json.key("state");
    json.string(stateText(task.state));
    json.key("paused");
    json.boolean(task.paused);
    json.key("attempts");
    json.number(task.attempts);
    json.key("max_attempts");
    json.number(task.maxAttempts);
    json.key("backoff_ms");
    json.number(task.backoffBaseMs);
    json.key("lease_losses");
    json.number(task.leaseLosses);
    nullable("idempotency_key", task.idempotencyKey);
    json.key("not_before_ms");
    json.number(task.notBeforeNs / 1'000'000);
    json.key("lease");
    if (task.hasLease()) {
        json.beginObject();
        json.key("worker");
        json.string(task.leaseWorker);
        json.key("owner");
        json.string(task.leaseOwner);
        json.key("token");
        json.number(task.claims);
        json.key("expires_ms");
        json.number(task.leaseExpiresNs / 1'000'000);
        json.endObject();
    } else {
        json.raw(QByteArrayLiteral("null"));
    }
    nullable("last_error", task.lastError);
    json.key("submitted_by");
    json.string(task.submittedBy);
    json.key("created_ms");
    json.number(task.createdNs / 1'000'000);
    json.key("updated_ms");
    json.number(task.updatedNs / 1'000'000);
    if (withPayload) {
        json.key("input");
        json.raw(task.input.isEmpty() ? QByteArrayLiteral("{}") : task.input);
        json.key("result");
        json.raw(task.result.isEmpty() ? QByteArrayLiteral("null") : task.result);
    }
    json.endObject();
    return json.data();
}

} // namespace cabinet::orchestrator

#include "approvals/ApprovalService.h"

#include "Assert.h"
#include "api/JsonText.h"
#include "audit/AuditLog.h"
#include "events/EventBus.h"
#include "events/EventTypes.h"
#include "ledger/ExactJson.h"
#include "orchestrator/TaskQueue.h"
#include "store/Database.h"

#include <QJsonArray>
#include <QLoggingCategory>
#include <QRandomGenerator>

Q_LOGGING_CATEGORY(lcApprovals, "cabinet.approvals")

namespace cabinet::approvals {

namespace {

constexpr qint64 NsPerMs = 1'000'000;
const QString SystemActor = QStringLiteral("system:approvals");

QJsonValue textOrNull(const QString &text)
{
    return text.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(text);
}

// The members every approval.* event carries, so a gate learns its outcome
// from the event alone.
QJsonObject eventOf(const ApprovalRequest &request)
{
    return { { QStringLiteral("id"), request.id }, { QStringLiteral("task_id"), textOrNull(request.taskId) },
             { QStringLiteral("node"), textOrNull(request.node) } };
}

// Printable, no spaces: what an operator identity may be, from any source.
bool validIdentity(const QString &name)
{
    if (name.isEmpty() || name.size() > Actor::IdLengthMax)
        return false;
    return std::all_of(name.begin(), name.end(), [](QChar c) { return c.isPrint() && !c.isSpace(); });
}

Error invalid(const QString &message, const QString &field)
{
    return Error { ErrorCode::InvalidArgument, message, field };
}

} // namespace

ApprovalService::ApprovalService(Database &db, EventBus &events, AuditLog &audit, const Clock &clock, Options options)
    : m_db(db),
      m_events(events),
      m_audit(audit),
      m_clock(clock),
      m_store(db),
      m_options(std::move(options)),
      m_policy(TierPolicy::defaults()),
      m_ids(QRandomGenerator::system()->generate64())
{
    if (!m_options.policyPath.isEmpty()) {
        auto loaded = TierPolicy::load(m_options.policyPath);
        if (loaded) {
            m_policy = std::move(*loaded);
        } else {
            // A stricter file that does not read must not leave the
            // laxer defaults in force: nothing is classified until it does.
            m_policyError = loaded.error();
            qCWarning(lcApprovals).noquote() << "the tier rules do not load; no action is classified until they do:"
                                             << loaded.error().message;
        }
    }
}

Status ApprovalService::reloadPolicy()
{
    auto loaded = TierPolicy::load(m_options.policyPath);
    if (!loaded)
        return loaded.error();
    m_policy = std::move(*loaded);
    m_policyError.reset();
    return {};
}

Result<Mode> ApprovalService::mode() const
{
    const QString name = m_options.mode ? m_options.mode() : QStringLiteral("supervised");
    const auto mode = modeFromName(name);
    if (!mode)
        return Error { ErrorCode::FailedPrecondition,
                       QStringLiteral("the operating mode '%1' is not autonomous, supervised, manual or paused").arg(name.left(64)) };
    return *mode;
}

Result<TierDecision> ApprovalService::check(const Action &action) const
{
    if (m_policyError)
        return Error { ErrorCode::FailedPrecondition, m_policyError->message, m_policyError->field };
    auto current = mode();
    if (!current)
        return current.error();
    return m_policy.classify(action, *current);
}

Status ApprovalService::seedIds()
{
    if (m_idsSeeded)
        return {};
    auto greatest = m_store.greatestId();
    if (!greatest)
        return greatest.error();
    if (!greatest->isEmpty())
        m_ids.raiseFloor(*greatest);
    m_idsSeeded = true;
    return {};
}

Result<ApprovalRequest> ApprovalService::request(const NewApproval &asked, const Actor &actor)
{
    if (asked.taskId.toUtf8().size() > TaskIdBytesMax)
        return invalid(QStringLiteral("'task_id' is longer than %1 bytes").arg(TaskIdBytesMax), QStringLiteral("task_id"));
    if (asked.node.toUtf8().size() > NodeBytesMax)
        return invalid(QStringLiteral("'node' is longer than %1 bytes").arg(NodeBytesMax), QStringLiteral("node"));
    if (asked.evidence.size() > EvidenceBytesMax)
        return invalid(QStringLiteral("the evidence is larger than %1 bytes").arg(EvidenceBytesMax), QStringLiteral("evidence"));
    QByteArray evidence = "{}";
    if (!asked.evidence.isEmpty()) {
        auto parsed = ledger::parseExactJson(asked.evidence);
        if (!parsed || !parsed->isObject())
            return invalid(QStringLiteral("the evidence must be a JSON object"), QStringLiteral("evidence"));
        evidence = api::writeJson(*parsed);
    }
    // Its approval switches to the target: it must be a mode.
    if (asked.action.kind == ActionKind::ModeChange && !modeFromName(asked.action.target))
        return invalid(QStringLiteral("a mode change's target must be autonomous, supervised, manual or paused"), QStringLiteral("action.target"));
    auto decision = check(asked.action);
    if (!decision)
        return decision.error();
    auto pending = m_store.pendingCount();
    if (!pending)
        return pending.error();
    if (*pending >= PendingMax)
        return Error { ErrorCode::ResourceExhausted,
                       QStringLiteral("%1 approvals are pending, the most there may be; decide some first").arg(PendingMax) };
    // The claim the task is at: a later trip to a gate is a later claim.
    int taskClaim = 0;
    if (!asked.taskId.isEmpty() && m_options.tasks) {
        auto task = m_options.tasks->get(asked.taskId);
        if (!task)
            return Error { task.error().code, task.error().message, QStringLiteral("task_id") };
        taskClaim = task->claims;
    }
    if (auto seeded = seedIds(); !seeded)
        return seeded.error();

    ApprovalRequest request;
    const qint64 now = m_clock.nowNs();
    request.id = m_ids.next(now / NsPerMs);
    // A gate waits for a person: a lower tier becomes 2.
    request.tier = std::max(2, decision->tier);
    request.rule = decision->rule;
    request.action = asked.action;
    request.taskId = asked.taskId;
    request.taskClaim = taskClaim;
    request.node = asked.node;
    request.requestedBy = actor.toString();
    request.evidence = evidence;
    request.createdNs = now;
    if (request.tier == 2) {
        request.deadlineNs = now + (decision->deadlineMs ? decision->deadlineMs : DeadlineMsDefault) * NsPerMs;
        request.nextDueNs = request.reminderNs(1);
    }

    auto tx = m_db.begin();
    if (!tx)
        return tx.error();
    if (auto stored = m_store.insert(request); !stored)
        return stored.error();
    QJsonObject event = eventOf(request);
    event.insert(QStringLiteral("tier"), request.tier);
    event.insert(QStringLiteral("rule"), request.rule);
    event.insert(QStringLiteral("deadline_ms"), request.deadlineNs ? QJsonValue(request.deadlineNs / NsPerMs) : QJsonValue(QJsonValue::Null));
    event.insert(QStringLiteral("action"), actionJson(request.action));
    if (auto appended = m_events.append(*tx, events::ApprovalRequested, event); !appended)
        return appended.error();
    if (auto entry = m_audit.append(*tx, actor.toString(), QStringLiteral("approval.request"), request.id, event); !entry)
        return entry.error();
    if (m_outbox)
        if (auto queued = m_outbox(*tx, request, QStringLiteral("requested")); !queued)
            return queued.error();
    if (auto committed = tx->commit(); !committed)
        return committed.error();
    wake();
    return request;
}

Status ApprovalService::checkDecision(const Decision &decision, const QString &operatorName, const QString &caller, qint64 nowNs,
                                      std::vector<ApprovalRequest> &requests) const
{
    if (decision.ids.isEmpty() || decision.ids.size() > BulkMax)
        return invalid(QStringLiteral("a decision names 1..%1 requests, got %2").arg(BulkMax).arg(decision.ids.size()), QStringLiteral("ids"));
    if (!validIdentity(operatorName))
        return invalid(QStringLiteral("the operator must be 1..%1 printable characters without spaces").arg(Actor::IdLengthMax),
                       QStringLiteral("operator"));
    if (decision.reason.toUtf8().size() > ReasonBytesMax)
        return invalid(QStringLiteral("the reason is longer than %1 bytes").arg(ReasonBytesMax), QStringLiteral("reason"));
    for (qsizetype i = 0; i < decision.ids.size(); ++i) {
        const QString &id = decision.ids[i];
        const QString field = QStringLiteral("ids[%1]").arg(i);
        if (decision.ids.indexOf(id) != i)
            return invalid(QStringLiteral("request %1 is named twice").arg(id.left(64)), field);
        auto found = m_store.get(id);
        if (!found)
            return found.error();
        if (!*found)
            return Error { ErrorCode::NotFound, QStringLiteral("no approval request %1").arg(id.left(64)), field };
        const ApprovalRequest &request = **found;
        if (request.state != ApprovalState::Pending)
            return Error { ErrorCode::Conflict,
                           QStringLiteral("request %1 is %2 already; a decided request is not decided again").arg(id, approvalStateName(request.state)),
                           field };
        // Between the deadline and the sweep that records the expiry the
        // request is expired already: nobody approves it late.
        if (request.deadlineNs > 0 && nowNs >= request.deadlineNs)
            return Error { ErrorCode::FailedPrecondition,
                           QStringLiteral("request %1 passed its deadline; it is expired and not decided any more").arg(id), field };
        // The same name, or the same caller under another name: an
        // identity is worth its source (docs/approvals.md), and one caller
        // typing two names is still one.
        for (const Vote &vote : request.votes)
            if (vote.operatorName == operatorName || vote.actor == caller)
                return Error { ErrorCode::Conflict,
                               QStringLiteral("%1 (%2) voted on request %3 already; tier 3 needs %4 different operators")
                                       .arg(vote.operatorName, vote.actor, id)
                                       .arg(Tier3ApprovalsNeeded),
                               field };
        requests.push_back(**found);
    }
    return {};
}

Result<std::vector<ApprovalRequest>> ApprovalService::decide(const Decision &decision, const Actor &actor)
{
    // An agent asks for approvals; it never gives them.
    if (actor.kind() == Actor::Kind::Agent)
        return Error { ErrorCode::PermissionDenied, QStringLiteral("an agent cannot decide an approval request; an operator does") };
    const QString operatorName = decision.operatorName.isEmpty() ? actor.id() : decision.operatorName;
    const qint64 now = m_clock.nowNs();
    std::vector<ApprovalRequest> requests;
    if (auto checked = checkDecision(decision, operatorName, actor.toString(), now, requests); !checked)
        return checked.error();

    auto tx = m_db.begin();
    if (!tx)
        return tx.error();
    if (decision.alongside)
        if (auto done = decision.alongside(*tx); !done)
            return done.error();
    std::vector<ApprovalRequest> finished;
    for (ApprovalRequest &request : requests) {
        const Vote vote { operatorName, decision.approve, decision.reason, now, actor.toString() };
        if (auto stored = m_store.insertVote(request.id, vote); !stored)
            return stored.error();
        request.votes.push_back(vote);
        const qint64 approvals = std::count_if(request.votes.begin(), request.votes.end(), [](const Vote &v) { return v.approve; });
        const bool final = !decision.approve || request.tier == 2 || approvals >= Tier3ApprovalsNeeded;
        QJsonObject event = eventOf(request);
        if (!final) {
            event.insert(QStringLiteral("operator"), operatorName);
            if (auto appended = m_events.append(*tx, events::ApprovalVoted, event); !appended)
                return appended.error();
            // Told with fresh buttons: the vote may have used up the
            // decision token of the message it came from (a chat reply's).
            if (m_outbox)
                if (auto queued = m_outbox(*tx, request, QStringLiteral("voted")); !queued)
                    return queued.error();
            continue;
        }
        request.state = decision.approve ? ApprovalState::Approved : ApprovalState::Denied;
        request.decidedNs = now;
        request.reason = decision.reason;
        request.nextDueNs = 0;
        if (auto stored = m_store.update(request); !stored)
            return stored.error();
        if (request.state == ApprovalState::Approved && request.action.kind == ActionKind::ModeChange && m_options.switchMode)
            if (auto switched = m_options.switchMode(*tx, request.action.target, actor.toString(), request.id); !switched)
                return switched.error();
        QJsonArray operators;
        for (const Vote &v : request.votes)
            operators.append(v.operatorName);
        event.insert(QStringLiteral("outcome"), approvalStateName(request.state));
        event.insert(QStringLiteral("operators"), operators);
        event.insert(QStringLiteral("reason"), decision.reason);
        if (auto appended = m_events.append(*tx, events::ApprovalDecided, event); !appended)
            return appended.error();
        if (m_outbox)
            if (auto queued = m_outbox(*tx, request, QStringLiteral("decided")); !queued)
                return queued.error();
        finished.push_back(request);
    }
    // One entry for the decision, however many requests it names.
    QJsonArray ids;
    for (const ApprovalRequest &request : requests)
        ids.append(request.id);
    const QString subject = requests.size() == 1 ? requests.front().id : QStringLiteral("%1 requests").arg(requests.size());
    if (auto entry = m_audit.append(*tx, actor.toString(), decision.approve ? QStringLiteral("approval.approve") : QStringLiteral("approval.deny"),
                                    subject,
                                    { { QStringLiteral("ids"), ids }, { QStringLiteral("operator"), operatorName },
                                      { QStringLiteral("reason"), decision.reason } });
        !entry)
        return entry.error();
    if (auto committed = tx->commit(); !committed)
        return committed.error();
    wake();
    settleTasks(finished);
    return requests;
}

Result<int> ApprovalService::sweep(qint64 nowNs)
{
    auto due = m_store.dueIds(nowNs, SweepMax);
    if (!due)
        return due.error();
    if (due->empty())
        return 0;
    auto tx = m_db.begin();
    if (!tx)
        return tx.error();
    QJsonArray reminded, expiredIds;
    std::vector<ApprovalRequest> expired;
    for (const QString &id : *due) {
        auto found = m_store.get(id);
        if (!found)
            return found.error();
        CABINET_ASSERT(found->has_value());
        ApprovalRequest request = std::move(**found);
        QJsonObject event = eventOf(request);
        event.insert(QStringLiteral("deadline_ms"), request.deadlineNs / NsPerMs);
        if (nowNs >= request.deadlineNs) {
            // No person decided it: denied, and told apart as expired.
            request.state = ApprovalState::Expired;
            request.decidedNs = nowNs;
            request.reason = QStringLiteral("the deadline passed with no decision");
            request.nextDueNs = 0;
            if (auto appended = m_events.append(*tx, events::ApprovalExpired, event); !appended)
                return appended.error();
            if (m_outbox)
                if (auto queued = m_outbox(*tx, request, QStringLiteral("expired")); !queued)
                    return queued.error();
            expiredIds.append(request.id);
            expired.push_back(request);
        } else {
            // After a stop past the 90 % mark only that reminder goes out.
            request.reminders = nowNs >= request.reminderNs(2) ? 2 : request.reminders + 1;
            request.nextDueNs = request.reminders == 1 ? request.reminderNs(2) : request.deadlineNs;
            event.insert(QStringLiteral("percent"), request.reminders == 1 ? 50 : 90);
            if (auto appended = m_events.append(*tx, events::ApprovalReminder, event); !appended)
                return appended.error();
            if (m_outbox)
                if (auto queued = m_outbox(*tx, request, QStringLiteral("reminder")); !queued)
                    return queued.error();
            reminded.append(request.id);
        }
        if (auto stored = m_store.update(request); !stored)
            return stored.error();
    }
    if (!reminded.isEmpty())
        if (auto entry = m_audit.append(*tx, SystemActor, QStringLiteral("approval.remind"),
                                        reminded.size() == 1 ? reminded.first().toString() : QStringLiteral("%1 requests").arg(reminded.size()),
                                        { { QStringLiteral("ids"), reminded } });
            !entry)
            return entry.error();
    if (!expiredIds.isEmpty())
        if (auto entry = m_audit.append(*tx, SystemActor, QStringLiteral("approval.expire"),
                                        expiredIds.size() == 1 ? expiredIds.first().toString() : QStringLiteral("%1 requests").arg(expiredIds.size()),
                                        { { QStringLiteral("ids"), expiredIds } });
            !entry)
            return entry.error();
    if (auto committed = tx->commit(); !committed)
        return committed.error();
    settleTasks(expired);
    return int(due->size());
}

void ApprovalService::settleTasks(const std::vector<ApprovalRequest> &finished)
{
    if (!m_options.tasks)
        return;
    for (const ApprovalRequest &request : finished) {
        if (request.taskId.isEmpty())
            continue;
        const bool approved = request.state == ApprovalState::Approved;
        orchestrator::OperatorAction action { request.taskId, approved ? orchestrator::TaskAction::Approve : orchestrator::TaskAction::Deny,
                                              QStringLiteral("approval %1 %2").arg(request.id, approvalStateName(request.state)) };
        auto moved = m_options.tasks->act(action, Actor::system(QStringLiteral("approvals")));
        // A task cancelled meanwhile stays as it is; any other failure is
        // tried again at the next start (settleLeftovers).
        if (!moved && moved.error().code != ErrorCode::Conflict && moved.error().code != ErrorCode::NotFound)
            qCWarning(lcApprovals).noquote() << "task" << request.taskId << "did not move by approval" << request.id << ":"
                                             << moved.error().message;
    }
}

Status ApprovalService::settleLeftovers()
{
    if (!m_options.tasks)
        return {};
    orchestrator::TaskFilter filter;
    filter.state = orchestrator::TaskState::AwaitingApproval;
    filter.limit = orchestrator::ListLimitMax;
    std::vector<ApprovalRequest> decided;
    while (true) {
        auto page = m_options.tasks->list(filter);
        if (!page)
            return page.error();
        for (const orchestrator::Task &task : page->tasks) {
            // Only a request of the claim that brought the task to this
            // gate: an earlier gate's approval must not move it past this one.
            auto newest = m_store.newestForClaim(task.id, task.claims);
            if (!newest)
                return newest.error();
            // None of this claim: the WorkflowRunner waits again on a request
            // of an earlier claim (it stopped between asking and reporting
            // the wait). That one counts only if it was decided after the
            // task began this wait; an earlier gate's was decided before.
            if (!*newest) {
                newest = m_store.newestForTask(task.id);
                if (!newest)
                    return newest.error();
                if (*newest && (*newest)->decidedNs <= task.updatedNs)
                    newest->reset();
            }
            if (*newest && (*newest)->state != ApprovalState::Pending)
                decided.push_back(**newest);
        }
        if (page->next.isEmpty())
            break;
        filter.after = page->next;
    }
    settleTasks(decided);
    return {};
}

Result<ApprovalRequest> ApprovalService::get(const QString &id) const
{
    auto found = m_store.get(id);
    if (!found)
        return found.error();
    if (!*found)
        return Error { ErrorCode::NotFound, QStringLiteral("no approval request %1").arg(id.left(64)), QStringLiteral("id") };
    return std::move(**found);
}

Result<ApprovalPage> ApprovalService::list(ApprovalFilter filter, const QString &after, int limit) const
{
    if (limit < 1 || limit > ListLimitMax)
        return invalid(QStringLiteral("'limit' must be 1..%1, got %2").arg(ListLimitMax).arg(limit), QStringLiteral("limit"));
    if (!after.isEmpty()) {
        auto found = m_store.get(after);
        if (!found)
            return found.error();
        if (!*found)
            return Error { ErrorCode::NotFound, QStringLiteral("no approval request %1 to start after").arg(after.left(64)), QStringLiteral("after") };
    }
    // One more than asked says whether a next page exists.
    auto rows = m_store.page(filter, after, limit + 1);
    if (!rows)
        return rows.error();
    ApprovalPage page;
    if (int(rows->size()) > limit) {
        rows->pop_back();
        page.next = rows->back().id;
    }
    page.requests = std::move(*rows);
    auto pending = m_store.pendingCount();
    if (!pending)
        return pending.error();
    page.pending = *pending;
    return page;
}

Status ApprovalService::start()
{
    // What fell due while the process was down: expired now, once.
    while (true) {
        auto handled = sweep(m_clock.nowNs());
        if (!handled)
            return handled.error();
        if (*handled < SweepMax)
            break;
    }
    return settleLeftovers();
}

std::optional<qint64> ApprovalService::nextDeadlineNs()
{
    auto due = m_store.nextDue();
    if (!due) {
        qCWarning(lcApprovals).noquote() << due.error().message;
        return std::nullopt;
    }
    return *due;
}

void ApprovalService::runDue(qint64 nowNs)
{
    auto handled = sweep(nowNs);
    if (!handled)
        qCWarning(lcApprovals).noquote() << "reminders and expiries failed; tried again at the next pass:" << handled.error().message;
}

} // namespace cabinet::approvals

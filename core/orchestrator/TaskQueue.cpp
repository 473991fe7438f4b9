#include "orchestrator/TaskQueue.h"

#include "Assert.h"
#include "audit/AuditLog.h"
#include "events/EventBus.h"
#include "ledger/ExactJson.h"
#include "orchestrator/ProcessIdentity.h"
#include "store/Database.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QThread>

#include <algorithm>
#include <map>

Q_LOGGING_CATEGORY(lcTasks, "cabinet.orchestrator")

namespace cabinet::orchestrator {

// One request on its way through the inbox and a batch, with its answer.
struct TaskQueue::Request {
    enum class Kind { Submit, Claim, Report, Heartbeat, Act, Pause };
    Kind kind = Kind::Submit;
    std::optional<Actor> actor;
    SubmitRequest submit;
    ClaimRequest claim;
    WorkerReport report;
    OperatorAction act;
    Lease lease;           // heartbeat
    qint64 leaseMs = 0;    // heartbeat
    QString taskId;        // pause
    bool paused = false;   // pause
    qint64 parkedUntilNs = 0;
    bool parked = false;   // waiting in m_parked: answered later
    bool timedOut = false; // a parked claim whose wait ended with nothing

    Done<Submitted> doneSubmitted;
    Done<std::vector<Task>> doneTasks;
    Done<Task> doneTask;
    std::optional<Result<Submitted>> submitted;
    std::optional<Result<std::vector<Task>>> tasks;
    std::optional<Result<Task>> task;

    // The task changes this request may make, for the batch's bound.
    int changes() const { return kind == Kind::Claim ? std::clamp(claim.max, 1, ClaimBatchMax) : 1; }
    bool refused() const
    {
        switch (kind) {
        case Kind::Submit: return submitted && !submitted->ok();
        case Kind::Claim: return tasks && !tasks->ok();
        default: return task && !task->ok();
        }
    }
    void refuse(const Error &error)
    {
        switch (kind) {
        case Kind::Submit: submitted = error; break;
        case Kind::Claim: tasks = error; break;
        default: task = error; break;
        }
    }
};

// What one transaction gathers: the counts it started from and the changes
// it makes, the event records and audit entries written just before COMMIT.
struct TaskQueue::Batch {
    Transaction *tx = nullptr;
    qint64 nowNs = 0;
    TaskCounts counts {};
    TaskCounts delta {};
    int changeCount = 0;
    int reclaimed = 0;
    QJsonArray submitted;
    QJsonArray changes;
    QJsonArray pauses;
    struct AuditGroup {
        QString actor;
        QString action;
        QJsonArray tasks;
    };
    std::vector<AuditGroup> audits;
    qint64 soonestNewDeadlineNs = 0;

    qint64 current(TaskState state) const { return counts[size_t(state)] + delta[size_t(state)]; }
    void deadline(qint64 ns)
    {
        if (ns > 0 && (soonestNewDeadlineNs == 0 || ns < soonestNewDeadlineNs))
            soonestNewDeadlineNs = ns;
    }
    // Operator actions are audited under their Actor; several of the same
    // kind by the same actor in one batch share one entry that lists them
    // (as a ledger batch does).
    void audit(const Actor &actor, const QString &action, QJsonObject entry)
    {
        const QString who = actor.toString();
        for (AuditGroup &group : audits) {
            if (group.actor == who && group.action == action) {
                group.tasks.append(std::move(entry));
                return;
            }
        }
        audits.push_back({ who, action, QJsonArray { std::move(entry) } });
    }
};

namespace {

constexpr qint64 NsPerMs = 1'000'000;

// --- checks on what callers send (each before the work it would cost) ---

void appendJsonString(QByteArray &out, const QString &text)
{
    out.append('"');
    for (const char c : text.toUtf8()) {
        switch (c) {
        case '"': out.append("\\\""); break;
        case '\\': out.append("\\\\"); break;
        case '\n': out.append("\\n"); break;
        case '\r': out.append("\\r"); break;
        case '\t': out.append("\\t"); break;
        case '\b': out.append("\\b"); break;
        case '\f': out.append("\\f"); break;
        default:
            if (static_cast<unsigned char>(c) < 0x20)
                out.append(QByteArray("\\u00") + QByteArray::number(int(c), 16).rightJustified(2, '0'));
            else
                out.append(c);
        }
    }
    out.append('"');
}

void writeCompact(QByteArray &out, const ledger::JsonValue &value)
{
    using Type = ledger::JsonValue::Type;
    switch (value.type) {
    case Type::Null: out.append("null"); return;
    case Type::Bool: out.append(value.boolean ? "true" : "false"); return;
    case Type::Number: out.append(value.text.toLatin1()); return;
    case Type::String: appendJsonString(out, value.text); return;
    case Type::Array:
        out.append('[');
        for (size_t i = 0; i < value.items.size(); ++i) {
            if (i)
                out.append(',');
            writeCompact(out, value.items[i]);
        }
        out.append(']');
        return;
    case Type::Object:
        out.append('{');
        for (size_t i = 0; i < value.items.size(); ++i) {
            if (i)
                out.append(',');
            appendJsonString(out, value.keys[qsizetype(i)]);
            out.append(':');
            writeCompact(out, value.items[i]);
        }
        out.append('}');
        return;
    }
}

// JSON text checked and written compactly, numbers kept exactly as given.
Result<QByteArray> compactJson(const QByteArray &text, qsizetype bytesMax, const QString &field, bool objectOnly)
{
    if (text.size() > bytesMax)
        return Error { ErrorCode::InvalidArgument,
                       QStringLiteral("'%1' is %2 bytes, over the limit of %3").arg(field).arg(text.size()).arg(bytesMax), field };
    ledger::JsonLimits limits;
    limits.bytesMax = bytesMax;
    auto value = ledger::parseExactJson(text, limits);
    if (!value)
        return Error { ErrorCode::InvalidArgument, QStringLiteral("'%1' is not valid JSON: %2").arg(field, value.error().message), field };
    if (objectOnly && !value->isObject())
        return Error { ErrorCode::InvalidArgument, QStringLiteral("'%1' must be a JSON object, not %2").arg(field, value->typeName()), field };
    QByteArray out;
    out.reserve(text.size());
    writeCompact(out, *value);
    if (out.size() > bytesMax)
        return Error { ErrorCode::InvalidArgument,
                       QStringLiteral("'%1' is %2 bytes, over the limit of %3").arg(field).arg(out.size()).arg(bytesMax), field };
    return out;
}

bool hasControl(const QString &text)
{
    for (QChar c : text) {
        if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format || c == QChar::LineSeparator
            || c == QChar::ParagraphSeparator)
            return true;
    }
    return false;
}

// An identifier a person types: printable, no spaces, at most `bytesMax` UTF-8 bytes.
Status checkToken(const QString &value, qsizetype bytesMax, const QString &field, const char *what)
{
    if (value.isEmpty())
        return Error { ErrorCode::InvalidArgument, QStringLiteral("'%1' (%2) must not be empty").arg(field, QLatin1StringView(what)), field };
    if (value.toUtf8().size() > bytesMax)
        return Error { ErrorCode::InvalidArgument,
                       QStringLiteral("'%1' (%2) is %3 bytes, over the limit of %4").arg(field, QLatin1StringView(what)).arg(value.toUtf8().size()).arg(bytesMax),
                       field };
    for (QChar c : value) {
        if (c.isSpace() || hasControl(QString(c)))
            return Error { ErrorCode::InvalidArgument,
                           QStringLiteral("'%1' (%2) may not hold spaces or control characters").arg(field, QLatin1StringView(what)), field };
    }
    return {};
}

Status checkTaskId(const QString &id)
{
    if (!Ulid::isValid(id))
        return Error { ErrorCode::InvalidArgument,
                       QStringLiteral("'%1' is not a task id (a task id is a ULID: 26 characters of Crockford base 32)").arg(id.left(40)),
                       QStringLiteral("id") };
    return {};
}

Status checkSubmit(SubmitRequest &request)
{
    static const QRegularExpression workflowName(QStringLiteral("^[a-z0-9][a-z0-9_.-]*$"));
    if (request.workflow.isEmpty() || request.workflow.size() > WorkflowNameLengthMax || !workflowName.match(request.workflow).hasMatch())
        return Error { ErrorCode::InvalidArgument,
                       QStringLiteral("'workflow' must be a name of 1 to %1 characters: lower-case letters, digits, '_', '.' and '-', "
                                      "starting with a letter or digit")
                               .arg(WorkflowNameLengthMax),
                       QStringLiteral("workflow") };
    if (request.title.trimmed().isEmpty())
        return Error { ErrorCode::InvalidArgument, QStringLiteral("'title' must not be empty"), QStringLiteral("title") };
    if (const qsizetype bytes = request.title.toUtf8().size(); bytes > TitleBytesMax)
        return Error { ErrorCode::InvalidArgument, QStringLiteral("'title' is %1 bytes, over the limit of %2").arg(bytes).arg(TitleBytesMax),
                       QStringLiteral("title") };
    if (hasControl(request.title))
        return Error { ErrorCode::InvalidArgument, QStringLiteral("'title' is one line of text: no control characters"), QStringLiteral("title") };
    if (request.input.isEmpty())
        request.input = QByteArrayLiteral("{}");
    auto input = compactJson(request.input, InputBytesMax, QStringLiteral("input"), true);
    if (!input)
        return input.error();
    request.input = *input;
    if (!request.idempotencyKey.isEmpty()) {
        if (auto key = checkToken(request.idempotencyKey, IdempotencyKeyBytesMax, QStringLiteral("idempotency_key"), "an idempotency key"); !key)
            return key;
    }
    if (request.maxAttempts < 1 || request.maxAttempts > AttemptsMax)
        return Error { ErrorCode::InvalidArgument,
                       QStringLiteral("'max_attempts' must be 1..%1, got %2").arg(AttemptsMax).arg(request.maxAttempts),
                       QStringLiteral("max_attempts") };
    if (request.backoffBaseMs < 0 || request.backoffBaseMs > BackoffBaseMsMax)
        return Error { ErrorCode::InvalidArgument,
                       QStringLiteral("'backoff_ms' must be 0..%1, got %2").arg(BackoffBaseMsMax).arg(request.backoffBaseMs),
                       QStringLiteral("backoff_ms") };
    return {};
}

Status checkLeaseMs(qint64 leaseMs)
{
    if (leaseMs < LeaseMsMin || leaseMs > LeaseMsMax)
        return Error { ErrorCode::InvalidArgument, QStringLiteral("'lease_ms' must be %1..%2, got %3").arg(LeaseMsMin).arg(LeaseMsMax).arg(leaseMs),
                       QStringLiteral("lease_ms") };
    return {};
}

Status checkClaim(const ClaimRequest &request)
{
    if (auto worker = checkToken(request.worker, WorkerIdLengthMax, QStringLiteral("worker"), "a worker id"); !worker)
        return worker;
    if (request.max < 1 || request.max > ClaimBatchMax)
        return Error { ErrorCode::InvalidArgument, QStringLiteral("'max' must be 1..%1, got %2").arg(ClaimBatchMax).arg(request.max),
                       QStringLiteral("max") };
    if (auto lease = checkLeaseMs(request.leaseMs); !lease)
        return lease;
    if (request.waitMs < 0 || request.waitMs > ClaimWaitMsMax)
        return Error { ErrorCode::InvalidArgument, QStringLiteral("'wait_ms' must be 0..%1, got %2").arg(ClaimWaitMsMax).arg(request.waitMs),
                       QStringLiteral("wait_ms") };
    return {};
}

Status checkReason(const QString &reason)
{
    if (const qsizetype bytes = reason.toUtf8().size(); bytes > ReasonBytesMax)
        return Error { ErrorCode::InvalidArgument, QStringLiteral("'reason' is %1 bytes, over the limit of %2").arg(bytes).arg(ReasonBytesMax),
                       QStringLiteral("reason") };
    return {};
}

// A failure's text is kept, never refused: cut at the limit on a character
// boundary.
QString cutText(const QString &text, qsizetype bytesMax)
{
    QByteArray utf8 = text.toUtf8();
    if (utf8.size() <= bytesMax)
        return text;
    qsizetype end = bytesMax - 3;
    while (end > 0 && (static_cast<unsigned char>(utf8[end]) & 0xC0) == 0x80)
        --end;
    return QString::fromUtf8(utf8.left(end)) + QStringLiteral("...");
}

bool isWorkerAction(TaskAction action)
{
    switch (action) {
    case TaskAction::Start:
    case TaskAction::Release:
    case TaskAction::AwaitApproval:
    case TaskAction::SubmitForReview:
    case TaskAction::Complete:
    case TaskAction::Fail:
        return true;
    default:
        return false;
    }
}

bool isOperatorAction(TaskAction action)
{
    switch (action) {
    case TaskAction::Cancel:
    case TaskAction::Retry:
    case TaskAction::Approve:
    case TaskAction::Deny:
    case TaskAction::Accept:
    case TaskAction::Reject:
        return true;
    default:
        return false;
    }
}

// Work entering a state from outside the queue is held to the state's
// depth limit; a task already in the queue going back to pending is not.
bool entersFromOutside(TaskAction action)
{
    switch (action) {
    case TaskAction::Claim:
    case TaskAction::Start:
    case TaskAction::AwaitApproval:
    case TaskAction::SubmitForReview:
    case TaskAction::Retry:
        return true;
    default:
        return false;
    }
}

Error queueFull(TaskState state, qint64 limit)
{
    return Error { ErrorCode::ResourceExhausted,
                   QStringLiteral("the task queue holds %1 tasks in '%2', its limit; try again when some have moved on")
                           .arg(limit)
                           .arg(stateText(state)) };
}

} // namespace

qint64 backoffCeilingMs(qint64 baseMs, int attempts)
{
    qint64 delay = baseMs;
    for (int i = 1; i < attempts && delay < BackoffDelayMsMax; ++i)
        delay *= 2;
    return std::min(delay, BackoffDelayMsMax);
}

TaskQueue::TaskQueue(Database &db, EventBus &events, AuditLog &audit, const Clock &clock)
    : TaskQueue(db, events, audit, clock, Options {})
{
}

TaskQueue::TaskQueue(Database &db, EventBus &events, AuditLog &audit, const Clock &clock, Options options)
    : m_db(db),
      m_events(events),
      m_audit(audit),
      m_clock(clock),
      m_store(db),
      m_limits(options.limits),
      m_owner(options.owner.isEmpty() ? ProcessIdentity::current() : options.owner),
      m_jitter(std::move(options.jitter)),
      m_ids(QRandomGenerator::system()->generate64())
{
    if (!m_jitter) {
        m_jitter = [](qint64 spanMs) { return spanMs <= 0 ? 0 : qint64(QRandomGenerator::global()->bounded(quint64(spanMs) + 1)); };
    }
}

TaskQueue::~TaskQueue()
{
    // Requests still waiting are dropped unanswered: whoever sent them is
    // going away with the core (a handler's reply outlives its session
    // safely, but not the core it belongs to).
    std::lock_guard lock(m_inboxMutex);
    if (!m_inbox.empty() || !m_parked.empty())
        qCWarning(lcTasks) << "task queue destroyed with" << m_inbox.size() << "requests and" << m_parked.size()
                           << "waiting claims unanswered";
}

void TaskQueue::checkThread(const char *use) const
{
    CABINET_ASSERT_MSG(QThread::currentThread() == thread(), "%s on the task queue from thread %p, but it belongs to thread %p", use,
                       static_cast<void *>(QThread::currentThread()), static_cast<void *>(thread()));
}

// --- posting ---------------------------------------------------------------

void TaskQueue::post(Request request)
{
    bool full = false;
    bool schedule = false;
    {
        std::lock_guard lock(m_inboxMutex);
        if (qsizetype(m_inbox.size()) >= InboxMax) {
            full = true;
        } else {
            m_inbox.push_back(std::move(request));
            schedule = !std::exchange(m_drainQueued, true);
        }
    }
    if (full) {
        request.refuse(Error { ErrorCode::ResourceExhausted,
                               QStringLiteral("the task queue has %1 requests waiting, its limit; try again shortly").arg(InboxMax) });
        if (QThread::currentThread() == thread())
            answer(request);
        else
            QMetaObject::invokeMethod(this, [this, request]() mutable { answer(request); }, Qt::QueuedConnection);
        return;
    }
    if (schedule)
        QMetaObject::invokeMethod(this, &TaskQueue::drainQueued, Qt::QueuedConnection);
}

void TaskQueue::submit(SubmitRequest request, const Actor &actor, Done<Submitted> done)
{
    Request r;
    r.kind = Request::Kind::Submit;
    r.actor = actor;
    r.submit = std::move(request);
    r.doneSubmitted = std::move(done);
    post(std::move(r));
}

void TaskQueue::claim(ClaimRequest request, Done<std::vector<Task>> done)
{
    Request r;
    r.kind = Request::Kind::Claim;
    r.claim = std::move(request);
    r.doneTasks = std::move(done);
    post(std::move(r));
}

void TaskQueue::report(WorkerReport report, Done<Task> done)
{
    Request r;
    r.kind = Request::Kind::Report;
    r.report = std::move(report);
    r.doneTask = std::move(done);
    post(std::move(r));
}

void TaskQueue::heartbeat(Lease lease, qint64 leaseMs, Done<Task> done)
{
    Request r;
    r.kind = Request::Kind::Heartbeat;
    r.lease = std::move(lease);
    r.leaseMs = leaseMs;
    r.doneTask = std::move(done);
    post(std::move(r));
}

void TaskQueue::act(OperatorAction action, const Actor &actor, Done<Task> done)
{
    Request r;
    r.kind = Request::Kind::Act;
    r.actor = actor;
    r.act = std::move(action);
    r.doneTask = std::move(done);
    post(std::move(r));
}

void TaskQueue::setPaused(QString taskId, bool paused, const Actor &actor, Done<Task> done)
{
    Request r;
    r.kind = Request::Kind::Pause;
    r.actor = actor;
    r.taskId = std::move(taskId);
    r.paused = paused;
    r.doneTask = std::move(done);
    post(std::move(r));
}

template <typename T> Result<T> TaskQueue::runNow(const std::function<void(Done<T>)> &postIt)
{
    checkThread("a synchronous call");
    CABINET_ASSERT_MSG(!m_inBatch, "a synchronous task queue call from inside one of its batches (an event handler?): use the "
                                   "form that takes a callback");
    std::optional<Result<T>> answer;
    postIt([&answer](Result<T> result) { answer = std::move(result); });
    while (!answer)
        drainOnce();
    return std::move(*answer);
}

Result<Submitted> TaskQueue::submit(const SubmitRequest &request, const Actor &actor)
{
    return runNow<Submitted>([&](Done<Submitted> done) { submit(request, actor, std::move(done)); });
}

Result<std::vector<Task>> TaskQueue::claim(const ClaimRequest &request)
{
    if (request.waitMs != 0)
        return Error { ErrorCode::InvalidArgument, QStringLiteral("a claim on the queue's own thread cannot wait ('wait_ms' must be 0)"),
                       QStringLiteral("wait_ms") };
    return runNow<std::vector<Task>>([&](Done<std::vector<Task>> done) { claim(request, std::move(done)); });
}

Result<Task> TaskQueue::report(const WorkerReport &report)
{
    return runNow<Task>([&](Done<Task> done) { this->report(report, std::move(done)); });
}

Result<Task> TaskQueue::heartbeat(const Lease &lease, qint64 leaseMs)
{
    return runNow<Task>([&](Done<Task> done) { heartbeat(lease, leaseMs, std::move(done)); });
}

Result<Task> TaskQueue::act(const OperatorAction &action, const Actor &actor)
{
    return runNow<Task>([&](Done<Task> done) { act(action, actor, std::move(done)); });
}

Result<Task> TaskQueue::setPaused(const QString &taskId, bool paused, const Actor &actor)
{
    return runNow<Task>([&](Done<Task> done) { setPaused(taskId, paused, actor, std::move(done)); });
}

// --- batches ---------------------------------------------------------------

void TaskQueue::drainQueued()
{
    if (m_inBatch) {
        // Reached from inside a batch (an event handler ran the event
        // loop): the batch in progress finishes first.
        QMetaObject::invokeMethod(this, &TaskQueue::drainQueued, Qt::QueuedConnection);
        return;
    }
    drainOnce();
    bool more = false;
    {
        std::lock_guard lock(m_inboxMutex);
        more = !m_inbox.empty();
        if (!more)
            m_drainQueued = false;
    }
    // One batch per turn of the event loop, so a busy queue does not starve
    // the rest of the core's thread (the control socket, the scheduler).
    if (more)
        QMetaObject::invokeMethod(this, &TaskQueue::drainQueued, Qt::QueuedConnection);
}

void TaskQueue::drainOnce(bool sweep, bool reclaimNow)
{
    std::vector<Request> batch;
    {
        std::lock_guard lock(m_inboxMutex);
        size_t take = 0;
        int changes = 0;
        while (take < m_inbox.size() && take < size_t(BatchRequestsMax)) {
            changes += m_inbox[take].changes();
            if (take > 0 && changes > BatchChangesMax)
                break;
            ++take;
        }
        if (take == m_inbox.size()) {
            batch.swap(m_inbox);
            // The next batch gathers into room already made: growing a
            // vector of requests from nothing moves every request again.
            m_inbox.reserve(std::min<size_t>(std::max<size_t>(batch.size(), 64), size_t(BatchRequestsMax)));
        } else {
            batch.reserve(take);
            std::move(m_inbox.begin(), m_inbox.begin() + qsizetype(take), std::back_inserter(batch));
            m_inbox.erase(m_inbox.begin(), m_inbox.begin() + qsizetype(take));
        }
    }
    if (batch.empty() && !sweep && !reclaimNow && m_parked.empty())
        return;
    runBatch(batch, sweep, reclaimNow);
}

void TaskQueue::runBatch(std::vector<Request> &requests, bool sweep, bool reclaimNow)
{
    checkThread("a batch");
    CABINET_ASSERT_MSG(!m_inBatch, "task queue batches do not nest");
    m_inBatch = true;
    Batch batch;
    batch.nowNs = m_clock.nowNs();
    std::vector<Request> served; // parked claims answered by this batch
    Status status;
    {
        auto tx = m_db.begin();
        if (!tx) {
            status = tx.error();
        } else {
            batch.tx = &*tx;
            auto counts = m_store.counts();
            if (!counts)
                status = counts.error();
            else
                batch.counts = *counts;
            if (status && !m_idsSeeded) {
                // Ids after every stored one, whatever the clock says now.
                auto greatest = m_store.greatestId();
                if (!greatest)
                    status = greatest.error();
                else
                    m_ids.raiseFloor(*greatest);
                m_idsSeeded = status.ok();
            }
            if (status && reclaimNow)
                status = reclaim(batch);
            if (status && sweep)
                status = sweepLeases(batch);
            for (Request &request : requests) {
                if (!status)
                    break;
                status = apply(request, batch);
            }
            if (status && !m_parked.empty())
                status = serveParked(batch, served);
            if (status)
                status = writeRecords(batch);
            if (status)
                status = tx->commit();
            if (!status)
                tx->rollback();
        }
    }
    m_inBatch = false;
    if (status)
        ++m_batchesCommitted;
    m_lastBatchReclaimed = status ? batch.reclaimed : 0;
    m_lastBatchError.reset();

    if (!status) {
        const Error error { status.error().code == ErrorCode::Conflict ? ErrorCode::Unavailable : status.error().code,
                            QStringLiteral("the task queue could not commit this change, so it did not happen: %1").arg(status.error().message) };
        qCWarning(lcTasks).noquote() << error.message;
        m_lastBatchError = error;
        for (Request &request : requests) {
            // A refusal stands (it changed nothing either); everything
            // else, answered or not yet reached, gets the error.
            if (!request.parked && !request.refused())
                request.refuse(error);
        }
        // Claims that were to be served wait again, in their order.
        std::vector<Request> back;
        for (Request &request : served) {
            if (request.timedOut) {
                continue;
            }
            request.tasks.reset();
            request.parked = true;
            back.push_back(std::move(request));
        }
        std::erase_if(served, [](const Request &r) { return !r.timedOut; });
        m_parked.insert(m_parked.begin(), std::make_move_iterator(back.begin()), std::make_move_iterator(back.end()));
    }
    for (Request &request : requests) {
        if (!request.parked)
            answer(request);
    }
    for (Request &request : served)
        answer(request);
    if (status && batch.soonestNewDeadlineNs != 0 && (m_reportedDeadlineNs == 0 || batch.soonestNewDeadlineNs < m_reportedDeadlineNs))
        wake();
}

void TaskQueue::answer(Request &request)
{
    switch (request.kind) {
    case Request::Kind::Submit:
        CABINET_ASSERT(request.submitted);
        if (request.doneSubmitted)
            request.doneSubmitted(std::move(*request.submitted));
        break;
    case Request::Kind::Claim:
        CABINET_ASSERT(request.tasks);
        if (request.doneTasks)
            request.doneTasks(std::move(*request.tasks));
        break;
    default:
        CABINET_ASSERT(request.task);
        if (request.doneTask)
            request.doneTask(std::move(*request.task));
        break;
    }
}

Status TaskQueue::apply(Request &request, Batch &batch)
{
    switch (request.kind) {
    case Request::Kind::Submit: return applySubmit(request, batch);
    case Request::Kind::Claim: return applyClaim(request, batch);
    case Request::Kind::Report: return applyReport(request, batch);
    case Request::Kind::Heartbeat: return applyHeartbeat(request, batch);
    case Request::Kind::Act: return applyAct(request, batch);
    case Request::Kind::Pause: return applyPause(request, batch);
    }
    return {};
}

Status TaskQueue::applySubmit(Request &request, Batch &batch)
{
    SubmitRequest &submit = request.submit;
    if (auto checked = checkSubmit(submit); !checked) {
        request.refuse(checked.error());
        return {};
    }
    if (!submit.idempotencyKey.isEmpty()) {
        auto existing = m_store.byIdempotencyKey(submit.idempotencyKey);
        if (!existing)
            return existing.error();
        if (*existing) {
            request.submitted = Submitted { std::move(**existing), false };
            return {};
        }
    }
    if (const qint64 depth = m_limits.depthFor(TaskState::Pending); depth >= 0 && batch.current(TaskState::Pending) >= depth) {
        request.refuse(queueFull(TaskState::Pending, depth));
        return {};
    }
    Task task;
    task.id = m_ids.next(batch.nowNs / NsPerMs);
    task.workflow = submit.workflow;
    task.title = submit.title;
    task.input = submit.input;
    task.idempotencyKey = submit.idempotencyKey;
    task.state = TaskState::Pending;
    task.maxAttempts = submit.maxAttempts;
    task.backoffBaseMs = submit.backoffBaseMs;
    task.notBeforeNs = batch.nowNs;
    task.submittedBy = request.actor->toString();
    task.createdNs = batch.nowNs;
    task.updatedNs = batch.nowNs;
    auto inserted = m_store.insert(task);
    if (!inserted)
        return inserted.error();
    if (!*inserted) {
        // Another connection stored the key between our look and our
        // insert: the UNIQUE index kept one task; return that one.
        auto existing = m_store.byIdempotencyKey(submit.idempotencyKey);
        if (!existing)
            return existing.error();
        if (!*existing)
            return Error { ErrorCode::Internal, QStringLiteral("idempotency key conflict, but no task holds the key") };
        request.submitted = Submitted { std::move(**existing), false };
        return {};
    }
    ++batch.delta[size_t(TaskState::Pending)];
    ++batch.changeCount;
    QJsonObject record { { QStringLiteral("id"), task.id },
                         { QStringLiteral("workflow"), task.workflow },
                         { QStringLiteral("title"), task.title },
                         { QStringLiteral("max_attempts"), task.maxAttempts },
                         { QStringLiteral("submitted_by"), task.submittedBy } };
    if (!task.idempotencyKey.isEmpty())
        record.insert(QStringLiteral("idempotency_key"), task.idempotencyKey);
    batch.submitted.append(record);
    batch.audit(*request.actor, QStringLiteral("task.submit"),
                { { QStringLiteral("id"), task.id }, { QStringLiteral("workflow"), task.workflow }, { QStringLiteral("title"), task.title } });
    request.submitted = Submitted { std::move(task), true };
    return {};
}

Result<std::vector<Task>> TaskQueue::takeClaimable(Batch &batch, const ClaimRequest &request, bool *full)
{
    *full = false;
    int limit = request.max;
    if (const qint64 depth = m_limits.depthFor(TaskState::Claimed); depth >= 0) {
        const qint64 room = depth - batch.current(TaskState::Claimed);
        if (room <= 0) {
            *full = true;
            return std::vector<Task> {};
        }
        limit = int(std::min<qint64>(limit, room));
    }
    auto tasks = m_store.claimable(batch.nowNs, limit);
    if (!tasks)
        return tasks.error();
    for (Task &task : *tasks) {
        Task claimed = task;
        claimed.leaseWorker = request.worker;
        claimed.leaseExpiresNs = batch.nowNs + request.leaseMs * NsPerMs;
        std::optional<Error> refused;
        if (auto status = transition(batch, claimed, TaskAction::Claim, QString(), refused); !status)
            return status.error();
        // The query took only pending tasks, within the room counted above.
        CABINET_ASSERT_MSG(!refused, "a claimable task was refused: %s", qPrintable(refused ? refused->message : QString()));
        task = std::move(claimed);
    }
    return tasks;
}

Status TaskQueue::applyClaim(Request &request, Batch &batch)
{
    if (auto checked = checkClaim(request.claim); !checked) {
        request.refuse(checked.error());
        return {};
    }
    bool full = false;
    auto tasks = takeClaimable(batch, request.claim, &full);
    if (!tasks)
        return tasks.error();
    if (tasks->empty() && full) {
        request.refuse(queueFull(TaskState::Claimed, m_limits.depthFor(TaskState::Claimed)));
        return {};
    }
    if (tasks->empty() && request.claim.waitMs > 0 && qsizetype(m_parked.size()) < ParkedClaimsMax) {
        request.parkedUntilNs = batch.nowNs + request.claim.waitMs * NsPerMs;
        request.parked = true;
        batch.deadline(request.parkedUntilNs);
        m_parked.push_back(std::move(request));
        return {};
    }
    request.tasks = std::move(*tasks);
    return {};
}

Status TaskQueue::applyReport(Request &request, Batch &batch)
{
    WorkerReport &report = request.report;
    if (!isWorkerAction(report.action)) {
        request.refuse(Error { ErrorCode::InvalidArgument,
                               QStringLiteral("'%1' is not something a worker reports (start, release, await_approval, "
                                              "submit_for_review, complete or fail)")
                                       .arg(QLatin1StringView(actionName(report.action))),
                               QStringLiteral("action") });
        return {};
    }
    if (auto id = checkTaskId(report.lease.taskId); !id) {
        request.refuse(id.error());
        return {};
    }
    if (!report.result.isEmpty()) {
        auto result = compactJson(report.result, ResultBytesMax, QStringLiteral("result"), false);
        if (!result) {
            request.refuse(result.error());
            return {};
        }
        report.result = *result;
    }
    auto found = m_store.byId(report.lease.taskId);
    if (!found)
        return found.error();
    if (!*found) {
        request.refuse(Error { ErrorCode::NotFound, QStringLiteral("no task %1").arg(report.lease.taskId), QStringLiteral("id") });
        return {};
    }
    Task task = std::move(**found);
    const TaskState to = targetOf(task, report.action, report.retryable);
    if (!transitionAllowed(task.state, report.action, to)) {
        request.refuse(illegalTransition(task.id, task.state, report.action, to));
        return {};
    }
    if (task.claims != report.lease.token) {
        request.refuse(Error { ErrorCode::Conflict,
                               QStringLiteral("cannot %1 task %2: lease %3 is no longer held (the task was claimed again, lease %4, after "
                                              "that lease was lost)")
                                       .arg(QLatin1StringView(actionName(report.action)), task.id)
                                       .arg(report.lease.token)
                                       .arg(task.claims),
                               QStringLiteral("lease") });
        return {};
    }
    if (report.action == TaskAction::Fail)
        task.lastError = cutText(report.error.isEmpty() ? QStringLiteral("the work failed (no reason given)") : report.error, ErrorTextBytesMax);
    if (!report.result.isEmpty())
        task.result = report.result;
    std::optional<Error> refused;
    if (auto status = transition(batch, task, report.action, report.action == TaskAction::Fail ? task.lastError : QString(), refused, report.retryable); !status)
        return status;
    if (refused)
        request.refuse(*refused);
    else
        request.task = std::move(task);
    return {};
}

Status TaskQueue::applyHeartbeat(Request &request, Batch &batch)
{
    if (auto id = checkTaskId(request.lease.taskId); !id) {
        request.refuse(id.error());
        return {};
    }
    if (auto lease = checkLeaseMs(request.leaseMs); !lease) {
        request.refuse(lease.error());
        return {};
    }
    auto found = m_store.byId(request.lease.taskId);
    if (!found)
        return found.error();
    if (!*found) {
        request.refuse(Error { ErrorCode::NotFound, QStringLiteral("no task %1").arg(request.lease.taskId), QStringLiteral("id") });
        return {};
    }
    Task task = std::move(**found);
    if (!task.hasLease() || task.claims != request.lease.token) {
        request.refuse(Error { ErrorCode::Conflict,
                               QStringLiteral("cannot extend lease %1 on task %2: the task is '%3' and %4")
                                       .arg(request.lease.token)
                                       .arg(task.id, stateText(task.state),
                                            task.hasLease() ? QStringLiteral("holds lease %1").arg(task.claims)
                                                            : QStringLiteral("holds no lease")),
                               QStringLiteral("lease") });
        return {};
    }
    task.leaseExpiresNs = batch.nowNs + request.leaseMs * NsPerMs;
    task.updatedNs = batch.nowNs;
    if (auto status = m_store.update(task); !status)
        return status;
    request.task = std::move(task);
    return {};
}

Status TaskQueue::applyAct(Request &request, Batch &batch)
{
    OperatorAction &act = request.act;
    if (!isOperatorAction(act.action)) {
        request.refuse(Error { ErrorCode::InvalidArgument,
                               QStringLiteral("'%1' is not an operator's action (cancel, retry, approve, deny, accept or reject)")
                                       .arg(QLatin1StringView(actionName(act.action))),
                               QStringLiteral("action") });
        return {};
    }
    if (auto id = checkTaskId(act.taskId); !id) {
        request.refuse(id.error());
        return {};
    }
    if (auto reason = checkReason(act.reason); !reason) {
        request.refuse(reason.error());
        return {};
    }
    auto found = m_store.byId(act.taskId);
    if (!found)
        return found.error();
    if (!*found) {
        request.refuse(Error { ErrorCode::NotFound, QStringLiteral("no task %1").arg(act.taskId), QStringLiteral("id") });
        return {};
    }
    Task task = std::move(**found);
    const TaskState from = task.state;
    std::optional<Error> refused;
    if (auto status = transition(batch, task, act.action, act.reason, refused); !status)
        return status;
    if (refused) {
        request.refuse(*refused);
        return {};
    }
    QJsonObject entry { { QStringLiteral("id"), task.id }, { QStringLiteral("from"), stateText(from) }, { QStringLiteral("to"), stateText(task.state) } };
    if (!act.reason.isEmpty())
        entry.insert(QStringLiteral("reason"), act.reason);
    batch.audit(*request.actor, QStringLiteral("task.") + QLatin1StringView(actionName(act.action)), entry);
    request.task = std::move(task);
    return {};
}

Status TaskQueue::applyPause(Request &request, Batch &batch)
{
    if (auto id = checkTaskId(request.taskId); !id) {
        request.refuse(id.error());
        return {};
    }
    auto found = m_store.byId(request.taskId);
    if (!found)
        return found.error();
    if (!*found) {
        request.refuse(Error { ErrorCode::NotFound, QStringLiteral("no task %1").arg(request.taskId), QStringLiteral("id") });
        return {};
    }
    Task task = std::move(**found);
    if (task.paused == request.paused) {
        request.task = std::move(task); // already so: nothing changes
        return {};
    }
    if (request.paused && isFinished(task.state)) {
        request.refuse(Error { ErrorCode::Conflict,
                               QStringLiteral("cannot pause task %1: it is '%2', and a finished task is not run again unless it is "
                                              "retried")
                                       .arg(task.id, stateText(task.state)),
                               QStringLiteral("id") });
        return {};
    }
    task.paused = request.paused;
    task.updatedNs = batch.nowNs;
    if (auto status = m_store.update(task); !status)
        return status;
    ++batch.changeCount;
    batch.pauses.append(QJsonObject { { QStringLiteral("id"), task.id },
                                      { QStringLiteral("paused"), task.paused },
                                      { QStringLiteral("state"), stateText(task.state) } });
    batch.audit(*request.actor, request.paused ? QStringLiteral("task.pause") : QStringLiteral("task.resume"),
                { { QStringLiteral("id"), task.id }, { QStringLiteral("state"), stateText(task.state) } });
    request.task = std::move(task);
    return {};
}

TaskState TaskQueue::targetOf(const Task &task, TaskAction action, bool retryable) const
{
    switch (action) {
    case TaskAction::Claim: return TaskState::Claimed;
    case TaskAction::Start: return TaskState::Running;
    case TaskAction::Release: return TaskState::Pending;
    case TaskAction::LeaseLost: return task.leaseLosses + 1 >= LeaseLossesMax ? TaskState::Failed : TaskState::Pending;
    case TaskAction::AwaitApproval: return TaskState::AwaitingApproval;
    case TaskAction::Approve: return TaskState::Pending;
    case TaskAction::Deny: return TaskState::Failed;
    case TaskAction::SubmitForReview: return TaskState::Review;
    case TaskAction::Complete: return TaskState::Done;
    case TaskAction::Accept: return TaskState::Done;
    case TaskAction::Reject: return task.attempts + 1 >= task.maxAttempts ? TaskState::Failed : TaskState::Pending;
    case TaskAction::Fail: return !retryable || task.attempts + 1 >= task.maxAttempts ? TaskState::Failed : TaskState::Pending;
    case TaskAction::Cancel: return TaskState::Cancelled;
    case TaskAction::Retry: return TaskState::Pending;
    }
    return TaskState::Failed;
}

qint64 TaskQueue::backoffNs(const Task &task) const
{
    const qint64 ceilingMs = backoffCeilingMs(task.backoffBaseMs, task.attempts);
    const qint64 spanMs = ceilingMs - ceilingMs / 2;
    const qint64 jitterMs = std::clamp<qint64>(m_jitter(spanMs), 0, spanMs);
    return (ceilingMs / 2 + jitterMs) * NsPerMs;
}

Status TaskQueue::transition(Batch &batch, Task &task, TaskAction action, const QString &detail, std::optional<Error> &refused,
                             bool retryable)
{
    const TaskState from = task.state;
    const TaskState to = targetOf(task, action, retryable);
    if (!transitionAllowed(from, action, to)) {
        refused = illegalTransition(task.id, from, action, to);
        return {};
    }
    if (entersFromOutside(action) && !isFinished(to)) {
        if (const qint64 depth = m_limits.depthFor(to); depth >= 0 && batch.current(to) >= depth) {
            refused = queueFull(to, depth);
            return {};
        }
    }
    const QString worker = task.leaseWorker;
    switch (action) {
    case TaskAction::Claim:
        ++task.claims;
        task.leaseOwner = m_owner;
        batch.deadline(task.leaseExpiresNs);
        break;
    case TaskAction::Release:
    case TaskAction::Approve:
        task.notBeforeNs = batch.nowNs;
        break;
    case TaskAction::LeaseLost:
        ++task.leaseLosses;
        if (to == TaskState::Pending)
            task.notBeforeNs = batch.nowNs;
        task.lastError = to == TaskState::Failed
                ? QStringLiteral("lost its lease %1 times (its worker died with it each time); the last time: %2").arg(task.leaseLosses).arg(detail)
                : detail;
        break;
    case TaskAction::Deny:
        task.lastError = detail.isEmpty() ? QStringLiteral("the approval was denied") : QStringLiteral("the approval was denied: ") + detail;
        break;
    case TaskAction::Reject:
        task.lastError = detail.isEmpty() ? QStringLiteral("the review rejected the work") : QStringLiteral("the review rejected the work: ") + detail;
        ++task.attempts;
        if (to == TaskState::Pending)
            task.notBeforeNs = batch.nowNs + backoffNs(task);
        break;
    case TaskAction::Fail:
        ++task.attempts;
        if (to == TaskState::Pending)
            task.notBeforeNs = batch.nowNs + backoffNs(task);
        break;
    case TaskAction::Retry:
        task.attempts = 0;
        task.leaseLosses = 0;
        task.notBeforeNs = batch.nowNs;
        break;
    default:
        break;
    }
    task.state = to;
    task.updatedNs = batch.nowNs;
    if (to != TaskState::Claimed && to != TaskState::Running) {
        task.leaseExpiresNs = 0;
        task.leaseWorker.clear();
        task.leaseOwner.clear();
    }
    if (auto status = m_store.update(task); !status)
        return status;
    --batch.delta[size_t(from)];
    ++batch.delta[size_t(to)];
    ++batch.changeCount;
    QJsonObject change { { QStringLiteral("id"), task.id },
                         { QStringLiteral("from"), stateText(from) },
                         { QStringLiteral("to"), stateText(to) },
                         { QStringLiteral("action"), QLatin1StringView(actionName(action)) },
                         { QStringLiteral("attempts"), task.attempts } };
    if (action == TaskAction::Claim)
        change.insert(QStringLiteral("worker"), task.leaseWorker);
    else if (!worker.isEmpty())
        change.insert(QStringLiteral("worker"), worker);
    if (!detail.isEmpty())
        change.insert(action == TaskAction::Fail || action == TaskAction::LeaseLost ? QStringLiteral("error") : QStringLiteral("reason"), detail);
    if (task.paused)
        change.insert(QStringLiteral("paused"), true);
    if (to == TaskState::Pending && task.notBeforeNs > batch.nowNs) {
        change.insert(QStringLiteral("not_before_ms"), task.notBeforeNs / NsPerMs);
        batch.deadline(task.notBeforeNs);
    }
    batch.changes.append(change);
    return {};
}

Status TaskQueue::sweepLeases(Batch &batch)
{
    auto expired = m_store.expiredLeases(batch.nowNs, SweepMax);
    if (!expired)
        return expired.error();
    for (Task &task : *expired) {
        const QString detail = QStringLiteral("the lease of worker %1 expired").arg(task.leaseWorker);
        std::optional<Error> refused;
        if (auto status = transition(batch, task, TaskAction::LeaseLost, detail, refused); !status)
            return status;
        CABINET_ASSERT_MSG(!refused, "an expired lease was not taken back: %s", qPrintable(refused ? refused->message : QString()));
    }
    return {};
}

Status TaskQueue::reclaim(Batch &batch)
{
    // Every lease is bounded by the claimed and running limits, so one read
    // sees them all.
    const int all = int(std::max<qint64>(0, m_limits.depthFor(TaskState::Claimed)) + std::max<qint64>(0, m_limits.depthFor(TaskState::Running))) + 1;
    auto others = m_store.leasesNotOwnedBy(m_owner, std::max(all, SweepMax));
    if (!others)
        return others.error();
    std::map<QString, bool> alive;
    for (Task &task : *others) {
        if (batch.changeCount >= BatchChangesMax)
            break;
        auto known = alive.find(task.leaseOwner);
        if (known == alive.end())
            known = alive.emplace(task.leaseOwner, ProcessIdentity::alive(task.leaseOwner)).first;
        if (known->second)
            continue;
        const QString detail = QStringLiteral("the process of worker %1 (pid %2) is gone").arg(task.leaseWorker).arg(ProcessIdentity::pidOf(task.leaseOwner));
        std::optional<Error> refused;
        if (auto status = transition(batch, task, TaskAction::LeaseLost, detail, refused); !status)
            return status;
        CABINET_ASSERT_MSG(!refused, "a dead worker's lease was not taken back: %s", qPrintable(refused ? refused->message : QString()));
        ++batch.reclaimed;
    }
    return {};
}

Status TaskQueue::serveParked(Batch &batch, std::vector<Request> &served)
{
    for (auto it = m_parked.begin(); it != m_parked.end();) {
        if (it->parkedUntilNs <= batch.nowNs) {
            it->tasks = std::vector<Task> {};
            it->timedOut = true;
            it->parked = false;
            served.push_back(std::move(*it));
            it = m_parked.erase(it);
        } else {
            ++it;
        }
    }
    while (!m_parked.empty() && batch.changeCount < BatchChangesMax) {
        Request &request = m_parked.front();
        bool full = false;
        ClaimRequest claim = request.claim;
        claim.max = std::min(claim.max, BatchChangesMax - batch.changeCount);
        auto tasks = takeClaimable(batch, claim, &full);
        if (!tasks)
            return tasks.error();
        if (tasks->empty())
            break;
        request.tasks = std::move(*tasks);
        request.parked = false;
        served.push_back(std::move(request));
        m_parked.erase(m_parked.begin());
    }
    return {};
}

Status TaskQueue::writeRecords(Batch &batch)
{
    auto event = [&](const QString &type, const char *member, const QJsonArray &items) -> Status {
        if (items.isEmpty())
            return {};
        auto appended = m_events.append(*batch.tx, type, { { QLatin1StringView(member), items }, { QStringLiteral("count"), items.size() } });
        if (!appended)
            return appended.error();
        return {};
    };
    if (auto status = event(events::TaskSubmitted, "tasks", batch.submitted); !status)
        return status;
    if (auto status = event(events::TaskStateChanged, "changes", batch.changes); !status)
        return status;
    if (auto status = event(events::TaskPauseChanged, "changes", batch.pauses); !status)
        return status;
    for (const Batch::AuditGroup &group : batch.audits) {
        const QString subject = group.tasks.size() == 1 ? QStringLiteral("task %1").arg(group.tasks.first().toObject().value(QStringLiteral("id")).toString())
                                                        : QStringLiteral("%1 tasks").arg(group.tasks.size());
        if (auto entry = m_audit.append(*batch.tx, group.actor, group.action, subject, { { QStringLiteral("tasks"), group.tasks } }); !entry)
            return entry.error();
    }
    return m_store.addToCounts(batch.delta);
}

// --- reads -----------------------------------------------------------------

Result<Task> TaskQueue::get(const QString &id) const
{
    checkThread("a read");
    if (auto checked = checkTaskId(id); !checked)
        return checked.error();
    auto found = m_store.byId(id);
    if (!found)
        return found.error();
    if (!*found)
        return Error { ErrorCode::NotFound, QStringLiteral("no task %1").arg(id), QStringLiteral("id") };
    return std::move(**found);
}

Result<TaskPage> TaskQueue::list(const TaskFilter &filter) const
{
    checkThread("a read");
    if (filter.limit < 1 || filter.limit > ListLimitMax)
        return Error { ErrorCode::InvalidArgument, QStringLiteral("'limit' must be 1..%1, got %2").arg(ListLimitMax).arg(filter.limit),
                       QStringLiteral("limit") };
    if (!filter.after.isEmpty() && !Ulid::isValid(filter.after))
        return Error { ErrorCode::InvalidArgument, QStringLiteral("'after' must be a task id"), QStringLiteral("after") };
    // One more than asked tells whether there is a next page.
    auto rows = m_store.list(filter.state, filter.after, filter.limit + 1);
    if (!rows)
        return rows.error();
    TaskPage page;
    page.tasks = std::move(*rows);
    if (qsizetype(page.tasks.size()) > filter.limit) {
        page.tasks.pop_back();
        page.next = page.tasks.back().id;
    }
    return page;
}

Result<TaskCounts> TaskQueue::counts() const
{
    checkThread("a read");
    return m_store.counts();
}

// --- the service -----------------------------------------------------------

Result<int> TaskQueue::reclaimDeadLeases()
{
    checkThread("reclaiming leases");
    int total = 0;
    for (;;) {
        std::vector<Request> none;
        runBatch(none, false, true);
        if (m_lastBatchError)
            return *m_lastBatchError;
        total += m_lastBatchReclaimed;
        if (m_lastBatchReclaimed == 0)
            break;
    }
    return total;
}

Status TaskQueue::start()
{
    m_started = true;
    auto reclaimed = reclaimDeadLeases();
    if (!reclaimed)
        return reclaimed.error();
    if (*reclaimed > 0)
        qCInfo(lcTasks) << "took back" << *reclaimed << "leases of workers that are gone";
    return {};
}

void TaskQueue::stop()
{
    m_started = false;
    // Waiting claims end with nothing: their worker is told the queue is
    // going, instead of waiting forever.
    std::vector<Request> parked;
    parked.swap(m_parked);
    for (Request &request : parked) {
        request.tasks = Error { ErrorCode::Unavailable, QStringLiteral("the task queue stopped") };
        answer(request);
    }
}

std::optional<qint64> TaskQueue::nextDeadlineNs()
{
    if (m_inBatch)
        return m_reportedDeadlineNs ? std::optional<qint64>(m_reportedDeadlineNs) : std::nullopt;
    qint64 soonest = 0;
    auto consider = [&](qint64 ns) {
        if (ns > 0 && (soonest == 0 || ns < soonest))
            soonest = ns;
    };
    if (auto lease = m_store.soonestLeaseExpiryNs())
        consider(*lease);
    else
        qCWarning(lcTasks).noquote() << "cannot read the next lease expiry:" << lease.error().message;
    for (const Request &request : m_parked)
        consider(request.parkedUntilNs);
    if (!m_parked.empty()) {
        if (auto backoff = m_store.soonestBackoffEndNs(m_clock.nowNs()))
            consider(*backoff);
    }
    m_reportedDeadlineNs = soonest;
    return soonest ? std::optional<qint64>(soonest) : std::nullopt;
}

void TaskQueue::runDue(qint64)
{
    if (m_inBatch) {
        QMetaObject::invokeMethod(this, [this] { drainOnce(true); }, Qt::QueuedConnection);
        return;
    }
    drainOnce(true);
}

} // namespace cabinet::orchestrator

// tasks.*: the orchestrator's task queue (docs/orchestrator.md). Writes go
// through the queue's group commit: each call is answered once the batch
// holding it has committed.
#include "Cabinet.h"
#include "api/JsonText.h"
#include "api/ops/Groups.h"
#include "orchestrator/TaskQueue.h"
#include "orchestrator/WorkflowRunner.h"

namespace cabinet::api::ops {

namespace {

using namespace cabinet::orchestrator;

const QList<ErrorCode> ReadErrors { ErrorCode::InvalidArgument, ErrorCode::NotFound, ErrorCode::Internal };
const QList<ErrorCode> ActErrors { ErrorCode::InvalidArgument, ErrorCode::NotFound, ErrorCode::Conflict, ErrorCode::ResourceExhausted,
                                   ErrorCode::FailedPrecondition, ErrorCode::Unavailable, ErrorCode::Internal };

TaskQueue &queueOf(Cabinet &cabinet)
{
    return cabinet.service<TaskQueue>();
}

// The params read exactly (the input's numbers stay as written), with only
// the given members.
Result<JsonValue> taskParams(const QByteArray &params, std::initializer_list<const char *> known)
{
    auto document = ledger::parseExactJson(params);
    if (!document)
        return Error { ErrorCode::InvalidArgument, document.error().message, QStringLiteral("params") };
    if (!document->isObject())
        return Error { ErrorCode::InvalidArgument, QStringLiteral("params must be a JSON object"), QStringLiteral("params") };
    for (const QString &key : document->keys) {
        bool found = false;
        for (const char *name : known)
            found = found || key == QLatin1StringView(name);
        if (!found)
            return Error { ErrorCode::InvalidArgument, QStringLiteral("unknown field '%1'").arg(key.left(64)), key.left(64) };
    }
    return document;
}

Result<QString> stringMember(const JsonValue &params, const char *name, bool required)
{
    const JsonValue *value = member(params, QString::fromLatin1(name));
    if (!value) {
        if (required)
            return Error { ErrorCode::InvalidArgument, QStringLiteral("missing field '%1'").arg(QLatin1StringView(name)), QString::fromLatin1(name) };
        return QString();
    }
    if (value->type != JsonValue::Type::String)
        return Error { ErrorCode::InvalidArgument, QStringLiteral("'%1' must be a string").arg(QLatin1StringView(name)), QString::fromLatin1(name) };
    return value->text;
}

Result<std::optional<qint64>> integerMember(const JsonValue &params, const char *name)
{
    const JsonValue *value = member(params, QString::fromLatin1(name));
    if (!value)
        return std::optional<qint64>();
    bool ok = false;
    const qint64 number = value->type == JsonValue::Type::Number ? value->text.toLongLong(&ok) : 0;
    if (!ok)
        return Error { ErrorCode::InvalidArgument, QStringLiteral("'%1' must be an integer").arg(QLatin1StringView(name)), QString::fromLatin1(name) };
    return std::optional<qint64>(number);
}

Result<QString> idParam(const QByteArray &params, std::initializer_list<const char *> known)
{
    auto document = taskParams(params, known);
    if (!document)
        return document.error();
    return stringMember(*document, "id", true);
}

void replyTask(const Reply &reply, Result<Task> task)
{
    if (!task)
        return reply(task.error());
    reply(taskJson(*task));
}

// cancel and retry: an operator's action with an optional reason.
Handler operatorAction(TaskAction action)
{
    return [action](Cabinet &cabinet, const Actor &actor, const QByteArray &params, Reply reply) {
        auto document = taskParams(params, { "id", "reason" });
        if (!document)
            return reply(document.error());
        auto id = stringMember(*document, "id", true);
        if (!id)
            return reply(id.error());
        auto reason = stringMember(*document, "reason", false);
        if (!reason)
            return reply(reason.error());
        queueOf(cabinet).act(OperatorAction { *id, action, *reason }, actor, [reply](Result<Task> task) { replyTask(reply, std::move(task)); });
    };
}

Handler pauseAction(bool paused)
{
    return [paused](Cabinet &cabinet, const Actor &actor, const QByteArray &params, Reply reply) {
        auto id = idParam(params, { "id" });
        if (!id)
            return reply(id.error());
        queueOf(cabinet).setPaused(*id, paused, actor, [reply](Result<Task> task) { replyTask(reply, std::move(task)); });
    };
}

const QString TaskForm = QStringLiteral("Task {\"id\", \"workflow\", \"title\", \"state\", \"paused\", \"attempts\", \"max_attempts\", "
                                        "\"backoff_ms\", \"lease_losses\", \"idempotency_key\", \"not_before_ms\", \"lease\", "
                                        "\"last_error\", \"submitted_by\", \"created_ms\", \"updated_ms\", \"input\", \"result\"}");

} // namespace

std::vector<Operation> taskOperations()
{
    return {
        { { QStringLiteral("tasks.submit"),
            QStringLiteral("Put a task in the queue (pending). With an idempotency key that exists, the task already there is returned "
                           "and nothing is added (\"created\": false)."),
            true, Role::Operator,
            QStringLiteral("{\"workflow\": \"name\", \"title\": \"text\", \"input\": {...} (default {}), \"idempotency_key\": \"key\", "
                           "\"max_attempts\": 1..%1 (default %2), \"backoff_ms\": 0..%3 (default %4)}")
                    .arg(AttemptsMax)
                    .arg(AttemptsDefault)
                    .arg(BackoffBaseMsMax)
                    .arg(BackoffBaseMsDefault),
            TaskForm + QStringLiteral(" and \"created\": bool"),
            { ErrorCode::InvalidArgument, ErrorCode::ResourceExhausted, ErrorCode::FailedPrecondition, ErrorCode::Unavailable,
              ErrorCode::Internal } },
          [](Cabinet &cabinet, const Actor &actor, const QByteArray &params, Reply reply) {
              auto document = taskParams(params, { "workflow", "title", "input", "idempotency_key", "max_attempts", "backoff_ms" });
              if (!document)
                  return reply(document.error());
              SubmitRequest request;
              auto workflow = stringMember(*document, "workflow", true);
              if (!workflow)
                  return reply(workflow.error());
              request.workflow = *workflow;
              auto title = stringMember(*document, "title", true);
              if (!title)
                  return reply(title.error());
              request.title = *title;
              if (const JsonValue *input = member(*document, QStringLiteral("input"))) {
                  if (!input->isObject())
                      return reply(Error { ErrorCode::InvalidArgument, QStringLiteral("'input' must be a JSON object"), QStringLiteral("input") });
                  request.input = writeJson(*input);
              }
              auto key = stringMember(*document, "idempotency_key", false);
              if (!key)
                  return reply(key.error());
              request.idempotencyKey = *key;
              auto attempts = integerMember(*document, "max_attempts");
              if (!attempts)
                  return reply(attempts.error());
              if (*attempts) {
                  if (**attempts < 1 || **attempts > AttemptsMax)
                      return reply(Error { ErrorCode::InvalidArgument,
                                           QStringLiteral("'max_attempts' must be 1..%1, got %2").arg(AttemptsMax).arg(**attempts),
                                           QStringLiteral("max_attempts") });
                  request.maxAttempts = int(**attempts);
              }
              auto backoff = integerMember(*document, "backoff_ms");
              if (!backoff)
                  return reply(backoff.error());
              if (*backoff)
                  request.backoffBaseMs = **backoff;
              queueOf(cabinet).submit(std::move(request), actor, [reply](Result<Submitted> submitted) {
                  if (!submitted)
                      return reply(submitted.error());
                  QByteArray json = taskJson(submitted->task);
                  json.chop(1);
                  json += submitted->created ? QByteArrayLiteral(",\"created\":true}") : QByteArrayLiteral(",\"created\":false}");
                  reply(json);
              });
          } },
        { { QStringLiteral("tasks.get"),
            QStringLiteral("One task, with its input and result, and its workflow run's partial results: each node visit's state, "
                           "output, timing and cost (docs/workflows.md)."),
            false, Role::Viewer, QStringLiteral("{\"id\": \"ULID\"}"),
            TaskForm + QStringLiteral(" and \"run\": {\"workflow\", \"state\", \"hold\", \"error\", \"cost_micros\", \"nodes\": [{\"seq\", \"node\", "
                                      "\"visit\", \"state\", \"outcome\", \"output\", \"idempotency_key\", \"runs\", \"started_ms\", "
                                      "\"finished_ms\", \"cost_micros\"}, ...]}|null"),
            ReadErrors },
          now([](Cabinet &cabinet, const Actor &, const QByteArray &params) -> Result<QByteArray> {
              auto id = idParam(params, { "id" });
              if (!id)
                  return id.error();
              auto task = queueOf(cabinet).get(*id);
              if (!task)
                  return task.error();
              auto run = cabinet.service<WorkflowRunner>().runJson(*id);
              if (!run)
                  return run.error();
              QByteArray json = taskJson(*task);
              json.chop(1);
              return QByteArray(json + ",\"run\":" + (run->isObject() ? compact(run->toObject()) : QByteArrayLiteral("null")) + '}');
          }) },
        { { QStringLiteral("tasks.list"),
            QStringLiteral("Tasks by id (submit order), one state or all, a page at a time (input and result left out: tasks.get), "
                           "with the count in each state."),
            false, Role::Viewer,
            QStringLiteral("{\"state\": \"pending\"|...|\"cancelled\", \"after\": \"ULID\" (the last of the previous page), "
                           "\"limit\": 1..%1 (default %2)}")
                    .arg(ListLimitMax)
                    .arg(ListLimitDefault),
            QStringLiteral("{\"tasks\": [Task, ...], \"next\": \"ULID\"|null, \"counts\": {\"pending\": n, ...}}"), ReadErrors },
          now([](Cabinet &cabinet, const Actor &, const QByteArray &params) -> Result<QByteArray> {
              auto document = taskParams(params, { "state", "after", "limit" });
              if (!document)
                  return document.error();
              TaskFilter filter;
              auto state = stringMember(*document, "state", false);
              if (!state)
                  return state.error();
              if (!state->isEmpty()) {
                  filter.state = stateFromName(*state);
                  if (!filter.state) {
                      QStringList names;
                      for (TaskState s : AllTaskStates)
                          names << stateText(s);
                      return Error { ErrorCode::InvalidArgument,
                                     QStringLiteral("'state' must be one of %1").arg(names.join(QStringLiteral(", "))), QStringLiteral("state") };
                  }
              }
              auto after = stringMember(*document, "after", false);
              if (!after)
                  return after.error();
              filter.after = *after;
              auto limit = integerMember(*document, "limit");
              if (!limit)
                  return limit.error();
              if (*limit) {
                  if (**limit < 1 || **limit > ListLimitMax)
                      return Error { ErrorCode::InvalidArgument, QStringLiteral("'limit' must be 1..%1, got %2").arg(ListLimitMax).arg(**limit),
                                     QStringLiteral("limit") };
                  filter.limit = int(**limit);
              }
              TaskQueue &queue = queueOf(cabinet);
              auto page = queue.list(filter);
              if (!page)
                  return page.error();
              auto counts = queue.counts();
              if (!counts)
                  return counts.error();
              QByteArray out = "{\"tasks\":[";
              for (size_t i = 0; i < page->tasks.size(); ++i)
                  out += (i ? "," : "") + taskJson(page->tasks[i], false);
              out += "],\"next\":" + (page->next.isEmpty() ? QByteArrayLiteral("null") : jsonString(page->next)) + ",\"counts\":{";
              for (TaskState s : AllTaskStates)
                  out += (s == TaskState::Pending ? "\"" : ",\"") + QByteArray(stateName(s)) + "\":" + QByteArray::number((*counts)[size_t(s)]);
              return QByteArray(out + "}}");
          }) },
        { { QStringLiteral("tasks.pause"),
            QStringLiteral("Pause a task that is not finished: it keeps its state and is not claimed until resumed (pausing a paused "
                           "task changes nothing)."),
            true, Role::Operator, QStringLiteral("{\"id\": \"ULID\"}"), TaskForm, ActErrors },
          pauseAction(true) },
        { { QStringLiteral("tasks.resume"), QStringLiteral("Resume a paused task (resuming one that is not paused changes nothing)."), true,
            Role::Operator, QStringLiteral("{\"id\": \"ULID\"}"), TaskForm, ActErrors },
          pauseAction(false) },
        { { QStringLiteral("tasks.cancel"),
            QStringLiteral("Cancel a task that is pending, claimed, running, awaiting approval or in review; its lease ends."), true,
            Role::Operator, QStringLiteral("{\"id\": \"ULID\", \"reason\": \"text\" (optional)}"), TaskForm, ActErrors },
          operatorAction(TaskAction::Cancel) },
        { { QStringLiteral("tasks.retry"),
            QStringLiteral("Run a failed or cancelled task again: back to pending with its attempts from zero."), true, Role::Operator,
            QStringLiteral("{\"id\": \"ULID\", \"reason\": \"text\" (optional)}"), TaskForm, ActErrors },
          operatorAction(TaskAction::Retry) },
    };
}

} // namespace cabinet::api::ops

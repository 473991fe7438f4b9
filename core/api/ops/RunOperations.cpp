// tasks.step and tasks.until: an operator walks a task's workflow run one
// node at a time, or up to a node (docs/workflows.md). The run's partial
// results are in tasks.get.
#include "Cabinet.h"
#include "api/JsonText.h"
#include "api/ops/Groups.h"
#include "orchestrator/WorkflowRunner.h"

namespace cabinet::api::ops {

namespace {

using namespace cabinet::orchestrator;

const QList<ErrorCode> HoldErrors { ErrorCode::InvalidArgument, ErrorCode::NotFound, ErrorCode::FailedPrecondition, ErrorCode::Conflict,
                                    ErrorCode::Unavailable, ErrorCode::Internal };
const QString TaskResult = QStringLiteral("Task (as tasks.get, without the run)");

Result<QString> textMember(const QJsonObject &object, const char *name)
{
    const QJsonValue value = object.value(QLatin1StringView(name));
    if (!value.isString() || value.toString().isEmpty())
        return Error { ErrorCode::InvalidArgument, QStringLiteral("'%1' must be a non-empty string").arg(QLatin1StringView(name)),
                       QString::fromLatin1(name) };
    return value.toString();
}

void holdTask(Cabinet &cabinet, const Actor &actor, const QString &id, const QString &hold, const Reply &reply)
{
    cabinet.service<WorkflowRunner>().hold(id, hold, actor, [reply](Result<Task> task) {
        if (!task)
            return reply(task.error());
        reply(taskJson(*task));
    });
}

} // namespace

std::vector<Operation> runOperations()
{
    return {
        { { QStringLiteral("tasks.step"),
            QStringLiteral("Run exactly one node of a task's workflow, then pause the task (a paused task is resumed for it)."), true,
            Role::Operator, QStringLiteral("{\"id\": \"ULID\"}"), TaskResult, HoldErrors },
          [](Cabinet &cabinet, const Actor &actor, const QByteArray &params, Reply reply) {
              auto object = paramsObject(params);
              if (!object)
                  return reply(object.error());
              if (auto known = onlyKnownMembers(*object, { "id" }); !known)
                  return reply(known.error());
              auto id = textMember(*object, "id");
              if (!id)
                  return reply(id.error());
              holdTask(cabinet, actor, *id, HoldStep, reply);
          } },
        { { QStringLiteral("tasks.until"),
            QStringLiteral("Run a task's workflow until it reaches the named node, then pause the task before that node runs (a paused "
                           "task is resumed for it)."),
            true, Role::Operator, QStringLiteral("{\"id\": \"ULID\", \"node\": \"node id\"}"), TaskResult, HoldErrors },
          [](Cabinet &cabinet, const Actor &actor, const QByteArray &params, Reply reply) {
              auto object = paramsObject(params);
              if (!object)
                  return reply(object.error());
              if (auto known = onlyKnownMembers(*object, { "id", "node" }); !known)
                  return reply(known.error());
              auto id = textMember(*object, "id");
              if (!id)
                  return reply(id.error());
              auto node = textMember(*object, "node");
              if (!node)
                  return reply(node.error());
              if (*node == HoldStep)
                  return reply(Error { ErrorCode::InvalidArgument, QStringLiteral("'node' must name a node"), QStringLiteral("node") });
              holdTask(cabinet, actor, *id, *node, reply);
          } },
    };
}

} // namespace cabinet::api::ops

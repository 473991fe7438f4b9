// workflows.*: the workflow graphs in force, one of them whole, and a check
// of a file before it is put in place (docs/workflows.md).
#include "Cabinet.h"
#include "api/JsonText.h"
#include "api/ops/Groups.h"
#include "orchestrator/WorkflowJson.h"

#include <QJsonArray>

namespace cabinet::api::ops {

namespace {

using namespace cabinet::orchestrator;

orchestrator::WorkflowCatalog &catalogOf(Cabinet &cabinet)
{
    return cabinet.service<orchestrator::WorkflowCatalog>();
}

Result<QString> stringField(const QJsonObject &params, const char *name)
{
    const QJsonValue value = params.value(QLatin1String(name));
    if (!value.isString() || value.toString().isEmpty())
        return Error { ErrorCode::InvalidArgument, QStringLiteral("'%1' must be a non-empty string").arg(QLatin1String(name)), QLatin1String(name) };
    return value.toString();
}

const QString ProblemForm = QStringLiteral("{\"source\", \"line\" (0: the whole file), \"node\", \"field\", \"message\"}");
const QString WorkflowForm = QStringLiteral("{\"name\", \"description\", \"source\", \"start\", \"max_attempts\"?, \"nodes\": [{\"id\", "
                                            "\"kind\", \"line\", ...its fields, \"next\": [{\"to\", \"on\"?, \"when\"?, \"max_visits\"?}]}]}");

} // namespace

std::vector<Operation> workflowOperations()
{
    return {
        { { QStringLiteral("workflows.list"),
            QStringLiteral("The workflows: the shipped ones and the data directory's (which add to or override them by name), each "
                           "with the problem of its newest file when that does not load (the version in force stays)."),
            false, Role::Viewer, QStringLiteral("{}"),
            QStringLiteral("{\"folder\": \"<data-dir>/workflows\", \"workflows\": [{\"name\", \"loaded\", \"overridden\", \"source\"?, "
                           "\"description\"?, \"nodes\"?: n, \"problem\"?: ") + ProblemForm + QStringLiteral("}]}"),
            { ErrorCode::InvalidArgument } },
          now([](Cabinet &cabinet, const Actor &, const QByteArray &params) -> Result<QByteArray> {
              auto object = paramsObject(params);
              if (!object)
                  return object.error();
              if (auto known = onlyKnownMembers(*object, {}); !known)
                  return known.error();
              QJsonArray list;
              for (const auto &entry : catalogOf(cabinet).entries())
                  list.append(entrySummaryJson(entry));
              return compact(QJsonObject { { QStringLiteral("folder"), catalogOf(cabinet).folder() }, { QStringLiteral("workflows"), list } });
          }) },
        { { QStringLiteral("workflows.get"), QStringLiteral("One workflow in force, its whole graph, and its newest file's problem if any."),
            false, Role::Viewer, QStringLiteral("{\"name\": \"default\"}"),
            QStringLiteral("{\"name\", \"overridden\", \"workflow\": ") + WorkflowForm + QStringLiteral(" or null, \"problem\"?: ") + ProblemForm
                    + u'}',
            { ErrorCode::InvalidArgument, ErrorCode::NotFound } },
          now([](Cabinet &cabinet, const Actor &, const QByteArray &params) -> Result<QByteArray> {
              auto object = paramsObject(params);
              if (!object)
                  return object.error();
              if (auto known = onlyKnownMembers(*object, { "name" }); !known)
                  return known.error();
              auto name = stringField(*object, "name");
              if (!name)
                  return name.error();
              const auto *entry = catalogOf(cabinet).find(*name);
              if (!entry)
                  return Error { ErrorCode::NotFound, QStringLiteral("no workflow is named '%1'").arg(name->left(64)), QStringLiteral("name") };
              QJsonObject json { { QStringLiteral("name"), entry->name }, { QStringLiteral("overridden"), entry->overridden },
                                 { QStringLiteral("workflow"), entry->definition ? QJsonValue(workflowJson(*entry->definition)) : QJsonValue() } };
              if (entry->problem)
                  json.insert(QStringLiteral("problem"), problemJson(*entry->problem));
              return compact(json);
          }) },
        { { QStringLiteral("workflows.check"),
            QStringLiteral("Checks a workflow file's text as it would load from that file name, against the agents in force; loads "
                           "nothing. A file that does not load is an answer (\"ok\": false with its problem), not an error."),
            false, Role::Viewer,
            QStringLiteral("{\"file\": \"path/name.yaml\" (names the workflow and the messages), \"text\": \"the file's content\" (at "
                           "most %1 bytes)}")
                    .arg(WorkflowFileBytesMax),
            QStringLiteral("{\"ok\": true, \"workflow\": ") + WorkflowForm + QStringLiteral("} or {\"ok\": false, \"problem\": ") + ProblemForm
                    + u'}',
            { ErrorCode::InvalidArgument } },
          now([](Cabinet &cabinet, const Actor &, const QByteArray &params) -> Result<QByteArray> {
              auto object = paramsObject(params);
              if (!object)
                  return object.error();
              if (auto known = onlyKnownMembers(*object, { "file", "text" }); !known)
                  return known.error();
              auto file = stringField(*object, "file");
              if (!file)
                  return file.error();
              const QJsonValue text = object->value(QStringLiteral("text"));
              if (!text.isString())
                  return Error { ErrorCode::InvalidArgument, QStringLiteral("'text' must be a string"), QStringLiteral("text") };
              const WorkflowParse parsed = catalogOf(cabinet).check(text.toString().toUtf8(), *file);
              if (!parsed.ok())
                  return compact(QJsonObject { { QStringLiteral("ok"), false }, { QStringLiteral("problem"), problemJson(parsed.problem) } });
              return compact(QJsonObject { { QStringLiteral("ok"), true }, { QStringLiteral("workflow"), workflowJson(*parsed.workflow) } });
          }) },
    };
}

} // namespace cabinet::api::ops

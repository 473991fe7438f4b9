// agents.*: the agents in force, their files' problems, and reading the
// files again (docs/agents.md).
#include "Cabinet.h"
#include "api/JsonText.h"
#include "api/ops/Groups.h"
#include "audit/AuditLog.h"
#include "events/EventBus.h"
#include "events/EventTypes.h"
#include "llm/Router.h"
#include "orchestrator/AgentFile.h"
#include "orchestrator/AgentRegistry.h"
#include "store/Database.h"

#include <QDir>
#include <QJsonArray>
#include <QLoggingCategory>

Q_DECLARE_LOGGING_CATEGORY(lcCosts) // core/costs/Budgets.cpp


namespace cabinet::api::ops {

namespace {

using namespace cabinet::orchestrator;

constexpr qsizetype PathCharsMax = 4'096;

const QString AgentForm = QStringLiteral(
        "{\"name\", \"role\", \"model\", \"fallback_model\": alias or null, \"skills\": [...], \"temperature\", "
        "\"budget\": {\"daily_micro_usd\", \"per_call_micro_usd\"}, \"targets\": [\"provider/model\" its models and their fallback chains "
        "can reach], \"source\": \"shipped\"|\"data_dir\", \"path\"}");
const QString ProblemForm = QStringLiteral("{\"path\", \"line\" (0: the whole file), \"message\", \"code\"}");

const llm::RouterSettings &settingsOf(Cabinet &cabinet) { return cabinet.service<llm::Router>().settings(); }

QJsonObject agentJson(const AgentDefinition &agent, const llm::RouterSettings &settings)
{
    QJsonArray targets;
    QStringList reachable = reachableTargets(settings, { agent.model, agent.fallbackModel }).values();
    reachable.sort();
    for (const QString &target : reachable)
        targets.append(target);
    return { { QStringLiteral("name"), agent.name },
             { QStringLiteral("role"), agent.role },
             { QStringLiteral("model"), agent.model },
             { QStringLiteral("fallback_model"), agent.fallbackModel.isEmpty() ? QJsonValue() : QJsonValue(agent.fallbackModel) },
             { QStringLiteral("skills"), QJsonArray::fromStringList(agent.skills) },
             { QStringLiteral("temperature"), agent.temperature },
             { QStringLiteral("budget"), QJsonObject { { QStringLiteral("daily_micro_usd"), agent.dailyBudgetMicroUsd },
                                                       { QStringLiteral("per_call_micro_usd"), agent.perCallBudgetMicroUsd } } },
             { QStringLiteral("targets"), targets },
             { QStringLiteral("source"), agent.shipped ? QStringLiteral("shipped") : QStringLiteral("data_dir") },
             { QStringLiteral("path"), agent.path } };
}

QJsonArray problemsJson(const std::vector<AgentProblem> &problems)
{
    QJsonArray array;
    for (const AgentProblem &p : problems)
        array.append(QJsonObject { { QStringLiteral("path"), p.path },
                                   { QStringLiteral("line"), p.line },
                                   { QStringLiteral("message"), p.message },
                                   { QStringLiteral("code"), errorCodeName(p.code) } });
    return array;
}

Result<QJsonObject> params(const QByteArray &text, std::initializer_list<const char *> known)
{
    auto object = paramsObject(text);
    if (!object)
        return object.error();
    if (auto only = onlyKnownMembers(*object, known); !only)
        return only.error();
    return object;
}

Result<QString> stringParam(const QJsonObject &object, const char *name)
{
    const QJsonValue value = object.value(QLatin1String(name));
    if (!value.isString() || value.toString().isEmpty())
        return Error { ErrorCode::InvalidArgument, QStringLiteral("'%1' must be a non-empty string").arg(QLatin1String(name)), QLatin1String(name) };
    return value.toString();
}

} // namespace

std::vector<Operation> agentOperations()
{
    return {
        { { QStringLiteral("agents.list"),
            QStringLiteral("The agents in force, by name (the shipped ones and the data directory's agents/*.md, which override them), "
                           "with the problems of the files as last loaded."),
            false, Role::Viewer, QStringLiteral("{}"),
            QStringLiteral("{\"agents\": [%1], \"problems\": [%2]}").arg(AgentForm, ProblemForm), { ErrorCode::InvalidArgument } },
          now([](Cabinet &cabinet, const Actor &, const QByteArray &text) -> Result<QByteArray> {
              auto object = params(text, {});
              if (!object)
                  return object.error();
              QJsonArray agents;
              for (const AgentDefinition &agent : cabinet.agents().all())
                  agents.append(agentJson(agent, settingsOf(cabinet)));
              return compact(QJsonObject { { QStringLiteral("agents"), agents },
                                           { QStringLiteral("problems"), problemsJson(cabinet.agents().problems()) } });
          }) },
        { { QStringLiteral("agents.get"), QStringLiteral("One agent in force, with its system prompt."), false, Role::Viewer,
            QStringLiteral("{\"name\": \"rex\"}"), AgentForm + QStringLiteral(" and \"system_prompt\""),
            { ErrorCode::InvalidArgument, ErrorCode::NotFound } },
          now([](Cabinet &cabinet, const Actor &, const QByteArray &text) -> Result<QByteArray> {
              auto object = params(text, { "name" });
              if (!object)
                  return object.error();
              auto name = stringParam(*object, "name");
              if (!name)
                  return name.error();
              const AgentDefinition *agent = cabinet.agents().find(*name);
              if (!agent)
                  return Error { ErrorCode::NotFound,
                                 QStringLiteral("no agent named %1 (the agents are %2)").arg(name->left(AgentWordCharsMax), cabinet.agents().names().join(QStringLiteral(", "))),
                                 QStringLiteral("name") };
              QJsonObject json = agentJson(*agent, settingsOf(cabinet));
              json.insert(QStringLiteral("system_prompt"), agent->systemPrompt);
              return compact(json);
          }) },
        { { QStringLiteral("agents.check"),
            QStringLiteral("The problems of the agent files as last loaded, or of one file read now (by an absolute path) as a load "
                           "would find them beside the agents in force. Changes nothing."),
            false, Role::Operator, QStringLiteral("{\"path\": \"/absolute/file.md\"} (default: the files as loaded)"),
            QStringLiteral("{\"problems\": [%1]}").arg(ProblemForm), { ErrorCode::InvalidArgument } },
          now([](Cabinet &cabinet, const Actor &, const QByteArray &text) -> Result<QByteArray> {
              auto object = params(text, { "path" });
              if (!object)
                  return object.error();
              if (!object->contains(QStringLiteral("path")))
                  return compact(QJsonObject { { QStringLiteral("problems"), problemsJson(cabinet.agents().problems()) } });
              auto path = stringParam(*object, "path");
              if (!path)
                  return path.error();
              // The core may run in another process, in another directory.
              if (path->size() > PathCharsMax || !QDir::isAbsolutePath(*path))
                  return Error { ErrorCode::InvalidArgument, QStringLiteral("'path' must be an absolute path of at most %1 characters").arg(PathCharsMax),
                                 QStringLiteral("path") };
              return compact(QJsonObject { { QStringLiteral("problems"), problemsJson(cabinet.agents().check(*path, settingsOf(cabinet))) } });
          }) },
        { { QStringLiteral("agents.reload"),
            QStringLiteral("Read the agent files again. A file that does not load keeps the version loaded before, if it had one; "
                           "the problems are returned and kept for agents.list and agents.check."),
            true, Role::Operator, QStringLiteral("{}"), QStringLiteral("{\"agents\": [\"name\", ...], \"problems\": [%1]}").arg(ProblemForm),
            { ErrorCode::InvalidArgument, ErrorCode::FailedPrecondition, ErrorCode::Internal } },
          now([](Cabinet &cabinet, const Actor &actor, const QByteArray &text) -> Result<QByteArray> {
              auto object = params(text, {});
              if (!object)
                  return object.error();
              // Read into a copy, put in force only once the audit entry and
              // the event have committed.
              AgentRegistry next = cabinet.agents();
              const std::vector<AgentProblem> problems = next.reload(settingsOf(cabinet));
              const QJsonObject payload { { QStringLiteral("agents"), QJsonArray::fromStringList(next.names()) },
                                          { QStringLiteral("problems"), problemsJson(problems) } };
              auto tx = cabinet.database().begin();
              if (!tx)
                  return tx.error();
              if (auto entry = cabinet.audit().append(*tx, actor.toString(), QStringLiteral("agents.reload"), QStringLiteral("agents"),
                                                      { { QStringLiteral("agents"), int(next.all().size()) },
                                                        { QStringLiteral("problems"), int(problems.size()) } });
                  !entry)
                  return entry.error();
              if (auto event = cabinet.events().append(*tx, events::AgentsReloaded, payload); !event)
                  return event.error();
              if (auto committed = tx->commit(); !committed)
                  return committed.error();
              cabinet.agents() = std::move(next);
              // A new agent gets its envelope; the reload stands either way.
              if (auto opened = cabinet.openEnvelopes(); !opened)
                  qCWarning(lcCosts).noquote() << "agents.reload: envelopes not opened:" << opened.error().message;
              return compact(payload);
          }) },
    };
}

} // namespace cabinet::api::ops

#include "Assert.h"
#include "api/JsonRpc.h"
#include "api/JsonText.h"
#include "api/ops/Groups.h"
#include "events/EventTypes.h"

#include <QJsonArray>
#include <QRegularExpression>

#include <algorithm>

namespace cabinet::api {

QString roleName(Role role)
{
    switch (role) {
    case Role::Viewer: return QStringLiteral("viewer");
    case Role::Operator: return QStringLiteral("operator");
    case Role::Admin: return QStringLiteral("admin");
    }
    return QStringLiteral("admin");
}

const std::vector<Operation> &catalogue()
{
    static const std::vector<Operation> all = [] {
        std::vector<Operation> list;
        for (auto group : { ops::agentOperations, ops::apiOperations, ops::approvalOperations, ops::auditOperations, ops::boardOperations, ops::configOperations, ops::costOperations, ops::coreOperations,
                            ops::eventOperations, ops::ledgerOperations, ops::modelOperations, ops::modeOperations, ops::pilotOperations, ops::runOperations, ops::scenarioOperations,
                            ops::taskOperations, ops::tokenOperations, ops::workflowOperations }) {
            auto more = group();
            list.insert(list.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
        }
        std::sort(list.begin(), list.end(), [](const Operation &a, const Operation &b) { return a.info.name < b.info.name; });
        // The house convention, checked once: group.verb in snake_case, no
        // name twice, every operation documented.
        static const QRegularExpression convention(QStringLiteral("^[a-z]+(_[a-z]+)*\\.[a-z]+(_[a-z]+)*$"));
        for (size_t i = 0; i < list.size(); ++i) {
            const OperationInfo &info = list[i].info;
            CABINET_ASSERT_MSG(convention.match(info.name).hasMatch(), "operation name '%s'", qPrintable(info.name));
            CABINET_ASSERT_MSG(i == 0 || list[i - 1].info.name != info.name, "operation '%s' twice", qPrintable(info.name));
            CABINET_ASSERT_MSG(!info.summary.isEmpty() && !info.params.isEmpty() && !info.result.isEmpty() && list[i].handler,
                               "operation '%s' undocumented", qPrintable(info.name));
        }
        return list;
    }();
    return all;
}

const Operation *findOperation(const QString &name)
{
    const auto &all = catalogue();
    const auto it = std::lower_bound(all.begin(), all.end(), name,
                                     [](const Operation &op, const QString &n) { return op.info.name < n; });
    return it != all.end() && it->info.name == name ? &*it : nullptr;
}

QByteArray catalogueJson()
{
    QJsonArray array;
    for (const Operation &operation : catalogue()) {
        const OperationInfo &info = operation.info;
        QJsonArray errors;
        for (ErrorCode code : info.errors)
            errors.append(errorCodeName(code));
        array.append(QJsonObject { { QStringLiteral("name"), info.name },
                                   { QStringLiteral("summary"), info.summary },
                                   { QStringLiteral("mutating"), info.mutating },
                                   { QStringLiteral("role"), roleName(info.role) },
                                   { QStringLiteral("params"), info.params },
                                   { QStringLiteral("result"), info.result },
                                   { QStringLiteral("errors"), errors } });
    }
    return compact(array);
}

QString catalogueMarkdown()
{
    QString md;
    md += QStringLiteral(
            "# The operations catalogue\n\n"
            "<!-- Generated from core/api by `cmake --build build --target api-docs`; CI fails when it is stale. -->\n\n"
            "Every action Cabinet offers is one of these operations. The console, the command line (in process, or over the "
            "owning process's control socket) and the server call them through one dispatcher; a command's `--json` output "
            "is exactly its operation's result. Every call carries an actor (`operator:NAME`, `agent:NAME`, `system:NAME`, "
            "`token:NAME`); every mutating operation is audited under it in the same transaction as its change. Roles are "
            "enforced by the headless server, whose callers authenticate with API tokens (docs/server.md).\n\n"
            "## Transport: JSON-RPC 2.0\n\n"
            "The process that owns a data directory listens on `cabinet.sock` in it (owner-only permissions), one JSON-RPC 2.0 "
            "message a line. A connection first calls `session.identify {\"actor\": \"operator:alice\"}`; calls before it are "
            "refused with `unauthenticated`. `params` is an object; ledger values are exact (128-bit values as decimal strings "
            "or numbers). Batches and notifications follow the specification.\n\n"
            "## Error codes\n\n| code | JSON-RPC code | CLI exit |\n|---|---|---|\n");
    for (ErrorCode code : AllErrorCodes)
        md += QStringLiteral("| `%1` | %2 | %3 |\n").arg(errorCodeName(code)).arg(jsonRpcCode(code)).arg(code == ErrorCode::InvalidArgument ? 2 : 1);
    md += QStringLiteral("\nAn error's `data` holds `{\"code\": \"...\", \"field\": \"...\"}`; compare codes, not messages.\n\n"
                         "## Operations\n\n| operation | role | writes | summary |\n|---|---|---|---|\n");
    for (const Operation &operation : catalogue()) {
        const OperationInfo &info = operation.info;
        md += QStringLiteral("| [`%1`](#%2) | %3 | %4 | %5 |\n")
                      .arg(info.name, QString(info.name).remove(u'.'), roleName(info.role), info.mutating ? QStringLiteral("yes") : QString(),
                           info.summary);
    }
    for (const Operation &operation : catalogue()) {
        const OperationInfo &info = operation.info;
        QStringList errors;
        for (ErrorCode code : info.errors)
            errors << u'`' + errorCodeName(code) + u'`';
        md += QStringLiteral("\n### %1\n\n%2\n\n- role: %3%4\n- params: `%5`\n- result: `%6`\n- errors: %7\n")
                      .arg(info.name, info.summary, roleName(info.role),
                           info.mutating ? QStringLiteral(" (mutating: audited)") : QString(), info.params, info.result,
                           errors.join(QStringLiteral(", ")));
    }
    md += QStringLiteral("\n## Events\n\nStored events can be replayed (`events.replay`); ephemeral ones are live only. The newest "
                         "`events.retention` stored events are kept (default 1,000,000; pruned hourly on the scheduler); a replay from "
                         "before what is kept is `not_found` and names where history now starts.\n\n"
                         "| type | stored | meaning |\n|---|---|---|\n");
    for (const events::EventType &type : events::registry())
        md += QStringLiteral("| `%1` | %2 | %3 |\n")
                      .arg(QLatin1StringView(type.name), type.stored ? QStringLiteral("yes") : QStringLiteral("no"),
                           QLatin1StringView(type.summary));
    return md;
}

} // namespace cabinet::api

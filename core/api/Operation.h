#pragma once

#include "Actor.h"
#include "Result.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <functional>
#include <vector>

namespace cabinet {
class Cabinet;
}

namespace cabinet::api {

// The roles a caller may hold, weakest first. Recorded with every operation
// now; enforced once callers authenticate (API tokens).
enum class Role { Viewer, Operator, Admin };
QString roleName(Role role);

// One action the product offers, as every face sees it: a name after the
// house convention (`group.verb`, snake_case, plural nouns for collections),
// its request and response in JSON, the error codes it can return, and the
// role it needs. docs/api.md is generated from these.
struct OperationInfo {
    QString name;
    QString summary;
    bool mutating = false; // changes state: audited under the caller's Actor, in the change's transaction
    Role role = Role::Viewer;
    QString params;        // the request's JSON form, for the docs
    QString result;        // the response's JSON form, for the docs
    QList<ErrorCode> errors;
};

// The result as JSON text: exact (128-bit ledger values stay digits) and
// written once, so the CLI's --json prints exactly what the socket returns.
using Reply = std::function<void(Result<QByteArray>)>;
// Runs the operation on the core's thread. `params` is the JSON text of an
// object ("{}" when the caller gave none). A handler answers exactly once,
// at once or later (a long job answers when it ends).
using Handler = std::function<void(Cabinet &, const Actor &, const QByteArray &params, Reply)>;

struct Operation {
    OperationInfo info;
    Handler handler;
};

// Every operation, sorted by name. Each group's operations live in
// core/api/ops/<Group>Operations.cpp and join the catalogue there.
const std::vector<Operation> &catalogue();
const Operation *findOperation(const QString &name);

// The catalogue as Markdown (docs/api.md) and as JSON (api.list).
QString catalogueMarkdown();
QByteArray catalogueJson();

} // namespace cabinet::api

#pragma once

#include <QString>

namespace cabinet {

// The closed list of error codes. Every face maps them once: the command
// line to its exit codes (errorExitCode), JSON-RPC to its error codes
// (core/api/JsonRpc), the router to retry-or-not. A caller decides on the
// code; the message is for the person reading it, the field for a form.
enum class ErrorCode {
    InvalidArgument,   // the request itself is wrong: bad JSON, a value out of range, an input over a limit
    NotFound,          // what the request names does not exist
    AlreadyExists,     // creating what is there already
    Conflict,          // the state changed under the request, or forbids it (an illegal transition)
    FailedPrecondition, // the system is not in a state to do it (not running, read-only, a broken chain)
    RefusedByPolicy,   // a rule said no (tier policy, operating mode)
    BudgetExhausted,   // the money is not there
    ResourceExhausted, // a queue, a rate or a count limit is full for now
    Unauthenticated,   // who is asking is not known
    PermissionDenied,  // known, but not allowed (a role, or the file system)
    Unavailable,       // a dependency is down or busy: worth retrying later
    Timeout,           // it took longer than its limit
    Cancelled,         // someone stopped it
    DataLoss,          // stored data is damaged or not ours (a corrupt or foreign database)
    Internal,          // a bug, or a failure below us that has no better name
};

// An error a user can act on. Errors are values at module boundaries: no
// exception crosses into the event loop.
struct Error {
    ErrorCode code = ErrorCode::Internal;
    QString message;
    QString field; // the input field at fault, when there is one ("horizon_days", "[3].amount")

    Error() = default;
    Error(ErrorCode code, QString message, QString field = {})
        : code(code), message(std::move(message)), field(std::move(field))
    {
    }
};

// "invalid_argument", …: the codes' names on the wire and in docs/api.md.
QString errorCodeName(ErrorCode code);
// The inverse; false when `name` is not a code.
bool errorCodeFromName(const QString &name, ErrorCode *code);
// Every code, in declaration order (for docs and tests that walk them).
inline constexpr ErrorCode AllErrorCodes[] = {
    ErrorCode::InvalidArgument, ErrorCode::NotFound,          ErrorCode::AlreadyExists,   ErrorCode::Conflict,
    ErrorCode::FailedPrecondition, ErrorCode::RefusedByPolicy, ErrorCode::BudgetExhausted, ErrorCode::ResourceExhausted,
    ErrorCode::Unauthenticated, ErrorCode::PermissionDenied,  ErrorCode::Unavailable,     ErrorCode::Timeout,
    ErrorCode::Cancelled,       ErrorCode::DataLoss,          ErrorCode::Internal,
};

} // namespace cabinet

#include "Error.h"

namespace cabinet {

QString errorCodeName(ErrorCode code)
{
    switch (code) {
    case ErrorCode::InvalidArgument: return QStringLiteral("invalid_argument");
    case ErrorCode::NotFound: return QStringLiteral("not_found");
    case ErrorCode::AlreadyExists: return QStringLiteral("already_exists");
    case ErrorCode::Conflict: return QStringLiteral("conflict");
    case ErrorCode::FailedPrecondition: return QStringLiteral("failed_precondition");
    case ErrorCode::RefusedByPolicy: return QStringLiteral("refused_by_policy");
    case ErrorCode::BudgetExhausted: return QStringLiteral("budget_exhausted");
    case ErrorCode::ResourceExhausted: return QStringLiteral("resource_exhausted");
    case ErrorCode::Unauthenticated: return QStringLiteral("unauthenticated");
    case ErrorCode::PermissionDenied: return QStringLiteral("permission_denied");
    case ErrorCode::Unavailable: return QStringLiteral("unavailable");
    case ErrorCode::Timeout: return QStringLiteral("timeout");
    case ErrorCode::Cancelled: return QStringLiteral("cancelled");
    case ErrorCode::DataLoss: return QStringLiteral("data_loss");
    case ErrorCode::Internal: return QStringLiteral("internal");
    }
    return QStringLiteral("internal");
}

bool errorCodeFromName(const QString &name, ErrorCode *code)
{
    for (ErrorCode candidate : AllErrorCodes) {
        if (errorCodeName(candidate) == name) {
            *code = candidate;
            return true;
        }
    }
    return false;
}

} // namespace cabinet

#include "api/Dispatcher.h"

#include "Cabinet.h"
#include "api/JsonText.h"

namespace {
// An unknown name is quoted back at most this long.
constexpr qsizetype NameLengthShown = 100;
}

namespace cabinet::api {

void Dispatcher::call(const QString &name, const Actor &actor, const QByteArray &params, Reply reply) const
{
    const Operation *operation = findOperation(name);
    if (!operation) {
        reply(Error { ErrorCode::NotFound, QStringLiteral("no operation named '%1' (see 'cabinet api list')").arg(name.left(NameLengthShown)) });
        return;
    }
    if (params.size() > ParamsBytesMax) {
        reply(Error { ErrorCode::InvalidArgument,
                      QStringLiteral("%1: params are %2 bytes, over the limit of %3").arg(name).arg(params.size()).arg(ParamsBytesMax),
                      QStringLiteral("params") });
        return;
    }
    const QByteArray object = params.trimmed().isEmpty() ? QByteArrayLiteral("{}") : params;
    if (!object.trimmed().startsWith('{')) {
        reply(Error { ErrorCode::InvalidArgument, QStringLiteral("%1: params must be a JSON object").arg(name),
                      QStringLiteral("params") });
        return;
    }
    if (operation->info.mutating && m_cabinet.readOnly()) {
        reply(Error { ErrorCode::FailedPrecondition,
                      QStringLiteral("%1 changes state, and this data directory is open read-only").arg(name) });
        return;
    }
    operation->handler(m_cabinet, actor, object, std::move(reply));
}

} // namespace cabinet::api

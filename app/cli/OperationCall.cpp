// The command line's way into the core: operations through the dispatcher,
// in this process or in the one that owns the data directory.
#include "api/ControlClient.h"
#include "api/Dispatcher.h"
#include "cli/Command.h"

#include <QEventLoop>

#include <optional>

namespace cabinet::cli {

int fail(Context &context, const Error &error)
{
    return fail(context, error.message, error.code == ErrorCode::InvalidArgument ? Usage : Failure);
}

Result<QByteArray> callOperation(const Context &context, const QString &name, const QByteArray &params, ConfigUse config)
{
    const api::Operation *operation = api::findOperation(name);
    if (!operation)
        return Error { ErrorCode::NotFound, QStringLiteral("no operation named %1").arg(name) };
    const Actor actor = Actor::person(Cabinet::localLogin());
    if (operation->info.mutating) {
        // A console or server owns the directory: it does the work, with
        // the same checks and the same answer as here.
        if (auto owner = api::ControlClient::connect(context.dataDir, actor))
            return owner->call(name, params);
    }
    auto cabinet = openCabinet(context, !operation->info.mutating, config);
    if (!cabinet)
        return cabinet.error();
    std::optional<Result<QByteArray>> answer;
    QEventLoop loop;
    (*cabinet)->api().call(name, actor, params, [&](Result<QByteArray> result) {
        answer = std::move(result);
        loop.quit();
    });
    // A long job (a simulation) answers later, from this thread's loop.
    if (!answer)
        loop.exec();
    return std::move(*answer);
}

} // namespace cabinet::cli

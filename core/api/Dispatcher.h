#pragma once

#include "Actor.h"
#include "api/Operation.h"

#include <QObject>

namespace cabinet {
class Cabinet;
}

namespace cabinet::api {

// The one door for whoever acts from outside the core: the console, the
// command line (in process or over the owner's control socket) and the
// server call operations by name through here and nothing else for a write.
// The Actor is required by the signature; every mutating operation audits
// under it in the same transaction as its change.
class Dispatcher {
public:
    // The largest params text a call may carry (a full ledger batch of
    // 8,189 transfers in JSON is about 3 MB).
    static constexpr qsizetype ParamsBytesMax = 16 * 1024 * 1024;

    explicit Dispatcher(Cabinet &cabinet) : m_cabinet(cabinet) { }

    // Answers through `reply`, at once or, for a long job, when it ends.
    // An unknown name is not_found; params that are not a JSON object, or are
    // over ParamsBytesMax, are invalid_argument; a mutating call on a
    // read-only core is failed_precondition.
    void call(const QString &name, const Actor &actor, const QByteArray &params, Reply reply) const;

private:
    Cabinet &m_cabinet;
};

} // namespace cabinet::api

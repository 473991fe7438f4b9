// events.*: the stored event history, for catching up from a sequence number.
#include "Cabinet.h"
#include "api/JsonText.h"
#include "api/ops/Groups.h"
#include "events/EventBus.h"

#include <QJsonArray>

namespace cabinet::api::ops {

std::vector<Operation> eventOperations()
{
    return {
        { { QStringLiteral("events.replay"),
            QStringLiteral("Stored events after a sequence number, oldest first, optionally only some types (\"ledger.\" for a group)."),
            false, Role::Viewer,
            QStringLiteral("{\"after_seq\": n (default 0), \"limit\": n (1..10000, default 1000), \"types\": [\"...\"]}"),
            QStringLiteral("{\"events\": [{\"seq\": n, \"time_ms\": n, \"type\": ..., \"payload\": {...}}, ...], \"last_seq\": n}"),
            { ErrorCode::InvalidArgument, ErrorCode::NotFound, ErrorCode::Internal } },
          now([](Cabinet &cabinet, const Actor &, const QByteArray &params) -> Result<QByteArray> {
              auto object = paramsObject(params);
              if (!object)
                  return object.error();
              if (auto known = onlyKnownMembers(*object, { "after_seq", "limit", "types" }); !known)
                  return known.error();
              const qint64 after = object->value(QStringLiteral("after_seq")).toInteger(0);
              const qint64 limit = object->value(QStringLiteral("limit")).toInteger(1000);
              if (after < 0)
                  return Error { ErrorCode::InvalidArgument, QStringLiteral("'after_seq' must not be negative"), QStringLiteral("after_seq") };
              if (limit < 1 || limit > EventBus::ReplayLimitMax)
                  return Error { ErrorCode::InvalidArgument, QStringLiteral("'limit' must be 1..%1").arg(EventBus::ReplayLimitMax),
                                 QStringLiteral("limit") };
              QStringList types;
              for (const QJsonValue &type : object->value(QStringLiteral("types")).toArray())
                  types.append(type.toString());
              auto replayed = cabinet.events().replay(after, int(limit));
              if (!replayed)
                  return replayed.error();
              QJsonArray events;
              for (const Event &event : *replayed) {
                  if (!EventBus::matches(types, event.type))
                      continue;
                  events.append(QJsonObject { { QStringLiteral("seq"), event.seq },
                                              { QStringLiteral("time_ms"), event.timeMs },
                                              { QStringLiteral("type"), event.type },
                                              { QStringLiteral("payload"), event.payload } });
              }
              return compact(QJsonObject { { QStringLiteral("events"), events },
                                           { QStringLiteral("last_seq"), replayed->isEmpty() ? after : replayed->back().seq } });
          }) },
    };
}

} // namespace cabinet::api::ops

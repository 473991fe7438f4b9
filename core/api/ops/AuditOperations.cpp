// audit.*: the hash-chained trail (docs/console.md, docs/data-directory.md).
#include "Cabinet.h"
#include "api/JsonText.h"
#include "api/ops/Groups.h"
#include "audit/AuditLog.h"
#include "audit/AuditWatch.h"

#include <QJsonArray>

namespace cabinet::api::ops {

namespace {

// Entries returned by one audit.tail or audit.entries call at most.
constexpr int EntriesPerCallMax = 10'000;

const QList<ErrorCode> ReadErrors { ErrorCode::InvalidArgument, ErrorCode::DataLoss, ErrorCode::Internal };

Result<int> countParam(const QJsonObject &params, const char *name, int fallback)
{
    const QJsonValue value = params.value(QLatin1StringView(name));
    if (value.isUndefined())
        return fallback;
    const qint64 count = value.toInteger(-1);
    if (!value.isDouble() || count < 1 || count > EntriesPerCallMax)
        return Error { ErrorCode::InvalidArgument, QStringLiteral("'%1' must be 1..%2").arg(QLatin1StringView(name)).arg(EntriesPerCallMax),
                       QString::fromLatin1(name) };
    return int(count);
}

QByteArray entriesJson(const QList<AuditEntry> &entries)
{
    QJsonArray array;
    for (const AuditEntry &entry : entries)
        array.append(entry.toJson());
    return compact(array);
}

} // namespace

static QJsonObject verificationJson(const AuditLog::Verification &v)
{
    QJsonObject json { { QStringLiteral("intact"), v.intact }, { QStringLiteral("entries"), v.entries } };
    if (!v.intact) {
        json.insert(QStringLiteral("first_broken_seq"), v.firstBrokenSeq);
        json.insert(QStringLiteral("reason"), v.reason);
    }
    if (v.signedSeq > 0) {
        json.insert(QStringLiteral("checkpoint_seq"), v.signedSeq);
        json.insert(QStringLiteral("checkpoint_time_ms"), v.signedTimeMs);
        json.insert(QStringLiteral("checkpoint_held"), v.signedHeld);
        json.insert(QStringLiteral("entries_after_checkpoint"), std::max<qint64>(0, v.entries - v.signedSeq));
    }
    return json;
}

std::vector<Operation> auditOperations()
{
    return {
        { { QStringLiteral("audit.verify"),
            QStringLiteral("Recompute the whole hash chain and check it against the newest signed checkpoint. On a running core "
                           "the audit watch takes the result as its state (audit.watch_status, service.state)."),
            false, Role::Viewer,
            QStringLiteral("{}"),
            QStringLiteral("{\"intact\": bool, \"entries\": n, \"first_broken_seq\": n, \"reason\": \"...\", \"checkpoint_seq\": n, ...}"),
            ReadErrors },
          now([](Cabinet &cabinet, const Actor &, const QByteArray &params) -> Result<QByteArray> {
              auto object = paramsObject(params);
              if (!object)
                  return object.error();
              if (auto known = onlyKnownMembers(*object, {}); !known)
                  return known.error();
              auto result = cabinet.service<AuditWatch>().walkNow();
              if (!result)
                  return result.error();
              return compact(verificationJson(*result));
          }) },
        { { QStringLiteral("audit.watch_status"),
            QStringLiteral("The audit watch's state: the verdict of its last check (new entries a moment after they arrive, the "
                           "whole trail every minute or more), as its service.state events carry it."),
            false, Role::Viewer, QStringLiteral("{}"),
            QStringLiteral("{\"service\": \"audit.watch\", \"state\": \"unknown\"|\"checking\"|\"intact\"|\"broken\"|\"unreadable\", "
                           "\"verdict\": ..., \"running\": bool, \"entries\": n, \"first_broken_seq\": n, \"reason\": \"...\", "
                           "\"last_whole_walk_ms\": n, \"next_whole_walk_ms\": n, \"revision\": n}"),
            { ErrorCode::InvalidArgument } },
          now([](Cabinet &cabinet, const Actor &, const QByteArray &params) -> Result<QByteArray> {
              auto object = paramsObject(params);
              if (!object)
                  return object.error();
              if (auto known = onlyKnownMembers(*object, {}); !known)
                  return known.error();
              return compact(cabinet.service<AuditWatch>().status());
          }) },
        { { QStringLiteral("audit.tail"), QStringLiteral("The newest entries, oldest first."), false, Role::Viewer,
            QStringLiteral("{\"count\": n (1..10000, default 10)}"), QStringLiteral("[AuditEntry, ...]"), ReadErrors },
          now([](Cabinet &cabinet, const Actor &, const QByteArray &params) -> Result<QByteArray> {
              auto object = paramsObject(params);
              if (!object)
                  return object.error();
              if (auto known = onlyKnownMembers(*object, { "count" }); !known)
                  return known.error();
              auto count = countParam(*object, "count", 10);
              if (!count)
                  return count.error();
              auto entries = cabinet.audit().tail(*count);
              if (!entries)
                  return entries.error();
              return entriesJson(*entries);
          }) },
        { { QStringLiteral("audit.entries"), QStringLiteral("Entries after a sequence number, oldest first (page through the trail)."),
            false, Role::Viewer, QStringLiteral("{\"after_seq\": n (default 0), \"limit\": n (1..10000, default 1000)}"),
            QStringLiteral("[AuditEntry, ...]"), ReadErrors },
          now([](Cabinet &cabinet, const Actor &, const QByteArray &params) -> Result<QByteArray> {
              auto object = paramsObject(params);
              if (!object)
                  return object.error();
              if (auto known = onlyKnownMembers(*object, { "after_seq", "limit" }); !known)
                  return known.error();
              const qint64 after = object->value(QStringLiteral("after_seq")).toInteger(0);
              if (after < 0)
                  return Error { ErrorCode::InvalidArgument, QStringLiteral("'after_seq' must not be negative"), QStringLiteral("after_seq") };
              auto limit = countParam(*object, "limit", 1000);
              if (!limit)
                  return limit.error();
              auto entries = cabinet.audit().entriesAfter(after, *limit);
              if (!entries)
                  return entries.error();
              return entriesJson(*entries);
          }) },
    };
}

} // namespace cabinet::api::ops

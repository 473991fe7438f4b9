// config.*: the effective configuration (config.yaml, CABINET_* variables,
// --set) and audited changes to config.yaml.
#include "Cabinet.h"
#include "api/JsonText.h"
#include "api/ops/Groups.h"
#include "config/Config.h"

#include <QJsonArray>

namespace cabinet::api::ops {

namespace {

Result<QString> keyParam(const QJsonObject &params)
{
    const QJsonValue key = params.value(QStringLiteral("key"));
    if (!key.isString())
        return Error { ErrorCode::InvalidArgument, QStringLiteral("'key' must be a string"), QStringLiteral("key") };
    if (!Config::validKey(key.toString()))
        return Config::invalidKey(key.toString());
    return key.toString();
}

QJsonObject itemJson(const Config::Item &item)
{
    return { { QStringLiteral("key"), item.key }, { QStringLiteral("value"), item.value }, { QStringLiteral("source"), item.source } };
}

} // namespace

std::vector<Operation> configOperations()
{
    return {
        { { QStringLiteral("config.get"), QStringLiteral("One key's effective value and where it came from."), false, Role::Viewer,
            QStringLiteral("{\"key\": \"mode\"}"), QStringLiteral("{\"key\": \"...\", \"value\": \"...\", \"source\": \"...\"}"),
            { ErrorCode::InvalidArgument, ErrorCode::NotFound } },
          now([](Cabinet &cabinet, const Actor &, const QByteArray &params) -> Result<QByteArray> {
              auto object = paramsObject(params);
              if (!object)
                  return object.error();
              if (auto known = onlyKnownMembers(*object, { "key" }); !known)
                  return known.error();
              auto key = keyParam(*object);
              if (!key)
                  return key.error();
              for (const Config::Item &item : cabinet.config().items()) {
                  if (item.key == *key)
                      return compact(itemJson(item));
              }
              return Error { ErrorCode::NotFound, QStringLiteral("'%1' is not set").arg(*key), QStringLiteral("key") };
          }) },
        { { QStringLiteral("config.list"), QStringLiteral("Every key with its effective value and where it came from."), false,
            Role::Viewer, QStringLiteral("{}"), QStringLiteral("[{\"key\": ..., \"value\": ..., \"source\": ...}, ...]"),
            { ErrorCode::InvalidArgument } },
          now([](Cabinet &cabinet, const Actor &, const QByteArray &params) -> Result<QByteArray> {
              auto object = paramsObject(params);
              if (!object)
                  return object.error();
              if (auto known = onlyKnownMembers(*object, {}); !known)
                  return known.error();
              QJsonArray items;
              for (const Config::Item &item : cabinet.config().items())
                  items.append(itemJson(item));
              return compact(items);
          }) },
        { { QStringLiteral("config.set"),
            QStringLiteral("Set one key in config.yaml (comments and layout kept); audited, and config.changed is emitted. A key that "
                           "would hold a secret (an API key, a token, a password) is refused: name an environment variable instead."), true,
            Role::Admin, QStringLiteral("{\"key\": \"mode\", \"value\": \"manual\"}"),
            QStringLiteral("{\"key\": \"...\", \"value\": \"...\", \"source\": \"...\"}"),
            { ErrorCode::InvalidArgument, ErrorCode::RefusedByPolicy, ErrorCode::FailedPrecondition, ErrorCode::Unavailable, ErrorCode::Internal } },
          now([](Cabinet &cabinet, const Actor &actor, const QByteArray &params) -> Result<QByteArray> {
              auto object = paramsObject(params);
              if (!object)
                  return object.error();
              if (auto known = onlyKnownMembers(*object, { "key", "value" }); !known)
                  return known.error();
              auto key = keyParam(*object);
              if (!key)
                  return key.error();
              const QJsonValue value = object->value(QStringLiteral("value"));
              if (!value.isString())
                  return Error { ErrorCode::InvalidArgument, QStringLiteral("'value' must be a string"), QStringLiteral("value") };
              if (auto status = cabinet.config().set(*key, value.toString(), actor.toString(), cabinet.database(), cabinet.audit(),
                                                     cabinet.events());
                  !status)
                  return status.error();
              for (const Config::Item &item : cabinet.config().items()) {
                  if (item.key == *key)
                      return compact(itemJson(item));
              }
              return compact(QJsonObject { { QStringLiteral("key"), *key }, { QStringLiteral("value"), value.toString() } });
          }) },
    };
}

} // namespace cabinet::api::ops

// tokens.*: the API tokens the headless server takes (docs/server.md).
#include "Cabinet.h"
#include "api/JsonText.h"
#include "api/ops/Groups.h"
#include "server/TokenStore.h"

#include <QJsonArray>

namespace cabinet::api::ops {

namespace {

QJsonObject tokenJson(const server::TokenStore::Token &token)
{
    return { { QStringLiteral("name"), token.name },
             { QStringLiteral("role"), roleName(token.role) },
             { QStringLiteral("actor"), token.actor().toString() },
             { QStringLiteral("created_by"), token.createdBy },
             { QStringLiteral("created_ms"), token.createdNs / 1'000'000 },
             { QStringLiteral("expires_ms"), token.expiresNs / 1'000'000 },
             { QStringLiteral("revoked_ms"), token.revokedNs / 1'000'000 } };
}

Result<QString> nameParam(const QJsonObject &params)
{
    const QJsonValue name = params.value(QStringLiteral("name"));
    if (!name.isString())
        return Error { ErrorCode::InvalidArgument, QStringLiteral("'name' must be a string"), QStringLiteral("name") };
    return name.toString();
}

} // namespace

std::vector<Operation> tokenOperations()
{
    const QString tokenForm = QStringLiteral("{\"name\", \"role\", \"actor\": \"token:NAME\", \"created_by\", \"created_ms\", \"expires_ms\" (0: never), "
                                             "\"revoked_ms\" (0: in force)}");
    return {
        { { QStringLiteral("tokens.create"),
            QStringLiteral("Makes an API token for the headless server and returns it once; only its keyed hash is stored (docs/server.md)."),
            true, Role::Admin,
            QStringLiteral("{\"name\": \"[A-Za-z0-9._-]{1,64}\", \"role\": \"viewer\"|\"operator\"|\"admin\", \"expires_days\": n (0..3650, 0 or absent: never)}"),
            QStringLiteral("{\"token\": \"cab_...\" (shown this once), ") + tokenForm.mid(1),
            { ErrorCode::InvalidArgument, ErrorCode::AlreadyExists, ErrorCode::ResourceExhausted, ErrorCode::FailedPrecondition, ErrorCode::Internal } },
          now([](Cabinet &cabinet, const Actor &actor, const QByteArray &params) -> Result<QByteArray> {
              auto object = paramsObject(params);
              if (!object)
                  return object.error();
              if (auto known = onlyKnownMembers(*object, { "name", "role", "expires_days" }); !known)
                  return known.error();
              auto name = nameParam(*object);
              if (!name)
                  return name.error();
              auto role = server::TokenStore::parseRole(object->value(QStringLiteral("role")).toString());
              if (!role)
                  return role.error();
              const QJsonValue days = object->value(QStringLiteral("expires_days"));
              if (!days.isUndefined() && (!days.isDouble() || days.toDouble() != double(days.toInteger())))
                  return Error { ErrorCode::InvalidArgument, QStringLiteral("'expires_days' must be a whole number"), QStringLiteral("expires_days") };
              auto created = cabinet.service<server::TokenStore>().create(*name, *role, days.toInteger(0), actor);
              if (!created)
                  return created.error();
              QJsonObject out = tokenJson(created->token);
              out.insert(QStringLiteral("token"), QString::fromLatin1(created->secret));
              return compact(out);
          }) },
        { { QStringLiteral("tokens.list"), QStringLiteral("The API tokens, revoked ones included (never the tokens themselves)."), false, Role::Admin,
            QStringLiteral("{}"), QStringLiteral("{\"tokens\": [") + tokenForm + QStringLiteral(", ...]}"),
            { ErrorCode::InvalidArgument, ErrorCode::Internal } },
          now([](Cabinet &cabinet, const Actor &, const QByteArray &params) -> Result<QByteArray> {
              auto object = paramsObject(params);
              if (!object)
                  return object.error();
              if (auto known = onlyKnownMembers(*object, {}); !known)
                  return known.error();
              auto tokens = cabinet.service<server::TokenStore>().list();
              if (!tokens)
                  return tokens.error();
              QJsonArray array;
              for (const auto &token : *tokens)
                  array.append(tokenJson(token));
              return compact(QJsonObject { { QStringLiteral("tokens"), array } });
          }) },
        { { QStringLiteral("tokens.revoke"),
            QStringLiteral("Revokes an API token: the server refuses it from the next authentication on (connections it opened are closed)."),
            true, Role::Admin, QStringLiteral("{\"name\"}"), tokenForm,
            { ErrorCode::InvalidArgument, ErrorCode::NotFound, ErrorCode::FailedPrecondition, ErrorCode::Internal } },
          now([](Cabinet &cabinet, const Actor &actor, const QByteArray &params) -> Result<QByteArray> {
              auto object = paramsObject(params);
              if (!object)
                  return object.error();
              if (auto known = onlyKnownMembers(*object, { "name" }); !known)
                  return known.error();
              auto name = nameParam(*object);
              if (!name)
                  return name.error();
              auto revoked = cabinet.service<server::TokenStore>().revoke(*name, actor);
              if (!revoked)
                  return revoked.error();
              return compact(tokenJson(*revoked));
          }) },
    };
}

} // namespace cabinet::api::ops

#pragma once

#include "Actor.h"
#include "Clock.h"
#include "Result.h"
#include "api/Operation.h"
#include "service/Service.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace cabinet {
class AuditLog;
class Database;
class EventBus;
} // namespace cabinet

namespace cabinet::server {

// The API tokens the headless server takes (docs/server.md). A token is
// "cab_" and 43 base64url characters (32 random bytes), shown once when it
// is made; the store keeps only its keyed hash (crypto_generichash, 32
// bytes, keyed with <data-dir>/api-token.key, mode 0600), so a copy of the
// database does not let anyone in. Each token has a name (its actor is
// token:<name>), a role and an optional expiry; a revoked token stays
// listed and its name is never reused.
class TokenStore final : public Service {
public:
    // A name is 1..NameLengthMax of [A-Za-z0-9._-].
    static constexpr int NameLengthMax = 64;
    static constexpr qint64 ExpiresDaysMax = 3650;
    // Tokens in the store at most, revoked ones included.
    static constexpr qint64 TokensMax = 1000;
    // The bytes of a token as presented (longer input is refused unread).
    static constexpr qsizetype TokenBytesMax = 128;

    struct Token {
        QString name;
        api::Role role = api::Role::Viewer;
        QString createdBy;
        qint64 createdNs = 0;
        qint64 expiresNs = 0; // 0: never
        qint64 revokedNs = 0; // 0: in force
        Actor actor() const { return Actor::token(name); }
    };
    struct Created {
        Token token;
        QByteArray secret; // the token itself: shown once, never stored
    };

    TokenStore(Database &db, EventBus &events, AuditLog &audit, const Clock &clock, QString dataDir);

    QString name() const override { return QStringLiteral("server.tokens"); }

    static QString keyPath(const QString &dataDir);
    static Result<api::Role> parseRole(const QString &text);

    // Audited under `actor`, with the event tokens.created, in one transaction.
    Result<Created> create(const QString &name, api::Role role, qint64 expiresDays, const Actor &actor);
    Result<QList<Token>> list() const;
    Result<Token> revoke(const QString &name, const Actor &actor);
    // The token `secret` is, if it is in force: unauthenticated for an
    // unknown, revoked or expired one (the message says which, the secret is
    // never quoted).
    Result<Token> authenticate(const QByteArray &secret) const;

private:
    // The hash key, read on first use (the command line's in-process calls
    // start no service) and made by the first create().
    Result<QByteArray> key(bool create) const;
    Result<QByteArray> hash(const QByteArray &secret, bool createKey) const;

    Database &m_db;
    EventBus &m_events;
    AuditLog &m_audit;
    const Clock &m_clock;
    QString m_dataDir;
    mutable QByteArray m_key; // empty until first read
};

} // namespace cabinet::server

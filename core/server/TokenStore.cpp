#include "server/TokenStore.h"

#include "audit/AuditLog.h"
#include "events/EventBus.h"
#include "events/EventTypes.h"
#include "store/Database.h"
#include "store/DurableFile.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonObject>
#include <QRegularExpression>

#include <sodium.h>
#include <sys/stat.h>

namespace cabinet::server {

namespace {

const QByteArray KeyPrefix = QByteArrayLiteral("generichash:");
const QByteArray TokenPrefix = QByteArrayLiteral("cab_");
constexpr int KeyBytes = crypto_generichash_KEYBYTES;
constexpr int HashBytes = crypto_generichash_BYTES;
constexpr int SecretBytes = 32;
constexpr qint64 KeyFileBytesMax = 256;
constexpr qint64 NsPerDay = 86'400'000'000'000LL;

Error unknownToken()
{
    return Error { ErrorCode::Unauthenticated, QStringLiteral("the token is not one of this server's (see 'cabinet tokens list')") };
}

TokenStore::Token tokenFrom(Statement &row)
{
    TokenStore::Token token;
    token.name = row.text(0);
    // The schema's CHECK keeps the role one of the three.
    const auto role = TokenStore::parseRole(row.text(1));
    token.role = role ? *role : api::Role::Viewer;
    token.createdBy = row.text(2);
    token.createdNs = row.int64(3);
    token.expiresNs = row.int64(4);
    token.revokedNs = row.int64(5);
    return token;
}

QJsonObject details(const TokenStore::Token &token)
{
    return { { QStringLiteral("name"), token.name },
             { QStringLiteral("role"), api::roleName(token.role) },
             { QStringLiteral("expires_ms"), token.expiresNs / 1'000'000 } };
}

} // namespace

TokenStore::TokenStore(Database &db, EventBus &events, AuditLog &audit, const Clock &clock, QString dataDir)
    : m_db(db), m_events(events), m_audit(audit), m_clock(clock), m_dataDir(std::move(dataDir))
{
}

QString TokenStore::keyPath(const QString &dataDir)
{
    return dataDir + QStringLiteral("/api-token.key");
}

Result<api::Role> TokenStore::parseRole(const QString &text)
{
    for (api::Role role : { api::Role::Viewer, api::Role::Operator, api::Role::Admin })
        if (api::roleName(role) == text)
            return role;
    return Error { ErrorCode::InvalidArgument, QStringLiteral("a role is viewer, operator or admin"), QStringLiteral("role") };
}

Result<QByteArray> TokenStore::key(bool create) const
{
    if (!m_key.isEmpty())
        return m_key;
    const QString path = keyPath(m_dataDir);
    if (!QFileInfo::exists(path)) {
        if (!create)
            return unknownToken(); // no token was ever made here
        QByteArray key(KeyBytes, Qt::Uninitialized);
        randombytes_buf(key.data(), size_t(key.size()));
        if (auto written = durable::createFile(path, KeyPrefix + key.toHex() + '\n', 0600); !written)
            return written.error();
        return m_key = key;
    }
    // Like ssh with its keys: a secret others can read is no longer one.
    struct stat info = {};
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return Error { ErrorCode::PermissionDenied, QStringLiteral("cannot read the API token key %1").arg(path) };
    if ((info.st_mode & 077) != 0)
        return Error { ErrorCode::FailedPrecondition, QStringLiteral("the API token key %1 can be read by others (mode %2); run chmod 600 on it")
                                                              .arg(path, QString::number(info.st_mode & 0777, 8)) };
    auto bytes = durable::read(path, KeyFileBytesMax);
    if (!bytes)
        return bytes.error();
    const QByteArray text = bytes->trimmed();
    const QByteArray key = QByteArray::fromHex(text.mid(KeyPrefix.size()));
    if (!text.startsWith(KeyPrefix) || key.size() != KeyBytes || key.toHex() != text.mid(KeyPrefix.size()))
        return Error { ErrorCode::DataLoss, QStringLiteral("%1 is not an API token key (\"generichash:\" and 64 hex digits)").arg(path) };
    return m_key = key;
}

Result<QByteArray> TokenStore::hash(const QByteArray &secret, bool createKey) const
{
    auto k = key(createKey);
    if (!k)
        return k.error();
    QByteArray out(HashBytes, Qt::Uninitialized);
    crypto_generichash(reinterpret_cast<unsigned char *>(out.data()), size_t(out.size()), reinterpret_cast<const unsigned char *>(secret.constData()),
                       size_t(secret.size()), reinterpret_cast<const unsigned char *>(k->constData()), size_t(k->size()));
    return out;
}

Result<TokenStore::Created> TokenStore::create(const QString &name, api::Role role, qint64 expiresDays, const Actor &actor)
{
    static const QRegularExpression valid(QStringLiteral("^[A-Za-z0-9._-]{1,%1}$").arg(NameLengthMax));
    if (!valid.match(name).hasMatch())
        return Error { ErrorCode::InvalidArgument, QStringLiteral("a token's name is 1..%1 of A-Z a-z 0-9 . _ -").arg(NameLengthMax), QStringLiteral("name") };
    if (expiresDays < 0 || expiresDays > ExpiresDaysMax)
        return Error { ErrorCode::InvalidArgument, QStringLiteral("'expires_days' is 0 (never) .. %1").arg(ExpiresDaysMax), QStringLiteral("expires_days") };
    auto &count = m_db.statement("SELECT count(*), sum(name = ?1) FROM api_tokens");
    count.bind(1, name);
    auto counted = count.step();
    const qint64 tokens = counted && *counted ? count.int64(0) : 0;
    const bool taken = counted && *counted && count.int64(1) > 0;
    count.reset();
    if (!counted)
        return counted.error();
    if (taken)
        return Error { ErrorCode::AlreadyExists, QStringLiteral("a token named %1 exists (names are never reused, also after revoke)").arg(name),
                       QStringLiteral("name") };
    if (tokens >= TokensMax)
        return Error { ErrorCode::ResourceExhausted, QStringLiteral("the store holds %1 tokens, its limit").arg(TokensMax) };

    QByteArray random(SecretBytes, Qt::Uninitialized);
    randombytes_buf(random.data(), size_t(random.size()));
    Created created;
    created.secret = TokenPrefix + random.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    auto hashed = hash(created.secret, true);
    if (!hashed)
        return hashed.error();
    const qint64 now = m_clock.nowNs();
    created.token = Token { name, role, actor.toString(), now, expiresDays > 0 ? now + expiresDays * NsPerDay : 0, 0 };

    auto tx = m_db.begin();
    if (!tx)
        return tx.error();
    auto &insert = m_db.statement("INSERT INTO api_tokens(name, role, hash, created_by, created_ns, expires_ns) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    if (auto s = insert.bind(1, name).bind(2, api::roleName(role)).bindBlob(3, *hashed).bind(4, actor.toString()).bind(5, now)
                         .bind(6, created.token.expiresNs).exec();
        !s)
        return s.error();
    QJsonObject payload = details(created.token);
    payload.insert(QStringLiteral("by"), actor.toString());
    if (auto entry = m_audit.append(*tx, actor.toString(), QStringLiteral("tokens.create"), name, payload); !entry)
        return entry.error();
    if (auto e = m_events.append(*tx, events::TokensCreated, payload); !e)
        return e.error();
    if (auto s = tx->commit(); !s)
        return s.error();
    return created;
}

Result<QList<TokenStore::Token>> TokenStore::list() const
{
    auto &q = m_db.statement("SELECT name, role, created_by, created_ns, expires_ns, revoked_ns FROM api_tokens ORDER BY name");
    QList<Token> tokens;
    while (true) {
        auto row = q.step();
        if (!row) {
            q.reset();
            return row.error();
        }
        if (!*row)
            break;
        tokens.append(tokenFrom(q));
    }
    q.reset();
    return tokens;
}

Result<TokenStore::Token> TokenStore::revoke(const QString &name, const Actor &actor)
{
    if (name.isEmpty() || name.size() > NameLengthMax)
        return Error { ErrorCode::InvalidArgument, QStringLiteral("a token's name is 1..%1 characters").arg(NameLengthMax), QStringLiteral("name") };
    auto &find = m_db.statement("SELECT name, role, created_by, created_ns, expires_ns, revoked_ns FROM api_tokens WHERE name = ?1");
    find.bind(1, name);
    auto row = find.step();
    std::optional<Token> token;
    if (row && *row)
        token = tokenFrom(find);
    find.reset();
    if (!row)
        return row.error();
    if (!token)
        return Error { ErrorCode::NotFound, QStringLiteral("no token named %1 (see 'cabinet tokens list')").arg(name), QStringLiteral("name") };
    if (token->revokedNs != 0)
        return Error { ErrorCode::FailedPrecondition, QStringLiteral("the token %1 was revoked already").arg(name), QStringLiteral("name") };
    token->revokedNs = m_clock.nowNs();
    auto tx = m_db.begin();
    if (!tx)
        return tx.error();
    auto &update = m_db.statement("UPDATE api_tokens SET revoked_ns = ?1, revoked_by = ?2 WHERE name = ?3");
    if (auto s = update.bind(1, token->revokedNs).bind(2, actor.toString()).bind(3, name).exec(); !s)
        return s.error();
    QJsonObject payload = details(*token);
    payload.insert(QStringLiteral("by"), actor.toString());
    if (auto entry = m_audit.append(*tx, actor.toString(), QStringLiteral("tokens.revoke"), name, payload); !entry)
        return entry.error();
    if (auto e = m_events.append(*tx, events::TokensRevoked, payload); !e)
        return e.error();
    if (auto s = tx->commit(); !s)
        return s.error();
    return *token;
}

Result<TokenStore::Token> TokenStore::authenticate(const QByteArray &secret) const
{
    if (secret.size() > TokenBytesMax || !secret.startsWith(TokenPrefix))
        return unknownToken();
    auto hashed = hash(secret, false);
    if (!hashed)
        return hashed.error();
    auto &find = m_db.statement("SELECT name, role, created_by, created_ns, expires_ns, revoked_ns FROM api_tokens WHERE hash = ?1");
    find.bindBlob(1, *hashed);
    auto row = find.step();
    std::optional<Token> token;
    if (row && *row)
        token = tokenFrom(find);
    find.reset();
    if (!row)
        return row.error();
    if (!token)
        return unknownToken();
    if (token->revokedNs != 0)
        return Error { ErrorCode::Unauthenticated, QStringLiteral("the token %1 was revoked").arg(token->name) };
    if (token->expiresNs != 0 && m_clock.nowNs() >= token->expiresNs)
        return Error { ErrorCode::Unauthenticated, QStringLiteral("the token %1 expired").arg(token->name) };
    return *token;
}

} // namespace cabinet::server

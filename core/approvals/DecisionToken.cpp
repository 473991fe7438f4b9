#include "approvals/DecisionToken.h"

#include "Assert.h"
#include "store/Database.h"
#include "store/DurableFile.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>

#include <sodium.h>
#include <sys/stat.h>

namespace cabinet::approvals {

namespace {

const QByteArray KeyPrefix = QByteArrayLiteral("hmac-sha256:");
constexpr int KeyBytes = 32;
constexpr int NonceBytes = 16;
constexpr qint64 KeyFileBytesMax = 256;
constexpr auto Base64Url = QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals;

Error malformed()
{
    return Error { ErrorCode::InvalidArgument, QStringLiteral("not a decision token"), QStringLiteral("token") };
}

} // namespace

QString DecisionTokens::keyPath(const QString &dataDir)
{
    return dataDir + QStringLiteral("/approval-token.key");
}

Result<DecisionTokens> DecisionTokens::open(const QString &dataDir)
{
    const QString path = keyPath(dataDir);
    if (!QFileInfo::exists(path)) {
        QByteArray key(KeyBytes, Qt::Uninitialized);
        randombytes_buf(key.data(), size_t(key.size()));
        if (auto written = durable::createFile(path, KeyPrefix + key.toHex() + '\n', 0600); !written)
            return written.error();
        return DecisionTokens(key);
    }
    // Like ssh with its keys: a secret others can read is no longer one.
    struct stat info = {};
    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return Error { ErrorCode::PermissionDenied, QStringLiteral("cannot read the decision token key %1").arg(path) };
    if ((info.st_mode & 077) != 0)
        return Error { ErrorCode::FailedPrecondition,
                       QStringLiteral("the decision token key %1 can be read by others (mode %2); run chmod 600 on it")
                               .arg(path, QString::number(info.st_mode & 0777, 8)) };
    auto bytes = durable::read(path, KeyFileBytesMax);
    if (!bytes)
        return bytes.error();
    const QByteArray text = bytes->trimmed();
    const QByteArray key = QByteArray::fromHex(text.mid(KeyPrefix.size()));
    if (!text.startsWith(KeyPrefix) || key.size() != KeyBytes || key.toHex() != text.mid(KeyPrefix.size()))
        return Error { ErrorCode::DataLoss, QStringLiteral("%1 is not a decision token key (\"hmac-sha256:\" and 64 hex digits)").arg(path) };
    return DecisionTokens(key);
}

QByteArray DecisionTokens::mac(const QByteArray &payload) const
{
    return QMessageAuthenticationCode::hash(payload, m_key, QCryptographicHash::Sha256);
}

Result<QByteArray> DecisionTokens::sign(DecisionClaims claims, qint64 nowMs, qint64 ttlMs) const
{
    if (ttlMs < 1 || ttlMs > DecisionTokenTtlMsMax)
        return Error { ErrorCode::InvalidArgument, QStringLiteral("a decision token lasts 1..%1 ms, not %2").arg(DecisionTokenTtlMsMax).arg(ttlMs),
                       QStringLiteral("ttl_ms") };
    QByteArray nonce(NonceBytes, Qt::Uninitialized);
    randombytes_buf(nonce.data(), size_t(nonce.size()));
    QJsonObject object { { QStringLiteral("id"), claims.approvalId },
                         { QStringLiteral("verdict"), claims.approve ? QStringLiteral("approve") : QStringLiteral("deny") },
                         { QStringLiteral("nonce"), QString::fromLatin1(nonce.toHex()) },
                         { QStringLiteral("exp"), nowMs + ttlMs } };
    if (!claims.operatorName.isEmpty())
        object.insert(QStringLiteral("operator"), claims.operatorName);
    const QByteArray payload = QJsonDocument(object).toJson(QJsonDocument::Compact);
    const QByteArray token = payload.toBase64(Base64Url) + '.' + mac(payload).toBase64(Base64Url);
    if (token.size() > DecisionTokenBytesMax)
        return Error { ErrorCode::InvalidArgument, QStringLiteral("the claims make a token longer than %1 bytes").arg(DecisionTokenBytesMax),
                       QStringLiteral("operator") };
    return token;
}

Result<DecisionClaims> DecisionTokens::verify(const QByteArray &token, qint64 nowMs) const
{
    if (token.size() > DecisionTokenBytesMax)
        return malformed();
    const qsizetype dot = token.indexOf('.');
    if (dot <= 0 || token.indexOf('.', dot + 1) >= 0)
        return malformed();
    auto payload = QByteArray::fromBase64Encoding(token.left(dot), Base64Url | QByteArray::AbortOnBase64DecodingErrors);
    auto signature = QByteArray::fromBase64Encoding(token.mid(dot + 1), Base64Url | QByteArray::AbortOnBase64DecodingErrors);
    if (!payload || !signature)
        return malformed();
    const QByteArray expected = mac(payload.decoded);
    // Compared in constant time: a timing difference would leak the MAC.
    if (signature.decoded.size() != expected.size() || sodium_memcmp(signature.decoded.constData(), expected.constData(), size_t(expected.size())) != 0)
        return Error { ErrorCode::Unauthenticated, QStringLiteral("the decision token is not signed by this data directory") };
    const QJsonObject object = QJsonDocument::fromJson(payload.decoded).object();
    DecisionClaims claims;
    claims.approvalId = object.value(u"id").toString();
    claims.approve = object.value(u"verdict").toString() == QLatin1StringView("approve");
    claims.operatorName = object.value(u"operator").toString();
    claims.nonce = object.value(u"nonce").toString();
    claims.expiresMs = qint64(object.value(u"exp").toDouble());
    if (claims.approvalId.isEmpty() || claims.nonce.isEmpty())
        return malformed();
    if (nowMs >= claims.expiresMs)
        return Error { ErrorCode::FailedPrecondition, QStringLiteral("the decision token expired; decide in the console or from the command line") };
    return claims;
}

// The transaction is asked for so a token is only ever used up together
// with the decision it carries.
Status DecisionTokens::consume(Database &db, Transaction &, const DecisionClaims &claims, qint64 nowNs)
{
    CABINET_ASSERT(db.inTransaction());
    auto &used = db.statement("SELECT 1 FROM approval_tokens_used WHERE nonce = ?");
    used.bind(1, claims.nonce);
    auto row = used.step();
    used.reset();
    if (!row)
        return row.error();
    if (*row)
        return Error { ErrorCode::Conflict, QStringLiteral("the decision token was used already; a token decides once") };
    auto &insert = db.statement("INSERT INTO approval_tokens_used (nonce, approval_id, used_ns) VALUES (?, ?, ?)");
    insert.bind(1, claims.nonce).bind(2, claims.approvalId).bind(3, nowNs);
    return insert.exec();
}

} // namespace cabinet::approvals

#pragma once

#include "Result.h"

#include <QByteArray>
#include <QString>

namespace cabinet {
class Database;
class Transaction;
}

namespace cabinet::approvals {

// Limits on a decision token, checked before the work they would cost.
inline constexpr qsizetype DecisionTokenBytesMax = 1'024;
// How long a token a notification carries may be used: the longest a
// tier-2 request may wait (TierPolicy's DeadlineMsMax).
inline constexpr qint64 DecisionTokenTtlMsMax = 7 * 24 * 3'600'000LL;

// What a token lets its bearer do: decide one request one way, once, as the
// operator the notification was sent to, before it expires.
struct DecisionClaims {
    QString approvalId;
    bool approve = false;
    QString operatorName; // empty: the chat user the reply comes from names the operator
    QString nonce;        // 128 random bits, hex: what makes it single-use
    qint64 expiresMs = 0;
};

// The signed, single-use decision token a webhook's button carries
// (docs/approvals.md) and the headless server accepts when the button is
// pressed: base64url(claims JSON) "." base64url(HMAC-SHA256(key, claims
// JSON)), the key 32 random bytes in <data-dir>/approval-token.key (mode
// 0600, like the audit signing key). verify() checks the signature and the
// expiry; consume() records the nonce in the decision's transaction, so a
// token decides at most once.
class DecisionTokens {
public:
    static QString keyPath(const QString &dataDir);
    // Reads the key, or creates it when there is none. A key others may
    // read is refused (failed_precondition): it is no longer a secret.
    static Result<DecisionTokens> open(const QString &dataDir);

    // A token for `claims`, with a fresh nonce (claims.nonce is ignored).
    // `ttlMs` is 1..DecisionTokenTtlMsMax from nowMs.
    Result<QByteArray> sign(DecisionClaims claims, qint64 nowMs, qint64 ttlMs) const;
    // invalid_argument: not a token; unauthenticated: not signed with this
    // key; failed_precondition: expired.
    Result<DecisionClaims> verify(const QByteArray &token, qint64 nowMs) const;
    // Records the token as used, inside the caller's transaction; conflict
    // when it was used already (and nothing is written).
    static Status consume(Database &db, Transaction &tx, const DecisionClaims &claims, qint64 nowNs);

private:
    explicit DecisionTokens(QByteArray key) : m_key(std::move(key)) { }
    QByteArray mac(const QByteArray &payload) const;

    QByteArray m_key;
};

} // namespace cabinet::approvals

#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QMetaType>
#include <QString>

namespace cabinet {

struct AuditEntry {
    qint64 seq = 0;
    qint64 timeMs = 0;
    QString actor;   // "operator:alice", "system", "agent:rex"
    QString action;  // "core.start", "config.set", "approval.decide", ...
    QString subject; // what the action was about
    QByteArray payloadJson; // canonical compact JSON, exactly as hashed
    QByteArray prevHash;    // 32 bytes; zeros for the first entry
    QByteArray hash;        // SHA-256 of canonicalEncoding()

    // Length-prefixed fields, so no two different entries encode alike:
    // "<len>:<bytes>\n" for seq, time, actor, action, subject, payload and the
    // previous hash in hex.
    QByteArray canonicalEncoding() const;
    QByteArray computeHash() const;
    QJsonObject toJson() const;
};

} // namespace cabinet

Q_DECLARE_METATYPE(cabinet::AuditEntry)

#include "audit/AuditEntry.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonDocument>

namespace cabinet {

namespace {
void appendField(QByteArray &out, const QByteArray &field)
{
    out += QByteArray::number(field.size());
    out += ':';
    out += field;
    out += '\n';
}
} // namespace

QByteArray AuditEntry::canonicalEncoding() const
{
    QByteArray out;
    appendField(out, QByteArray::number(seq));
    appendField(out, QByteArray::number(timeMs));
    appendField(out, actor.toUtf8());
    appendField(out, action.toUtf8());
    appendField(out, subject.toUtf8());
    appendField(out, payloadJson);
    appendField(out, prevHash.toHex());
    return out;
}

QByteArray AuditEntry::computeHash() const
{
    return QCryptographicHash::hash(canonicalEncoding(), QCryptographicHash::Sha256);
}

QJsonObject AuditEntry::toJson() const
{
    return QJsonObject {
        { QStringLiteral("seq"), seq },
        { QStringLiteral("time"), QDateTime::fromMSecsSinceEpoch(timeMs, Qt::UTC).toString(Qt::ISODateWithMs) },
        { QStringLiteral("time_ms"), timeMs },
        { QStringLiteral("actor"), actor },
        { QStringLiteral("action"), action },
        { QStringLiteral("subject"), subject },
        { QStringLiteral("payload"), QJsonDocument::fromJson(payloadJson).object() },
        { QStringLiteral("prev_hash"), QString::fromLatin1(prevHash.toHex()) },
        { QStringLiteral("hash"), QString::fromLatin1(hash.toHex()) },
    };
}

} // namespace cabinet

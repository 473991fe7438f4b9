#pragma once

#include <QJsonObject>
#include <QMetaType>
#include <QString>

namespace cabinet {

// An event reports one change. Stored events carry a sequence number that
// only grows; ephemeral ones (token streams, progress) have seq 0 and are
// published but never stored.
struct Event {
    qint64 seq = 0;
    qint64 timeMs = 0;
    QString type;
    QJsonObject payload;

    bool ephemeral() const { return seq == 0; }
};

// Event type names, one place for all of them.
namespace events {
inline const QString CoreStarted = QStringLiteral("core.started");
inline const QString CoreStopping = QStringLiteral("core.stopping");
inline const QString AuditAppended = QStringLiteral("audit.appended");
inline const QString ConfigChanged = QStringLiteral("config.changed");
} // namespace events

} // namespace cabinet

Q_DECLARE_METATYPE(cabinet::Event)

#pragma once

#include "events/EventTypes.h" // the names of every type

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

} // namespace cabinet

Q_DECLARE_METATYPE(cabinet::Event)

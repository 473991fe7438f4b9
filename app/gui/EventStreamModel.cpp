#include "gui/EventStreamModel.h"

#include <QDateTime>
#include <QJsonDocument>

namespace cabinet::gui {

EventStreamModel::EventStreamModel(QObject *parent)
    : CoreModel({}, parent) // every type
{ }

int EventStreamModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant EventStreamModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Event &event = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case TypeRole:
        return event.type;
    case SeqRole:
        return event.seq;
    case TimeRole:
        return QDateTime::fromMSecsSinceEpoch(event.timeMs);
    case PayloadRole:
        return QString::fromUtf8(QJsonDocument(event.payload).toJson(QJsonDocument::Compact));
    case EphemeralRole:
        return event.ephemeral();
    default:
        return {};
    }
}

QHash<int, QByteArray> EventStreamModel::roleNames() const
{
    return { { SeqRole, "seq" }, { TimeRole, "time" }, { TypeRole, "type" }, { PayloadRole, "payload" },
        { EphemeralRole, "ephemeral" } };
}

void EventStreamModel::onConnectionChanged()
{
    beginResetModel();
    m_rows.clear();
    if (CoreConnection *core = connection()) {
        const auto &recent = core->recentEvents();
        for (qsizetype i = recent.lastIndex(); i >= recent.firstIndex() && m_rows.size() < MaxRows; --i)
            m_rows.append(recent.at(i));
    }
    endResetModel();
    Q_EMIT countChanged();
    setLoaded(connection() != nullptr);
}

void EventStreamModel::onCoreEvent(const Event &event)
{
    beginInsertRows({}, 0, 0);
    m_rows.prepend(event);
    endInsertRows();
    if (m_rows.size() > MaxRows) {
        beginRemoveRows({}, MaxRows, int(m_rows.size()) - 1);
        m_rows.resize(MaxRows);
        endRemoveRows();
    }
    Q_EMIT countChanged();
}

} // namespace cabinet::gui

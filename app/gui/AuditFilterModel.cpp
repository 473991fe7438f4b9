#include "gui/AuditFilterModel.h"

#include "gui/AuditModel.h"

namespace cabinet::gui {

AuditFilterModel::AuditFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    for (auto signal : { &QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved })
        connect(this, signal, this, &AuditFilterModel::countChanged);
    connect(this, &QAbstractItemModel::modelReset, this, &AuditFilterModel::countChanged);
    connect(this, &QAbstractItemModel::layoutChanged, this, &AuditFilterModel::countChanged);
}

void AuditFilterModel::setActor(const QString &actor)
{
    if (actor == m_actor)
        return;
    m_actor = actor;
    invalidateRowsFilter();
    Q_EMIT actorChanged();
}

void AuditFilterModel::setAction(const QString &action)
{
    if (action == m_action)
        return;
    m_action = action;
    invalidateRowsFilter();
    Q_EMIT actionChanged();
}

void AuditFilterModel::setText(const QString &text)
{
    if (text == m_text)
        return;
    m_text = text;
    invalidateRowsFilter();
    Q_EMIT textChanged();
}

bool AuditFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    const QString actor = index.data(AuditModel::ActorRole).toString();
    const QString action = index.data(AuditModel::ActionRole).toString();
    if (!m_actor.isEmpty() && actor != m_actor)
        return false;
    if (!m_action.isEmpty() && action != m_action)
        return false;
    const QString text = m_text.trimmed();
    if (text.isEmpty())
        return true;
    for (const QString &field :
        { actor, action, index.data(AuditModel::SubjectRole).toString(), index.data(AuditModel::PayloadRole).toString() }) {
        if (field.contains(text, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

} // namespace cabinet::gui

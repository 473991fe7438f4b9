#include "gui/CostAlertsModel.h"

#include <QDateTime>
#include <QJsonObject>

namespace cabinet::gui {

CostAlertsModel::CostAlertsModel(QObject *parent)
    : QAbstractListModel(parent)
{ }

int CostAlertsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant CostAlertsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case AgentRole:
        return row.agent;
    case PeriodRole:
        return row.period;
    case PercentRole:
        return row.percent;
    case AtRole:
        return QDateTime::fromMSecsSinceEpoch(row.atMs);
    }
    return {};
}

QHash<int, QByteArray> CostAlertsModel::roleNames() const
{
    return { { AgentRole, "agent" }, { PeriodRole, "period" }, { PercentRole, "percent" }, { AtRole, "at" } };
}

void CostAlertsModel::setAlerts(const QJsonArray &alerts)
{
    std::vector<Row> rows;
    for (const QJsonValue &value : alerts) {
        if (rows.size() >= size_t(MaxRows))
            break;
        const QJsonObject a = value.toObject();
        rows.push_back({ a.value(u"agent").toString(), a.value(u"period").toString(), int(a.value(u"percent").toInteger()),
                         a.value(u"at_ns").toString().toLongLong() / 1'000'000 });
    }
    if (rows == m_rows)
        return;
    // New alerts come first and are few: a reset keeps it simple.
    const bool countChanges = rows.size() != m_rows.size();
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
    if (countChanges)
        Q_EMIT countChanged();
}

} // namespace cabinet::gui

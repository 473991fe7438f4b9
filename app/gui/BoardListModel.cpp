#include "gui/BoardListModel.h"

#include "board/BoardService.h"
#include "events/EventTypes.h"
#include "gui/RefreshThrottle.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace cabinet::gui {

BoardListModel::BoardListModel(QObject *parent)
    : CoreModel({ events::BoardDeliberated }, parent), m_throttle(new RefreshThrottle([this] { return refresh(); }, this))
{
}

int BoardListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant BoardListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QJsonObject row = m_rows.at(index.row()).toObject();
    switch (role) {
    case Qt::DisplayRole:
    case TextRole:
        return row.value(QStringLiteral("text")).toString();
    case IdRole:
        return row.value(QStringLiteral("id")).toInteger();
    case CreatedMsRole:
        return row.value(QStringLiteral("created_ms")).toDouble();
    case KindRole:
        return row.value(QStringLiteral("kind")).toString();
    case VerdictRole:
        return row.value(QStringLiteral("verdict")).toString();
    case ApproveShareRole:
        return row.value(QStringLiteral("approve_share")).toDouble();
    case WhatIfOfRole:
        return row.value(QStringLiteral("whatif_of")).toInteger();
    case ApprovalIdRole:
        return row.value(QStringLiteral("approval_id")).toString();
    default:
        return {};
    }
}

QHash<int, QByteArray> BoardListModel::roleNames() const
{
    return { { IdRole, "deliberationId" }, { CreatedMsRole, "createdMs" },       { KindRole, "kind" },
             { TextRole, "text" },         { VerdictRole, "verdict" },           { ApproveShareRole, "approveShare" },
             { WhatIfOfRole, "whatIfOf" }, { ApprovalIdRole, "approvalId" } };
}

int BoardListModel::rowOf(qint64 id) const
{
    for (qsizetype i = 0; i < m_rows.size(); ++i)
        if (m_rows.at(i).toObject().value(QStringLiteral("id")).toInteger() == id)
            return int(i);
    return -1;
}

qint64 BoardListModel::idAt(int row) const
{
    return row >= 0 && row < m_rows.size() ? m_rows.at(row).toObject().value(QStringLiteral("id")).toInteger() : 0;
}

void BoardListModel::setRows(const QJsonArray &rows)
{
    beginResetModel();
    m_rows = rows;
    endResetModel();
    Q_EMIT countChanged();
}

void BoardListModel::onCoreReady()
{
    m_throttle->schedule();
}

void BoardListModel::onCoreEvent(const cabinet::Event &)
{
    m_throttle->schedule();
}

bool BoardListModel::refresh()
{
    if (!coreReady())
        return false;
    connection()->call(this, QStringLiteral("board.list"), "{\"limit\":" + QByteArray::number(board::BoardListMax) + '}', [this](Result<QByteArray> reply) {
        m_throttle->finished();
        if (!reply) {
            setErrorMessage(reply.error().message);
            return;
        }
        setErrorMessage({});
        setRows(QJsonDocument::fromJson(*reply).object().value(QStringLiteral("deliberations")).toArray());
        setLoaded(true);
    });
    return true;
}

} // namespace cabinet::gui

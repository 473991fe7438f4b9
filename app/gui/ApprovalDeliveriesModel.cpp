#include "gui/ApprovalDeliveriesModel.h"

#include "events/EventTypes.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

namespace cabinet::gui {

ApprovalDeliveriesModel::ApprovalDeliveriesModel(QObject *parent)
    : CoreModel({ events::ApprovalDelivery }, parent)
{ }

int ApprovalDeliveriesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ApprovalDeliveriesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case ApprovalIdRole:
        return row.approvalId;
    case WhatRole:
        return row.what;
    case ChannelRole:
        return row.channel;
    case AttemptsRole:
        return row.attempts;
    case ErrorRole:
        return row.error;
    case UpdatedRole:
        return QDateTime::fromMSecsSinceEpoch(row.updatedMs);
    }
    return {};
}

QHash<int, QByteArray> ApprovalDeliveriesModel::roleNames() const
{
    return { { ApprovalIdRole, "approvalId" }, { WhatRole, "what" },   { ChannelRole, "channel" },
             { AttemptsRole, "attempts" },     { ErrorRole, "error" }, { UpdatedRole, "updated" } };
}

void ApprovalDeliveriesModel::onCoreEvent(const cabinet::Event &event)
{
    // Queued and sent deliveries change nothing here; a failure, or a retry
    // of one listed, does.
    const QString state = event.payload.value(u"state").toString();
    if (state == u"failed" || !m_rows.empty())
        read();
}

void ApprovalDeliveriesModel::onConnectionChanged()
{
    setRows({});
    setLoaded(false);
}

void ApprovalDeliveriesModel::read()
{
    if (!coreReady())
        return;
    const QByteArray params = QJsonDocument(QJsonObject { { QStringLiteral("state"), QStringLiteral("failed") },
                                                          { QStringLiteral("order"), QStringLiteral("newest") },
                                                          { QStringLiteral("limit"), MaxRows } })
                                      .toJson(QJsonDocument::Compact);
    connection()->call(this, QStringLiteral("approvals.deliveries"), params, [this](const Result<QByteArray> &reply) {
        if (!reply) {
            setErrorMessage(reply.error().message);
            return;
        }
        setErrorMessage({});
        const QJsonObject answer = QJsonDocument::fromJson(*reply).object();
        const bool more = !answer.value(u"next").isNull();
        if (more != m_more) {
            m_more = more;
            Q_EMIT moreChanged();
        }
        std::vector<Row> rows;
        for (const QJsonValue &value : answer.value(u"deliveries").toArray()) {
            const QJsonObject d = value.toObject();
            rows.push_back({ QString::number(d.value(u"id").toInteger()), d.value(u"approval_id").toString(), d.value(u"what").toString(),
                             d.value(u"channel").toString(), d.value(u"last_error").toString(), int(d.value(u"attempts").toInteger()),
                             d.value(u"updated_ms").toInteger() });
        }
        setRows(std::move(rows));
        setLoaded(true);
    });
}

void ApprovalDeliveriesModel::setRows(std::vector<Row> rows)
{
    if (rows == m_rows)
        return;
    // A few rows that rarely change: a reset keeps it simple.
    const bool countChanges = rows.size() != m_rows.size();
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
    if (countChanges)
        Q_EMIT countChanged();
}

} // namespace cabinet::gui

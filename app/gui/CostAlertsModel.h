#pragma once

#include <QAbstractListModel>
#include <QJsonArray>
#include <QtQml/qqmlregistration.h>

#include <vector>

namespace cabinet::gui {

// The budget alerts fired (costs.alerts), newest first: an agent's envelope
// reached 50, 80, 95 or 100 % of its daily cap in a period. Filled by
// CostMetersModel.
class CostAlertsModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("The cost meters fill it.")
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    enum Role { AgentRole = Qt::UserRole + 1, PeriodRole, PercentRole, AtRole /* ms since the epoch */ };
    Q_ENUM(Role)
    // Alerts asked for and listed.
    static constexpr int MaxRows = 50;

    explicit CostAlertsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return int(m_rows.size()); }

    // costs.alerts' "alerts".
    void setAlerts(const QJsonArray &alerts);

Q_SIGNALS:
    void countChanged();

private:
    struct Row {
        QString agent, period;
        int percent = 0;
        qint64 atMs = 0;
        bool operator==(const Row &) const = default;
    };
    std::vector<Row> m_rows;
};

} // namespace cabinet::gui

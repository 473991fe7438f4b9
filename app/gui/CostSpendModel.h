#pragma once

#include <QAbstractListModel>
#include <QJsonObject>
#include <QtQml/qqmlregistration.h>

#include <vector>

namespace cabinet::gui {

// Spend today and this week per agent, model or task, costliest first:
// two costs.report answers (since today, since six days before) merged by
// their key. The amounts are the reports' integer micro-USD, written as the
// ledger panel writes money; nothing is added up here but what the
// reports say. Filled by CostMetersModel.
class CostSpendModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("The cost meters fill it.")
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    enum Role {
        KeyRole = Qt::UserRole + 1, // the agent, model or task ("" for calls of no task)
        TodayMicrosRole,            // integer micro-USD
        WeekMicrosRole,
        TodayTextRole,              // "$0.012345"
        WeekTextRole,
        CallsRole,                  // this week, refused calls not counted
        PricingGapsRole,            // calls this week with tokens and no price
        PricingGapTokensRole,
        ShareRole,                  // this week's spend over the costliest row's, 0..1, for a bar
    };
    Q_ENUM(Role)
    // Rows listed: the costliest; the report keeps the rest.
    static constexpr int MaxRows = 50;

    explicit CostSpendModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return int(m_rows.size()); }

    // costs.report answers grouped by `by`, since today and since the
    // week's first day; the costliest `rows` of them (at most MaxRows).
    void setReports(const QString &by, const QJsonObject &today, const QJsonObject &week, int rows = MaxRows);

Q_SIGNALS:
    void countChanged();

private:
    struct Row {
        QString key;
        qint64 todayMicros = 0, weekMicros = 0;
        qint64 calls = 0, pricingGaps = 0, pricingGapTokens = 0;
        bool operator==(const Row &) const = default;
    };
    std::vector<Row> m_rows;
};

} // namespace cabinet::gui

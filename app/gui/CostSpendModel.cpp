#include "gui/CostSpendModel.h"

#include "costs/CostAccounts.h"
#include "gui/LedgerText.h"

#include <QJsonArray>

#include <algorithm>
#include <map>

namespace cabinet::gui {

namespace {

qint64 micros(const QJsonObject &group)
{
    return group.value(u"cost_micros").toString().toLongLong();
}

} // namespace

CostSpendModel::CostSpendModel(QObject *parent)
    : QAbstractListModel(parent)
{ }

int CostSpendModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant CostSpendModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case KeyRole:
        return row.key;
    case TodayMicrosRole:
        return QString::number(row.todayMicros);
    case WeekMicrosRole:
        return QString::number(row.weekMicros);
    case TodayTextRole:
        return ledgertext::amount(ledger::u128(row.todayMicros), costs::UsdLedger);
    case WeekTextRole:
        return ledgertext::amount(ledger::u128(row.weekMicros), costs::UsdLedger);
    case CallsRole:
        return row.calls;
    case PricingGapsRole:
        return row.pricingGaps;
    case PricingGapTokensRole:
        return row.pricingGapTokens;
    case ShareRole: {
        const qint64 top = m_rows.front().weekMicros; // sorted: the first is the costliest
        return top > 0 ? double(row.weekMicros) / double(top) : 0.0;
    }
    }
    return {};
}

QHash<int, QByteArray> CostSpendModel::roleNames() const
{
    return { { KeyRole, "key" },           { TodayMicrosRole, "todayMicros" }, { WeekMicrosRole, "weekMicros" },
             { TodayTextRole, "todayText" }, { WeekTextRole, "weekText" },       { CallsRole, "calls" },
             { PricingGapsRole, "pricingGaps" }, { PricingGapTokensRole, "pricingGapTokens" }, { ShareRole, "share" } };
}

void CostSpendModel::setReports(const QString &by, const QJsonObject &today, const QJsonObject &week, int limit)
{
    std::map<QString, Row> byKey;
    for (const QJsonValue &value : week.value(u"groups").toArray()) {
        const QJsonObject g = value.toObject();
        Row &row = byKey[g.value(by).toString()];
        row.weekMicros = micros(g);
        row.calls = g.value(u"calls").toInteger();
        row.pricingGaps = g.value(u"pricing_gaps").toInteger();
        row.pricingGapTokens = g.value(u"pricing_gap_tokens").toInteger();
    }
    for (const QJsonValue &value : today.value(u"groups").toArray()) {
        const QJsonObject g = value.toObject();
        byKey[g.value(by).toString()].todayMicros = micros(g);
    }
    std::vector<Row> rows;
    for (auto &[key, row] : byKey) {
        row.key = key;
        rows.push_back(row);
    }
    // Costliest first; calls that cost nothing (unpriced) still show.
    std::stable_sort(rows.begin(), rows.end(), [](const Row &a, const Row &b) {
        return a.weekMicros != b.weekMicros ? a.weekMicros > b.weekMicros : a.calls > b.calls;
    });
    const size_t listed = size_t(std::clamp(limit, 0, MaxRows));
    if (rows.size() > listed)
        rows.resize(listed);
    if (rows == m_rows)
        return;
    // The usual case while calls complete: the same rows in the same order
    // with new amounts, changed in place so the view keeps its scroll.
    const bool sameKeys = rows.size() == m_rows.size()
            && std::equal(rows.cbegin(), rows.cend(), m_rows.cbegin(), [](const Row &a, const Row &b) { return a.key == b.key; });
    if (sameKeys) {
        m_rows = std::move(rows);
        Q_EMIT dataChanged(index(0), index(int(m_rows.size()) - 1));
        return;
    }
    // Rows came or reordered: a few dozen, a reset is simpler than a diff.
    const bool countChanges = rows.size() != m_rows.size();
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
    if (countChanges)
        Q_EMIT countChanged();
}

} // namespace cabinet::gui

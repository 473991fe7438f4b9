#include "gui/ModelCallsModel.h"

#include "events/EventTypes.h"
#include "gui/LedgerText.h"
#include "llm/Router.h"

#include <QJsonArray>
#include <QVariantMap>

#include <algorithm>

namespace cabinet::gui {

namespace {

double msOr(const QJsonValue &value, double none) { return value.isDouble() ? value.toDouble() : none; }

} // namespace

ModelCallsModel::ModelCallsModel(QObject *parent)
    : ModelRouterModel({ events::LlmCall, events::CostsSpent }, parent)
{ }

int ModelCallsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

qint64 ModelCallsModel::cost(const Row &row) const
{
    qint64 sum = 0;
    bool priced = false;
    for (const auto &[record, micros] : row.costs) {
        if (micros == Unseen)
            return -1;
        if (micros != Unpriced) {
            sum += micros;
            priced = true;
        }
    }
    return priced ? sum : -1;
}

bool ModelCallsModel::partlyUnpriced(const Row &row)
{
    return std::any_of(row.costs.begin(), row.costs.end(), [](const auto &entry) { return entry.second == Unpriced; });
}

QVariant ModelCallsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &r = m_rows[size_t(index.row())];
    const QJsonObject &t = r.trail;
    const QJsonObject served = t.value(u"served").toObject();
    switch (role) {
    case CallRole:
        return t.value(u"call").toInteger();
    case TaskTypeRole:
        return t.value(u"task_type").toString();
    case Qt::DisplayRole:
    case AliasRole:
        return t.value(u"alias").toString();
    case StreamRole:
        return t.value(u"stream").toBool();
    case ServedAliasRole:
        return served.value(u"alias").toString();
    case ServedModelRole:
        return served.isEmpty() ? QString() : served.value(u"provider").toString() + u'/' + served.value(u"model").toString();
    case ErrorRole: {
        const QJsonObject error = t.value(u"error").toObject();
        return error.isEmpty() ? QString() : error.value(u"code").toString() + QStringLiteral(": ") + error.value(u"message").toString();
    }
    case LatencyMsRole:
        return msOr(t.value(u"latency_ms"), 0);
    case FirstTokenMsRole:
        return msOr(t.value(u"first_token_ms"), -1);
    case TokensInRole:
        return t.value(u"tokens_in").toInteger(-1);
    case TokensOutRole:
        return t.value(u"tokens_out").toInteger(-1);
    case SimulatedRole:
        return t.value(u"simulated").toBool();
    case FellBackRole:
        return t.value(u"attempts").toArray().size() > 1;
    case AttemptsRole: {
        QVariantList attempts;
        for (const QJsonValue &value : t.value(u"attempts").toArray()) {
            const QJsonObject a = value.toObject();
            attempts.append(QVariantMap { { QStringLiteral("alias"), a.value(u"alias").toString() },
                                          { QStringLiteral("provider"), a.value(u"provider").toString() },
                                          { QStringLiteral("model"), a.value(u"model").toString() },
                                          { QStringLiteral("outcome"), a.value(u"outcome").toString() },
                                          { QStringLiteral("reason"), a.value(u"reason").toString() },
                                          { QStringLiteral("message"), a.value(u"message").toString() },
                                          { QStringLiteral("latencyMs"), msOr(a.value(u"latency_ms"), -1) } });
        }
        return attempts;
    }
    case CostMicrosRole:
        return double(cost(r));
    case CostRole: {
        const qint64 micros = cost(r);
        if (micros < 0)
            return QString();
        const QString amount = ledgertext::amount(ledger::u128(micros), ledgertext::UsdLedger);
        return partlyUnpriced(r) ? tr("%1 + unpriced").arg(amount) : amount;
    }
    }
    return {};
}

QHash<int, QByteArray> ModelCallsModel::roleNames() const
{
    return { { CallRole, "call" },
             { TaskTypeRole, "taskType" },
             { AliasRole, "alias" },
             { StreamRole, "stream" },
             { ServedAliasRole, "servedAlias" },
             { ServedModelRole, "servedModel" },
             { ErrorRole, "error" },
             { LatencyMsRole, "latencyMs" },
             { FirstTokenMsRole, "firstTokenMs" },
             { TokensInRole, "tokensIn" },
             { TokensOutRole, "tokensOut" },
             { SimulatedRole, "simulated" },
             { FellBackRole, "fellBack" },
             { AttemptsRole, "attempts" },
             { CostMicrosRole, "costMicros" },
             { CostRole, "cost" } };
}

ModelCallsModel::Row ModelCallsModel::row(const QJsonObject &trail)
{
    Row r { trail, {} };
    for (const QJsonValue &value : trail.value(u"attempts").toArray()) {
        const qint64 record = value.toObject().value(u"record").toInteger();
        if (record <= 0)
            continue;
        auto seen = m_waiting.find(record);
        r.costs[record] = seen == m_waiting.end() ? Unseen : seen->second;
        if (seen != m_waiting.end())
            m_waiting.erase(seen);
    }
    return r;
}

void ModelCallsModel::addCall(const QJsonObject &trail)
{
    const QJsonValue call = trail.value(u"call");
    for (size_t i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].trail.value(u"call") == call) {
            m_rows[i] = row(trail);
            Q_EMIT dataChanged(index(int(i)), index(int(i)));
            return;
        }
    }
    if (int(m_rows.size()) >= llm::Router::RecentCallsMax) {
        const int last = int(m_rows.size()) - 1;
        beginRemoveRows({}, last, last);
        m_rows.pop_back();
        endRemoveRows();
    }
    beginInsertRows({}, 0, 0);
    m_rows.push_front(row(trail));
    endInsertRows();
    Q_EMIT countChanged();
}

void ModelCallsModel::addSpend(const QJsonObject &spent)
{
    for (const QJsonValue &value : spent.value(u"calls").toArray()) {
        const QJsonObject c = value.toObject();
        const qint64 record = c.value(u"record").toInteger();
        const QJsonValue micros = c.value(u"cost_micros");
        if (record <= 0)
            continue;
        // A model with no price has no cost (docs/costs.md: NULL, not 0).
        const qint64 amount = micros.isString() ? micros.toString().toLongLong() : Unpriced;
        bool matched = false;
        for (size_t i = 0; i < m_rows.size() && !matched; ++i) {
            auto it = m_rows[i].costs.find(record);
            if (it == m_rows[i].costs.end())
                continue;
            it->second = amount;
            matched = true;
            Q_EMIT dataChanged(index(int(i)), index(int(i)), { CostMicrosRole, CostRole });
        }
        if (matched)
            continue;
        // Records only grow: the oldest waiting one goes first.
        if (int(m_waiting.size()) >= CostsWaitingMax)
            m_waiting.erase(m_waiting.begin());
        m_waiting[record] = amount;
    }
}

void ModelCallsModel::apply(const QJsonObject &list)
{
    // Read once per core (onCoreReady); calls that arrived as events while
    // it was on its way stay on top.
    std::deque<Row> rows;
    QList<QJsonValue> listed;
    for (const QJsonValue &value : list.value(u"recent_calls").toArray()) {
        listed << value.toObject().value(u"call");
        rows.push_back(row(value.toObject()));
    }
    for (auto it = m_rows.rbegin(); it != m_rows.rend(); ++it)
        if (!listed.contains(it->trail.value(u"call")))
            rows.push_front(std::move(*it));
    while (int(rows.size()) > llm::Router::RecentCallsMax)
        rows.pop_back();
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
    Q_EMIT countChanged();
}

void ModelCallsModel::onCoreReady()
{
    // Another core (a restart): its calls are numbered afresh.
    if (!m_rows.empty()) {
        beginResetModel();
        m_rows.clear();
        endResetModel();
        Q_EMIT countChanged();
    }
    m_waiting.clear();
    ModelRouterModel::onCoreReady();
}

void ModelCallsModel::onCoreEvent(const Event &event)
{
    if (event.type == events::LlmCall)
        addCall(event.payload);
    else
        addSpend(event.payload);
}

} // namespace cabinet::gui

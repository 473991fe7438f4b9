#include "gui/CostMetersModel.h"

#include "api/JsonText.h"
#include "costs/CostAccounts.h"
#include "costs/Money.h"
#include "events/EventTypes.h"
#include "gui/CostAlertsModel.h"
#include "gui/CostSpendModel.h"
#include "gui/LedgerText.h"
#include "gui/RefreshThrottle.h"

#include <QDate>
#include <QDateTime>
#include <QJsonDocument>

#include <algorithm>
#include <memory>

namespace cabinet::gui {

namespace {

constexpr qint64 NsPerMinute = 60'000'000'000;

qint64 micros(const QJsonValue &text)
{
    return text.toString().toLongLong();
}

QString usd(qint64 micros)
{
    return ledgertext::amount(ledger::u128(std::max<qint64>(micros, 0)), costs::UsdLedger);
}

// A costs.report minute key ("2026-12-07T08:13Z") as minutes since the epoch; -1 when it is not one.
qint64 minuteIndex(const QString &key)
{
    if (!key.endsWith(u'Z'))
        return -1;
    QDateTime at = QDateTime::fromString(key.chopped(1), QStringLiteral("yyyy-MM-ddTHH:mm"));
    if (!at.isValid())
        return -1;
    at.setTimeSpec(Qt::UTC);
    return at.toMSecsSinceEpoch() / 60'000;
}

} // namespace

CostMetersModel::CostMetersModel(QObject *parent)
    : CoreModel({ QStringLiteral("costs."), events::LedgerAccountsCreated }, parent)
    , m_throttle(new RefreshThrottle([this] { return refresh(); }, this))
    , m_agents(new CostSpendModel(this))
    , m_models(new CostSpendModel(this))
    , m_tasks(new CostSpendModel(this))
    , m_alerts(new CostAlertsModel(this))
    , m_chartCounts(ChartMinutes, 0)
{
    m_throttle->setInterval(RefreshIntervalMs);
    m_idle.setInterval(IdleRefreshMs);
    connect(&m_idle, &QTimer::timeout, m_throttle, &RefreshThrottle::schedule);
}

CostMetersModel::~CostMetersModel() = default;

int CostMetersModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant CostMetersModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[size_t(index.row())];
    const double cap = double(std::max<qint64>(row.dailyCapMicros, 1));
    const double spent = std::clamp(double(row.spentTodayMicros) / cap, 0.0, 1.0);
    switch (role) {
    case Qt::DisplayRole:
    case AgentRole:
        return row.agent;
    case DailyCapTextRole:
        return usd(row.dailyCapMicros);
    case PerCallCapTextRole:
        return row.perCallCap.isEmpty() ? QString() : usd(row.perCallCap.toLongLong());
    case SpentTodayTextRole:
        return usd(row.spentTodayMicros);
    case PendingTextRole:
        return usd(row.pendingMicros);
    case AvailableTextRole:
        return usd(row.availableMicros);
    case SpentFractionRole:
        return spent;
    case PendingFractionRole:
        return std::clamp(double(row.pendingMicros) / cap, 0.0, 1.0 - spent);
    case AlertsFiredRole:
        return QVariant::fromValue(row.alertsFired);
    case PausedRole:
        return row.paused;
    }
    return {};
}

QHash<int, QByteArray> CostMetersModel::roleNames() const
{
    return { { AgentRole, "agent" },
             { DailyCapTextRole, "dailyCapText" },
             { PerCallCapTextRole, "perCallCapText" },
             { SpentTodayTextRole, "spentTodayText" },
             { PendingTextRole, "pendingText" },
             { AvailableTextRole, "availableText" },
             { SpentFractionRole, "spentFraction" },
             { PendingFractionRole, "pendingFraction" },
             { AlertsFiredRole, "alertsFired" },
             { PausedRole, "paused" } };
}

void CostMetersModel::onCoreReady()
{
    m_idle.start();
    m_throttle->schedule();
}

void CostMetersModel::onCoreEvent(const Event &)
{
    m_throttle->schedule();
}

bool CostMetersModel::refresh()
{
    if (!coreReady())
        return false;
    const quint64 generation = ++m_generation;
    // budget.show first: its period is "today" on the core's clock and in
    // the budgets' zone, which the reports then start from.
    connection()->call(this, QStringLiteral("budget.show"), "{}", [this, generation](const Result<QByteArray> &shown) {
        if (generation != m_generation)
            return;
        if (!shown) {
            setErrorMessage(shown.error().message);
            m_throttle->finished();
            return;
        }
        auto answers = std::make_shared<Answers>();
        answers->show = QJsonDocument::fromJson(*shown).object();
        const QDate today = QDate::fromString(answers->show.value(u"period").toString(), Qt::ISODate);
        const QString since[] = { today.toString(Qt::ISODate), today.addDays(-6).toString(Qt::ISODate), today.addDays(-1).toString(Qt::ISODate) };
        struct Ask {
            const char *operation;
            QByteArray params;
            std::function<void(Answers &, QJsonDocument)> keep;
        };
        // QByteArray, not auto: a QStringBuilder would outlive its parts.
        auto report = [&](const char *by, int from) -> QByteArray {
            return "{\"by\":\"" + QByteArray(by) + "\",\"since\":" + api::jsonString(since[from]) + '}';
        };
        const std::vector<Ask> asks {
            { "costs.report", report("agent", 0), [](Answers &a, QJsonDocument d) { a.agentsToday = d.object(); } },
            { "costs.report", report("agent", 1), [](Answers &a, QJsonDocument d) { a.agentsWeek = d.object(); } },
            { "costs.report", report("model", 0), [](Answers &a, QJsonDocument d) { a.modelsToday = d.object(); } },
            { "costs.report", report("model", 1), [](Answers &a, QJsonDocument d) { a.modelsWeek = d.object(); } },
            { "costs.report", report("task", 0), [](Answers &a, QJsonDocument d) { a.tasksToday = d.object(); } },
            { "costs.report", report("task", 1), [](Answers &a, QJsonDocument d) { a.tasksWeek = d.object(); } },
            { "costs.report", report("minute", 2), [](Answers &a, QJsonDocument d) { a.minutes = d.object(); } },
            { "costs.alerts", "{\"limit\":" + QByteArray::number(CostAlertsModel::MaxRows) + '}',
              [](Answers &a, QJsonDocument d) { a.alerts = d.object().value(u"alerts").toArray(); } },
        };
        auto left = std::make_shared<size_t>(asks.size());
        auto failure = std::make_shared<QString>();
        for (const Ask &ask : asks)
            connection()->call(this, QString::fromLatin1(ask.operation), ask.params,
                               [this, generation, answers, left, failure, keep = ask.keep](const Result<QByteArray> &reply) {
                                   if (generation != m_generation)
                                       return;
                                   if (reply)
                                       keep(*answers, QJsonDocument::fromJson(*reply));
                                   else
                                       *failure = reply.error().message;
                                   if (--*left > 0)
                                       return;
                                   m_throttle->finished();
                                   setErrorMessage(*failure);
                                   if (!failure->isEmpty())
                                       return;
                                   apply(*answers);
                                   setLoaded(true);
                               });
    });
    return true;
}

void CostMetersModel::apply(const Answers &a)
{
    std::vector<Row> rows;
    for (const QJsonValue &value : a.show.value(u"envelopes").toArray()) {
        const QJsonObject e = value.toObject();
        Row row { e.value(u"agent").toString(),
                  micros(e.value(u"daily_cap_micros")),
                  micros(e.value(u"spent_today_micros")),
                  micros(e.value(u"pending_micros")),
                  micros(e.value(u"available_micros")),
                  e.value(u"per_call_cap_micros").toString(),
                  {},
                  e.value(u"paused").toBool() };
        for (const QJsonValue &percent : e.value(u"alerts_fired").toArray())
            row.alertsFired << int(percent.toInteger());
        rows.push_back(std::move(row));
    }
    setRows(std::move(rows));
    m_agents->setReports(QStringLiteral("agent"), a.agentsToday, a.agentsWeek);
    m_models->setReports(QStringLiteral("model"), a.modelsToday, a.modelsWeek);
    m_tasks->setReports(QStringLiteral("task"), a.tasksToday, a.tasksWeek, TasksListed);
    m_alerts->setAlerts(a.alerts);

    const QJsonObject week = a.agentsWeek.value(u"total").toObject();
    const QJsonObject prices = a.show.value(u"prices").toObject();
    const QJsonObject pricesError = prices.value(u"error").toObject();
    m_period = a.show.value(u"period").toString();
    m_todayText = usd(micros(a.agentsToday.value(u"total").toObject().value(u"cost_micros")));
    m_weekText = usd(micros(week.value(u"cost_micros")));
    m_treasuryText = usd(micros(a.show.value(u"treasury_micros")));
    m_openReservations = int(a.show.value(u"open_reservations").toInteger());
    m_pricingGaps = int(week.value(u"pricing_gaps").toInteger());
    m_pricingGapTokens = week.value(u"pricing_gap_tokens").toInteger();
    m_pricesVersion = prices.value(u"version").toString();
    m_pricesError = pricesError.isEmpty() ? QString()
                                          : pricesError.value(u"where").toString() + QStringLiteral(": ") + pricesError.value(u"message").toString();
    setChart(a.minutes);
    Q_EMIT summaryChanged();
}

void CostMetersModel::setChart(const QJsonObject &minutes)
{
    // The hour ending at the report's own now (the core's clock).
    const qint64 now = minutes.value(u"as_of_ns").toString().toLongLong() / NsPerMinute;
    std::vector<qint64> perMinute(ChartMinutes, 0);
    for (const QJsonValue &value : minutes.value(u"groups").toArray()) {
        const QJsonObject g = value.toObject();
        const qint64 ago = now - minuteIndex(g.value(u"minute").toString());
        if (ago >= 0 && ago < ChartMinutes)
            perMinute[size_t(ChartMinutes - 1 - ago)] += micros(g.value(u"cost_micros"));
    }
    qint64 hour = 0, peak = 0;
    QList<qreal> counts;
    for (const qint64 m : perMinute) {
        hour += m;
        peak = std::max(peak, m);
        counts << double(m) / double(costs::MicrosPerUsd);
    }
    m_burnRateText = usd(hour) + tr("/h");
    m_chartPeakText = usd(peak);
    if (counts != m_chartCounts) {
        m_chartCounts = counts;
        Q_EMIT chartChanged();
    }
}

void CostMetersModel::setRows(std::vector<Row> rows)
{
    if (rows == m_rows)
        return;
    const bool sameAgents = rows.size() == m_rows.size()
            && std::equal(rows.cbegin(), rows.cend(), m_rows.cbegin(), [](const Row &x, const Row &y) { return x.agent == y.agent; });
    if (sameAgents) {
        m_rows = std::move(rows);
        Q_EMIT dataChanged(index(0), index(int(m_rows.size()) - 1));
        return;
    }
    const bool countChanges = rows.size() != m_rows.size();
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
    if (countChanges)
        Q_EMIT countChanged();
}

} // namespace cabinet::gui

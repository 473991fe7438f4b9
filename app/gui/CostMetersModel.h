#pragma once

#include "events/Event.h"
#include "gui/CoreModel.h"
#include "gui/CostAlertsModel.h"
#include "gui/CostSpendModel.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

#include <vector>

namespace cabinet::gui {

class RefreshThrottle;

// The Cost meters panel's view of the books (docs/console.md): one row per
// budget envelope (a gauge: spent today and reserved against the daily
// cap), and beside them the spend today and this week per agent, model and
// task, the alerts, the pricing gaps, the burn rate and the spend per
// minute over the last hour for the chart. Every number comes from
// budget.show, costs.report and costs.alerts, asked again when a costs.*
// event says the books moved (at most once a second, so a burst of calls
// is one refresh), and once a minute so the chart's hour moves on when idle.
// Nothing is counted here.
class CostMetersModel : public CoreModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(cabinet::gui::CostSpendModel *agents READ agents CONSTANT)
    Q_PROPERTY(cabinet::gui::CostSpendModel *models READ models CONSTANT)
    Q_PROPERTY(cabinet::gui::CostSpendModel *tasks READ tasks CONSTANT)
    Q_PROPERTY(cabinet::gui::CostAlertsModel *alerts READ alerts CONSTANT)
    Q_PROPERTY(QString period READ period NOTIFY summaryChanged)
    Q_PROPERTY(QString todayText READ todayText NOTIFY summaryChanged)
    Q_PROPERTY(QString weekText READ weekText NOTIFY summaryChanged)
    Q_PROPERTY(QString burnRateText READ burnRateText NOTIFY summaryChanged) // spend over the last hour, per hour
    Q_PROPERTY(QString treasuryText READ treasuryText NOTIFY summaryChanged)
    Q_PROPERTY(int openReservations READ openReservations NOTIFY summaryChanged)
    Q_PROPERTY(int pricingGaps READ pricingGaps NOTIFY summaryChanged)           // this week
    Q_PROPERTY(qint64 pricingGapTokens READ pricingGapTokens NOTIFY summaryChanged)
    Q_PROPERTY(QString pricesVersion READ pricesVersion NOTIFY summaryChanged)
    Q_PROPERTY(QString pricesError READ pricesError NOTIFY summaryChanged)       // "file:line: why", empty when the table read
    Q_PROPERTY(QList<qreal> chartCounts READ chartCounts NOTIFY chartChanged)     // USD per minute, oldest first, ChartMinutes of them
    Q_PROPERTY(QString chartPeakText READ chartPeakText NOTIFY chartChanged)
    Q_PROPERTY(int chartMinutes READ chartMinutes CONSTANT)
public:
    enum Role {
        AgentRole = Qt::UserRole + 1,
        DailyCapTextRole,
        PerCallCapTextRole,  // "" when there is none
        SpentTodayTextRole,
        PendingTextRole,     // open reservations
        AvailableTextRole,
        SpentFractionRole,   // spent today over the daily cap, 0..1 (for the gauge)
        PendingFractionRole, // reserved over the daily cap, 0..1 - spent
        AlertsFiredRole,     // percents fired this period
        PausedRole,          // velocity paused it
    };
    Q_ENUM(Role)
    // The chart: one bar per minute of the last hour.
    static constexpr int ChartMinutes = 60;
    // Costliest tasks asked for (a week's).
    static constexpr int TasksListed = 10;
    // The chart's hour moves on this often when no call completes.
    static constexpr int IdleRefreshMs = 60'000;
    // At most one refresh (nine reads of the books) this often while calls
    // complete: each report reads the week's spend records on the core's
    // thread, which the calls need too.
    static constexpr int RefreshIntervalMs = 1'000;

    explicit CostMetersModel(QObject *parent = nullptr);
    ~CostMetersModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return int(m_rows.size()); }

    CostSpendModel *agents() const { return m_agents; }
    CostSpendModel *models() const { return m_models; }
    CostSpendModel *tasks() const { return m_tasks; }
    CostAlertsModel *alerts() const { return m_alerts; }
    QString period() const { return m_period; }
    QString todayText() const { return m_todayText; }
    QString weekText() const { return m_weekText; }
    QString burnRateText() const { return m_burnRateText; }
    QString treasuryText() const { return m_treasuryText; }
    int openReservations() const { return m_openReservations; }
    int pricingGaps() const { return m_pricingGaps; }
    qint64 pricingGapTokens() const { return m_pricingGapTokens; }
    QString pricesVersion() const { return m_pricesVersion; }
    QString pricesError() const { return m_pricesError; }
    QList<qreal> chartCounts() const { return m_chartCounts; }
    QString chartPeakText() const { return m_chartPeakText; }
    int chartMinutes() const { return ChartMinutes; }

    // The answers of one refresh, applied together (public for the tests).
    struct Answers {
        QJsonObject show;                          // budget.show
        QJsonObject agentsToday, agentsWeek;       // costs.report by agent
        QJsonObject modelsToday, modelsWeek;       // by model
        QJsonObject tasksToday, tasksWeek;         // by task
        QJsonObject minutes;                       // by minute, since yesterday
        QJsonArray alerts;                         // costs.alerts
    };
    void apply(const Answers &answers);

Q_SIGNALS:
    void countChanged();
    void summaryChanged();
    void chartChanged();

private:
    struct Row {
        QString agent;
        qint64 dailyCapMicros = 0, spentTodayMicros = 0, pendingMicros = 0, availableMicros = 0;
        QString perCallCap; // micro-USD text, empty: none
        QList<int> alertsFired;
        bool paused = false;
        bool operator==(const Row &) const = default;
    };
    void onCoreReady() override;
    void onCoreEvent(const cabinet::Event &event) override;
    bool refresh();
    void setRows(std::vector<Row> rows);
    void setChart(const QJsonObject &minutes);

    RefreshThrottle *m_throttle;
    QTimer m_idle;
    quint64 m_generation = 0; // a refresh's answers, dropped when a newer one started
    CostSpendModel *m_agents;
    CostSpendModel *m_models;
    CostSpendModel *m_tasks;
    CostAlertsModel *m_alerts;
    std::vector<Row> m_rows;
    QString m_period, m_todayText, m_weekText, m_burnRateText, m_treasuryText, m_pricesVersion, m_pricesError, m_chartPeakText;
    int m_openReservations = 0, m_pricingGaps = 0;
    qint64 m_pricingGapTokens = 0;
    QList<qreal> m_chartCounts;
};

} // namespace cabinet::gui

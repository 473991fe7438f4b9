#pragma once

#include "events/Event.h"
#include "gui/ModelRouterModel.h"

#include <QJsonObject>
#include <QtQml/qqmlregistration.h>

#include <vector>

namespace cabinet::gui {

// The model router's providers (docs/models.md) as models.list describes
// them: configured or not and why, the breaker, the rate-limit headroom,
// calls in flight. A provider's row is replaced by each llm.provider_state
// event (breaker moves, headroom used up or back); an llm.call or an llm.*
// setting reads the list again (throttled), since every call uses headroom
// without an event of its own.
class ModelProvidersModel : public ModelRouterModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(QString configError READ configError NOTIFY configErrorChanged)
public:
    enum Role {
        NameRole = Qt::UserRole + 1,
        KindRole,            // "sim" or "openai"
        SimulatedRole,
        ConfiguredRole,
        WhyRole,             // why not configured (names the key variable)
        BreakerRole,         // "closed", "open", "half_open"
        FailuresRole,        // consecutive failures
        FailuresToOpenRole,
        // While open: when it half-opens, in ms since the epoch on the GUI's
        // clock (the core's "in N ms" plus the time the state arrived); 0
        // otherwise.
        HalfOpensAtRole,
        HeadroomRole,        // "12 / 60 requests, 900 / 10,000 tokens a minute", or "no limit"
        ConcurrencyRole,
        InFlightRole,
        WaitingRole,
        BaseUrlRole,
        ApiKeyEnvRole,       // the variable's name, never its value
    };
    Q_ENUM(Role)

    explicit ModelProvidersModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return int(m_rows.size()); }
    QString configError() const { return m_configError; }

    // One provider's new state (an llm.provider_state payload).
    void updateProvider(const QJsonObject &provider);

Q_SIGNALS:
    void countChanged();
    void configErrorChanged();

private:
    struct Row {
        QJsonObject state;
        qint64 halfOpensAtMs = 0;
    };
    static Row row(const QJsonObject &state);
    void apply(const QJsonObject &list) override;
    void onCoreEvent(const cabinet::Event &event) override;

    std::vector<Row> m_rows;
    QString m_configError;
};

} // namespace cabinet::gui

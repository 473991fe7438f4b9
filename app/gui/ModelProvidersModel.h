#pragma once

#include "events/Event.h"
#include "gui/CoreModel.h"

#include <QJsonObject>
#include <QtQml/qqmlregistration.h>

#include <vector>

namespace cabinet::gui {

// The model router's providers (docs/models.md) as models.list describes
// them: configured or not and why, the breaker, the rate-limit headroom,
// calls in flight. Read when the core is ready and after an llm.* setting
// changes; a provider's row is replaced by each llm.provider_state event
// (breaker moves, headroom used up or back); an llm.call reads the list
// again, throttled, since every call uses headroom without an event.
class ModelProvidersModel : public CoreModel {
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
        HalfOpenInMsRole,    // while open: how long until the probe (-1 otherwise)
        HeadroomRole,        // "12 / 60 requests, 900 / 10,000 tokens a minute", or "no limit"
        ConcurrencyRole,
        InFlightRole,
        WaitingRole,
        BaseUrlRole,
        ApiKeyEnvRole,       // the variable's name, never its value
    };
    Q_ENUM(Role)

    explicit ModelProvidersModel(QObject *parent = nullptr);
    ~ModelProvidersModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return int(m_rows.size()); }
    QString configError() const { return m_configError; }

    // A models.list answer: the rows become its providers, in its order.
    void setProviders(const QJsonObject &list);
    // One provider's new state (an llm.provider_state payload).
    void updateProvider(const QJsonObject &provider);

Q_SIGNALS:
    void countChanged();
    void configErrorChanged();

private:
    void onCoreReady() override;
    void onCoreEvent(const cabinet::Event &event) override;
    bool reload();

    class RefreshThrottle *m_throttle;
    std::vector<QJsonObject> m_rows;
    QString m_configError;
};

} // namespace cabinet::gui

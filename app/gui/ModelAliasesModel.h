#pragma once

#include "events/Event.h"
#include "gui/ModelRouterModel.h"

#include <QJsonObject>
#include <QStringList>
#include <QtQml/qqmlregistration.h>

#include <vector>

namespace cabinet::gui {

// The router's aliases and routing table in one list (docs/models.md): each
// alias with the provider and model it names, its fallback chain and the
// task types routed to it. A task type routed straight to a provider/model
// (no alias) gets a row of its own. Read from models.list when the core is
// ready and again after an llm.* setting changes (the router reads them
// again then).
class ModelAliasesModel : public ModelRouterModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    enum Role {
        AliasRole = Qt::UserRole + 1,
        ProviderRole,   // empty when the alias is not one the router knows
        ModelRole,
        SimulatedRole,
        FallbacksRole,  // aliases, in the order they are tried
        TaskTypesRole,  // task types routed here, sorted
    };
    Q_ENUM(Role)

    explicit ModelAliasesModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return int(m_rows.size()); }

Q_SIGNALS:
    void countChanged();

private:
    struct Row {
        QString alias, provider, model;
        bool simulated = false;
        QStringList fallbacks, taskTypes;
        bool operator==(const Row &) const = default;
    };
    void apply(const QJsonObject &list) override;
    void onCoreEvent(const cabinet::Event &event) override;

    std::vector<Row> m_rows;
};

} // namespace cabinet::gui

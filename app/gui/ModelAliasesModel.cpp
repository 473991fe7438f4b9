#include "gui/ModelAliasesModel.h"

#include "events/EventTypes.h"
#include "llm/RouterSettings.h"

#include <QJsonArray>

#include <map>

namespace cabinet::gui {

ModelAliasesModel::ModelAliasesModel(QObject *parent)
    : ModelRouterModel({ events::ConfigChanged }, parent)
{ }

int ModelAliasesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ModelAliasesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case AliasRole:
        return row.alias;
    case ProviderRole:
        return row.provider;
    case ModelRole:
        return row.model;
    case SimulatedRole:
        return row.simulated;
    case FallbacksRole:
        return row.fallbacks;
    case TaskTypesRole:
        return row.taskTypes;
    }
    return {};
}

QHash<int, QByteArray> ModelAliasesModel::roleNames() const
{
    return { { AliasRole, "alias" },         { ProviderRole, "provider" },   { ModelRole, "model" },
             { SimulatedRole, "simulated" }, { FallbacksRole, "fallbacks" }, { TaskTypesRole, "taskTypes" } };
}

void ModelAliasesModel::apply(const QJsonObject &list)
{
    std::vector<Row> rows;
    std::map<QString, size_t> byAlias;
    std::map<QString, bool> simulatedProvider;
    for (const QJsonValue &value : list.value(u"providers").toArray())
        simulatedProvider[value.toObject().value(u"name").toString()] = value.toObject().value(u"simulated").toBool();
    for (const QJsonValue &value : list.value(u"aliases").toArray()) {
        const QJsonObject a = value.toObject();
        Row row { a.value(u"alias").toString(), a.value(u"provider").toString(), a.value(u"model").toString(), a.value(u"simulated").toBool(), {}, {} };
        for (const QJsonValue &next : a.value(u"fallbacks").toArray())
            row.fallbacks << next.toString();
        byAlias[row.alias] = rows.size();
        rows.push_back(std::move(row));
    }
    for (const QJsonValue &value : list.value(u"routing").toArray()) {
        const QJsonObject r = value.toObject();
        const QString alias = r.value(u"alias").toString();
        auto it = byAlias.find(alias);
        if (it == byAlias.end()) {
            // No alias: a provider/model named directly, or a name the
            // router does not know (its provider left empty).
            Row row { alias, {}, {}, false, {}, {} };
            if (const auto target = llm::parseTarget(alias); target && simulatedProvider.count(target->provider))
                row = Row { alias, target->provider, target->model, simulatedProvider.at(target->provider), {}, {} };
            it = byAlias.emplace(alias, rows.size()).first;
            rows.push_back(std::move(row));
        }
        rows[it->second].taskTypes << r.value(u"task_type").toString();
    }
    for (Row &row : rows)
        row.taskTypes.sort();
    if (rows == m_rows)
        return;
    // The table changes only with the configuration, a handful of rows:
    // a reset is cheaper to reason about than a diff.
    const bool countChanges = rows.size() != m_rows.size();
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
    if (countChanges)
        Q_EMIT countChanged();
}

void ModelAliasesModel::onCoreEvent(const Event &event)
{
    if (event.payload.value(u"key").toString().startsWith(u"llm."))
        refresh();
}

} // namespace cabinet::gui

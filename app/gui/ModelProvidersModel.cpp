#include "gui/ModelProvidersModel.h"

#include "events/EventTypes.h"

#include <QDateTime>
#include <QJsonArray>
#include <QLocale>

namespace cabinet::gui {

namespace {

QString headroom(const QJsonObject &limits)
{
    const QLocale locale;
    QStringList parts;
    const qint64 requests = limits.value(u"requests_per_minute").toInteger();
    const qint64 tokens = limits.value(u"tokens_per_minute").toInteger();
    if (requests > 0)
        parts << ModelProvidersModel::tr("%1 / %2 requests").arg(locale.toString(limits.value(u"requests_left").toInteger()), locale.toString(requests));
    if (tokens > 0)
        parts << ModelProvidersModel::tr("%1 / %2 tokens").arg(locale.toString(limits.value(u"tokens_left").toInteger()), locale.toString(tokens));
    if (parts.isEmpty())
        return ModelProvidersModel::tr("no limit");
    return ModelProvidersModel::tr("%1 a minute").arg(parts.join(QStringLiteral(", ")));
}

} // namespace

ModelProvidersModel::ModelProvidersModel(QObject *parent)
    : ModelRouterModel({ events::LlmProviderState, events::LlmCall, events::ConfigChanged }, parent)
{ }

ModelProvidersModel::Row ModelProvidersModel::row(const QJsonObject &state)
{
    const QJsonValue in = state.value(u"breaker").toObject().value(u"half_open_in_ms");
    return { state, in.isDouble() ? QDateTime::currentMSecsSinceEpoch() + qint64(std::ceil(in.toDouble())) : 0 };
}

int ModelProvidersModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ModelProvidersModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &r = m_rows[size_t(index.row())];
    const QJsonObject &p = r.state;
    const QJsonObject breaker = p.value(u"breaker").toObject();
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return p.value(u"name").toString();
    case KindRole:
        return p.value(u"kind").toString();
    case SimulatedRole:
        return p.value(u"simulated").toBool();
    case ConfiguredRole:
        return p.value(u"configured").toBool();
    case WhyRole:
        return p.value(u"why").toString();
    case BreakerRole:
        return breaker.value(u"state").toString();
    case FailuresRole:
        return breaker.value(u"consecutive_failures").toInt();
    case FailuresToOpenRole:
        return breaker.value(u"failures_to_open").toInt();
    case HalfOpensAtRole:
        return double(r.halfOpensAtMs);
    case HeadroomRole:
        return headroom(p.value(u"rate_limit").toObject());
    case ConcurrencyRole:
        return p.value(u"concurrency").toInt();
    case InFlightRole:
        return p.value(u"in_flight").toInt();
    case WaitingRole:
        return p.value(u"waiting").toInt();
    case BaseUrlRole:
        return p.value(u"base_url").toString();
    case ApiKeyEnvRole:
        return p.value(u"api_key_env").toString();
    }
    return {};
}

QHash<int, QByteArray> ModelProvidersModel::roleNames() const
{
    return { { NameRole, "name" },
             { KindRole, "kind" },
             { SimulatedRole, "simulated" },
             { ConfiguredRole, "configured" },
             { WhyRole, "why" },
             { BreakerRole, "breaker" },
             { FailuresRole, "failures" },
             { FailuresToOpenRole, "failuresToOpen" },
             { HalfOpensAtRole, "halfOpensAt" },
             { HeadroomRole, "headroom" },
             { ConcurrencyRole, "concurrency" },
             { InFlightRole, "inFlight" },
             { WaitingRole, "waiting" },
             { BaseUrlRole, "baseUrl" },
             { ApiKeyEnvRole, "apiKeyEnv" } };
}

void ModelProvidersModel::apply(const QJsonObject &list)
{
    const QJsonArray providers = list.value(u"providers").toArray();
    const int before = count();
    // Providers come and go only with the configuration: a list of the same
    // names in the same order changes its rows in place (a selection stays).
    bool same = int(providers.size()) == before;
    for (int i = 0; same && i < before; ++i)
        same = providers[i].toObject().value(u"name") == m_rows[size_t(i)].state.value(u"name");
    if (same) {
        for (int i = 0; i < before; ++i)
            m_rows[size_t(i)] = row(providers[i].toObject());
        if (before > 0)
            Q_EMIT dataChanged(index(0), index(before - 1));
    } else {
        beginResetModel();
        m_rows.clear();
        for (const QJsonValue &p : providers)
            m_rows.push_back(row(p.toObject()));
        endResetModel();
        Q_EMIT countChanged();
    }
    const QString error = list.value(u"config_error").toString();
    if (error != m_configError) {
        m_configError = error;
        Q_EMIT configErrorChanged();
    }
}

void ModelProvidersModel::updateProvider(const QJsonObject &provider)
{
    const QJsonValue name = provider.value(u"name");
    for (size_t i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].state.value(u"name") == name) {
            m_rows[i] = row(provider);
            Q_EMIT dataChanged(index(int(i)), index(int(i)));
            return;
        }
    }
    // A provider the list did not have yet: the settings changed, and the
    // list read again places it.
    refresh();
}

void ModelProvidersModel::onCoreEvent(const Event &event)
{
    if (event.type == events::LlmProviderState)
        updateProvider(event.payload);
    else if (event.type == events::LlmCall || event.payload.value(u"key").toString().startsWith(u"llm."))
        refresh();
}

} // namespace cabinet::gui

#pragma once

#include "events/Event.h"
#include "gui/ModelRouterModel.h"

#include <QJsonObject>
#include <QtQml/qqmlregistration.h>

#include <deque>
#include <map>

namespace cabinet::gui {

// The router's recent calls, newest first, each with its fallback trail
// (docs/models.md): every alias and model tried and why it was left, who
// served it, latency, time to first token, tokens in and out, and what it
// cost. The router's own ring (models.list's recent_calls) fills it when
// the core is ready; each llm.call event adds one at the top, the oldest
// beyond Router::RecentCallsMax going. The cost comes from costs.spent,
// which names the spend record each attempt carries; a call listed before
// the console opened shows no cost (its spend was never seen here).
class ModelCallsModel : public ModelRouterModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    // Spend records seen before their call's trail (the books settle a
    // call before the router reports it), kept until it comes.
    static constexpr int CostsWaitingMax = 256;

    enum Role {
        CallRole = Qt::UserRole + 1, // the router's call number
        TaskTypeRole,
        AliasRole,          // the alias asked for (or routed to)
        StreamRole,
        ServedAliasRole,    // empty: no model served it
        ServedModelRole,    // "provider/model"
        ErrorRole,          // "code: message" when it failed, else empty
        LatencyMsRole,
        FirstTokenMsRole,   // -1: no token streamed
        TokensInRole,       // -1: not reported
        TokensOutRole,
        SimulatedRole,
        FellBackRole,       // more than one alias was tried
        // [{alias, provider, model, outcome, reason, message, latencyMs}],
        // in the order tried.
        AttemptsRole,
        // The priced attempts' cost, once every attempt's spend is known;
        // -1 until then, or when none was priced.
        CostMicrosRole,
        CostRole,           // "$0.000123" ("… + unpriced" when a model had no price), or empty
    };
    Q_ENUM(Role)

    explicit ModelCallsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return int(m_rows.size()); }

    // One finished call's trail (an llm.call payload), at the top; a call
    // already listed is replaced.
    void addCall(const QJsonObject &trail);
    // A costs.spent payload: the cost of the attempts it names.
    void addSpend(const QJsonObject &spent);

Q_SIGNALS:
    void countChanged();

private:
    struct Row {
        QJsonObject trail;
        std::map<qint64, qint64> costs; // spend record -> micro-USD, Unseen or Unpriced
    };
    static constexpr qint64 Unseen = -1;
    static constexpr qint64 Unpriced = -2;
    Row row(const QJsonObject &trail);
    qint64 cost(const Row &row) const;
    static bool partlyUnpriced(const Row &row);
    void apply(const QJsonObject &list) override;
    void onCoreReady() override;
    void onCoreEvent(const cabinet::Event &event) override;

    std::deque<Row> m_rows;
    std::map<qint64, qint64> m_waiting; // spend record -> micro-USD, no call yet
};

} // namespace cabinet::gui

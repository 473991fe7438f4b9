#pragma once

#include "events/Event.h"
#include "gui/CoreModel.h"

#include <QtQml/qqmlregistration.h>

namespace cabinet::gui {

// Every event the console has received, stored and ephemeral, newest first,
// at most maxRows. Starts from the connection's recent events, so a panel
// opened late still shows what happened since the console started; loaded
// from then on.
class EventStreamModel : public CoreModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(int maxRows READ maxRows CONSTANT)
public:
    enum Role { SeqRole = Qt::UserRole + 1, TimeRole, TypeRole, PayloadRole, EphemeralRole };
    Q_ENUM(Role)
    static constexpr int MaxRows = CoreConnection::RecentEventsLimit;

    explicit EventStreamModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    int count() const { return int(m_rows.size()); }
    int maxRows() const { return MaxRows; }

Q_SIGNALS:
    void countChanged();

private:
    void onConnectionChanged() override;
    void onCoreEvent(const cabinet::Event &event) override;

    QList<Event> m_rows; // newest first
};

} // namespace cabinet::gui

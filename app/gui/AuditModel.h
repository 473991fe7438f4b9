#pragma once

#include "audit/AuditEntry.h"
#include "gui/CoreModel.h"

#include <QHash>
#include <QtQml/qqmlregistration.h>

namespace cabinet::gui {

// The audit trail as the console shows it: newest first, at most maxRows
// entries. Filled from a snapshot of the newest entries, then kept current by
// audit.appended events. Rows are unique by seq, so an entry that arrives both
// in the snapshot and as an event is listed once.
class AuditModel : public CoreModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(int maxRows READ maxRows WRITE setMaxRows NOTIFY maxRowsChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(QStringList actors READ actors NOTIFY distinctValuesChanged)
    Q_PROPERTY(QStringList actions READ actions NOTIFY distinctValuesChanged)
public:
    enum Role { SeqRole = Qt::UserRole + 1, TimeRole, ActorRole, ActionRole, SubjectRole, PayloadRole, HashRole };
    Q_ENUM(Role)
    static constexpr int DefaultMaxRows = 1000;

    explicit AuditModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    int maxRows() const { return m_maxRows; }
    void setMaxRows(int maxRows);
    int count() const { return int(m_rows.size()); }
    QStringList actors() const;
    QStringList actions() const;

    // Adds the entries not listed yet, in seq order, in any order given.
    void merge(const QList<AuditEntry> &entries);

    // Asks the core for the newest maxRows entries (again); does nothing
    // until the core is ready.
    Q_INVOKABLE void reload();

Q_SIGNALS:
    void maxRowsChanged();
    void countChanged();
    void distinctValuesChanged();

private:
    void onCoreReady() override { reload(); }
    void onCoreEvent(const cabinet::Event &event) override;
    void insertSorted(const QList<AuditEntry> &fresh);
    void trim();

    QList<AuditEntry> m_rows; // descending seq
    int m_maxRows = DefaultMaxRows;
    QHash<QString, int> m_actorCounts;
    QHash<QString, int> m_actionCounts;
};

} // namespace cabinet::gui

#pragma once

#include "gui/CoreModel.h"

#include <QJsonArray>
#include <QtQml/qqmlregistration.h>

namespace cabinet::gui {

class RefreshThrottle;

// The Shadow Board panel's list of saved deliberations, newest first, as
// board.list answers (at most board::BoardListMax); board.deliberated events
// refresh it, throttled. A what-if names the deliberation it re-ran.
class BoardListModel : public CoreModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        CreatedMsRole, // ms since the epoch (a double: QML's numbers)
        KindRole,
        TextRole,
        VerdictRole, // approve, reject, no_consensus
        ApproveShareRole,
        WhatIfOfRole, // 0: an original
        ApprovalIdRole,
    };
    Q_ENUM(Role)
    explicit BoardListModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return int(m_rows.size()); }
    // The row of a deliberation, -1 when it is not listed.
    Q_INVOKABLE int rowOf(qint64 id) const;
    // The id of the deliberation at `row`, 0 when there is none.
    Q_INVOKABLE qint64 idAt(int row) const;
    // Puts board.list's rows in place (a reset: the list is short).
    void setRows(const QJsonArray &rows);

Q_SIGNALS:
    void countChanged();

private:
    void onCoreReady() override;
    void onCoreEvent(const cabinet::Event &event) override;
    bool refresh();

    RefreshThrottle *m_throttle;
    QJsonArray m_rows;
};

} // namespace cabinet::gui

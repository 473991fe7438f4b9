#pragma once

#include "gui/CoreModel.h"

#include <QJsonArray>

#include <vector>

namespace cabinet::gui {

// The approvals' notifications that failed for good (approvals.deliveries,
// state failed, newest first): given up after their tries, or a body that
// did not render.
// The Approvals panel lists them so an operator knows who was not told; read
// again on each approval.delivery event. Never the URL (often a secret).
class ApprovalDeliveriesModel : public CoreModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    // More failed than the MaxRows listed (the newest).
    Q_PROPERTY(bool more READ more NOTIFY moreChanged)
public:
    enum Role {
        ApprovalIdRole = Qt::UserRole + 1,
        WhatRole,     // requested, reminder, decided, expired
        ChannelRole,  // the webhook's name
        AttemptsRole,
        ErrorRole,    // the last error
        UpdatedRole,  // when it was given up
    };
    Q_ENUM(Role)
    // Failures asked for and listed, newest first.
    static constexpr int MaxRows = 100;

    explicit ApprovalDeliveriesModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    int count() const { return int(m_rows.size()); }
    bool more() const { return m_more; }

Q_SIGNALS:
    void countChanged();
    void moreChanged();

protected:
    void onCoreReady() override { read(); }
    void onCoreEvent(const cabinet::Event &event) override;
    void onConnectionChanged() override;

private:
    struct Row {
        QString id, approvalId, what, channel, error;
        int attempts = 0;
        qint64 updatedMs = 0;
        bool operator==(const Row &) const = default;
    };
    void read();
    void setRows(std::vector<Row> rows);

    std::vector<Row> m_rows;
    bool m_more = false;
};

} // namespace cabinet::gui

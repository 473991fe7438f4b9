#pragma once

#include <QSortFilterProxyModel>
#include <QtQml/qqmlregistration.h>

namespace cabinet::gui {

// Filters an AuditModel by actor and action (exact, empty means any) and by
// free text, matched case-insensitively against actor, action, subject and
// payload. Keeps the source's newest-first order.
class AuditFilterModel : public QSortFilterProxyModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString actor READ actor WRITE setActor NOTIFY actorChanged)
    Q_PROPERTY(QString action READ action WRITE setAction NOTIFY actionChanged)
    Q_PROPERTY(QString text READ text WRITE setText NOTIFY textChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    explicit AuditFilterModel(QObject *parent = nullptr);

    QString actor() const { return m_actor; }
    void setActor(const QString &actor);
    QString action() const { return m_action; }
    void setAction(const QString &action);
    QString text() const { return m_text; }
    void setText(const QString &text);
    int count() const { return rowCount(); }

Q_SIGNALS:
    void actorChanged();
    void actionChanged();
    void textChanged();
    void countChanged();

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_actor;
    QString m_action;
    QString m_text;
};

} // namespace cabinet::gui

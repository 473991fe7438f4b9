#pragma once

#include "gui/CoreModel.h"

#include <QDateTime>
#include <QJsonObject>
#include <QtQml/qqmlregistration.h>

#include <vector>

namespace cabinet::gui {

class RefreshThrottle;

// The tasks of one state (or of every state), in submit order, a page at a
// time: the Task board's column. Only what has been scrolled to is loaded
// (canFetchMore / fetchMore page through tasks.list), so a board over
// 10,000 tasks holds a few hundred rows. task.* events refresh the loaded
// range, throttled, and rows are updated in place, so a view keeps its
// scroll position and selection while tasks move.
class TaskListModel : public CoreModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString state READ state WRITE setState NOTIFY stateChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    // Tasks in this state in the store, loaded or not.
    Q_PROPERTY(int total READ total NOTIFY totalChanged)
public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        TitleRole,
        WorkflowRole,
        StateRole,
        PausedRole,
        AttemptsRole,
        MaxAttemptsRole,
        LastErrorRole,
        UpdatedRole, // QDateTime
        SubmittedByRole,
    };
    Q_ENUM(Role)
    // Rows asked for per page, and the most a refresh re-reads (tasks.list's
    // own page limit); rows scrolled to beyond it refresh on fetchMore.
    static constexpr int PageSize = 100;
    static constexpr int RefreshRowsMax = 1000;

    explicit TaskListModel(QObject *parent = nullptr);
    ~TaskListModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    QString state() const { return m_state; }
    void setState(const QString &state);
    int count() const { return int(m_rows.size()); }
    int total() const { return m_total; }

    // The row of a task, -1 when it is not loaded.
    Q_INVOKABLE int rowOf(const QString &taskId) const;

    struct Row {
        QString id;
        QJsonObject task;
    };
    // Puts `fresh` (ascending id, the answer for the loaded range) in place
    // of the rows it covers: rows gone are removed, new ones inserted,
    // changed ones updated, the rest untouched. `complete`: nothing follows
    // fresh in the store, so loaded rows past its end are gone too.
    void merge(std::vector<Row> fresh, bool complete);

Q_SIGNALS:
    void stateChanged();
    void countChanged();
    void totalChanged();

private:
    void onCoreReady() override;
    void onCoreEvent(const cabinet::Event &event) override;
    bool refresh();
    void load(const QString &after, int limit, bool append);
    void setTotal(int total);

    RefreshThrottle *m_throttle;
    QString m_state; // empty: every state
    std::vector<Row> m_rows;
    bool m_more = false; // the store holds tasks past the last row
    bool m_fetching = false;
    int m_total = 0;
    quint64 m_generation = 0; // answers for an earlier state are dropped
};

} // namespace cabinet::gui

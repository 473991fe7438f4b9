#pragma once

#include "gui/CoreLink.h"

#include <QObject>
#include <QVariantMap>
#include <QtQml/qqmlregistration.h>

namespace cabinet::gui {

class RefreshThrottle;

// The task the Task board has selected, as tasks.get answers it (input,
// result, last error), kept current by its task.* events; and the board's
// actions on it. Every action is an operation of the catalogue (tasks.pause,
// tasks.resume, tasks.cancel, tasks.retry, tasks.submit), audited under the
// person at the console; a refusal (an illegal transition, a full queue)
// shows as actionError with the core's own words, and nothing changes.
class TaskDetail : public QObject {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(cabinet::gui::CoreConnection *connection READ connection WRITE setConnection NOTIFY connectionChanged)
    Q_PROPERTY(QString taskId READ taskId WRITE setTaskId NOTIFY taskIdChanged)
    Q_PROPERTY(bool loaded READ loaded NOTIFY taskChanged)
    Q_PROPERTY(QVariantMap task READ task NOTIFY taskChanged)
    Q_PROPERTY(QString errorMessage READ errorMessage NOTIFY errorMessageChanged)
    Q_PROPERTY(QString actionError READ actionError NOTIFY actionErrorChanged)
    Q_PROPERTY(bool busy READ busy NOTIFY busyChanged)
public:
    explicit TaskDetail(QObject *parent = nullptr);
    ~TaskDetail() override;

    CoreConnection *connection() const { return m_link.connection(); }
    void setConnection(CoreConnection *connection);
    QString taskId() const { return m_taskId; }
    void setTaskId(const QString &id);
    bool loaded() const { return !m_task.isEmpty(); }
    QVariantMap task() const { return m_task; }
    QString errorMessage() const { return m_errorMessage; }
    QString actionError() const { return m_actionError; }
    bool busy() const { return m_busy; }

    // "pause", "resume", "cancel" or "retry" on the selected task.
    Q_INVOKABLE void act(const QString &action, const QString &reason = QString());
    // Submits a task; on success it becomes the selected one. inputJson is
    // a JSON object's text (empty: {}).
    Q_INVOKABLE void submit(const QString &workflow, const QString &title, const QString &inputJson);

Q_SIGNALS:
    void connectionChanged();
    void taskIdChanged();
    void taskChanged();
    void errorMessageChanged();
    void actionErrorChanged();
    void busyChanged();
    void submitted(const QString &taskId);

private:
    bool refresh();
    void setTask(QVariantMap task);
    void setErrorMessage(const QString &message);
    void setActionError(const QString &message);
    void setBusy(bool busy);

    CoreLink m_link;
    RefreshThrottle *m_throttle;
    QString m_taskId;
    QVariantMap m_task;
    QString m_errorMessage;
    QString m_actionError;
    bool m_busy = false;
    quint64 m_generation = 0; // answers for an earlier selection are dropped
};

} // namespace cabinet::gui

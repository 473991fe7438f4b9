#include "gui/TaskDetail.h"

#include "gui/RefreshThrottle.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace cabinet::gui {

namespace {
QByteArray json(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// task.* events are batches: the tasks they name are in "changes"
// (state and pause changes) or "tasks" (submissions).
bool names(const Event &event, const QString &taskId)
{
    for (const char16_t *list : { u"changes", u"tasks" }) {
        for (const QJsonValue entry : event.payload.value(QStringView(list)).toArray()) {
            if (entry.toObject().value(u"id").toString() == taskId)
                return true;
        }
    }
    return false;
}
} // namespace

TaskDetail::TaskDetail(QObject *parent)
    : QObject(parent)
    , m_link(
              this, { QStringLiteral("task.") },
              [this](const Event &event) {
                  if (!m_taskId.isEmpty() && names(event, m_taskId))
                      m_throttle->schedule();
              },
              [this] { m_throttle->schedule(); })
    , m_throttle(new RefreshThrottle([this] { return refresh(); }, this))
{ }

TaskDetail::~TaskDetail() = default;

void TaskDetail::setConnection(CoreConnection *connection)
{
    if (m_link.setConnection(connection))
        Q_EMIT connectionChanged();
}

void TaskDetail::setTaskId(const QString &id)
{
    if (id == m_taskId)
        return;
    m_taskId = id;
    ++m_generation;
    setTask({});
    setErrorMessage({});
    setActionError({});
    Q_EMIT taskIdChanged();
    m_throttle->schedule();
}

bool TaskDetail::refresh()
{
    if (!m_link.ready() || m_taskId.isEmpty())
        return false;
    m_link.connection()->call(this, QStringLiteral("tasks.get"), json({ { QStringLiteral("id"), m_taskId } }),
                              [this, generation = m_generation](const Result<QByteArray> &reply) {
                                  m_throttle->finished();
                                  if (generation != m_generation)
                                      return;
                                  if (!reply) {
                                      setErrorMessage(reply.error().message);
                                      return;
                                  }
                                  setErrorMessage({});
                                  setTask(QJsonDocument::fromJson(*reply).object().toVariantMap());
                              });
    return true;
}

void TaskDetail::act(const QString &action, const QString &reason)
{
    static const QStringList actions { QStringLiteral("pause"), QStringLiteral("resume"), QStringLiteral("cancel"),
                                       QStringLiteral("retry") };
    if (!actions.contains(action)) {
        setActionError(tr("'%1' is not an action on a task").arg(action));
        return;
    }
    if (!m_link.ready() || m_taskId.isEmpty() || m_busy)
        return;
    QJsonObject params { { QStringLiteral("id"), m_taskId } };
    if (!reason.isEmpty() && (action == u"cancel" || action == u"retry"))
        params.insert(QStringLiteral("reason"), reason);
    setBusy(true);
    m_link.connection()->call(this, QStringLiteral("tasks.") + action, json(params),
                              [this, generation = m_generation](const Result<QByteArray> &reply) {
                                  setBusy(false);
                                  if (generation != m_generation)
                                      return;
                                  setActionError(reply ? QString() : reply.error().message);
                                  if (reply)
                                      setTask(QJsonDocument::fromJson(*reply).object().toVariantMap());
                              });
}

void TaskDetail::submit(const QString &workflow, const QString &title, const QString &inputJson)
{
    if (!m_link.ready() || m_busy)
        return;
    QJsonObject params { { QStringLiteral("workflow"), workflow }, { QStringLiteral("title"), title } };
    if (!inputJson.trimmed().isEmpty()) {
        QJsonParseError error;
        const QJsonDocument input = QJsonDocument::fromJson(inputJson.toUtf8(), &error);
        if (error.error != QJsonParseError::NoError || !input.isObject()) {
            setActionError(tr("The input must be a JSON object, like {\"goal\": \"...\"}"));
            return;
        }
        params.insert(QStringLiteral("input"), input.object());
    }
    setBusy(true);
    m_link.connection()->call(this, QStringLiteral("tasks.submit"), json(params), [this](const Result<QByteArray> &reply) {
        setBusy(false);
        setActionError(reply ? QString() : reply.error().message);
        if (!reply)
            return;
        const QString id = QJsonDocument::fromJson(*reply).object().value(u"id").toString();
        setTaskId(id);
        Q_EMIT submitted(id);
    });
}

void TaskDetail::setTask(QVariantMap task)
{
    if (task == m_task)
        return;
    m_task = std::move(task);
    Q_EMIT taskChanged();
}

void TaskDetail::setErrorMessage(const QString &message)
{
    if (message == m_errorMessage)
        return;
    m_errorMessage = message;
    Q_EMIT errorMessageChanged();
}

void TaskDetail::setActionError(const QString &message)
{
    if (message == m_actionError)
        return;
    m_actionError = message;
    Q_EMIT actionErrorChanged();
}

void TaskDetail::setBusy(bool busy)
{
    if (busy == m_busy)
        return;
    m_busy = busy;
    Q_EMIT busyChanged();
}

} // namespace cabinet::gui

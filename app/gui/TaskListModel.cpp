#include "gui/TaskListModel.h"

#include "events/EventTypes.h"
#include "gui/RefreshThrottle.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace cabinet::gui {

TaskListModel::TaskListModel(QObject *parent)
    : CoreModel({ QStringLiteral("task.") }, parent)
    , m_throttle(new RefreshThrottle([this] { return refresh(); }, this))
{ }

TaskListModel::~TaskListModel() = default;

int TaskListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant TaskListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QJsonObject &task = m_rows[size_t(index.row())].task;
    switch (role) {
    case Qt::DisplayRole:
    case TitleRole:
        return task.value(u"title").toString();
    case IdRole:
        return m_rows[size_t(index.row())].id;
    case WorkflowRole:
        return task.value(u"workflow").toString();
    case StateRole:
        return task.value(u"state").toString();
    case PausedRole:
        return task.value(u"paused").toBool();
    case AttemptsRole:
        return task.value(u"attempts").toInt();
    case MaxAttemptsRole:
        return task.value(u"max_attempts").toInt();
    case LastErrorRole:
        return task.value(u"last_error").toString();
    case UpdatedRole:
        return QDateTime::fromMSecsSinceEpoch(qint64(task.value(u"updated_ms").toDouble()));
    case SubmittedByRole:
        return task.value(u"submitted_by").toString();
    default:
        return {};
    }
}

QHash<int, QByteArray> TaskListModel::roleNames() const
{
    return { { IdRole, "taskId" },         { TitleRole, "title" },        { WorkflowRole, "workflow" },
             { StateRole, "state" },       { PausedRole, "paused" },      { AttemptsRole, "attempts" },
             { MaxAttemptsRole, "maxAttempts" }, { LastErrorRole, "lastError" }, { UpdatedRole, "updated" },
             { SubmittedByRole, "submittedBy" } };
}

bool TaskListModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_more && !m_fetching;
}

void TaskListModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent) || m_rows.empty())
        return;
    load(m_rows.back().id, PageSize, true);
}

void TaskListModel::setState(const QString &state)
{
    if (state == m_state)
        return;
    m_state = state;
    ++m_generation;
    m_fetching = false;
    if (!m_rows.empty()) {
        beginResetModel();
        m_rows.clear();
        endResetModel();
        Q_EMIT countChanged();
    }
    m_more = false;
    setLoaded(false);
    Q_EMIT stateChanged();
    m_throttle->schedule();
}

int TaskListModel::rowOf(const QString &taskId) const
{
    for (size_t i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].id == taskId)
            return int(i);
    }
    return -1;
}

void TaskListModel::onCoreReady()
{
    m_throttle->schedule();
}

void TaskListModel::onCoreEvent(const Event &)
{
    m_throttle->schedule();
}

bool TaskListModel::refresh()
{
    if (!coreReady())
        return false;
    load(QString(), std::clamp(int(m_rows.size()), PageSize, RefreshRowsMax), false);
    return true;
}

void TaskListModel::load(const QString &after, int limit, bool append)
{
    QJsonObject params { { QStringLiteral("limit"), limit } };
    if (!m_state.isEmpty())
        params.insert(QStringLiteral("state"), m_state);
    if (!after.isEmpty())
        params.insert(QStringLiteral("after"), after);
    if (append)
        m_fetching = true;
    connection()->call(this, QStringLiteral("tasks.list"), QJsonDocument(params).toJson(QJsonDocument::Compact),
                       [this, append, generation = m_generation](const Result<QByteArray> &reply) {
                           if (!append)
                               m_throttle->finished();
                           if (generation != m_generation)
                               return;
                           if (append)
                               m_fetching = false;
                           if (!reply) {
                               setErrorMessage(reply.error().message);
                               return;
                           }
                           setErrorMessage({});
                           const QJsonObject answer = QJsonDocument::fromJson(*reply).object();
                           std::vector<Row> fresh;
                           for (const QJsonValue value : answer.value(u"tasks").toArray()) {
                               const QJsonObject task = value.toObject();
                               fresh.push_back({ task.value(u"id").toString(), task });
                           }
                           const bool complete = answer.value(u"next").isNull();
                           if (append) {
                               // Only what lies past the last row (a refresh may have moved it meanwhile).
                               std::erase_if(fresh, [this](const Row &row) { return !m_rows.empty() && row.id <= m_rows.back().id; });
                               if (!fresh.empty()) {
                                   beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + fresh.size()) - 1);
                                   m_rows.insert(m_rows.end(), fresh.begin(), fresh.end());
                                   endInsertRows();
                                   Q_EMIT countChanged();
                               }
                               m_more = !complete;
                           } else {
                               merge(std::move(fresh), complete);
                               // Rows loaded past the refreshed range say whether more follow.
                               if (complete || qsizetype(m_rows.size()) <= RefreshRowsMax)
                                   m_more = !complete;
                           }
                           const QJsonObject counts = answer.value(u"counts").toObject();
                           int total = 0;
                           if (m_state.isEmpty()) {
                               for (const QJsonValue count : counts)
                                   total += count.toInt();
                           } else {
                               total = counts.value(m_state).toInt();
                           }
                           setTotal(total);
                           setLoaded(true);
                       });
}

void TaskListModel::merge(std::vector<Row> fresh, bool complete)
{
    const qsizetype before = m_rows.size();
    // Everything up to the last fresh id is covered (everything, when complete).
    const QString bound = fresh.empty() ? QString() : fresh.back().id;
    const auto covered = [&](const Row &row) { return complete || (!bound.isEmpty() && row.id <= bound); };
    size_t i = 0;
    size_t j = 0;
    while (i < m_rows.size() && covered(m_rows[i])) {
        if (j < fresh.size() && fresh[j].id < m_rows[i].id) {
            beginInsertRows({}, int(i), int(i));
            m_rows.insert(m_rows.begin() + qsizetype(i), std::move(fresh[j]));
            endInsertRows();
            ++i;
            ++j;
        } else if (j < fresh.size() && fresh[j].id == m_rows[i].id) {
            if (fresh[j].task != m_rows[i].task) {
                m_rows[i].task = std::move(fresh[j].task);
                Q_EMIT dataChanged(index(int(i)), index(int(i)));
            }
            ++i;
            ++j;
        } else {
            beginRemoveRows({}, int(i), int(i));
            m_rows.erase(m_rows.begin() + qsizetype(i));
            endRemoveRows();
        }
    }
    if (j < fresh.size()) {
        beginInsertRows({}, int(i), int(i + fresh.size() - j) - 1);
        m_rows.insert(m_rows.begin() + qsizetype(i), std::make_move_iterator(fresh.begin() + qsizetype(j)),
                      std::make_move_iterator(fresh.end()));
        endInsertRows();
    }
    if (qsizetype(m_rows.size()) != before)
        Q_EMIT countChanged();
}

void TaskListModel::setTotal(int total)
{
    if (total == m_total)
        return;
    m_total = total;
    Q_EMIT totalChanged();
}

} // namespace cabinet::gui

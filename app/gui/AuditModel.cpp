#include "gui/AuditModel.h"

#include "audit/AuditLog.h"

#include <QDateTime>
#include <algorithm>

namespace cabinet::gui {

namespace {
bool newerFirst(const AuditEntry &a, const AuditEntry &b)
{
    return a.seq > b.seq;
}

// Counts one more (delta 1) or one fewer (-1) use of a value; true when the
// value appeared or vanished.
bool adjust(QHash<QString, int> &counts, const QString &value, int delta)
{
    int &count = counts[value];
    count += delta;
    if (count == 0) {
        counts.remove(value);
        return true;
    }
    return count == 1 && delta > 0;
}

QStringList sortedKeys(const QHash<QString, int> &counts)
{
    QStringList keys = counts.keys();
    keys.sort();
    return keys;
}
} // namespace

AuditModel::AuditModel(QObject *parent)
    : CoreModel({ events::AuditAppended }, parent)
{ }

int AuditModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant AuditModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const AuditEntry &entry = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case ActionRole:
        return entry.action;
    case SeqRole:
        return entry.seq;
    case TimeRole:
        return QDateTime::fromMSecsSinceEpoch(entry.timeMs);
    case ActorRole:
        return entry.actor;
    case SubjectRole:
        return entry.subject;
    case PayloadRole:
        return QString::fromUtf8(entry.payloadJson);
    case HashRole:
        return QString::fromLatin1(entry.hash.toHex());
    default:
        return {};
    }
}

QHash<int, QByteArray> AuditModel::roleNames() const
{
    return { { SeqRole, "seq" }, { TimeRole, "time" }, { ActorRole, "actor" }, { ActionRole, "action" },
        { SubjectRole, "subject" }, { PayloadRole, "payload" }, { HashRole, "hash" } };
}

void AuditModel::setMaxRows(int maxRows)
{
    maxRows = std::max(1, maxRows);
    if (maxRows == m_maxRows)
        return;
    m_maxRows = maxRows;
    trim();
    Q_EMIT maxRowsChanged();
}

QStringList AuditModel::actors() const
{
    return sortedKeys(m_actorCounts);
}

QStringList AuditModel::actions() const
{
    return sortedKeys(m_actionCounts);
}

void AuditModel::merge(const QList<AuditEntry> &entries)
{
    QList<AuditEntry> fresh;
    fresh.reserve(entries.size());
    for (const AuditEntry &entry : entries) {
        if (!std::binary_search(m_rows.cbegin(), m_rows.cend(), entry, newerFirst))
            fresh.append(entry);
    }
    std::sort(fresh.begin(), fresh.end(), newerFirst);
    fresh.erase(std::unique(fresh.begin(), fresh.end(), [](const AuditEntry &a, const AuditEntry &b) { return a.seq == b.seq; }),
        fresh.end());
    if (fresh.isEmpty())
        return;
    insertSorted(fresh);
    trim();
    Q_EMIT countChanged();
}

void AuditModel::reload()
{
    if (!coreReady())
        return;
    connection()->request(
        this, [rows = m_maxRows](Cabinet &cabinet) { return cabinet.audit().tail(rows); },
        [this](const Result<QList<AuditEntry>> &snapshot) {
            if (!snapshot) {
                setErrorMessage(snapshot.error().message);
                return;
            }
            setErrorMessage({});
            merge(*snapshot);
            setLoaded(true);
        });
}

void AuditModel::onCoreEvent(const Event &event)
{
    merge({ AuditLog::fromEvent(event.payload) });
}

void AuditModel::insertSorted(const QList<AuditEntry> &fresh)
{
    bool distinctChanged = false;
    if (m_rows.isEmpty() || fresh.last().seq > m_rows.first().seq) {
        // The usual case, live appends and the first snapshot: one block on top.
        beginInsertRows({}, 0, int(fresh.size()) - 1);
        m_rows = fresh + m_rows;
        endInsertRows();
        for (const AuditEntry &entry : fresh)
            distinctChanged |= adjust(m_actorCounts, entry.actor, 1) | adjust(m_actionCounts, entry.action, 1);
    } else {
        for (const AuditEntry &entry : fresh) {
            const int row = int(std::lower_bound(m_rows.cbegin(), m_rows.cend(), entry, newerFirst) - m_rows.cbegin());
            beginInsertRows({}, row, row);
            m_rows.insert(row, entry);
            endInsertRows();
            distinctChanged |= adjust(m_actorCounts, entry.actor, 1) | adjust(m_actionCounts, entry.action, 1);
        }
    }
    if (distinctChanged)
        Q_EMIT distinctValuesChanged();
}

void AuditModel::trim()
{
    if (m_rows.size() <= m_maxRows)
        return;
    bool distinctChanged = false;
    beginRemoveRows({}, m_maxRows, int(m_rows.size()) - 1);
    for (qsizetype row = m_maxRows; row < m_rows.size(); ++row)
        distinctChanged |= adjust(m_actorCounts, m_rows[row].actor, -1) | adjust(m_actionCounts, m_rows[row].action, -1);
    m_rows.resize(m_maxRows);
    endRemoveRows();
    Q_EMIT countChanged();
    if (distinctChanged)
        Q_EMIT distinctValuesChanged();
}

} // namespace cabinet::gui

#include "gui/ApprovalListModel.h"

#include "api/JsonText.h"
#include "approvals/ApprovalService.h"
#include "board/BoardService.h"
#include "events/EventTypes.h"
#include "gui/LedgerText.h"
#include "gui/RefreshThrottle.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace cabinet::gui {

namespace {

// Money on ledger 1 is micro-USD, written as the Ledger panel writes it.
QString moneyText(qint64 micros)
{
    return ledgertext::amount(ledger::u128(quint64(micros)), 1);
}

// What a refresh may change in a row; the rest is fixed at the request.
bool sameDecision(const ApprovalRow &a, const ApprovalRow &b)
{
    return a.state == b.state && a.operators == b.operators && a.approvals == b.approvals && a.decidedMs == b.decidedMs && a.reason == b.reason
            && a.boardId == b.boardId;
}

} // namespace

ApprovalListModel::ApprovalListModel(QObject *parent)
    : CoreModel({ QStringLiteral("approval."), QStringLiteral("board.deliberated") }, parent)
    , m_throttle(new RefreshThrottle([this] { return refresh(); }, this))
{ }

ApprovalListModel::~ApprovalListModel() = default;

int ApprovalListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant ApprovalListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ApprovalRow &row = m_rows[size_t(index.row())];
    const bool deadline = row.deadlineMs != 0;
    const qint64 span = row.deadlineMs - row.createdMs;
    switch (role) {
    case Qt::DisplayRole:
    case IdRole:
        return row.id;
    case StateRole:
        return row.state;
    case TierRole:
        return row.tier;
    case RuleRole:
        return row.rule;
    case KindRole:
        return row.kind;
    case AgentRole:
        return row.agent;
    case EnvironmentRole:
        return row.environment;
    case TargetRole:
        return row.target;
    case AmountTextRole:
        return row.amountMicros ? moneyText(row.amountMicros) : QString();
    case TaskIdRole:
        return row.taskId;
    case NodeRole:
        return row.node;
    case RequestedByRole:
        return row.requestedBy;
    case CreatedMsRole:
        return double(row.createdMs);
    case DeadlineMsRole:
        return double(row.deadlineMs);
    // The reminders' times as the core computes them (ApprovalRequest::reminderNs).
    case Reminder50MsRole:
        return deadline ? double(row.createdMs + span / 2) : 0.0;
    case Reminder90MsRole:
        return deadline ? double(row.createdMs + span / 10 * 9) : 0.0;
    case ApprovalsRole:
        return row.approvals;
    case ApprovalsNeededRole:
        return row.approvalsNeeded;
    case OperatorsRole:
        return row.operators.join(QStringLiteral(", "));
    case ReasonRole:
        return row.reason;
    case DecidedMsRole:
        return double(row.decidedMs);
    case CostTextRole:
        return row.costMicros ? moneyText(*row.costMicros) : QString();
    case CommandRole:
        return row.command;
    case EvidenceTextRole:
        return QString::fromUtf8(QJsonDocument(row.evidence).toJson(QJsonDocument::Compact));
    case BoardIdRole:
        return double(row.boardId);
    case BoardVerdictRole:
        return row.boardVerdict;
    case BoardApproveShareRole:
        return row.boardApproveShare;
    case BoardVotesTextRole:
        return row.boardId ? tr("%1 approve · %2 reject · %3 abstain").arg(row.boardApprove).arg(row.boardReject).arg(row.boardAbstain) : QString();
    case BoardDissentRole:
        return row.boardDissent;
    default:
        return {};
    }
}

QHash<int, QByteArray> ApprovalListModel::roleNames() const
{
    return { { IdRole, "approvalId" },         { StateRole, "state" },
             { TierRole, "tier" },             { RuleRole, "rule" },
             { KindRole, "kind" },             { AgentRole, "agent" },
             { EnvironmentRole, "environment" }, { TargetRole, "target" },
             { AmountTextRole, "amountText" }, { TaskIdRole, "taskId" },
             { NodeRole, "node" },             { RequestedByRole, "requestedBy" },
             { CreatedMsRole, "createdMs" },   { DeadlineMsRole, "deadlineMs" },
             { Reminder50MsRole, "reminder50Ms" }, { Reminder90MsRole, "reminder90Ms" },
             { ApprovalsRole, "approvals" },   { ApprovalsNeededRole, "approvalsNeeded" },
             { OperatorsRole, "operators" },   { ReasonRole, "reason" },
             { DecidedMsRole, "decidedMs" },   { CostTextRole, "costText" },
             { CommandRole, "command" },       { EvidenceTextRole, "evidenceText" },
             { BoardIdRole, "boardId" },       { BoardVerdictRole, "boardVerdict" },
             { BoardApproveShareRole, "boardApproveShare" }, { BoardVotesTextRole, "boardVotesText" },
             { BoardDissentRole, "boardDissent" } };
}

void ApprovalListModel::setHistory(bool history)
{
    if (history == m_history)
        return;
    m_history = history;
    ++m_generation;
    beginResetModel();
    m_rows.clear();
    endResetModel();
    Q_EMIT countChanged();
    Q_EMIT historyChanged();
    setLoaded(false);
    m_throttle->schedule();
}

void ApprovalListModel::setLimit(int limit)
{
    limit = std::clamp(limit, 1, int(approvals::PendingMax));
    if (limit == m_limit)
        return;
    m_limit = limit;
    Q_EMIT limitChanged();
    m_throttle->schedule();
}

int ApprovalListModel::rowOf(const QString &id) const
{
    const auto found = std::find_if(m_rows.begin(), m_rows.end(), [&id](const ApprovalRow &row) { return row.id == id; });
    return found == m_rows.end() ? -1 : int(found - m_rows.begin());
}

void ApprovalListModel::decide(const QStringList &ids, bool approve, const QString &reason)
{
    if (!coreReady()) {
        Q_EMIT decided(false, tr("The core is not running."));
        return;
    }
    QJsonArray list;
    for (const QString &id : ids)
        list.append(id);
    QJsonObject params { { QStringLiteral("ids"), list }, { QStringLiteral("verdict"), approve ? QStringLiteral("approve") : QStringLiteral("deny") } };
    if (!reason.isEmpty())
        params.insert(QStringLiteral("reason"), reason);
    connection()->call(this, QStringLiteral("approvals.decide"), api::compact(params), [this](Result<QByteArray> reply) {
        Q_EMIT decided(reply.ok(), reply.ok() ? QString() : reply.error().message);
        m_throttle->schedule();
    });
}

void ApprovalListModel::merge(std::vector<ApprovalRow> fresh)
{
    const qsizetype before = qsizetype(m_rows.size());
    const ApprovalOrder order = this->order();
    // Both lists are in the same order, and a row's place in it never
    // changes (its deadline and id are fixed): one walk down both.
    size_t row = 0;
    size_t next = 0;
    while (row < m_rows.size() || next < fresh.size()) {
        if (row < m_rows.size() && (next == fresh.size() || approvalBefore(m_rows[row], fresh[next], order))) {
            // Gone: the run of rows before the next fresh one.
            size_t end = row + 1;
            while (end < m_rows.size() && (next == fresh.size() || approvalBefore(m_rows[end], fresh[next], order)))
                ++end;
            beginRemoveRows({}, int(row), int(end) - 1);
            m_rows.erase(m_rows.begin() + std::ptrdiff_t(row), m_rows.begin() + std::ptrdiff_t(end));
            endRemoveRows();
            continue;
        }
        if (next < fresh.size() && (row == m_rows.size() || approvalBefore(fresh[next], m_rows[row], order))) {
            // New: the run of fresh ones before the next row kept.
            size_t end = next + 1;
            while (end < fresh.size() && (row == m_rows.size() || approvalBefore(fresh[end], m_rows[row], order)))
                ++end;
            beginInsertRows({}, int(row), int(row + (end - next)) - 1);
            m_rows.insert(m_rows.begin() + std::ptrdiff_t(row), std::make_move_iterator(fresh.begin() + std::ptrdiff_t(next)),
                          std::make_move_iterator(fresh.begin() + std::ptrdiff_t(end)));
            endInsertRows();
            row += end - next;
            next = end;
            continue;
        }
        if (!sameDecision(m_rows[row], fresh[next])) {
            m_rows[row] = std::move(fresh[next]);
            Q_EMIT dataChanged(index(int(row)), index(int(row)));
        }
        ++row;
        ++next;
    }
    if (qsizetype(m_rows.size()) != before)
        Q_EMIT countChanged();
}

Result<ApprovalListModel::Snapshot> ApprovalListModel::read(Cabinet &cabinet, bool history, int limit)
{
    auto &service = cabinet.service<approvals::ApprovalService>();
    const approvals::ApprovalFilter filter = history ? approvals::ApprovalFilter::Decided : approvals::ApprovalFilter::Pending;
    std::vector<approvals::ApprovalRequest> requests;
    Snapshot snapshot;
    QString after;
    do {
        auto page = service.list(filter, after, std::min(approvals::ListLimitMax, limit - int(requests.size())));
        if (!page)
            return page.error();
        std::move(page->requests.begin(), page->requests.end(), std::back_inserter(requests));
        snapshot.pending = page->pending;
        after = page->next;
    } while (!after.isEmpty() && int(requests.size()) < limit);
    snapshot.rows = approvalRows(requests, history ? ApprovalOrder::NewestFirst : ApprovalOrder::ByDeadline);
    QStringList ids;
    for (const ApprovalRow &row : snapshot.rows)
        ids.append(row.id);
    auto board = cabinet.service<board::BoardService>().recommendations(ids);
    if (!board)
        return board.error();
    for (ApprovalRow &row : snapshot.rows) {
        const auto found = board->constFind(row.id);
        if (found == board->constEnd())
            continue;
        row.boardId = found->id;
        row.boardVerdict = found->verdict;
        row.boardApproveShare = found->approveShare;
        row.boardApprove = found->approve;
        row.boardReject = found->reject;
        row.boardAbstain = found->abstain;
        row.boardDissent = found->dissent;
    }
    return snapshot;
}

void ApprovalListModel::onCoreReady()
{
    m_throttle->schedule();
}

void ApprovalListModel::onCoreEvent(const Event &)
{
    m_throttle->schedule();
}

bool ApprovalListModel::refresh()
{
    if (!coreReady())
        return false;
    connection()->request(
        this, [history = m_history, limit = m_limit](Cabinet &cabinet) { return read(cabinet, history, limit); },
        [this, generation = m_generation](Result<Snapshot> reply) {
            m_throttle->finished();
            if (generation != m_generation)
                return;
            if (!reply) {
                setErrorMessage(reply.error().message);
                return;
            }
            setErrorMessage({});
            merge(std::move(reply->rows));
            if (const int total = int(reply->pending); total != m_total) {
                m_total = total;
                Q_EMIT totalChanged();
            }
            setLoaded(true);
        });
    return true;
}

} // namespace cabinet::gui

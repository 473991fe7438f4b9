#include "gui/PendingTransfersModel.h"

#include "gui/LedgerText.h"
#include "gui/RefreshThrottle.h"
#include "ledger/Ledger.h"
#include "ledger/U128.h"

#include <algorithm>
#include <map>
#include <set>

namespace cabinet::gui {

using namespace cabinet::ledger;

namespace {

u64 expiresAtNs(const Transfer &transfer)
{
    return transfer.timeout == 0 ? 0 : transfer.timestamp + transfer.timeoutNs();
}

bool expiredBy(const Transfer &transfer, u64 nowNs)
{
    const u64 expiry = expiresAtNs(transfer);
    return expiry != 0 && expiry <= nowNs;
}

// Soonest expiry first, those that never expire last; ties by age.
bool expiresFirst(const Transfer &a, const Transfer &b)
{
    const u64 ea = expiresAtNs(a) ? expiresAtNs(a) : TimestampMax;
    const u64 eb = expiresAtNs(b) ? expiresAtNs(b) : TimestampMax;
    return ea != eb ? ea < eb : a.timestamp < b.timestamp;
}

bool resolves(const Transfer &transfer)
{
    return transfer.has(TransferFlag::PostPendingTransfer) || transfer.has(TransferFlag::VoidPendingTransfer);
}

} // namespace

PendingTransfersModel::PendingTransfersModel(QObject *parent)
    : QAbstractListModel(parent)
    , m_throttle(new RefreshThrottle([this] { return refresh(); }, this))
{ }

PendingTransfersModel::~PendingTransfersModel() = default;

int PendingTransfersModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant PendingTransfersModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Transfer &transfer = m_rows[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case IdRole:
        return toDecimal(transfer.id);
    case DebitAccountRole:
        return toDecimal(transfer.debit_account_id);
    case CreditAccountRole:
        return toDecimal(transfer.credit_account_id);
    case AmountRole:
        return toDecimal(transfer.amount);
    case AmountTextRole:
        return ledgertext::amount(transfer.amount, transfer.ledger);
    case LedgerRole:
        return transfer.ledger;
    case CodeRole:
        return transfer.code;
    case TimeRole:
        return ledgertext::time(transfer.timestamp);
    case TimeoutRole:
        return transfer.timeout;
    case ExpiresAtRole:
        return transfer.timeout ? ledgertext::time(expiresAtNs(transfer)) : QDateTime();
    case ExpiresAtMsRole:
        // A double: QML's numbers are, and milliseconds since the epoch fit exactly.
        return double(expiresAtNs(transfer) / 1'000'000);
    default:
        return {};
    }
}

QHash<int, QByteArray> PendingTransfersModel::roleNames() const
{
    return { { IdRole, "transferId" }, { DebitAccountRole, "debitAccountId" }, { CreditAccountRole, "creditAccountId" },
        { AmountRole, "amount" }, { AmountTextRole, "amountText" }, { LedgerRole, "ledger" }, { CodeRole, "code" },
        { TimeRole, "time" }, { TimeoutRole, "timeout" }, { ExpiresAtRole, "expiresAt" },
        { ExpiresAtMsRole, "expiresAtMs" } };
}

void PendingTransfersModel::setConnection(CoreConnection *connection)
{
    if (connection == m_connection)
        return;
    if (m_connection)
        m_connection->disconnect(this);
    m_connection = connection;
    if (m_connection) {
        connect(m_connection, &CoreConnection::eventPublished, this, &PendingTransfersModel::onEvent);
        connect(m_connection, &CoreConnection::stateChanged, this, &PendingTransfersModel::onStateChanged);
        onStateChanged();
    }
    Q_EMIT connectionChanged();
}

Result<PendingTransfersModel::Delta> PendingTransfersModel::read(Cabinet &cabinet, u64 after, int limit)
{
    Delta delta;
    delta.backward = after == 0;
    delta.nowNs = u64(std::max<qint64>(cabinet.clock().nowNs(), 0));
    QueryFilter filter;
    filter.limit = BatchMax;
    std::set<u128> resolved;       // backward: posts and voids seen, their pending transfers come later
    std::map<u128, Transfer> opened; // forward: a post or void later in the read closes them here
    if (delta.backward)
        filter.flags = QueryFilterFlag::Reversed;
    else
        filter.timestamp_min = after + 1;

    int read = 0;
    for (;;) {
        auto page = cabinet.ledger().queryTransfers(filter);
        if (!page)
            return page.error();
        for (const Transfer &transfer : *page) {
            delta.newestTimestamp = std::max(delta.newestTimestamp, transfer.timestamp);
            if (resolves(transfer)) {
                if (delta.backward)
                    resolved.insert(transfer.pending_id);
                else if (!opened.erase(transfer.pending_id))
                    delta.resolved.push_back(transfer.pending_id);
            } else if (transfer.has(TransferFlag::Pending) && !expiredBy(transfer, delta.nowNs)) {
                if (!delta.backward)
                    opened.emplace(transfer.id, transfer);
                else if (!resolved.contains(transfer.id))
                    delta.opened.push_back(transfer);
            }
        }
        read += int(page->size());
        if (page->size() < BatchMax) {
            delta.reachedStart = delta.backward;
            break;
        }
        if (read >= limit) {
            delta.more = !delta.backward;
            break;
        }
        if (delta.backward)
            filter.timestamp_max = page->back().timestamp - 1;
        else
            filter.timestamp_min = page->back().timestamp + 1;
    }
    for (const auto &[id, transfer] : opened)
        delta.opened.push_back(transfer);
    return delta;
}

void PendingTransfersModel::apply(const Delta &delta)
{
    const qsizetype before = qsizetype(m_rows.size());
    std::vector<Transfer> opened = delta.opened;
    std::sort(opened.begin(), opened.end(), expiresFirst);
    bool complete = m_complete;

    if (delta.backward) {
        complete = delta.reachedStart;
        if (qsizetype(opened.size()) > MaxRows) {
            opened.resize(MaxRows);
            complete = false;
        }
        beginResetModel();
        m_rows = std::move(opened);
        endResetModel();
    } else {
        const std::set<u128> resolved(delta.resolved.begin(), delta.resolved.end());
        for (int row = int(m_rows.size()) - 1; row >= 0; --row) {
            const Transfer &transfer = m_rows[size_t(row)];
            if (resolved.contains(transfer.id) || expiredBy(transfer, delta.nowNs)) {
                beginRemoveRows({}, row, row);
                m_rows.erase(m_rows.begin() + row);
                endRemoveRows();
            }
        }
        for (const Transfer &transfer : opened) {
            const auto at = std::upper_bound(m_rows.begin(), m_rows.end(), transfer, expiresFirst);
            const int row = int(at - m_rows.begin());
            if (row >= MaxRows) {
                complete = false;
                continue;
            }
            beginInsertRows({}, row, row);
            m_rows.insert(at, transfer);
            endInsertRows();
            if (qsizetype(m_rows.size()) > MaxRows) {
                beginRemoveRows({}, MaxRows, MaxRows);
                m_rows.pop_back();
                endRemoveRows();
                complete = false;
            }
        }
    }
    if (delta.newestTimestamp > m_readTo)
        m_readTo = delta.newestTimestamp;
    if (qsizetype(m_rows.size()) != before)
        Q_EMIT countChanged();
    if (complete != m_complete) {
        m_complete = complete;
        Q_EMIT completeChanged();
    }
}

void PendingTransfersModel::onStateChanged()
{
    if (m_connection && m_connection->state() == CoreConnection::Ready)
        m_throttle->schedule();
}

void PendingTransfersModel::onEvent(const Event &event)
{
    if (event.type == events::LedgerTransfersCreated || event.type == events::LedgerTransfersExpired)
        m_throttle->schedule();
}

bool PendingTransfersModel::refresh()
{
    if (!m_connection || m_connection->state() != CoreConnection::Ready) {
        return false;
    }
    m_connection->request(
        this, [after = m_readTo](Cabinet &cabinet) { return read(cabinet, after); },
        [this](const Result<Delta> &delta) {
            m_throttle->finished();
            if (!delta) {
                setErrorMessage(delta.error().message);
                return;
            }
            setErrorMessage({});
            apply(*delta);
            if (!m_loaded) {
                m_loaded = true;
                Q_EMIT loadedChanged();
            }
            if (delta->more)
                m_throttle->schedule();
        });
    return true;
}

void PendingTransfersModel::setErrorMessage(const QString &message)
{
    if (message == m_errorMessage)
        return;
    m_errorMessage = message;
    Q_EMIT errorMessageChanged();
}

} // namespace cabinet::gui

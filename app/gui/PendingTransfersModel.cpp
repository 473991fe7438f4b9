#include "gui/PendingTransfersModel.h"

#include "gui/LedgerText.h"
#include "gui/RefreshThrottle.h"
#include "ledger/Ledger.h"
#include "ledger/U128.h"

#include <algorithm>
#include <set>

namespace cabinet::gui {

using namespace cabinet::ledger;

namespace {

std::set<u128> idsOf(const std::vector<OpenPendingTransfer> &rows)
{
    std::set<u128> ids;
    for (const OpenPendingTransfer &row : rows)
        ids.insert(row.transfer.id);
    return ids;
}

} // namespace

PendingTransfersModel::PendingTransfersModel(QObject *parent)
    : CoreModel({ events::LedgerTransfersCreated, events::LedgerTransfersExpired }, parent)
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
    const OpenPendingTransfer &row = m_rows[size_t(index.row())];
    const Transfer &transfer = row.transfer;
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
        return row.expiresAtNs ? ledgertext::time(row.expiresAtNs) : QDateTime();
    case ExpiresAtMsRole:
        // A double: QML's numbers are, and milliseconds since the epoch fit exactly.
        return double(row.expiresAtNs / 1'000'000);
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

void PendingTransfersModel::setLimit(int limit)
{
    limit = std::clamp(limit, 1, MaxLimit);
    if (limit == m_limit)
        return;
    m_limit = limit;
    Q_EMIT limitChanged();
    m_throttle->schedule();
}

void PendingTransfersModel::merge(std::vector<OpenPendingTransfer> snapshot)
{
    const qsizetype before = qsizetype(m_rows.size());
    const std::set<u128> open = idsOf(snapshot);

    // Rows no longer open (or no longer among the first `limit`) go, a run
    // of neighbours at a time.
    for (int last = int(m_rows.size()) - 1; last >= 0;) {
        if (open.contains(m_rows[size_t(last)].transfer.id)) {
            --last;
            continue;
        }
        int first = last;
        while (first > 0 && !open.contains(m_rows[size_t(first - 1)].transfer.id))
            --first;
        beginRemoveRows({}, first, last);
        m_rows.erase(m_rows.begin() + first, m_rows.begin() + last + 1);
        endRemoveRows();
        last = first - 1;
    }

    // A transfer's place in the ledger's order never changes (its expiry and
    // timestamp are fixed), so the rows left come in the snapshot's order,
    // and the new ones go between them.
    const std::set<u128> kept = idsOf(m_rows);
    size_t row = 0;
    for (size_t next = 0; next < snapshot.size();) {
        if (row < m_rows.size() && m_rows[row].transfer.id == snapshot[next].transfer.id) {
            ++row;
            ++next;
            continue;
        }
        if (kept.contains(snapshot[next].transfer.id)) {
            // Listed, but further down: a backend that orders otherwise.
            // Start over rather than list a transfer twice.
            beginResetModel();
            m_rows = std::move(snapshot);
            endResetModel();
            break;
        }
        // The new ones up to the next row already listed.
        size_t end = next + 1;
        while (end < snapshot.size() && !kept.contains(snapshot[end].transfer.id))
            ++end;
        beginInsertRows({}, int(row), int(row + (end - next)) - 1);
        m_rows.insert(m_rows.begin() + std::ptrdiff_t(row), snapshot.begin() + std::ptrdiff_t(next),
                      snapshot.begin() + std::ptrdiff_t(end));
        endInsertRows();
        row += end - next;
        next = end;
    }
    if (qsizetype(m_rows.size()) != before)
        Q_EMIT countChanged();
}

void PendingTransfersModel::onCoreReady()
{
    m_throttle->schedule();
}

void PendingTransfersModel::onCoreEvent(const Event &)
{
    m_throttle->schedule();
}

bool PendingTransfersModel::refresh()
{
    if (!coreReady())
        return false;
    connection()->request(
        this, [limit = u32(m_limit)](Cabinet &cabinet) { return cabinet.service<cabinet::ledger::Ledger>().openPendingTransfers(limit); },
        [this](Result<OpenPendingTransfers> reply) {
            m_throttle->finished();
            if (!reply) {
                setErrorMessage(reply.error().message);
                return;
            }
            setErrorMessage({});
            merge(std::move(reply->transfers));
            // The ledger counts in u64; QML's numbers are doubles, and no
            // ledger holds 2^53 open pending transfers.
            if (const qint64 total = qint64(reply->total); total != m_total) {
                m_total = total;
                Q_EMIT totalChanged();
            }
            setLoaded(true);
        });
    return true;
}

} // namespace cabinet::gui

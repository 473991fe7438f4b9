#include "gui/LedgerTransfersModel.h"

#include "gui/LedgerText.h"
#include "gui/RefreshThrottle.h"
#include "ledger/Ledger.h"
#include "ledger/U128.h"

#include <QJsonArray>

namespace cabinet::gui {

using namespace cabinet::ledger;

LedgerTransfersModel::LedgerTransfersModel(QObject *parent)
    // An expiry moves balances but adds no transfer to the account.
    : CoreModel({ events::LedgerTransfersCreated }, parent)
    , m_throttle(new RefreshThrottle([this] { return refresh(); }, this))
{ }

LedgerTransfersModel::~LedgerTransfersModel() = default;

int LedgerTransfersModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant LedgerTransfersModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Transfer &transfer = m_rows[size_t(index.row())];
    const bool outgoing = transfer.debit_account_id == m_accountId;
    switch (role) {
    case Qt::DisplayRole:
    case IdRole:
        return toDecimal(transfer.id);
    case TimeRole:
        return ledgertext::time(transfer.timestamp);
    case KindRole:
        if (transfer.has(TransferFlag::Pending))
            return QStringLiteral("pending");
        if (transfer.has(TransferFlag::PostPendingTransfer))
            return QStringLiteral("post");
        if (transfer.has(TransferFlag::VoidPendingTransfer))
            return QStringLiteral("void");
        return QStringLiteral("single");
    case OutgoingRole:
        return outgoing;
    case CounterpartyRole:
        return toDecimal(outgoing ? transfer.credit_account_id : transfer.debit_account_id);
    case AmountRole:
        return toDecimal(transfer.amount);
    case AmountTextRole:
        return ledgertext::amount(transfer.amount, transfer.ledger);
    case LedgerRole:
        return transfer.ledger;
    case CodeRole:
        return transfer.code;
    case FlagsRole:
        return ledgertext::transferFlags(transfer.flags);
    case PendingIdRole:
        return transfer.pending_id ? toDecimal(transfer.pending_id) : QString();
    case TimeoutRole:
        return transfer.timeout;
    default:
        return {};
    }
}

QHash<int, QByteArray> LedgerTransfersModel::roleNames() const
{
    return { { IdRole, "transferId" }, { TimeRole, "time" }, { KindRole, "kind" }, { OutgoingRole, "outgoing" },
        { CounterpartyRole, "counterparty" }, { AmountRole, "amount" }, { AmountTextRole, "amountText" },
        { LedgerRole, "ledger" }, { CodeRole, "code" }, { FlagsRole, "flags" }, { PendingIdRole, "pendingId" },
        { TimeoutRole, "timeout" } };
}

void LedgerTransfersModel::setAccountId(const QString &id)
{
    if (id == m_accountIdText)
        return;
    m_accountIdText = id;
    const QByteArray digits = id.toLatin1();
    m_accountId = parseDecimal(std::string_view(digits.constData(), size_t(digits.size()))).value_or(0);
    ++m_generation;
    clear();
    setLoaded(false);
    setErrorMessage({});
    Q_EMIT accountIdChanged();
    m_throttle->schedule();
}

void LedgerTransfersModel::prepend(const std::vector<Transfer> &newestFirst)
{
    std::vector<Transfer> fresh;
    for (const Transfer &transfer : newestFirst) {
        if (m_rows.empty() || transfer.timestamp > m_rows.front().timestamp)
            fresh.push_back(transfer);
    }
    if (fresh.empty())
        return;
    if (qsizetype(fresh.size()) > MaxRows)
        fresh.resize(MaxRows);
    beginInsertRows({}, 0, int(fresh.size()) - 1);
    m_rows.insert(m_rows.begin(), fresh.begin(), fresh.end());
    endInsertRows();
    if (qsizetype(m_rows.size()) > MaxRows) {
        beginRemoveRows({}, MaxRows, int(m_rows.size()) - 1);
        m_rows.resize(MaxRows);
        endRemoveRows();
    }
    Q_EMIT countChanged();
}

void LedgerTransfersModel::onCoreReady()
{
    m_throttle->schedule();
}

void LedgerTransfersModel::onCoreEvent(const Event &event)
{
    if (m_accountId == 0)
        return;
    const bool touched = event.payload.value(QStringLiteral("accounts_truncated")).toBool()
        || event.payload.value(QStringLiteral("accounts")).toArray().contains(m_accountIdText);
    if (touched)
        m_throttle->schedule();
}

bool LedgerTransfersModel::refresh()
{
    if (!coreReady() || m_accountId == 0)
        return false;
    AccountFilter filter;
    filter.account_id = m_accountId;
    filter.limit = MaxRows;
    filter.flags = AccountFilterFlag::Debits | AccountFilterFlag::Credits | AccountFilterFlag::Reversed;
    // Only what is newer than the newest listed.
    filter.timestamp_min = m_rows.empty() ? 0 : m_rows.front().timestamp + 1;
    connection()->request(
        this, [filter](Cabinet &cabinet) { return cabinet.service<cabinet::ledger::Ledger>().getAccountTransfers(filter); },
        [this, generation = m_generation](const Result<std::vector<Transfer>> &transfers) {
            m_throttle->finished();
            if (generation != m_generation)
                return;
            if (!transfers) {
                setErrorMessage(transfers.error().message);
                return;
            }
            setErrorMessage({});
            prepend(*transfers);
            setLoaded(true);
        });
    return true;
}

void LedgerTransfersModel::clear()
{
    if (m_rows.empty())
        return;
    beginResetModel();
    m_rows.clear();
    endResetModel();
    Q_EMIT countChanged();
}

} // namespace cabinet::gui

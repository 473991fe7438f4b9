#include "gui/LedgerAccountsModel.h"

#include "gui/LedgerText.h"
#include "gui/RefreshThrottle.h"
#include "ledger/Ledger.h"
#include "ledger/U128.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>

namespace cabinet::gui {

using namespace cabinet::ledger;

namespace {

bool olderFirst(const Account &a, const Account &b)
{
    return a.timestamp < b.timestamp;
}

struct Snapshot {
    Result<std::vector<Account>> accounts;
    bool more = false; // accounts beyond the first page exist
};

} // namespace

LedgerAccountsModel::LedgerAccountsModel(QObject *parent)
    : CoreModel({ events::LedgerAccountsCreated, events::LedgerTransfersCreated, events::LedgerTransfersExpired }, parent)
    , m_throttle(new RefreshThrottle([this] { return refresh(); }, this))
{ }

LedgerAccountsModel::~LedgerAccountsModel() = default;

int LedgerAccountsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant LedgerAccountsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Account &account = m_rows[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
    case IdRole:
        return toDecimal(account.id);
    case LedgerRole:
        return account.ledger;
    case CodeRole:
        return account.code;
    case FlagsRole:
        return ledgertext::accountFlags(account.flags);
    case DebitsPendingRole:
        return toDecimal(account.debits_pending);
    case DebitsPostedRole:
        return toDecimal(account.debits_posted);
    case CreditsPendingRole:
        return toDecimal(account.credits_pending);
    case CreditsPostedRole:
        return toDecimal(account.credits_posted);
    case BalanceRole:
        return ledgertext::netDecimal(account.credits_posted, account.debits_posted);
    case BalanceTextRole:
        return ledgertext::net(account.credits_posted, account.debits_posted, account.ledger);
    case DebitsPostedTextRole:
        return ledgertext::amount(account.debits_posted, account.ledger);
    case CreditsPostedTextRole:
        return ledgertext::amount(account.credits_posted, account.ledger);
    case DebitsPendingTextRole:
        return ledgertext::amount(account.debits_pending, account.ledger);
    case CreditsPendingTextRole:
        return ledgertext::amount(account.credits_pending, account.ledger);
    case NegativeRole:
        return account.debits_posted > account.credits_posted;
    case ClosedRole:
        return account.has(AccountFlag::Closed);
    case NameRole:
        return m_names.value(toDecimal(account.id));
    default:
        return {};
    }
}

QHash<int, QByteArray> LedgerAccountsModel::roleNames() const
{
    return { { IdRole, "accountId" }, { LedgerRole, "ledger" }, { CodeRole, "code" }, { FlagsRole, "flags" },
        { DebitsPendingRole, "debitsPending" }, { DebitsPostedRole, "debitsPosted" },
        { CreditsPendingRole, "creditsPending" }, { CreditsPostedRole, "creditsPosted" }, { BalanceRole, "balance" },
        { BalanceTextRole, "balanceText" }, { DebitsPostedTextRole, "debitsPostedText" },
        { CreditsPostedTextRole, "creditsPostedText" }, { DebitsPendingTextRole, "debitsPendingText" },
        { CreditsPendingTextRole, "creditsPendingText" }, { NegativeRole, "negative" }, { ClosedRole, "closed" },
        { NameRole, "name" } };
}

void LedgerAccountsModel::merge(const std::vector<Account> &accounts)
{
    std::vector<Account> incoming = accounts;
    std::sort(incoming.begin(), incoming.end(), olderFirst);
    const qsizetype before = qsizetype(m_rows.size());
    std::vector<Account> appended;
    bool dropped = false;
    for (const Account &account : incoming) {
        const auto at = std::lower_bound(m_rows.begin(), m_rows.end(), account, olderFirst);
        const int row = int(at - m_rows.begin());
        if (at != m_rows.end() && at->timestamp == account.timestamp) {
            if (!(*at == account)) {
                *at = account;
                Q_EMIT dataChanged(index(row), index(row));
            }
        } else if (qsizetype(m_rows.size() + appended.size()) >= MaxRows) {
            dropped = true;
        } else if (at == m_rows.end()) {
            if (appended.empty() || appended.back().timestamp < account.timestamp)
                appended.push_back(account);
        } else {
            // An account older than the newest listed: only after a reload
            // that found more than a page had been cut off.
            beginInsertRows({}, row, row);
            m_rows.insert(at, account);
            endInsertRows();
        }
    }
    if (!appended.empty()) {
        const int first = int(m_rows.size());
        beginInsertRows({}, first, first + int(appended.size()) - 1);
        m_rows.insert(m_rows.end(), appended.begin(), appended.end());
        endInsertRows();
    }
    if (dropped)
        setTruncated(true);
    if (qsizetype(m_rows.size()) != before)
        Q_EMIT countChanged();
}

void LedgerAccountsModel::onCoreReady()
{
    m_reloadAll = true;
    m_throttle->schedule();
}

void LedgerAccountsModel::onCoreEvent(const Event &event)
{
    if (event.payload.value(QStringLiteral("accounts_truncated")).toBool()) {
        m_reloadAll = true;
    } else {
        const QJsonArray ids = event.payload.value(QStringLiteral("accounts")).toArray();
        for (const QJsonValue &id : ids)
            m_touched.insert(id.toString());
        if (m_touched.size() > qsizetype(BatchMax))
            m_reloadAll = true;
    }
    m_throttle->schedule();
}

bool LedgerAccountsModel::refresh()
{
    if (!coreReady())
        return false;
    if (m_reloadAll) {
        m_reloadAll = false;
        m_touched.clear();
        connection()->request(
            this,
            [](Cabinet &cabinet) {
                QueryFilter filter;
                filter.limit = BatchMax;
                Snapshot snapshot { cabinet.service<cabinet::ledger::Ledger>().queryAccounts(filter) };
                if (snapshot.accounts && snapshot.accounts->size() == BatchMax) {
                    QueryFilter beyond;
                    beyond.limit = 1;
                    beyond.timestamp_min = snapshot.accounts->back().timestamp + 1;
                    const auto next = cabinet.service<cabinet::ledger::Ledger>().queryAccounts(beyond);
                    snapshot.more = next && !next->empty();
                }
                return snapshot;
            },
            [this](const Snapshot &snapshot) {
                m_throttle->finished();
                if (!snapshot.accounts) {
                    setErrorMessage(snapshot.accounts.error().message);
                    return;
                }
                setErrorMessage({});
                mergeAndName(*snapshot.accounts);
                setTruncated(snapshot.more);
                setLoaded(true);
            });
        return true;
    }

    std::vector<u128> ids;
    ids.reserve(size_t(m_touched.size()));
    for (const QString &text : std::as_const(m_touched)) {
        const QByteArray digits = text.toLatin1();
        if (const auto id = parseDecimal(std::string_view(digits.constData(), size_t(digits.size()))))
            ids.push_back(*id);
    }
    m_touched.clear();
    if (ids.empty())
        return false;
    connection()->request(
        this, [ids = std::move(ids)](Cabinet &cabinet) { return cabinet.service<cabinet::ledger::Ledger>().lookupAccounts(ids); },
        [this](const Result<std::vector<Account>> &accounts) {
            m_throttle->finished();
            if (!accounts) {
                setErrorMessage(accounts.error().message);
                return;
            }
            setErrorMessage({});
            mergeAndName(*accounts);
        });
    return true;
}

void LedgerAccountsModel::mergeAndName(const std::vector<Account> &accounts)
{
    const int before = count();
    merge(accounts);
    if (count() != before)
        loadNames();
}

void LedgerAccountsModel::loadNames()
{
    connection()->call(this, QStringLiteral("budget.show"), "{}", [this](const Result<QByteArray> &shown) {
        // Without names the ids still show: no error for the panel.
        if (!shown)
            return;
        QHash<QString, QString> names;
        for (const QJsonValue &value : QJsonDocument::fromJson(*shown).object().value(u"accounts").toArray())
            names.insert(value[u"id"].toString(), value[u"name"].toString());
        if (names == m_names)
            return;
        m_names = std::move(names);
        if (!m_rows.empty())
            Q_EMIT dataChanged(index(0), index(int(m_rows.size()) - 1), { NameRole });
    });
}

void LedgerAccountsModel::setTruncated(bool truncated)
{
    if (truncated == m_truncated)
        return;
    m_truncated = truncated;
    Q_EMIT truncatedChanged();
}

} // namespace cabinet::gui

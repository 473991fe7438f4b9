#pragma once

#include "events/Event.h"
#include "gui/CoreModel.h"
#include "ledger/LedgerTypes.h"

#include <QSet>
#include <QtQml/qqmlregistration.h>

#include <vector>

namespace cabinet::gui {

class RefreshThrottle;

// The ledger's accounts with their balances, in the order they were created.
// Filled from one query, then kept current by the ledger's batch events:
// an event lists the accounts its batch touched, and only those are looked
// up again (all of them when the event says the list was cut short).
// The costs' accounts carry their names (budget.show), asked again when
// accounts come: their ids are derived and say nothing to a person.
// Refreshes are throttled, so a busy ledger costs the core a few lookups a
// second, not one per batch.
class LedgerAccountsModel : public CoreModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(bool truncated READ truncated NOTIFY truncatedChanged)
    Q_PROPERTY(int maxRows READ maxRows CONSTANT)
public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        LedgerRole,
        CodeRole,
        FlagsRole,          // list of TigerBeetle flag names
        DebitsPendingRole,  // exact decimal digits
        DebitsPostedRole,
        CreditsPendingRole,
        CreditsPostedRole,
        BalanceRole,        // credits_posted - debits_posted, exact, signed
        BalanceTextRole,    // the same as the console writes money ("$1,234.567890" on ledger 1)
        DebitsPostedTextRole,
        CreditsPostedTextRole,
        DebitsPendingTextRole,
        CreditsPendingTextRole,
        NegativeRole,       // the balance is below zero
        ClosedRole,
        NameRole,           // what the account is for ("envelope rex"), from budget.show; "" when it is not a costs account
    };
    Q_ENUM(Role)
    // One query page of the ledger: more accounts than this are not listed.
    static constexpr int MaxRows = int(ledger::BatchMax);

    explicit LedgerAccountsModel(QObject *parent = nullptr);
    ~LedgerAccountsModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    int count() const { return int(m_rows.size()); }
    bool truncated() const { return m_truncated; }
    int maxRows() const { return MaxRows; }

    // Adds new accounts in creation order and updates the ones listed.
    void merge(const std::vector<ledger::Account> &accounts);

Q_SIGNALS:
    void countChanged();
    void truncatedChanged();

private:
    void onCoreReady() override;
    void onCoreEvent(const cabinet::Event &event) override;
    bool refresh();
    void setTruncated(bool truncated);
    // Merges and, when accounts came, asks budget.show for the costs' names.
    void mergeAndName(const std::vector<ledger::Account> &accounts);
    void loadNames();

    RefreshThrottle *m_throttle;
    std::vector<ledger::Account> m_rows; // ascending timestamp
    bool m_truncated = false;
    bool m_reloadAll = true;
    QSet<QString> m_touched; // decimal ids from events, looked up at the next refresh
    QHash<QString, QString> m_names; // decimal id -> the costs' name for it
};

} // namespace cabinet::gui

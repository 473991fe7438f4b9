#pragma once

#include "events/Event.h"
#include "gui/CoreModel.h"
#include "ledger/LedgerTypes.h"

#include <QtQml/qqmlregistration.h>

#include <vector>

namespace cabinet::gui {

class RefreshThrottle;

// The transfers of one account (accountId), newest first, at most maxRows:
// the ledger's get_account_transfers with debits, credits and reversed.
// A batch event that lists the account adds its new transfers on top.
class LedgerTransfersModel : public CoreModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(QString accountId READ accountId WRITE setAccountId NOTIFY accountIdChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(int maxRows READ maxRows CONSTANT)
public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        TimeRole,
        KindRole,           // "single", "pending", "post" or "void"
        OutgoingRole,       // the account is the debit side
        CounterpartyRole,   // the other account's decimal id
        AmountRole,         // exact decimal digits
        AmountTextRole,     // as the console writes money
        LedgerRole,
        CodeRole,
        FlagsRole,          // list of TigerBeetle flag names
        PendingIdRole,      // of a post or void; empty otherwise
        TimeoutRole,        // seconds, of a pending transfer
    };
    Q_ENUM(Role)
    static constexpr int MaxRows = 200;

    explicit LedgerTransfersModel(QObject *parent = nullptr);
    ~LedgerTransfersModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    QString accountId() const { return m_accountIdText; }
    void setAccountId(const QString &id);
    int count() const { return int(m_rows.size()); }
    int maxRows() const { return MaxRows; }

    // Puts transfers newer than the newest listed on top, then trims to maxRows.
    void prepend(const std::vector<ledger::Transfer> &newestFirst);

Q_SIGNALS:
    void accountIdChanged();
    void countChanged();

private:
    void onCoreReady() override;
    void onCoreEvent(const cabinet::Event &event) override;
    bool refresh();
    void clear();

    RefreshThrottle *m_throttle;
    QString m_accountIdText;
    ledger::u128 m_accountId = 0; // 0: none chosen
    quint64 m_generation = 0;     // answers for an earlier account are dropped
    std::vector<ledger::Transfer> m_rows; // descending timestamp
};

} // namespace cabinet::gui

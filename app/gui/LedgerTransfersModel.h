#pragma once

#include "events/Event.h"
#include "gui/CoreConnection.h"
#include "ledger/LedgerTypes.h"

#include <QAbstractListModel>
#include <QPointer>
#include <QtQml/qqmlregistration.h>

#include <vector>

namespace cabinet::gui {

class RefreshThrottle;

// The transfers of one account (accountId), newest first, at most maxRows:
// the ledger's get_account_transfers with debits, credits and reversed.
// A batch event that lists the account adds its new transfers on top.
class LedgerTransfersModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(cabinet::gui::CoreConnection *connection READ connection WRITE setConnection NOTIFY connectionChanged)
    Q_PROPERTY(QString accountId READ accountId WRITE setAccountId NOTIFY accountIdChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(int maxRows READ maxRows CONSTANT)
    Q_PROPERTY(bool loaded READ loaded NOTIFY loadedChanged)
    Q_PROPERTY(QString errorMessage READ errorMessage NOTIFY errorMessageChanged)
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

    CoreConnection *connection() const { return m_connection; }
    void setConnection(CoreConnection *connection);
    QString accountId() const { return m_accountIdText; }
    void setAccountId(const QString &id);
    int count() const { return int(m_rows.size()); }
    int maxRows() const { return MaxRows; }
    bool loaded() const { return m_loaded; }
    QString errorMessage() const { return m_errorMessage; }

    // Puts transfers newer than the newest listed on top, then trims to maxRows.
    void prepend(const std::vector<ledger::Transfer> &newestFirst);

Q_SIGNALS:
    void connectionChanged();
    void accountIdChanged();
    void countChanged();
    void loadedChanged();
    void errorMessageChanged();

private:
    void onStateChanged();
    void onEvent(const cabinet::Event &event);
    bool refresh();
    void clear();
    void setLoaded(bool loaded);
    void setErrorMessage(const QString &message);

    QPointer<CoreConnection> m_connection;
    RefreshThrottle *m_throttle;
    QString m_accountIdText;
    ledger::u128 m_accountId = 0; // 0: none chosen
    quint64 m_generation = 0;     // answers for an earlier account are dropped
    std::vector<ledger::Transfer> m_rows; // descending timestamp
    bool m_loaded = false;
    QString m_errorMessage;
};

} // namespace cabinet::gui

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

// Pending transfers that are still open (not posted, voided or expired),
// soonest expiry first; those without a timeout last.
//
// The ledger has no query for open pending transfers, so the model derives
// them from the transfers themselves: a post or void always comes after the
// pending transfer it resolves, and a pending transfer with a timeout is
// expired once the ledger's clock passes timestamp + timeout. Reading the
// newest transfers backwards therefore finds every open pending transfer
// among them exactly. The first read covers the newest scanLimit transfers
// (complete says whether that was all of them); after it the model reads
// forward from where it stopped, at each batch or expiry event.
//
// Countdowns need no core call: expiresAt is fixed, and the panel ticks
// against it on the GUI thread.
class PendingTransfersModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(cabinet::gui::CoreConnection *connection READ connection WRITE setConnection NOTIFY connectionChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(bool loaded READ loaded NOTIFY loadedChanged)
    Q_PROPERTY(bool complete READ complete NOTIFY completeChanged)
    Q_PROPERTY(int scanLimit READ scanLimit CONSTANT)
    Q_PROPERTY(QString errorMessage READ errorMessage NOTIFY errorMessageChanged)
public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        DebitAccountRole,
        CreditAccountRole,
        AmountRole,       // exact decimal digits
        AmountTextRole,   // as the console writes money
        LedgerRole,
        CodeRole,
        TimeRole,         // when it was created
        TimeoutRole,      // seconds; 0: never expires
        ExpiresAtRole,    // QDateTime; invalid when it never expires
        ExpiresAtMsRole,  // ms since the epoch, for countdowns; 0 when it never expires
    };
    Q_ENUM(Role)
    // Transfers read backwards by the first refresh, and forward by each
    // later one (a later one that stops short is followed by another).
    static constexpr int ScanLimit = 8 * int(ledger::BatchMax);
    // Open pending transfers listed; beyond it those expiring last are left
    // out (and complete is false).
    static constexpr int MaxRows = 10'000;

    explicit PendingTransfersModel(QObject *parent = nullptr);
    ~PendingTransfersModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    CoreConnection *connection() const { return m_connection; }
    void setConnection(CoreConnection *connection);
    int count() const { return int(m_rows.size()); }
    bool loaded() const { return m_loaded; }
    bool complete() const { return m_complete; }
    int scanLimit() const { return ScanLimit; }
    QString errorMessage() const { return m_errorMessage; }

    // What one read of the transfers found (exposed for the tests).
    struct Delta {
        std::vector<ledger::Transfer> opened; // pending, not resolved within the read
        std::vector<ledger::u128> resolved;   // pending ids posted or voided
        ledger::u64 newestTimestamp = 0;      // of the newest transfer read; 0: none
        ledger::u64 nowNs = 0;                // the ledger's clock at the read
        bool backward = false;                // read from the newest back: replaces the rows
        bool reachedStart = false;            // a backward read got to the first transfer
        bool more = false;                    // a forward read stopped at the limit
    };
    // The read itself, on the core thread: backwards from the newest when
    // after == 0, else forward from after + 1.
    static Result<Delta> read(Cabinet &cabinet, ledger::u64 after, int limit = ScanLimit);
    void apply(const Delta &delta);

Q_SIGNALS:
    void connectionChanged();
    void countChanged();
    void loadedChanged();
    void completeChanged();
    void errorMessageChanged();

private:
    void onStateChanged();
    void onEvent(const cabinet::Event &event);
    bool refresh();
    void setErrorMessage(const QString &message);

    QPointer<CoreConnection> m_connection;
    RefreshThrottle *m_throttle;
    std::vector<ledger::Transfer> m_rows; // expiry order
    ledger::u64 m_readTo = 0;             // newest transfer timestamp read; 0: none yet
    bool m_loaded = false;
    bool m_complete = false;
    QString m_errorMessage;
};

} // namespace cabinet::gui

#pragma once

#include "events/Event.h"
#include "gui/CoreModel.h"
#include "ledger/LedgerBackend.h"

#include <QtQml/qqmlregistration.h>

#include <vector>

namespace cabinet::gui {

class RefreshThrottle;

// Pending transfers that are still open (not posted, voided or expired),
// soonest expiry first; those without a timeout last. At most `limit` of
// them; `total` says how many are open in all.
//
// A snapshot of the ledger's openPendingTransfers, taken when the core is
// ready and again after ledger batches and expiries (through a
// RefreshThrottle: the ledger commits thousands of batches a second). Each
// snapshot is merged into the rows by transfer id, so a row that stays open
// stays put and a view keeps its place.
//
// Countdowns need no core call: expiresAt is fixed, and the panel ticks
// against it on the GUI thread.
class PendingTransfersModel : public CoreModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(qint64 total READ total NOTIFY totalChanged)
    Q_PROPERTY(int limit READ limit WRITE setLimit NOTIFY limitChanged)
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
    // The most one snapshot can hold: one ledger reply.
    static constexpr int MaxLimit = int(ledger::BatchMax);

    explicit PendingTransfersModel(QObject *parent = nullptr);
    ~PendingTransfersModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    int count() const { return int(m_rows.size()); }
    qint64 total() const { return m_total; }
    // Rows listed at most, 1 to MaxLimit (the default).
    int limit() const { return m_limit; }
    void setLimit(int limit);

Q_SIGNALS:
    void countChanged();
    void totalChanged();
    void limitChanged();

private:
    void onCoreReady() override;
    void onCoreEvent(const cabinet::Event &event) override;
    bool refresh();
    void merge(std::vector<ledger::OpenPendingTransfer> snapshot);

    RefreshThrottle *m_throttle;
    std::vector<ledger::OpenPendingTransfer> m_rows; // expiry order, as the ledger lists them
    qint64 m_total = 0;
    int m_limit = MaxLimit;
};

} // namespace cabinet::gui

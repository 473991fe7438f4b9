#pragma once

#include "gui/ApprovalRows.h"
#include "gui/CoreModel.h"

#include <QtQml/qqmlregistration.h>

#include <vector>

namespace cabinet::gui {

class RefreshThrottle;

// The Approvals panel's lists: the requests waiting, soonest deadline first
// (tier 3, with none, last), or the history of decided and expired ones,
// newest first. The whole snapshot (up to `limit` rows: every pending
// request there may be by default) is read, turned into rows and sorted on
// the core's thread (ApprovalRows), so 10,000 pending requests never hold
// the GUI thread; approval.* events refresh it, throttled, and each snapshot
// is merged into the rows by id, so a row that stays keeps its place (and
// the view its selection). `total` is how many wait in all.
//
// Decisions go through the approvals.decide operation, as the command line's.
// Countdowns need no core call: deadlineMs is fixed and the panel ticks
// against it on the GUI thread.
class ApprovalListModel : public CoreModel {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(bool history READ history WRITE setHistory NOTIFY historyChanged)
    Q_PROPERTY(int limit READ limit WRITE setLimit NOTIFY limitChanged)
    Q_PROPERTY(int count READ count NOTIFY countChanged)
    Q_PROPERTY(int total READ total NOTIFY totalChanged)
public:
    enum Role {
        IdRole = Qt::UserRole + 1,
        StateRole,
        TierRole,
        RuleRole,
        KindRole,
        AgentRole,
        EnvironmentRole,
        TargetRole,
        AmountTextRole, // "$25.00"; empty when the action moves no money
        TaskIdRole,
        NodeRole,
        RequestedByRole,
        CreatedMsRole,  // ms since the epoch (doubles: QML's numbers)
        DeadlineMsRole, // 0: none
        Reminder50MsRole,
        Reminder90MsRole,
        ApprovalsRole,
        ApprovalsNeededRole,
        OperatorsRole, // "alice, bob"
        ReasonRole,
        DecidedMsRole,
        CostTextRole, // the evidence's cost estimate, "$1.25"; empty when none
        CommandRole,  // the evidence's command, else its diff
        EvidenceTextRole, // the whole evidence, compact JSON
        // The Shadow Board's deliberation attached to the request (0 / empty: none yet).
        BoardIdRole,
        BoardVerdictRole,       // approve, reject, no_consensus
        BoardApproveShareRole,  // 0..1, the weighted share for approval
        BoardVotesTextRole,     // "5 approve · 2 reject · 1 abstain"
        BoardDissentRole,       // the dissenting persona
    };
    Q_ENUM(Role)
    explicit ApprovalListModel(QObject *parent = nullptr);
    ~ApprovalListModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    bool history() const { return m_history; }
    void setHistory(bool history);
    // Rows read at most, 1..PendingMax.
    int limit() const { return m_limit; }
    void setLimit(int limit);
    int count() const { return int(m_rows.size()); }
    int total() const { return m_total; }

    Q_INVOKABLE int rowOf(const QString &id) const;
    // Approves or denies `ids` alike as the console's operator, with an
    // optional reason; decided(ok, message) tells how it went.
    Q_INVOKABLE void decide(const QStringList &ids, bool approve, const QString &reason = {});

    // Puts `fresh` (in this model's order) in place of the rows: rows gone
    // are removed, new ones inserted, changed ones updated, the rest kept.
    void merge(std::vector<ApprovalRow> fresh);

    struct Snapshot {
        std::vector<ApprovalRow> rows;
        qint64 pending = 0;
    };
    // What a refresh reads on the core's thread: up to `limit` requests,
    // paged through approvals' list, made into rows and sorted.
    static Result<Snapshot> read(Cabinet &cabinet, bool history, int limit);

Q_SIGNALS:
    void historyChanged();
    void limitChanged();
    void countChanged();
    void totalChanged();
    void decided(bool ok, const QString &message);

private:
    void onCoreReady() override;
    void onCoreEvent(const cabinet::Event &event) override;
    bool refresh();
    ApprovalOrder order() const { return m_history ? ApprovalOrder::NewestFirst : ApprovalOrder::ByDeadline; }

    RefreshThrottle *m_throttle;
    bool m_history = false;
    int m_limit = int(approvals::PendingMax);
    std::vector<ApprovalRow> m_rows;
    int m_total = 0;
    quint64 m_generation = 0; // answers for the other list are dropped
};

} // namespace cabinet::gui

#pragma once

#include "Result.h"
#include "service/Service.h"

#include <QObject>
#include <QSet>
#include <QStringList>

#include <functional>
#include <optional>

namespace cabinet {
class Clock;
class Database;
class EventBus;
}

namespace cabinet::board {

class BoardService;
struct Proposal;

// Limits.
inline constexpr int ApprovalScanMax = 64;            // pending requests looked at per scan
inline constexpr int ApprovalFailuresRemembered = 256; // requests whose deliberation failed, not tried again
inline constexpr qint64 ApprovalRetryMs = 1'000;      // the board was busy: look again this often

// Puts approval requests before the Shadow Board (docs/board.md): a pending
// request whose tier rule asks for it (`deliberate: true`) and that has no
// deliberation yet gets one, attached by its id, as system:board. One at a
// time, oldest request first, found in the store (so a request made while
// the board was busy, or before a crash, is taken up later, and nothing
// queues in memory). The seed comes from the request's id: the same
// request always gets the same deliberation.
class ApprovalDeliberations : public QObject, public Service {
    Q_OBJECT
public:
    // The names of the rules in force that ask for a deliberation.
    using Rules = std::function<QStringList()>;
    ApprovalDeliberations(Database &db, EventBus &events, const Clock &clock, BoardService &board, Rules rules, QObject *parent = nullptr);

    QString name() const override { return QStringLiteral("board.approvals"); }
    Status start() override;
    void stop() override;
    std::optional<qint64> nextDeadlineNs() override;
    void runDue(qint64 nowNs) override;

    // The proposal an approval request is put to the board as: its action,
    // rule and tier, the evidence's text, and its cost (the action's amount,
    // else the evidence's cost_micros).
    static Proposal proposalFor(const QByteArray &actionJson, const QString &rule, int tier, const QByteArray &evidenceJson);
    static quint64 seedFor(const QString &approvalId);

private:
    struct Pending {
        QString id, rule;
        QByteArray action, evidence;
        int tier = 2;
    };
    void schedulePump();
    void pump();
    Result<std::optional<Pending>> next() const;

    Database &m_db;
    EventBus &m_events;
    const Clock &m_clock;
    BoardService &m_board;
    Rules m_rules;
    int m_subscription = 0;
    bool m_started = false;
    bool m_running = false;
    bool m_pumpQueued = false;
    qint64 m_retryNs = 0; // 0: none
    QSet<QString> m_failed;
};

} // namespace cabinet::board

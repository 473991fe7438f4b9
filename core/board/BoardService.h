#pragma once

#include "Actor.h"
#include "Result.h"
#include "board/Evidence.h"
#include "board/Deliberation.h"
#include "service/Service.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QObject>

#include <functional>
#include <memory>

namespace cabinet {
class AuditLog;
class Clock;
class Database;
class EventBus;
}

namespace cabinet::board {

// Limits.
inline constexpr int BoardRunsInFlightMax = 1; // deliberations running at once
inline constexpr int BoardListMax = 200;       // rows board.list returns at most

// The Shadow Board in the core (docs/board.md). deliberate() reads the
// history on the core's thread, runs the engine and the three rounds on a
// worker thread (QThreadPool: never the core's thread), and back on the
// core's thread saves the deliberation with its board.deliberated event and
// its audit entry in one transaction, then streams the statements as
// board.statement events and answers.
class BoardService : public QObject, public Service {
    Q_OBJECT
public:
    using Personas = std::function<QList<Persona>()>;
    BoardService(Database &db, EventBus &events, AuditLog &audit, const Clock &clock, Personas personas, QObject *parent = nullptr);
    ~BoardService() override;

    QString name() const override { return QStringLiteral("board"); }

    using Done = std::function<void(Result<QJsonObject>)>;
    // `seed`: none takes the Clock's nanoseconds (and stores them).
    // `approvalId`: an approval request to attach to ('' none; it must exist).
    // Refused at once: no personas (failed_precondition), a run in flight
    // (resource_exhausted), an unknown approval (not_found). `done` gets the
    // saved deliberation as get() returns it. `whatIfOf`: the deliberation
    // this one re-runs with changed assumptions (core/board/WhatIf.h); 0 none.
    Status deliberate(const Proposal &proposal, std::optional<quint64> seed, const QString &approvalId, const Actor &actor, Done done,
                      qint64 whatIfOf = 0);

    Result<QJsonObject> get(qint64 id) const;
    // Newest first: id, created_ms, approval_id, whatif_of, kind, text, verdict, approve_share.
    Result<QJsonArray> list(int limit, const QString &approvalId) const;

    // The newest deliberation attached to each of `approvalIds` (at most
    // ListLimitMax-sized batches are asked for; ids without one are left out).
    struct Recommendation {
        qint64 id = 0;
        QString verdict; // approve, reject, no_consensus
        double approveShare = 0;
        int approve = 0, reject = 0, abstain = 0;
        QString dissent; // the persona, or empty
    };
    Result<QHash<QString, Recommendation>> recommendations(const QStringList &approvalIds) const;

private:
    struct Shared;
    Result<QJsonObject> save(const Proposal &proposal, const QString &approvalId, const Actor &actor, const QJsonObject &evidence,
                             const QJsonObject &result, const Deliberation &deliberation, qint64 whatIfOf);

    Database &m_db;
    EventBus &m_events;
    AuditLog &m_audit;
    const Clock &m_clock;
    Personas m_personas;
    std::shared_ptr<Shared> m_shared;
    int m_inFlight = 0;
};

} // namespace cabinet::board

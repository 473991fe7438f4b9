#include "board/BoardService.h"

#include "Clock.h"
#include "api/JsonText.h"
#include "audit/AuditLog.h"
#include "board/BoardRun.h"
#include "events/EventBus.h"
#include "events/EventTypes.h"
#include "scenario/ScenarioJson.h"
#include "store/Database.h"
#include "store/Statement.h"

#include <QJsonDocument>
#include <QThreadPool>

#include <mutex>

namespace cabinet::board {

// What a worker shares with the service: the CPU engine, made once, and
// the way back, cleared when the service goes (as ScenarioRunner does).
struct BoardService::Shared {
    std::mutex engineMutex;
    std::unique_ptr<gpu::ScenarioEngine> engine;
    std::mutex ownerMutex;
    BoardService *owner = nullptr;
};

BoardService::BoardService(Database &db, EventBus &events, AuditLog &audit, const Clock &clock, Personas personas, QObject *parent)
    : QObject(parent), m_db(db), m_events(events), m_audit(audit), m_clock(clock), m_personas(std::move(personas)),
      m_shared(std::make_shared<Shared>())
{
    m_shared->owner = this;
}

BoardService::~BoardService()
{
    std::lock_guard lock(m_shared->ownerMutex);
    m_shared->owner = nullptr;
}

namespace {

QJsonObject parse(const QString &text) { return QJsonDocument::fromJson(text.toUtf8()).object(); }

} // namespace

Status BoardService::deliberate(const Proposal &proposal, std::optional<quint64> seed, const QString &approvalId, const Actor &actor, Done done,
                                qint64 whatIfOf)
{
    const QList<Persona> personas = m_personas();
    if (personas.isEmpty())
        return Error { ErrorCode::FailedPrecondition, QStringLiteral("no agent in force holds a board seat (docs/board.md)") };
    if (m_inFlight >= BoardRunsInFlightMax)
        return Error { ErrorCode::ResourceExhausted, QStringLiteral("a deliberation is already running; try again when it ends") };
    if (!approvalId.isEmpty()) {
        auto &q = m_db.statement("SELECT 1 FROM approvals WHERE id = ?1");
        auto row = q.bind(1, approvalId).step();
        const bool found = row && *row;
        q.reset();
        if (!row)
            return row.error();
        if (!found)
            return Error { ErrorCode::NotFound, QStringLiteral("no approval request %1").arg(approvalId.left(64)), QStringLiteral("approval_id") };
    }
    auto history = readHistory(m_db, proposal.agent);
    if (!history)
        return history.error();
    const quint64 runSeed = seed.value_or(quint64(m_clock.nowNs()));

    ++m_inFlight;
    auto shared = m_shared;
    QThreadPool::globalInstance()->start([shared, personas, proposal, history = *history, runSeed, approvalId, actor, done = std::move(done), whatIfOf] {
        Result<BoardRun> run = Error { ErrorCode::Internal, {} };
        {
            std::lock_guard lock(shared->engineMutex);
            if (!shared->engine) {
                auto made = gpu::makeEngine("cpu");
                if (made)
                    shared->engine = std::move(*made);
                else
                    run = Error { ErrorCode::Unavailable, QString::fromStdString(made.error().message) };
            }
            if (shared->engine)
                run = runBoard(*shared->engine, personas, proposal, history, runSeed);
        }
        // The JSON is made here, off the core's thread too.
        QJsonObject evidence, result;
        if (run) {
            evidence = evidenceToJson(run->evidence);
            result = scenario::resultToJson(run->result);
        }
        std::lock_guard lock(shared->ownerMutex);
        if (BoardService *owner = shared->owner)
            QMetaObject::invokeMethod(
                    owner,
                    [owner, run = std::move(run), evidence, result, proposal, approvalId, actor, done, whatIfOf] {
                        --owner->m_inFlight;
                        if (!run)
                            return done(run.error());
                        done(owner->save(proposal, approvalId, actor, evidence, result, run->deliberation, whatIfOf));
                    },
                    Qt::QueuedConnection);
    });
    return {};
}

Result<QJsonObject> BoardService::save(const Proposal &proposal, const QString &approvalId, const Actor &actor, const QJsonObject &evidence,
                                       const QJsonObject &result, const Deliberation &deliberation, qint64 whatIfOf)
{
    const QJsonObject record = deliberationToJson(deliberation);
    const QString verdict = verdictName(deliberation.tally.verdict);
    auto tx = m_db.begin();
    if (!tx)
        return tx.error();
    auto &insert = m_db.statement("INSERT INTO board_deliberations (approval_id, requested_by, created_ns, seed, proposal, evidence, result, "
                                  "deliberation, verdict, whatif_of) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id");
    insert.bind(1, approvalId)
            .bind(2, actor.toString())
            .bind(3, m_clock.nowNs())
            .bind(4, evidence.value(QStringLiteral("seed")).toString())
            .bind(5, QString::fromUtf8(api::compact(proposalToJson(proposal))))
            .bind(6, QString::fromUtf8(api::compact(evidence)))
            .bind(7, QString::fromUtf8(api::compact(result)))
            .bind(8, QString::fromUtf8(api::compact(record)))
            .bind(9, verdict)
            .bind(10, whatIfOf);
    auto row = insert.step();
    if (!row)
        return row.error();
    const qint64 id = insert.int64(0);
    insert.reset();
    const QJsonObject consensus = record.value(QStringLiteral("consensus")).toObject();
    const QJsonObject details { { QStringLiteral("id"), id },
                                { QStringLiteral("whatif_of"), whatIfOf },
                                { QStringLiteral("approval_id"), approvalId },
                                { QStringLiteral("verdict"), verdict },
                                { QStringLiteral("approve_share"), consensus.value(QStringLiteral("approve_share")) },
                                { QStringLiteral("dissent"), consensus.value(QStringLiteral("dissent")) },
                                { QStringLiteral("requested_by"), actor.toString() } };
    if (auto entry = m_audit.append(*tx, actor.toString(), whatIfOf ? QStringLiteral("board.whatif") : QStringLiteral("board.deliberate"),
                                    QString::number(id), details); !entry)
        return entry.error();
    if (auto e = m_events.append(*tx, events::BoardDeliberated, details); !e)
        return e.error();
    if (auto s = tx->commit(); !s)
        return s.error();
    for (const QJsonValue &statement : record.value(QStringLiteral("statements")).toArray()) {
        QJsonObject payload = statement.toObject();
        payload.insert(QStringLiteral("deliberation"), id);
        m_events.publishEphemeral(events::BoardStatement, payload);
    }
    return get(id);
}

Result<QJsonObject> BoardService::get(qint64 id) const
{
    auto &q = m_db.statement("SELECT approval_id, requested_by, created_ns, seed, proposal, evidence, result, deliberation, verdict, "
                             "whatif_of FROM board_deliberations WHERE id = ?1");
    auto row = q.bind(1, id).step();
    if (!row)
        return row.error();
    if (!*row) {
        q.reset();
        return Error { ErrorCode::NotFound, QStringLiteral("no deliberation %1").arg(id), QStringLiteral("id") };
    }
    QJsonObject json = parse(q.text(7));
    json.insert(QStringLiteral("id"), id);
    json.insert(QStringLiteral("approval_id"), q.text(0));
    json.insert(QStringLiteral("requested_by"), q.text(1));
    json.insert(QStringLiteral("created_ms"), q.int64(2) / 1'000'000);
    json.insert(QStringLiteral("seed"), q.text(3));
    json.insert(QStringLiteral("proposal"), parse(q.text(4)));
    json.insert(QStringLiteral("evidence"), parse(q.text(5)));
    json.insert(QStringLiteral("result"), parse(q.text(6)));
    json.insert(QStringLiteral("whatif_of"), q.int64(9));
    q.reset();
    return json;
}

Result<QJsonArray> BoardService::list(int limit, const QString &approvalId) const
{
    auto &q = m_db.statement("SELECT id, created_ns, approval_id, json_extract(proposal, '$.kind'), json_extract(proposal, '$.text'), verdict, "
                             "json_extract(deliberation, '$.consensus.approve_share'), whatif_of FROM board_deliberations "
                             "WHERE (?1 = '' OR approval_id = ?1) ORDER BY id DESC LIMIT ?2");
    q.bind(1, approvalId).bind(2, std::clamp(limit, 1, BoardListMax));
    QJsonArray rows;
    for (;;) {
        auto row = q.step();
        if (!row)
            return row.error();
        if (!*row)
            break;
        rows.append(QJsonObject { { QStringLiteral("id"), q.int64(0) },
                                  { QStringLiteral("created_ms"), q.int64(1) / 1'000'000 },
                                  { QStringLiteral("approval_id"), q.text(2) },
                                  { QStringLiteral("kind"), q.text(3) },
                                  { QStringLiteral("text"), q.text(4) },
                                  { QStringLiteral("verdict"), q.text(5) },
                                  { QStringLiteral("approve_share"), q.real(6) },
                                  { QStringLiteral("whatif_of"), q.int64(7) } });
    }
    return rows;
}

Result<QHash<QString, BoardService::Recommendation>> BoardService::recommendations(const QStringList &approvalIds) const
{
    QHash<QString, Recommendation> found;
    if (approvalIds.isEmpty())
        return found;
    auto &q = m_db.statement("SELECT approval_id, id, verdict, json_extract(deliberation, '$.consensus.approve_share'),"
                             " ifnull(json_extract(deliberation, '$.consensus.dissent'), ''),"
                             " (SELECT count(*) FROM json_each(deliberation, '$.votes') v WHERE json_extract(v.value, '$.vote') = 'approve'),"
                             " (SELECT count(*) FROM json_each(deliberation, '$.votes') v WHERE json_extract(v.value, '$.vote') = 'reject'),"
                             " (SELECT count(*) FROM json_each(deliberation, '$.votes') v WHERE json_extract(v.value, '$.vote') = 'abstain')"
                             " FROM board_deliberations WHERE approval_id IN (SELECT value FROM json_each(?1)) ORDER BY id");
    q.bind(1, QString::fromUtf8(api::compact(QJsonArray::fromStringList(approvalIds))));
    for (;;) {
        auto row = q.step();
        if (!row) {
            q.reset();
            return row.error();
        }
        if (!*row)
            break;
        // Ordered by id: the newest deliberation of a request is kept.
        found.insert(q.text(0), Recommendation { q.int64(1), q.text(2), q.real(3), int(q.int64(5)), int(q.int64(6)), int(q.int64(7)), q.text(4) });
    }
    q.reset();
    return found;
}

} // namespace cabinet::board

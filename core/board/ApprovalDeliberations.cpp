#include "board/ApprovalDeliberations.h"

#include "Actor.h"
#include "Clock.h"
#include "board/BoardService.h"
#include "events/EventBus.h"
#include "events/EventTypes.h"
#include "store/Database.h"
#include "store/Statement.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QPointer>

#include <algorithm>

Q_LOGGING_CATEGORY(lcApprovalBoard, "cabinet.board")

namespace cabinet::board {

namespace {

const Actor BoardActor = Actor::system(QStringLiteral("board"));

QJsonObject parse(const QByteArray &text) { return QJsonDocument::fromJson(text).object(); }

QString usd(qint64 micros) { return QString::number(double(micros) / 1e6, 'f', 2); }

} // namespace

ApprovalDeliberations::ApprovalDeliberations(Database &db, EventBus &events, const Clock &clock, BoardService &board, Rules rules, QObject *parent)
    : QObject(parent), m_db(db), m_events(events), m_clock(clock), m_board(board), m_rules(std::move(rules))
{
}

Status ApprovalDeliberations::start()
{
    m_started = true;
    // A new request, or the board free again after someone's deliberation.
    m_subscription = m_events.subscribe({ events::ApprovalRequested, events::BoardDeliberated }, [this](const Event &) { schedulePump(); });
    schedulePump();
    return {};
}

void ApprovalDeliberations::stop()
{
    m_started = false;
    m_events.unsubscribe(m_subscription);
    m_subscription = 0;
    m_retryNs = 0;
}

std::optional<qint64> ApprovalDeliberations::nextDeadlineNs()
{
    return m_retryNs ? std::optional<qint64>(m_retryNs) : std::nullopt;
}

void ApprovalDeliberations::runDue(qint64 nowNs)
{
    if (m_retryNs && nowNs >= m_retryNs) {
        m_retryNs = 0;
        pump();
    }
}

// Never inside an event's delivery: the deliberation reads the store and
// a pump may start from a subscriber's call.
void ApprovalDeliberations::schedulePump()
{
    if (m_pumpQueued || !m_started)
        return;
    m_pumpQueued = true;
    QMetaObject::invokeMethod(this, [this] {
        m_pumpQueued = false;
        pump();
    }, Qt::QueuedConnection);
}

Result<std::optional<ApprovalDeliberations::Pending>> ApprovalDeliberations::next() const
{
    const QStringList rules = m_rules();
    if (rules.isEmpty())
        return std::optional<Pending>();
    auto &q = m_db.statement("SELECT id, rule, tier, action, evidence FROM approvals a WHERE state = 'pending'"
                             " AND rule IN (SELECT value FROM json_each(?1))"
                             " AND NOT EXISTS (SELECT 1 FROM board_deliberations b WHERE b.approval_id = a.id)"
                             " ORDER BY id LIMIT ?2");
    q.bind(1, QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(rules)).toJson(QJsonDocument::Compact)))
            .bind(2, ApprovalScanMax);
    std::optional<Pending> found;
    for (;;) {
        auto row = q.step();
        if (!row) {
            q.reset();
            return row.error();
        }
        if (!*row)
            break;
        if (m_failed.contains(q.text(0)))
            continue;
        found = Pending { q.text(0), q.text(1), q.text(3).toUtf8(), q.text(4).toUtf8(), int(q.int64(2)) };
        break;
    }
    q.reset();
    return found;
}

void ApprovalDeliberations::pump()
{
    if (!m_started || m_running)
        return;
    auto pending = next();
    if (!pending) {
        qCWarning(lcApprovalBoard, "could not look for approval requests to deliberate on: %s", qPrintable(pending.error().message));
        m_retryNs = m_clock.nowNs() + ApprovalRetryMs * 1'000'000;
        return;
    }
    if (!*pending)
        return;
    const Pending request = **pending;
    const QString id = request.id;
    const Proposal proposal = proposalFor(request.action, request.rule, request.tier, request.evidence);
    m_running = true;
    const Status started = m_board.deliberate(proposal, seedFor(id), id, BoardActor, [self = QPointer(this), id](Result<QJsonObject> saved) {
        if (!self)
            return;
        self->m_running = false;
        if (!saved) {
            qCWarning(lcApprovalBoard, "the Shadow Board's deliberation on approval %s failed: %s", qPrintable(id), qPrintable(saved.error().message));
            if (self->m_failed.size() >= ApprovalFailuresRemembered)
                self->m_failed.clear(); // tried again, in time: the failure may have passed
            self->m_failed.insert(id);
        }
        self->schedulePump();
    });
    if (started)
        return;
    m_running = false;
    if (started.error().code == ErrorCode::ResourceExhausted) {
        // Someone else's deliberation runs: its board.deliberated, or this
        // retry if it fails, brings the pump back.
        m_retryNs = m_clock.nowNs() + ApprovalRetryMs * 1'000'000;
        return;
    }
    // No personas, an approval gone: nothing to do for this request now.
    qCWarning(lcApprovalBoard, "no Shadow Board deliberation on approval %s: %s", qPrintable(id), qPrintable(started.error().message));
    m_failed.insert(id);
    schedulePump();
}

Proposal ApprovalDeliberations::proposalFor(const QByteArray &actionJson, const QString &rule, int tier, const QByteArray &evidenceJson)
{
    const QJsonObject action = parse(actionJson);
    const QJsonObject evidence = parse(evidenceJson);
    const QString kind = action.value(QStringLiteral("kind")).toString();
    Proposal proposal;
    proposal.kind = kind == u"budget_change" ? ProposalKind::BudgetChange
            : kind == u"bounty_payout"       ? ProposalKind::BountyPayout
                                             : ProposalKind::Tier2Action;
    const qint64 amount = qint64(action.value(QStringLiteral("amount")).toDouble());
    const qint64 cost = amount > 0 ? amount : qint64(evidence.value(QStringLiteral("cost_micros")).toDouble());
    proposal.costEstimateMicros = std::clamp<qint64>(cost, 0, ProposalMicrosMax);
    // A workflow's gate asks as "workflow:<name>"; an agent's record feeds
    // the posteriors only when an agent asks.
    const QString agent = action.value(QStringLiteral("agent")).toString();
    if (!agent.contains(u':'))
        proposal.agent = agent;
    QString text = QStringLiteral("Tier %1 request (rule %2): %3 %4").arg(tier).arg(rule, kind, action.value(QStringLiteral("target")).toString());
    if (!agent.isEmpty())
        text += QStringLiteral(" by %1").arg(agent);
    if (const QString environment = action.value(QStringLiteral("environment")).toString(); !environment.isEmpty())
        text += QStringLiteral(" in %1").arg(environment);
    text += QStringLiteral(", %1 USD").arg(usd(proposal.costEstimateMicros));
    if (const QString said = evidence.value(QStringLiteral("evidence")).toString().trimmed(); !said.isEmpty())
        text += QStringLiteral(". ") + said;
    proposal.text = text.left(ProposalTextMax);
    return proposal;
}

quint64 ApprovalDeliberations::seedFor(const QString &approvalId)
{
    const QByteArray digest = QCryptographicHash::hash(approvalId.toUtf8(), QCryptographicHash::Sha256);
    quint64 seed = 0;
    for (int i = 0; i < 8; ++i)
        seed = (seed << 8) | quint8(digest[i]);
    return seed;
}

} // namespace cabinet::board

#include "ledger/Ledger.h"

#include "Assert.h"
#include "audit/AuditLog.h"
#include "events/EventBus.h"
#include "ledger/JournalReplay.h"
#include "ledger/U128.h"

#include <QJsonArray>
#include <QLoggingCategory>
#include <QJsonObject>

Q_DECLARE_LOGGING_CATEGORY(lcLedger) // defined in SqliteLedgerBackend.cpp

namespace cabinet::ledger {

namespace {

// Restores the member to empty when the call returns, however it returns.
class ActorScope {
public:
    ActorScope(std::optional<Actor> &slot, const Actor &actor) : m_slot(slot)
    {
        CABINET_ASSERT(!m_slot); // batches do not nest
        m_slot = actor;
    }
    ~ActorScope() { m_slot.reset(); }

private:
    std::optional<Actor> &m_slot;
};

} // namespace

Ledger::Ledger(std::unique_ptr<LedgerBackend> backend, EventBus &events, AuditLog &audit, QObject *parent)
    : QObject(parent), m_backend(std::move(backend)), m_events(events), m_audit(audit)
{
    CABINET_ASSERT(m_backend);
    m_backend->setCommitHook([this](Transaction &tx, const BatchSummary &summary) { return onBatchCommitting(tx, summary); });
}

Ledger::~Ledger()
{
    m_backend->setCommitHook({});
}

Result<std::vector<CreateAccountResult>> Ledger::createAccounts(std::span<const Account> events, const Actor &actor)
{
    ActorScope scope(m_actor, actor);
    return m_backend->createAccounts(events);
}

Result<std::vector<CreateTransferResult>> Ledger::createTransfers(std::span<const Transfer> events, const Actor &actor)
{
    ActorScope scope(m_actor, actor);
    auto results = m_backend->createTransfers(events);
    wake(); // a new pending transfer may expire sooner than any before
    return results;
}

Result<std::vector<CreateAccountResult>> Ledger::createAccounts(std::span<const Account> events, const Actor &actor, Alongside alongside)
{
    CABINET_ASSERT(!m_alongside);
    m_alongside = std::move(alongside);
    auto results = createAccounts(events, actor);
    m_alongside = {};
    return results;
}

Result<std::vector<CreateTransferResult>> Ledger::createTransfers(std::span<const Transfer> events, const Actor &actor, Alongside alongside)
{
    CABINET_ASSERT(!m_alongside);
    m_alongside = std::move(alongside);
    auto results = createTransfers(events, actor);
    m_alongside = {};
    return results;
}

Result<u32> Ledger::expirePending(const Actor &actor)
{
    ActorScope scope(m_actor, actor);
    u32 total = 0;
    for (;;) {
        auto swept = m_backend->expirePending();
        if (!swept)
            return swept.error();
        total += swept->expired;
        if (swept->expired < BatchMax)
            return total;
    }
}

Status Ledger::onBatchCommitting(Transaction &tx, const BatchSummary &summary)
{
    QString type;
    QString action;
    switch (summary.kind) {
    case BatchSummary::Kind::Accounts:
        type = cabinet::events::LedgerAccountsCreated;
        action = QStringLiteral("ledger.create_accounts");
        break;
    case BatchSummary::Kind::Transfers:
        type = cabinet::events::LedgerTransfersCreated;
        action = QStringLiteral("ledger.create_transfers");
        break;
    case BatchSummary::Kind::Expiry:
        type = cabinet::events::LedgerTransfersExpired;
        action = QStringLiteral("ledger.expire");
        break;
    }

    QJsonObject payload { { QStringLiteral("events"), qint64(summary.eventCount) },
                          { QStringLiteral("created"), qint64(summary.createdCount) },
                          { QStringLiteral("failed"), qint64(summary.eventCount - summary.createdCount) },
                          { QStringLiteral("timestamp_min"), QString::number(summary.timestampMin) },
                          { QStringLiteral("timestamp_max"), QString::number(summary.timestampMax) } };
    if (summary.kind == BatchSummary::Kind::Expiry) {
        payload = QJsonObject { { QStringLiteral("expired"), qint64(summary.createdCount) },
                                { QStringLiteral("timestamp_min"), QString::number(summary.timestampMin) },
                                { QStringLiteral("timestamp_max"), QString::number(summary.timestampMax) } };
    }

    // Every batch is written on someone's behalf (ActorScope); a commit
    // without one would be a change nobody answers for.
    CABINET_ASSERT(m_actor);
    const QString subject = summary.kind == BatchSummary::Kind::Expiry
            ? QStringLiteral("%1 pending transfers").arg(summary.createdCount)
            : QStringLiteral("batch of %1").arg(summary.eventCount);
    if (auto entry = m_audit.append(tx, m_actor->toString(), action, subject, payload); !entry)
        return entry.error();
    if (m_alongside && summary.kind != BatchSummary::Kind::Expiry)
        if (auto written = m_alongside(tx); !written)
            return written;

    // A batch in which every event failed changed nothing anyone displays.
    if (summary.createdCount == 0)
        return {};
    QJsonArray accounts;
    for (u128 id : summary.touchedAccounts) {
        if (accounts.size() >= TouchedAccountsListed)
            break;
        accounts.append(toDecimal(id));
    }
    payload.insert(QStringLiteral("accounts"), accounts);
    payload.insert(QStringLiteral("accounts_truncated"), qsizetype(summary.touchedAccounts.size()) > TouchedAccountsListed);
    if (auto appended = m_events.append(tx, type, payload); !appended)
        return appended.error();
    return {};
}

std::optional<qint64> Ledger::nextDeadlineNs()
{
    auto next = m_backend->nextExpiryNs();
    if (!next) {
        qCWarning(lcLedger).noquote() << "cannot read the next expiry:" << next.error().message;
        return std::nullopt;
    }
    if (*next == 0)
        return std::nullopt; // nothing pending with a timeout
    return qint64(std::min<u64>(*next, u64(std::numeric_limits<qint64>::max())));
}

void Ledger::runDue(qint64)
{
    if (auto swept = expirePending(Actor::system(QStringLiteral("ledger.expiry"))); !swept)
        qCWarning(lcLedger).noquote() << "ledger expiry sweep failed:" << swept.error().message;
}

Result<Ledger::ReplayReport> Ledger::replayJournal()
{
    // The journal and the balances from one committed state: read apart,
    // a batch another process commits in between is in the balances but
    // not in the journal read before it, and the check reports a mismatch
    // that is not there.
    const auto snapshot = m_backend->readSnapshot();
    JournalReplay replay;
    u64 after = 0;
    for (;;) {
        auto page = m_backend->journal(after, BatchMax);
        if (!page)
            return page.error();
        for (const JournalRecord &record : *page)
            replay.apply(record);
        if (page->size() < BatchMax)
            break;
        after = page->back().timestamp;
    }

    ReplayReport report;
    report.records = replay.records();
    report.mismatches = replay.problems();
    // Every stored account, in timestamp order, against its replay.
    QueryFilter all;
    all.limit = BatchMax;
    std::size_t stored = 0;
    for (;;) {
        auto page = m_backend->queryAccounts(all);
        if (!page)
            return page.error();
        for (const Account &account : *page) {
            ++report.accounts;
            ++stored;
            if (QString difference = replay.compare(account); !difference.isEmpty() && report.mismatches.size() < 50)
                report.mismatches.append(difference);
        }
        if (page->size() < BatchMax)
            break;
        all.timestamp_min = page->back().timestamp + 1;
    }
    if (stored != replay.accounts().size())
        report.mismatches.append(QStringLiteral("the journal creates %1 accounts, %2 are stored").arg(replay.accounts().size()).arg(stored));
    return report;
}

} // namespace cabinet::ledger

#include "costs/CostReport.h"

#include "costs/Budgets.h"
#include "costs/CostAccounts.h"
#include "costs/Money.h"
#include "ledger/Ledger.h"
#include "ledger/U128.h"
#include "store/Database.h"

#include <QDateTime>
#include <QJsonArray>

#include <map>

namespace cabinet::costs {

namespace {

struct Totals {
    qint64 calls = 0;
    qint64 costMicros = 0;
    qint64 tokensIn = 0, tokensOut = 0;
    qint64 pricingGaps = 0, gapTokens = 0;
    qint64 overrunMicros = 0;
    qint64 refused = 0, unknown = 0;

    QJsonObject json() const
    {
        return { { QStringLiteral("calls"), calls },
                 { QStringLiteral("cost_micros"), microsText(costMicros) },
                 { QStringLiteral("cost_usd"), formatUsd(costMicros) },
                 { QStringLiteral("tokens_in"), tokensIn },
                 { QStringLiteral("tokens_out"), tokensOut },
                 { QStringLiteral("pricing_gaps"), pricingGaps },
                 { QStringLiteral("pricing_gap_tokens"), gapTokens },
                 { QStringLiteral("overrun_micros"), microsText(overrunMicros) },
                 { QStringLiteral("refused"), refused },
                 { QStringLiteral("unknown"), unknown } };
    }
};

} // namespace

Result<QJsonObject> costReport(Database &db, ledger::Ledger &ledger, const Budgets &budgets, const ReportQuery &query)
{
    static const QStringList groupings { QStringLiteral("agent"), QStringLiteral("model"), QStringLiteral("task"), QStringLiteral("day"),
                                         QStringLiteral("minute") };
    const int by = int(groupings.indexOf(query.by));
    if (by < 0)
        return Error { ErrorCode::InvalidArgument, QStringLiteral("group by agent, model, task, day or minute"), QStringLiteral("by") };
    // A minute in UTC ("2026-12-07T08:13Z"), the console's chart of spend
    // over time: unambiguous for any reader, whatever the budgets' zone.
    const auto minuteOf = [](qint64 ns) -> QString { // QString: a QStringBuilder would outlive its parts
        return QDateTime::fromMSecsSinceEpoch(ns / 1'000'000, Qt::UTC).toString(QStringLiteral("yyyy-MM-ddTHH:mm")) + u'Z';
    };

    std::map<QString, Totals> groups;
    Totals total;
    bool cut = false;
    qint64 scanned = 0;
    auto &q = db.statement("SELECT agent, model_asked, task, created_ns, outcome, cost_micros, overrun_micros, tokens_in, tokens_out, pricing_gap "
                           "FROM spend_records WHERE created_ns >= ?1 ORDER BY id");
    q.bind(1, query.sinceNs);
    for (;;) {
        auto row = q.step();
        if (!row) {
            q.reset();
            return row.error();
        }
        if (!*row)
            break;
        if (++scanned > ReportRecordsMax) {
            cut = true;
            break;
        }
        const QString key = by == 0 ? q.text(0) : by == 1 ? q.text(1) : by == 2 ? q.text(2) : by == 3 ? budgets.periodOf(q.int64(3)) : minuteOf(q.int64(3));
        if (!groups.count(key) && int(groups.size()) >= ReportGroupsMax) {
            cut = true;
            break;
        }
        const QString outcome = q.text(4);
        for (Totals *t : { &groups[key], &total }) {
            if (outcome == QLatin1String("refused")) {
                ++t->refused;
                continue;
            }
            ++t->calls;
            if (outcome == QLatin1String("unknown"))
                ++t->unknown;
            t->costMicros += q.isNull(5) ? 0 : q.int64(5);
            t->overrunMicros += q.int64(6);
            t->tokensIn += q.isNull(7) ? 0 : q.int64(7);
            t->tokensOut += q.isNull(8) ? 0 : q.int64(8);
            if (q.int64(9)) {
                ++t->pricingGaps;
                t->gapTokens += (q.isNull(7) ? 0 : q.int64(7)) + (q.isNull(8) ? 0 : q.int64(8));
            }
        }
    }
    q.reset();
    QJsonArray grouped;
    for (const auto &[key, totals] : groups) {
        QJsonObject o = totals.json();
        o.insert(query.by, key);
        grouped.append(o);
    }

    // The reconciliation, over all time: the records against the ledger.
    auto &r = db.statement("SELECT COALESCE(SUM(CASE WHEN outcome = 'posted' THEN cost_micros - overrun_micros END), 0), "
                           "COALESCE(SUM(CASE WHEN outcome = 'pending' THEN reserved_micros END), 0), "
                           "COUNT(CASE WHEN outcome = 'unknown' THEN 1 END) FROM spend_records");
    auto row = r.step();
    if (!row) {
        r.reset();
        return row.error();
    }
    const qint64 recordsPosted = r.int64(0);
    const qint64 recordsPending = r.int64(1);
    const qint64 unknownCount = r.int64(2);
    r.reset();
    std::vector<ledger::u128> providers;
    auto &p = db.statement("SELECT DISTINCT provider FROM spend_records WHERE reserve_id IS NOT NULL");
    for (;;) {
        auto next = p.step();
        if (!next) {
            p.reset();
            return next.error();
        }
        if (!*next || providers.size() >= ledger::BatchMax)
            break;
        providers.push_back(providerAccount(p.text(0)));
    }
    p.reset();
    ledger::u128 ledgerPosted = 0, ledgerPending = 0;
    if (!providers.empty()) {
        auto accounts = ledger.lookupAccounts(providers);
        if (!accounts)
            return accounts.error();
        for (const ledger::Account &a : *accounts) {
            ledgerPosted += a.credits_posted;
            ledgerPending += a.credits_pending;
        }
    }
    QJsonArray unknown;
    auto &u = db.statement("SELECT id, agent, model_asked, reserved_micros, created_ns, reserve_id FROM spend_records WHERE outcome = 'unknown' "
                           "ORDER BY id DESC LIMIT ?1");
    u.bind(1, ReportUnknownListed);
    for (;;) {
        auto next = u.step();
        if (!next) {
            u.reset();
            return next.error();
        }
        if (!*next)
            break;
        unknown.append(QJsonObject { { QStringLiteral("record"), u.int64(0) }, { QStringLiteral("agent"), u.text(1) },
                                     { QStringLiteral("model"), u.text(2) }, { QStringLiteral("reserved_micros"), microsText(u.int64(3)) },
                                     { QStringLiteral("created_ns"), QString::number(u.int64(4)) }, { QStringLiteral("reserve_id"), u.text(5) } });
    }
    u.reset();
    const QJsonObject reconciliation { { QStringLiteral("records_posted_micros"), microsText(recordsPosted) },
                                       { QStringLiteral("ledger_posted_micros"), ledger::toDecimal(ledgerPosted) },
                                       { QStringLiteral("records_pending_micros"), microsText(recordsPending) },
                                       { QStringLiteral("ledger_pending_micros"), ledger::toDecimal(ledgerPending) },
                                       { QStringLiteral("matches"), ledger::u128(recordsPosted) == ledgerPosted },
                                       { QStringLiteral("unknown_outcomes"), unknownCount },
                                       { QStringLiteral("unknown"), unknown } };
    return QJsonObject { { QStringLiteral("since_ns"), QString::number(query.sinceNs) },
                         { QStringLiteral("as_of_ns"), QString::number(query.nowNs) },
                         { QStringLiteral("by"), query.by },
                         { QStringLiteral("groups"), grouped },
                         { QStringLiteral("total"), total.json() },
                         { QStringLiteral("truncated"), cut },
                         { QStringLiteral("price_version"), budgets.prices().version() },
                         { QStringLiteral("reconciliation"), reconciliation } };
}

} // namespace cabinet::costs

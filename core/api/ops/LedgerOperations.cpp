// ledger.*: the ledger in TigerBeetle's JSON (docs/ledger.md). Requests are
// read exactly (128-bit values never pass through a double) and refused
// whole before anything is applied.
#include "Cabinet.h"
#include "api/JsonText.h"
#include "api/ops/Groups.h"
#include "audit/AuditLog.h"
#include "store/Database.h"
#include "ledger/Ledger.h"
#include "ledger/LedgerJson.h"

#include <QJsonArray>
#include <QJsonObject>

namespace cabinet::api::ops {

namespace {

using namespace cabinet::ledger;

const QList<ErrorCode> ReadErrors { ErrorCode::InvalidArgument, ErrorCode::DataLoss, ErrorCode::Internal };
const QList<ErrorCode> WriteErrors { ErrorCode::InvalidArgument, ErrorCode::FailedPrecondition, ErrorCode::ResourceExhausted,
                                     ErrorCode::DataLoss, ErrorCode::Internal };

// The params object read exactly, with only the given members.
Result<JsonValue> exactParams(const QByteArray &params, std::initializer_list<const char *> known)
{
    auto document = parseExactJson(params);
    if (!document)
        return Error { ErrorCode::InvalidArgument, document.error().message, QStringLiteral("params") };
    for (const QString &key : document->keys) {
        bool found = false;
        for (const char *name : known)
            found = found || key == QLatin1StringView(name);
        if (!found)
            return Error { ErrorCode::InvalidArgument, QStringLiteral("unknown field '%1'").arg(key.left(64)), key.left(64) };
    }
    return document;
}

// The member's JSON text; `required` members that are missing are an error.
Result<QByteArray> memberText(const JsonValue &params, const char *name)
{
    const JsonValue *value = member(params, QString::fromLatin1(name));
    if (!value)
        return Error { ErrorCode::InvalidArgument, QStringLiteral("missing field '%1'").arg(QLatin1StringView(name)),
                       QString::fromLatin1(name) };
    return writeJson(*value);
}

template <typename Parse, typename Create>
Result<QByteArray> createBatch(const QByteArray &params, const char *member, Parse parse, Create create)
{
    auto document = exactParams(params, { member });
    if (!document)
        return document.error();
    auto text = memberText(*document, member);
    if (!text)
        return text.error();
    auto events = parse(*text);
    if (!events)
        return Error { events.error().code, events.error().message + QStringLiteral("; nothing was applied"), events.error().field };
    auto results = create(*events);
    if (!results)
        return results.error();
    using Row = typename std::remove_cvref_t<decltype(*results)>::value_type;
    return json::write(std::span<const Row>(*results));
}

Result<std::vector<u128>> idsFrom(const QByteArray &params)
{
    auto document = exactParams(params, { "ids" });
    if (!document)
        return document.error();
    const JsonValue *ids = member(*document, QStringLiteral("ids"));
    if (!ids || !ids->isArray() || ids->items.empty())
        return Error { ErrorCode::InvalidArgument, QStringLiteral("'ids' must be a non-empty array of ids"), QStringLiteral("ids") };
    if (ids->items.size() > BatchMax)
        return Error { ErrorCode::InvalidArgument, QStringLiteral("at most %1 ids at a time, got %2").arg(BatchMax).arg(ids->items.size()),
                       QStringLiteral("ids") };
    std::vector<u128> result;
    for (const JsonValue &item : ids->items) {
        auto id = json::parseId(item.text);
        if (!id)
            return Error { ErrorCode::InvalidArgument, id.error().message, QStringLiteral("ids") };
        result.push_back(*id);
    }
    return result;
}

template <typename Lookup> Result<QByteArray> lookup(const QByteArray &params, Lookup run)
{
    auto ids = idsFrom(params);
    if (!ids)
        return ids.error();
    auto found = run(*ids);
    if (!found)
        return found.error();
    using Row = typename std::remove_cvref_t<decltype(*found)>::value_type;
    return json::write(std::span<const Row>(*found));
}

template <typename Filter, typename Query>
Result<QByteArray> query(const QByteArray &params, Result<Filter> (*parse)(const QByteArray &), Query run)
{
    auto document = exactParams(params, { "filter" });
    if (!document)
        return document.error();
    auto text = memberText(*document, "filter");
    if (!text)
        return text.error();
    auto filter = parse(*text);
    if (!filter)
        return Error { filter.error().code, filter.error().message, QStringLiteral("filter") };
    auto found = run(*filter);
    if (!found)
        return found.error();
    using Row = typename std::remove_cvref_t<decltype(*found)>::value_type;
    return json::write(std::span<const Row>(*found));
}

Ledger &ledgerOf(Cabinet &cabinet)
{
    return cabinet.service<Ledger>();
}

} // namespace

std::vector<Operation> ledgerOperations()
{
    const QString filterParams = QStringLiteral("{\"filter\": AccountFilter}");
    const QString queryParams = QStringLiteral("{\"filter\": QueryFilter}");
    return {
        { { QStringLiteral("ledger.create_accounts"),
            QStringLiteral("Create accounts, one result per event; the batch is refused whole on bad input."), true, Role::Operator,
            QStringLiteral("{\"accounts\": [Account, ...]} (at most 8189)"),
            QStringLiteral("[{\"index\": n, \"status\": \"created\"|\"exists\"|...}, ...]"), WriteErrors },
          now([](Cabinet &cabinet, const Actor &actor, const QByteArray &params) {
              return createBatch(params, "accounts", json::parseAccounts,
                                 [&](const std::vector<Account> &a) { return ledgerOf(cabinet).createAccounts(a, actor); });
          }) },
        { { QStringLiteral("ledger.create_transfers"),
            QStringLiteral("Create transfers, one result per event; the batch is refused whole on bad input."), true, Role::Operator,
            QStringLiteral("{\"transfers\": [Transfer, ...]} (at most 8189)"),
            QStringLiteral("[{\"index\": n, \"status\": \"created\"|\"exceeds_credits\"|...}, ...]"), WriteErrors },
          now([](Cabinet &cabinet, const Actor &actor, const QByteArray &params) {
              return createBatch(params, "transfers", json::parseTransfers,
                                 [&](const std::vector<Transfer> &t) { return ledgerOf(cabinet).createTransfers(t, actor); });
          }) },
        { { QStringLiteral("ledger.lookup_accounts"), QStringLiteral("The accounts with these ids (missing ones are left out)."), false,
            Role::Viewer, QStringLiteral("{\"ids\": [\"id\", ...]}"), QStringLiteral("[Account, ...]"), ReadErrors },
          now([](Cabinet &cabinet, const Actor &, const QByteArray &params) {
              return lookup(params, [&](const std::vector<u128> &ids) { return ledgerOf(cabinet).lookupAccounts(ids); });
          }) },
        { { QStringLiteral("ledger.lookup_transfers"), QStringLiteral("The transfers with these ids (missing ones are left out)."), false,
            Role::Viewer, QStringLiteral("{\"ids\": [\"id\", ...]}"), QStringLiteral("[Transfer, ...]"), ReadErrors },
          now([](Cabinet &cabinet, const Actor &, const QByteArray &params) {
              return lookup(params, [&](const std::vector<u128> &ids) { return ledgerOf(cabinet).lookupTransfers(ids); });
          }) },
        { { QStringLiteral("ledger.get_account_transfers"), QStringLiteral("Transfers of one account."), false, Role::Viewer, filterParams,
            QStringLiteral("[Transfer, ...]"), ReadErrors },
          now([](Cabinet &cabinet, const Actor &, const QByteArray &params) {
              return query(params, json::parseAccountFilter,
                           [&](const AccountFilter &f) { return ledgerOf(cabinet).getAccountTransfers(f); });
          }) },
        { { QStringLiteral("ledger.get_account_balances"), QStringLiteral("Balance history of an account with flags.history."), false,
            Role::Viewer, filterParams, QStringLiteral("[AccountBalance, ...]"), ReadErrors },
          now([](Cabinet &cabinet, const Actor &, const QByteArray &params) {
              return query(params, json::parseAccountFilter,
                           [&](const AccountFilter &f) { return ledgerOf(cabinet).getAccountBalances(f); });
          }) },
        { { QStringLiteral("ledger.query_accounts"), QStringLiteral("Accounts matching a query filter."), false, Role::Viewer, queryParams,
            QStringLiteral("[Account, ...]"), ReadErrors },
          now([](Cabinet &cabinet, const Actor &, const QByteArray &params) {
              return query(params, json::parseQueryFilter, [&](const QueryFilter &f) { return ledgerOf(cabinet).queryAccounts(f); });
          }) },
        { { QStringLiteral("ledger.query_transfers"), QStringLiteral("Transfers matching a query filter."), false, Role::Viewer, queryParams,
            QStringLiteral("[Transfer, ...]"), ReadErrors },
          now([](Cabinet &cabinet, const Actor &, const QByteArray &params) {
              return query(params, json::parseQueryFilter, [&](const QueryFilter &f) { return ledgerOf(cabinet).queryTransfers(f); });
          }) },
        { { QStringLiteral("ledger.expire_pending"),
            QStringLiteral("Expire every pending transfer whose timeout has passed, now (the scheduler also does it on time)."), true,
            Role::Operator, QStringLiteral("{}"), QStringLiteral("{\"expired\": n}"), WriteErrors },
          now([](Cabinet &cabinet, const Actor &actor, const QByteArray &params) -> Result<QByteArray> {
              if (auto document = exactParams(params, {}); !document)
                  return document.error();
              auto expired = ledgerOf(cabinet).expirePending(actor);
              if (!expired)
                  return expired.error();
              if (*expired == 0) {
                  // Nothing was due, so no batch committed and none was
                  // audited; the operator's call still leaves its entry.
                  auto tx = cabinet.database().begin();
                  if (!tx)
                      return tx.error();
                  if (auto entry = cabinet.audit().append(*tx, actor.toString(), QStringLiteral("ledger.expire"),
                                                          QStringLiteral("0 pending transfers"), QJsonObject { { QStringLiteral("expired"), 0 } });
                      !entry)
                      return entry.error();
                  if (auto committed = tx->commit(); !committed)
                      return committed.error();
              }
              return QByteArray(QByteArrayLiteral("{\"expired\":") + QByteArray::number(*expired) + '}');
          }) },
        { { QStringLiteral("ledger.replay_check"),
            QStringLiteral("Recompute every balance from the journal and compare with the stored accounts."), false, Role::Viewer,
            QStringLiteral("{}"), QStringLiteral("{\"matches\": bool, \"records\": n, \"accounts\": n, \"mismatches\": [\"...\"]}"),
            ReadErrors },
          now([](Cabinet &cabinet, const Actor &, const QByteArray &params) -> Result<QByteArray> {
              if (auto document = exactParams(params, {}); !document)
                  return document.error();
              auto report = ledgerOf(cabinet).replayJournal();
              if (!report)
                  return report.error();
              QJsonArray mismatches;
              for (const QString &m : report->mismatches)
                  mismatches.append(m);
              return compact(QJsonObject { { QStringLiteral("matches"), report->matches() },
                                           { QStringLiteral("records"), report->records },
                                           { QStringLiteral("accounts"), report->accounts },
                                           { QStringLiteral("mismatches"), mismatches } });
          }) },
        { { QStringLiteral("ledger.journal"), QStringLiteral("Journal records after a timestamp, oldest first."), false, Role::Viewer,
            QStringLiteral("{\"after\": \"timestamp ns\" (default 0), \"limit\": n (1..8189, default 1000)}"),
            QStringLiteral("[JournalRecord, ...]"), ReadErrors },
          now([](Cabinet &cabinet, const Actor &, const QByteArray &params) -> Result<QByteArray> {
              auto document = exactParams(params, { "after", "limit" });
              if (!document)
                  return document.error();
              u128 after = 0;
              if (const JsonValue *value = member(*document, QStringLiteral("after"))) {
                  auto parsed = json::parseId(value->text);
                  if (!parsed || *parsed > TimestampMax)
                      return Error { ErrorCode::InvalidArgument, QStringLiteral("'after' must be a timestamp in ns"), QStringLiteral("after") };
                  after = *parsed;
              }
              u32 limit = 1000;
              if (const JsonValue *value = member(*document, QStringLiteral("limit"))) {
                  bool ok = false;
                  const uint parsed = value->text.toUInt(&ok);
                  if (value->type != JsonValue::Type::Number || !ok || parsed == 0 || parsed > BatchMax)
                      return Error { ErrorCode::InvalidArgument, QStringLiteral("'limit' must be 1..%1").arg(BatchMax), QStringLiteral("limit") };
                  limit = parsed;
              }
              auto page = ledgerOf(cabinet).journal(u64(after), limit);
              if (!page)
                  return page.error();
              QByteArray out = "[";
              for (size_t i = 0; i < page->size(); ++i)
                  out += (i ? "," : "") + json::write((*page)[i]);
              return QByteArray(out + ']');
          }) },
    };
}

} // namespace cabinet::api::ops

// cabinet ledger ...: the ledger in JSON with TigerBeetle's field names
// (docs/ledger.md). Input is checked whole before anything is applied: a
// malformed or out-of-range batch exits 2 and changes nothing.
#include "QuotedInput.h"
#include "cli/Command.h"
#include "ledger/ExactJson.h"
#include "ledger/Ledger.h"
#include "ledger/LedgerJson.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <limits>

namespace cabinet::cli {

namespace {

using namespace cabinet::ledger;

// FILE, or "-" / nothing for standard input. At most JsonBytesMax bytes are
// read: a file's size is checked before reading it, standard input is read
// only up to one byte past the limit, so a gigabyte piped in costs nothing
// before it is refused.
Result<QByteArray> readInput(const QString &source)
{
    QFile file;
    const bool fromStdin = source.isEmpty() || source == QLatin1String("-");
    const QString name = fromStdin ? QStringLiteral("standard input") : source;
    const bool opened = fromStdin ? file.open(stdin, QIODevice::ReadOnly) : (file.setFileName(source), file.open(QIODevice::ReadOnly));
    if (!opened)
        return Error { ErrorCode::InvalidArgument, QStringLiteral("cannot read %1: %2").arg(name, file.errorString()) };
    auto tooLarge = [&] {
        return Error { ErrorCode::InvalidArgument,
                       QStringLiteral("%1 holds more than %2 bytes, the most a ledger command reads (a full batch of %3 events "
                                      "takes far less)")
                               .arg(name)
                               .arg(JsonBytesMax)
                               .arg(BatchMax) };
    };
    if (!file.isSequential() && file.size() > JsonBytesMax)
        return tooLarge();
    QByteArray data;
    for (;;) {
        const QByteArray chunk = file.read(std::min<qint64>(1 << 20, JsonBytesMax + 1 - data.size()));
        if (chunk.isEmpty())
            break;
        data.append(chunk);
        if (data.size() > JsonBytesMax)
            return tooLarge();
    }
    if (file.error() != QFileDevice::NoError)
        return Error { ErrorCode::InvalidArgument, QStringLiteral("cannot read %1: %2").arg(name, file.errorString()) };
    return data;
}

// A filter is given inline ('{...}'), in FILE, or on standard input ("-" or nothing).
Result<QByteArray> readFilter(const QStringList &args)
{
    const QString source = args.value(0);
    if (source.trimmed().startsWith(u'{'))
        return source.toUtf8();
    return readInput(source);
}

void print(Context &context, const QByteArray &json)
{
    context.out << QString::fromUtf8(json) << '\n';
    context.out.flush();
}

// create-accounts and create-transfers: the batch goes to its operation,
// which refuses bad input whole (exit 2, nothing applied); exit 1 when an
// event failed. Printed: the operation's result, exactly.
template <typename Parse>
int createBatch(Context &context, QCommandLineParser &parser, const QString &command, Parse parse, const char *operation,
                const char *member)
{
    const QStringList args = parser.positionalArguments();
    if (args.size() > 1)
        return fail(context, QStringLiteral("%1 takes one FILE (or - for standard input)").arg(command), Usage);
    auto input = readInput(args.value(0));
    if (!input)
        return fail(context, input.error().message, Usage);
    // Checked here too, so a mistake is reported at its line and column in
    // the user's own file, before anything is sent.
    if (auto events = parse(*input); !events)
        return fail(context, events.error().message + QStringLiteral("; nothing was applied"), Usage);
    const QByteArray params = "{\"" + QByteArray(member) + "\":" + *input + '}';
    auto results = callOperation(context, QString::fromLatin1(operation), params);
    if (!results)
        return fail(context, results.error());
    print(context, *results);
    // Each result names its status; "created" and "exists" are successes.
    const QJsonArray rows = QJsonDocument::fromJson(*results).array();
    for (const QJsonValue &row : rows) {
        const QString status = row.toObject().value(QStringLiteral("status")).toString();
        if (status != u"created" && status != u"exists")
            return Failure;
    }
    return Ok;
}

int createAccounts(Context &context, QCommandLineParser &parser)
{
    return createBatch(context, parser, QStringLiteral("create-accounts"), json::parseAccounts, "ledger.create_accounts", "accounts");
}

int createTransfers(Context &context, QCommandLineParser &parser)
{
    return createBatch(context, parser, QStringLiteral("create-transfers"), json::parseTransfers, "ledger.create_transfers", "transfers");
}

Result<std::vector<u128>> parseIds(const QStringList &args)
{
    if (args.isEmpty())
        return Error { ErrorCode::InvalidArgument, QStringLiteral("give at least one ID") };
    if (args.size() > qsizetype(BatchMax))
        return Error { ErrorCode::InvalidArgument, QStringLiteral("at most %1 ids at a time").arg(BatchMax) };
    std::vector<u128> ids;
    for (const QString &arg : args) {
        auto id = json::parseId(arg);
        if (!id)
            return id.error();
        ids.push_back(*id);
    }
    return ids;
}

// lookup-accounts and lookup-transfers: ids from the arguments, read-only.
template <typename Lookup>
int lookup(Context &context, QCommandLineParser &parser, Lookup lookupIn)
{
    auto ids = parseIds(parser.positionalArguments());
    if (!ids)
        return fail(context, ids.error().message, Usage);
    auto cabinet = openCabinet(context, true);
    if (!cabinet)
        return fail(context, cabinet.error().message);
    auto found = lookupIn((*cabinet)->service<cabinet::ledger::Ledger>(), *ids);
    if (!found)
        return fail(context, found.error().message);
    using Row = typename std::remove_cvref_t<decltype(*found)>::value_type;
    print(context, json::write(std::span<const Row>(*found)));
    return Ok;
}

int lookupAccounts(Context &context, QCommandLineParser &parser)
{
    return lookup(context, parser, [](ledger::Ledger &ledger, const std::vector<u128> &ids) { return ledger.lookupAccounts(ids); });
}

int lookupTransfers(Context &context, QCommandLineParser &parser)
{
    return lookup(context, parser, [](ledger::Ledger &ledger, const std::vector<u128> &ids) { return ledger.lookupTransfers(ids); });
}

// The four queries: read a filter, open read-only, print what matched.
template <typename Filter, typename Query>
int query(Context &context, QCommandLineParser &parser, Result<Filter> (*parse)(const QByteArray &), Query run)
{
    if (parser.positionalArguments().size() > 1)
        return fail(context, QStringLiteral("give one FILTER: inline JSON, a FILE, or - for standard input"), Usage);
    auto input = readFilter(parser.positionalArguments());
    if (!input)
        return fail(context, input.error().message, Usage);
    auto filter = parse(*input);
    if (!filter)
        return fail(context, filter.error().message, Usage);
    auto cabinet = openCabinet(context, true);
    if (!cabinet)
        return fail(context, cabinet.error().message);
    auto found = run((*cabinet)->service<cabinet::ledger::Ledger>(), *filter);
    if (!found)
        return fail(context, found.error().message);
    using Item = typename std::decay_t<decltype(*found)>::value_type;
    print(context, json::write(std::span<const Item>(*found)));
    return Ok;
}

int accountTransfers(Context &context, QCommandLineParser &parser)
{
    return query(context, parser, json::parseAccountFilter,
                 [](Ledger &ledger, const AccountFilter &filter) { return ledger.getAccountTransfers(filter); });
}

int accountBalances(Context &context, QCommandLineParser &parser)
{
    return query(context, parser, json::parseAccountFilter,
                 [](Ledger &ledger, const AccountFilter &filter) { return ledger.getAccountBalances(filter); });
}

int queryAccounts(Context &context, QCommandLineParser &parser)
{
    return query(context, parser, json::parseQueryFilter,
                 [](Ledger &ledger, const QueryFilter &filter) { return ledger.queryAccounts(filter); });
}

int queryTransfers(Context &context, QCommandLineParser &parser)
{
    return query(context, parser, json::parseQueryFilter,
                 [](Ledger &ledger, const QueryFilter &filter) { return ledger.queryTransfers(filter); });
}

int expire(Context &context, QCommandLineParser &)
{
    auto expired = callOperation(context, QStringLiteral("ledger.expire_pending"), "{}");
    if (!expired)
        return fail(context, expired.error());
    print(context, *expired);
    return Ok;
}

int replayCheck(Context &context, QCommandLineParser &)
{
    auto cabinet = openCabinet(context, true);
    if (!cabinet)
        return fail(context, cabinet.error().message);
    auto report = (*cabinet)->service<cabinet::ledger::Ledger>().replayJournal();
    if (!report)
        return fail(context, report.error().message);
    if (!report->matches()) {
        context.out << "journal replay does NOT match the stored balances (" << report->records << " records, "
                    << report->accounts << " accounts):\n";
        for (const QString &mismatch : report->mismatches)
            context.out << "  " << mismatch << '\n';
        return Failure;
    }
    context.out << "journal replay matches: " << report->records << " records, " << report->accounts
                << " accounts, every balance and flag equal\n";
    return Ok;
}

int journal(Context &context, QCommandLineParser &parser)
{
    auto after = json::parseId(parser.value(QStringLiteral("after")));
    bool limitOk = false;
    const uint limit = parser.value(QStringLiteral("limit")).toUInt(&limitOk);
    if (!after || *after > TimestampMax)
        return fail(context, QStringLiteral("--after needs a timestamp (ns) from 0 to %1, got %2")
                                     .arg(TimestampMax)
                                     .arg(quoteInput(parser.value(QStringLiteral("after")))),
                    Usage);
    if (!limitOk || limit == 0)
        return fail(context, QStringLiteral("--limit needs a whole number from 1 to %1, got %2")
                                     .arg(std::numeric_limits<u32>::max())
                                     .arg(quoteInput(parser.value(QStringLiteral("limit")))),
                    Usage);
    auto cabinet = openCabinet(context, true);
    if (!cabinet)
        return fail(context, cabinet.error().message);
    u64 cursor = u64(*after);
    u32 left = limit;
    while (left > 0) {
        auto page = (*cabinet)->service<cabinet::ledger::Ledger>().journal(cursor, std::min<u32>(left, BatchMax));
        if (!page)
            return fail(context, page.error().message);
        for (const JournalRecord &record : *page)
            context.out << QString::fromUtf8(json::write(record)) << '\n';
        if (page->empty())
            break;
        left -= u32(page->size());
        cursor = page->back().timestamp;
    }
    return Ok;
}

QStringList words(const char *second) { return { QStringLiteral("ledger"), QString::fromLatin1(second) }; }

auto positional(const char *name, const char *description)
{
    return [name, description](QCommandLineParser &parser) {
        parser.addPositionalArgument(QString::fromLatin1(name), QString::fromLatin1(description));
    };
}

} // namespace

std::vector<Command> ledgerCommands()
{
    const auto batchFile = positional("file", "JSON array of events (default, or -: standard input).");
    const auto filterArg = positional("filter", "Filter as inline JSON ('{...}'), a FILE, or - for standard input (the default).");
    const auto ids = positional("ids", "Decimal 128-bit ids.");
    return {
        { words("create-accounts"), QStringLiteral("[FILE|-]"),
          QStringLiteral("Create ledger accounts from a JSON array; print one result per event (exit 1 if any failed)."), batchFile,
          createAccounts },
        { words("create-transfers"), QStringLiteral("[FILE|-]"),
          QStringLiteral("Create ledger transfers from a JSON array; print one result per event (exit 1 if any failed)."), batchFile,
          createTransfers },
        { words("lookup-accounts"), QStringLiteral("ID..."), QStringLiteral("Print the accounts found, as a JSON array."), ids, lookupAccounts },
        { words("lookup-transfers"), QStringLiteral("ID..."), QStringLiteral("Print the transfers found, as a JSON array."), ids, lookupTransfers },
        { words("account-transfers"), QStringLiteral("[FILTER|FILE|-]"),
          QStringLiteral("Transfers of one account (an AccountFilter), as a JSON array."), filterArg, accountTransfers },
        { words("account-balances"), QStringLiteral("[FILTER|FILE|-]"),
          QStringLiteral("Balance history of an account with flags.history (an AccountFilter)."), filterArg, accountBalances },
        { words("query-accounts"), QStringLiteral("[FILTER|FILE|-]"), QStringLiteral("Accounts matching a QueryFilter."), filterArg,
          queryAccounts },
        { words("query-transfers"), QStringLiteral("[FILTER|FILE|-]"), QStringLiteral("Transfers matching a QueryFilter."), filterArg,
          queryTransfers },
        { words("expire"), {}, QStringLiteral("Expire every pending transfer whose timeout has passed, now (audited)."), nullptr, expire },
        { words("replay-check"), {},
          QStringLiteral("Recompute every balance from the journal and compare; exit 1 on any difference."), nullptr, replayCheck },
        { words("journal"), {}, QStringLiteral("Print journal records after a timestamp, one JSON object a line."),
          [](QCommandLineParser &parser) {
              parser.addOption({ QStringLiteral("after"), QStringLiteral("Only records after this timestamp (ns, default 0)."),
                                 QStringLiteral("timestamp"), QStringLiteral("0") });
              parser.addOption({ QStringLiteral("limit"), QStringLiteral("At most this many records (default 1000)."),
                                 QStringLiteral("count"), QStringLiteral("1000") });
          },
          journal },
    };
}

} // namespace cabinet::cli

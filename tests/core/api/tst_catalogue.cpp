// The operations catalogue and its dispatcher (core/api/Operation.h,
// docs/api.md): names after the house convention, every mutating operation
// audited once under its caller, the dispatcher's own refusals, and the
// generated docs. The walk covers every operation there is: a new one that
// writes fails this test until it is given a sample call below.
#include "TestSupport.h"
#include "api/Dispatcher.h"
#include "api/JsonText.h"
#include "api/Operation.h"
#include "approvals/ApprovalService.h"
#include "audit/AuditLog.h"
#include "pilot/PilotService.h"
#include "config/Config.h"
#include "costs/Budgets.h"
#include "ledger/Ledger.h"
#include "ledger/LedgerTypes.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include <functional>
#include <map>
#include <optional>

using namespace cabinet;
using namespace cabinet::api;
using namespace cabinet::test;

namespace {

const Actor Caller = Actor::person(QStringLiteral("catalogue-tester"));

// Calls through the dispatcher and waits for the answer: a long job
// answers later, from the event loop, and one paced on the Clock (a model
// call on the sim provider) once the clock has moved, so it is moved on
// while waiting.
std::optional<Result<QByteArray>> call(Cabinet &cabinet, ManualClock *clock, const QString &name, const QByteArray &params,
                                       const Actor &actor = Caller)
{
    auto answer = std::make_shared<std::optional<Result<QByteArray>>>();
    cabinet.api().call(name, actor, params, [answer](Result<QByteArray> result) { *answer = std::move(result); });
    const QDeadlineTimer deadline(60000);
    while (!answer->has_value() && !deadline.hasExpired()) {
        QTest::qWait(2);
        if (clock && !answer->has_value())
            clock->advanceMs(50);
    }
    return *answer;
}

// The member of a call's JSON result (an id to act on).
QString resultMember(const std::optional<Result<QByteArray>> &answer, const char *name)
{
    if (!answer || !answer->ok())
        return {};
    return QJsonDocument::fromJson(answer->value()).object().value(QLatin1StringView(name)).toString();
}

QByteArray idParams(const QString &id)
{
    return QByteArrayLiteral("{\"id\":") + jsonString(id) + '}';
}

// A valid call of one operation: puts in place what it needs (as the tester,
// before the count of audit entries is taken) and returns its params.
using Sample = std::function<QByteArray(Cabinet &, ManualClock &)>;

Sample fixed(const QByteArray &params, std::function<void(Cabinet &, ManualClock &)> setup = {})
{
    return [params, setup](Cabinet &cabinet, ManualClock &clock) {
        if (setup)
            setup(cabinet, clock);
        return params;
    };
}

void twoAccounts(Cabinet &cabinet, ManualClock &)
{
    ledger::Account a;
    a.id = 1;
    a.ledger = 1;
    a.code = 10;
    ledger::Account b = a;
    b.id = 2;
    QVERIFY(cabinet.service<ledger::Ledger>().createAccounts(std::vector { a, b }, tester()));
}

// A task in the queue, after the tester's `actions` on it: its id.
QString task(Cabinet &cabinet, ManualClock &clock, const std::vector<const char *> &actions = {})
{
    const QString id = resultMember(call(cabinet, &clock, QStringLiteral("tasks.submit"), R"({"workflow":"review","title":"sample"})", tester()), "id");
    if (id.isEmpty())
        qWarning("no sample task");
    for (const char *action : actions) {
        const auto done = call(cabinet, &clock, QString::fromLatin1(action), idParams(id), tester());
        if (!done || !done->ok())
            qWarning("%s on the sample task: %s", action, done ? qPrintable(done->error().message) : "no answer");
    }
    return id;
}

// The budgets started (their own accounts and seed audited by system:costs
// before the count), with an envelope for rex.
void budgetsWithRex(Cabinet &cabinet, ManualClock &)
{
    QVERIFY(cabinet.service<costs::Budgets>().setEnvelopes({ { QStringLiteral("rex"), 1'000'000, std::nullopt } }));
}

// Gates 1 to 3 passed, as the go-live needs (docs/pilot.md).
void pilotGatesPassed(Cabinet &cabinet, ManualClock &clock)
{
    for (const QByteArray &gate : { QByteArrayLiteral(R"({"gate":1})"), QByteArrayLiteral(R"({"gate":2})"), QByteArrayLiteral(R"({"gate":3})") }) {
        const auto answer = call(cabinet, &clock, QStringLiteral("pilot.gate"), gate, tester());
        QVERIFY2(answer && answer->ok() && QJsonDocument::fromJson(answer->value()).object().value(QStringLiteral("passed")).toBool(), gate.constData());
    }
}

Sample onTask(std::vector<const char *> before = {})
{
    return [before](Cabinet &cabinet, ManualClock &clock) { return idParams(task(cabinet, clock, before)); };
}

// One sample per operation. Mutating operations must have one (the walk
// fails otherwise); reading ones without one are called with "{}".
const std::map<QString, Sample> &samples()
{
    static const std::map<QString, Sample> all {
        // Writing.
        { QStringLiteral("agents.reload"), fixed("{}") },
        { QStringLiteral("board.deliberate"),
          fixed(R"({"proposal":{"kind":"question","text":"Sample","cost_estimate_micros":1000000,"assumptions":{"scenarios":100,"horizon_days":10}},"seed":1})") },
        { QStringLiteral("board.whatif"), [](Cabinet &cabinet, ManualClock &clock) -> QByteArray {
              const auto d = call(cabinet, &clock, QStringLiteral("board.deliberate"),
                                  R"({"proposal":{"kind":"question","text":"Sample","cost_estimate_micros":1000000,"assumptions":{"scenarios":100,"horizon_days":10}},"seed":1})",
                                  tester());
              const qint64 id = d && d->ok() ? QJsonDocument::fromJson(d->value()).object().value(QStringLiteral("id")).toInteger() : 0;
              return "{\"id\":" + QByteArray::number(id) + ",\"set\":{\"success_rate\":0.5}}";
          } },
        { QStringLiteral("config.set"), fixed(R"({"key":"catalogue.sample","value":"1"})") },
        { QStringLiteral("ledger.create_accounts"), fixed(R"({"accounts":[{"id":1,"ledger":1,"code":10}]})") },
        { QStringLiteral("ledger.create_transfers"),
          fixed(R"({"transfers":[{"id":1,"debit_account_id":1,"credit_account_id":2,"amount":5,"ledger":1,"code":1}]})", twoAccounts) },
        { QStringLiteral("ledger.expire_pending"), fixed("{}", [](Cabinet &cabinet, ManualClock &clock) {
              twoAccounts(cabinet, clock);
              ledger::Transfer t;
              t.id = 7;
              t.debit_account_id = 1;
              t.credit_account_id = 2;
              t.amount = 5;
              t.ledger = 1;
              t.code = 1;
              t.flags = ledger::TransferFlag::Pending;
              t.timeout = 1;
              QVERIFY(cabinet.service<ledger::Ledger>().createTransfers(std::vector { t }, tester()));
              clock.advanceMs(2000);
          }) },
        { QStringLiteral("approvals.decide"), [](Cabinet &cabinet, ManualClock &) {
              approvals::NewApproval asked;
              asked.action.kind = approvals::ActionKind::Deploy;
              asked.action.environment = QStringLiteral("production");
              auto made = cabinet.service<approvals::ApprovalService>().request(asked, Actor::agent(QStringLiteral("forge")));
              return made ? "{\"ids\":[" + jsonString(made->id) + "],\"verdict\":\"approve\",\"reason\":\"sample\"}" : QByteArray();
          } },
        { QStringLiteral("pilot.gate"), fixed(R"({"gate":1})") },
        { QStringLiteral("pilot.prepare"), fixed(R"({"participants":5,"seed":1})", pilotGatesPassed) },
        { QStringLiteral("pilot.run"), [](Cabinet &cabinet, ManualClock &clock) -> QByteArray {
              pilotGatesPassed(cabinet, clock);
              pilot::PilotParams small;
              small.participants = 5;
              auto prepared = cabinet.service<pilot::PilotService>().prepare(small, Actor::agent(QStringLiteral("forge")));
              const QString id = prepared ? prepared->value(QStringLiteral("approval")).toObject().value(QStringLiteral("id")).toString() : QString();
              approvals::Decision approve;
              approve.ids = { id };
              approve.approve = true;
              if (!cabinet.service<approvals::ApprovalService>().decide(approve, Actor::person(QStringLiteral("ops"))))
                  qWarning("the sample go-live was not approved");
              return "{\"approval_id\":" + jsonString(id) + "}";
          } },
        { QStringLiteral("budget.set"), fixed(R"({"agent":"rex","daily_micros":"2000000","per_call_micros":"50000"})", budgetsWithRex) },
        { QStringLiteral("budget.refill"), fixed("{}", budgetsWithRex) },
        { QStringLiteral("budget.resume"), fixed(R"({"agent":"rex"})", budgetsWithRex) },
        { QStringLiteral("treasury.fund"), fixed(R"({"amount_micros":"5000000"})", budgetsWithRex) },
        { QStringLiteral("mode.set"), fixed(R"({"mode":"manual"})") },
        { QStringLiteral("models.test"), fixed(R"({"task_type":"review","prompt":"hello","max_tokens":8})") },
        { QStringLiteral("tasks.submit"), fixed(R"({"workflow":"review","title":"a task","input":{"n":1},"idempotency_key":"k1"})") },
        { QStringLiteral("tokens.create"), fixed(R"({"name":"ci","role":"viewer","expires_days":30})") },
        { QStringLiteral("tokens.revoke"), fixed(R"({"name":"ci"})", [](Cabinet &cabinet, ManualClock &) {
              QVERIFY(call(cabinet, nullptr, QStringLiteral("tokens.create"), R"({"name":"ci","role":"viewer"})", tester())->ok());
          }) },
        { QStringLiteral("tasks.pause"), onTask() },
        { QStringLiteral("tasks.resume"), onTask({ "tasks.pause" }) },
        { QStringLiteral("tasks.cancel"), onTask() },
        { QStringLiteral("tasks.retry"), onTask({ "tasks.cancel" }) },
        // A run needs a workflow that loads: the default pipeline.
        { QStringLiteral("tasks.step"), [](Cabinet &cabinet, ManualClock &clock) {
              return idParams(resultMember(call(cabinet, &clock, QStringLiteral("tasks.submit"), R"({"workflow":"default","title":"step"})", tester()), "id"));
          } },
        { QStringLiteral("tasks.until"), [](Cabinet &cabinet, ManualClock &clock) {
              const QString id = resultMember(call(cabinet, &clock, QStringLiteral("tasks.submit"), R"({"workflow":"default","title":"until"})", tester()), "id");
              return QByteArray("{\"id\":" + jsonString(id) + ",\"node\":\"review\"}");
          } },
        // Reading.
        { QStringLiteral("api.list"), fixed("{}") },
        { QStringLiteral("audit.verify"), fixed("{}") },
        { QStringLiteral("audit.tail"), fixed(R"({"count":5})") },
        { QStringLiteral("audit.entries"), fixed(R"({"after_seq":0,"limit":5})") },
        { QStringLiteral("config.get"), fixed(R"({"key":"catalogue.sample"})", [](Cabinet &cabinet, ManualClock &) {
              QVERIFY(cabinet.config().set(QStringLiteral("catalogue.sample"), QStringLiteral("1"), tester().toString(), cabinet.database(),
                                           cabinet.audit(), cabinet.events()));
          }) },
        { QStringLiteral("config.list"), fixed("{}") },
        { QStringLiteral("core.status"), fixed("{}") },
        { QStringLiteral("events.replay"), fixed(R"({"after_seq":0,"limit":10,"types":["audit."]})") },
        { QStringLiteral("ledger.lookup_accounts"), fixed(R"({"ids":["1", 2]})", twoAccounts) },
        { QStringLiteral("ledger.lookup_transfers"), fixed(R"({"ids":["1"]})", twoAccounts) },
        { QStringLiteral("ledger.get_account_transfers"),
          fixed(R"({"filter":{"account_id":1,"limit":10,"flags":["debits","credits"]}})", twoAccounts) },
        { QStringLiteral("ledger.get_account_balances"),
          fixed(R"({"filter":{"account_id":1,"limit":10,"flags":["debits","credits"]}})", twoAccounts) },
        { QStringLiteral("ledger.query_accounts"), fixed(R"({"filter":{"ledger":1,"limit":10}})", twoAccounts) },
        { QStringLiteral("ledger.query_transfers"), fixed(R"({"filter":{"ledger":1,"limit":10}})", twoAccounts) },
        { QStringLiteral("ledger.replay_check"), fixed("{}", twoAccounts) },
        { QStringLiteral("ledger.journal"), fixed(R"({"after":"0","limit":10})", twoAccounts) },
        { QStringLiteral("models.list"), fixed("{}") },
        { QStringLiteral("models.route"), fixed(R"({"task_type":"review"})") },
        { QStringLiteral("scenarios.run"),
          fixed(R"({"params":{"scenarios":1000,"horizon_days":10},"backend":"cpu","histogram_bins":8,"sample_paths":1})") },
        { QStringLiteral("tasks.get"), onTask() },
        { QStringLiteral("tasks.list"), fixed(R"({"limit":10})", [](Cabinet &cabinet, ManualClock &clock) { task(cabinet, clock); }) },
    };
    return all;
}

qint64 lastAuditSeq(Cabinet &cabinet)
{
    auto tail = cabinet.audit().tail(1);
    return tail && !tail->isEmpty() ? tail->first().seq : 0;
}

QList<AuditEntry> auditedAfter(Cabinet &cabinet, qint64 seq)
{
    auto entries = cabinet.audit().entriesAfter(seq, 1000);
    return entries ? *entries : QList<AuditEntry> {};
}

QString codeName(const std::optional<Result<QByteArray>> &answer)
{
    if (!answer)
        return QStringLiteral("(no answer)");
    return answer->ok() ? QStringLiteral("ok") : errorCodeName(answer->error().code);
}

} // namespace

class TestCatalogue : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void namesFollowTheConvention()
    {
        static const QRegularExpression convention(QStringLiteral("^[a-z]+(_[a-z]+)*\\.[a-z]+(_[a-z]+)*$"));
        QVERIFY(!catalogue().empty());
        QString previous;
        for (const Operation &operation : catalogue()) {
            const OperationInfo &info = operation.info;
            QVERIFY2(convention.match(info.name).hasMatch(), qPrintable(info.name));
            QVERIFY2(previous < info.name, qPrintable(info.name + QStringLiteral(" is out of order or twice")));
            previous = info.name;
            QVERIFY2(!info.summary.isEmpty() && !info.params.isEmpty() && !info.result.isEmpty(), qPrintable(info.name));
            QVERIFY2(operation.handler, qPrintable(info.name));
            QCOMPARE(findOperation(info.name), &operation);
            // The dispatcher's own refusals are among the errors it documents.
            QVERIFY2(info.errors.contains(ErrorCode::InvalidArgument), qPrintable(info.name));
            if (info.mutating) {
                QVERIFY2(info.errors.contains(ErrorCode::FailedPrecondition), qPrintable(info.name));
                QVERIFY2(info.role != Role::Viewer, qPrintable(info.name + QStringLiteral(" writes with the viewer role")));
            }
        }
        QCOMPARE(findOperation(QStringLiteral("no.such_thing")), nullptr);
        QCOMPARE(findOperation(QStringLiteral("ledger")), nullptr);
        QCOMPARE(findOperation(QString()), nullptr);
    }

    // The walk: every operation there is, called validly.
    void everyMutatingCallIsAuditedOnceUnderItsCaller()
    {
        int mutating = 0;
        for (const Operation &operation : catalogue()) {
            const OperationInfo &info = operation.info;
            const auto sample = samples().find(info.name);
            if (info.mutating && sample == samples().end())
                QFAIL(qPrintable(QStringLiteral("%1 writes and has no sample call in tst_catalogue.cpp: add one").arg(info.name)));
            TestCabinet c;
            QVERIFY(c.open());
            const QByteArray params = sample != samples().end() ? sample->second(*c.cabinet, *c.clock) : QByteArrayLiteral("{}");
            if (QTest::currentTestFailed())
                return;
            const qint64 before = lastAuditSeq(*c.cabinet);
            const auto answer = call(*c.cabinet, c.clock.get(), info.name, params);
            QVERIFY2(answer, qPrintable(info.name + QStringLiteral(": no answer")));
            if (sample != samples().end())
                QVERIFY2(answer->ok(), qPrintable(info.name + QStringLiteral(": ") + (answer->ok() ? QString() : answer->error().message)));
            QList<AuditEntry> audited = auditedAfter(*c.cabinet, before);
            // The ledger batches of a model call's reservation and its post,
            // and of the envelopes a reload opens, are audited under
            // system:costs (docs/costs.md): money moved or accounts opened,
            // not a second decision of the caller.
            if (info.name == QLatin1String("models.test") || info.name == QLatin1String("agents.reload"))
                audited.removeIf([](const AuditEntry &e) { return e.actor == QLatin1String("system:costs"); });
            // A pilot day's ledger batches and refusals are its services'
            // (system:pilot-*), its end system:pilot's (docs/pilot.md).
            if (info.name == QLatin1String("pilot.run") || info.name == QLatin1String("pilot.gate"))
                audited.removeIf([](const AuditEntry &e) { return e.actor.startsWith(QLatin1String("system:pilot")); });
            if (!info.mutating) {
                QVERIFY2(audited.isEmpty(), qPrintable(info.name + QStringLiteral(" reads, yet left an audit entry")));
                continue;
            }
            ++mutating;
            QVERIFY2(audited.size() == 1, qPrintable(QStringLiteral("%1 left %2 audit entries").arg(info.name).arg(audited.size())));
            QCOMPARE(audited.first().actor, Caller.toString());
            // A result is JSON.
            QJsonParseError parseError;
            QJsonDocument::fromJson(answer->value(), &parseError);
            QVERIFY2(parseError.error == QJsonParseError::NoError, qPrintable(info.name));
        }
        QVERIFY(mutating >= 4);
        // Every sample names an operation that exists (none left behind by a rename).
        for (const auto &[name, sample] : samples())
            QVERIFY2(findOperation(name), qPrintable(name + QStringLiteral(" has a sample but no operation")));
    }

    // A call that finds nothing to change still answers for itself: an
    // expiry sweep with nothing due commits no ledger batch, yet the
    // operator's call leaves its one entry.
    void callThatChangesNothingIsStillAudited()
    {
        TestCabinet c;
        QVERIFY(c.open());
        const qint64 before = lastAuditSeq(*c.cabinet);
        const auto answer = call(*c.cabinet, c.clock.get(), QStringLiteral("ledger.expire_pending"), "{}");
        QVERIFY(answer && answer->ok());
        QCOMPARE(answer->value(), QByteArray(R"({"expired":0})"));
        const QList<AuditEntry> audited = auditedAfter(*c.cabinet, before);
        QCOMPARE(audited.size(), 1);
        QCOMPARE(audited.first().actor, Caller.toString());
        QCOMPARE(audited.first().action, QStringLiteral("ledger.expire"));
    }

    void refusedMutatingCallLeavesNoAuditEntry()
    {
        TestCabinet c;
        QVERIFY(c.open());
        const qint64 before = lastAuditSeq(*c.cabinet);
        for (const auto &[name, params] : std::vector<std::pair<QString, QByteArray>> {
                     { QStringLiteral("config.set"), R"({"key":"Not A Key","value":"1"})" },
                     { QStringLiteral("config.set"), R"({"key":"a.b"})" },
                     { QStringLiteral("ledger.create_accounts"), R"({"accounts":[{"id":1,"ledger":1,"code":10,"amount":1}]})" },
                     { QStringLiteral("ledger.create_transfers"), R"({"transfers":"none"})" },
                     { QStringLiteral("ledger.expire_pending"), R"({"now":1})" } }) {
            const auto answer = call(*c.cabinet, c.clock.get(), name, params);
            QCOMPARE(codeName(answer), QStringLiteral("invalid_argument"));
        }
        QCOMPARE(auditedAfter(*c.cabinet, before).size(), 0);
    }

    void unknownMembersAreRefusedByEveryOperation()
    {
        TestCabinet c;
        QVERIFY(c.open());
        for (const Operation &operation : catalogue()) {
            const auto answer = call(*c.cabinet, c.clock.get(), operation.info.name, R"({"surely_not_a_member":1})");
            QVERIFY2(answer && !answer->ok(), qPrintable(operation.info.name + QStringLiteral(" accepted an unknown member")));
            QCOMPARE(answer->error().code, ErrorCode::InvalidArgument);
            QCOMPARE(answer->error().field, QStringLiteral("surely_not_a_member"));
        }
    }

    void unknownOperationIsNotFound()
    {
        TestCabinet c;
        QVERIFY(c.open());
        for (const QString &name : { QStringLiteral("no.such_thing"), QStringLiteral("ledger"), QString(), QString(5000, u'x') }) {
            const auto answer = call(*c.cabinet, c.clock.get(), name, "{}");
            QCOMPARE(codeName(answer), QStringLiteral("not_found"));
            QVERIFY(answer->error().message.size() < 500); // a long name is not quoted whole
        }
    }

    void paramsNotAnObjectOrOverTheLimitAreInvalid()
    {
        TestCabinet c;
        QVERIFY(c.open());
        for (const Operation &operation : catalogue()) {
            for (const QByteArray &params : { QByteArray("[]"), QByteArray("1"), QByteArray("\"{}\""), QByteArray("null"),
                                              QByteArray("{"), QByteArray("{}x"), QByteArray("  [ {} ]") }) {
                const auto answer = call(*c.cabinet, c.clock.get(), operation.info.name, params);
                QVERIFY2(answer && !answer->ok(), qPrintable(operation.info.name + QStringLiteral(" took params ") + QString::fromUtf8(params)));
                QCOMPARE(answer->error().code, ErrorCode::InvalidArgument);
                QCOMPARE(answer->error().field, QStringLiteral("params"));
            }
        }
        // Over the limit, refused before anything reads it.
        // (Not raw strings: Qt 6.4's moc misreads R"(...)" ending in a quote.)
        const QByteArray huge = "{\"key\":\"" + QByteArray(Dispatcher::ParamsBytesMax, 'x') + "\"}";
        for (const QString &name : { QStringLiteral("config.get"), QStringLiteral("config.set") }) {
            const auto answer = call(*c.cabinet, c.clock.get(), name, huge);
            QCOMPARE(codeName(answer), QStringLiteral("invalid_argument"));
            QCOMPARE(answer->error().field, QStringLiteral("params"));
        }
        // Nothing is "{}".
        QVERIFY(call(*c.cabinet, c.clock.get(), QStringLiteral("core.status"), QByteArray())->ok());
        QVERIFY(call(*c.cabinet, c.clock.get(), QStringLiteral("core.status"), QByteArray(" \n"))->ok());
    }

    void mutatingCallOnAReadOnlyCabinetIsFailedPrecondition()
    {
        TestCabinet writer;
        QVERIFY(writer.open());
        writer.cabinet.reset(); // the data directory exists; now read it only
        Cabinet::Options options;
        options.dataDir = writer.dir.path();
        options.readOnly = true;
        options.clock = writer.clock;
        auto reader = Cabinet::open(options);
        QVERIFY2(reader, reader ? "" : qPrintable(reader.error().message));
        Cabinet &cabinet = **reader;
        const qint64 before = lastAuditSeq(cabinet);
        int refused = 0;
        for (const Operation &operation : catalogue()) {
            if (!operation.info.mutating)
                continue;
            const auto sample = samples().find(operation.info.name);
            QVERIFY(sample != samples().end());
            // No setup: the refusal comes before anything is read.
            const auto answer = call(cabinet, writer.clock.get(), operation.info.name, idParams(QStringLiteral("01J00000000000000000000000")));
            QCOMPARE(codeName(answer), QStringLiteral("failed_precondition"));
            ++refused;
        }
        QVERIFY(refused > 0);
        QCOMPARE(lastAuditSeq(cabinet), before);
        // Reading works there.
        QVERIFY(call(cabinet, writer.clock.get(), QStringLiteral("core.status"), "{}")->ok());
        QVERIFY(call(cabinet, writer.clock.get(), QStringLiteral("audit.tail"), R"({"count":1})")->ok());
    }

    void docsListEveryOperation()
    {
        const QString markdown = catalogueMarkdown();
        const QJsonArray listed = QJsonDocument::fromJson(catalogueJson()).array();
        QCOMPARE(listed.size(), qsizetype(catalogue().size()));
        qsizetype at = 0;
        for (const Operation &operation : catalogue()) {
            const OperationInfo &info = operation.info;
            QVERIFY2(markdown.contains(QStringLiteral("\n### %1\n").arg(info.name)), qPrintable(info.name));
            QVERIFY2(markdown.contains(QStringLiteral("| [`%1`](#").arg(info.name)), qPrintable(info.name));
            QVERIFY2(markdown.contains(info.summary), qPrintable(info.name));
            const QJsonObject json = listed[at++].toObject();
            QCOMPARE(json.value(QStringLiteral("name")).toString(), info.name);
            QCOMPARE(json.value(QStringLiteral("mutating")).toBool(), info.mutating);
            QCOMPARE(json.value(QStringLiteral("role")).toString(), roleName(info.role));
            QCOMPARE(json.value(QStringLiteral("errors")).toArray().size(), info.errors.size());
        }
        for (ErrorCode code : AllErrorCodes)
            QVERIFY2(markdown.contains(QStringLiteral("| `%1` |").arg(errorCodeName(code))), qPrintable(errorCodeName(code)));
    }
};

QTEST_GUILESS_MAIN(TestCatalogue)
#include "tst_catalogue.moc"

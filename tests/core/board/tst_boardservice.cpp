// The board in the core (docs/board.md): board.deliberate answers once the
// deliberation is saved with its event and one audit entry under the
// caller; the statements stream; board.get and board.list read it back; an
// approval to attach to must exist; the same seed regenerates the same
// deliberation; bad input changes nothing.
#include "TestSupport.h"
#include "api/Dispatcher.h"
#include "audit/AuditLog.h"
#include "events/EventBus.h"
#include "board/BoardService.h"
#include "events/EventTypes.h"
#include "store/Database.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>

using namespace cabinet;

namespace {

const Actor Alice = Actor::person(QStringLiteral("alice"));

Result<QJsonObject> call(Cabinet &cabinet, const char *name, const QByteArray &params)
{
    std::optional<Result<QByteArray>> answer;
    cabinet.api().call(QLatin1String(name), Alice, params, [&](Result<QByteArray> r) { answer = std::move(r); });
    const QDeadlineTimer deadline(60000);
    while (!answer && !deadline.hasExpired())
        QTest::qWait(5);
    if (!answer)
        return Error { ErrorCode::Timeout, QStringLiteral("no answer") };
    if (!*answer)
        return answer->error();
    return QJsonDocument::fromJson(answer->value()).object();
}

qint64 auditSeq(Cabinet &cabinet)
{
    auto tail = cabinet.audit().tail(1);
    return tail && !tail->isEmpty() ? tail->last().seq : 0;
}

// (Not a raw string literal across lines: moc does not read one.)
const QByteArray Proposal = "{\"proposal\": {\"kind\": \"tier2_action\", \"text\": \"Deploy v2\", \"cost_estimate_micros\": 30000000, "
                            "\"assumptions\": {\"scenarios\": 1000, \"horizon_days\": 30, \"budget_micros\": 90000000}}, "
                            "\"seed\": \"12345678901234567890\"}";

} // namespace

class TestBoardService : public QObject {
    Q_OBJECT

private slots:
    void deliberateSavesAuditsAndStreams()
    {
        test::TestCabinet c;
        QVERIFY(c.open());
        QList<QJsonObject> statements;
        QList<QJsonObject> saved;
        c->events().subscribe({ events::BoardStatement, events::BoardDeliberated }, [&](const Event &e) {
            (e.type == events::BoardStatement ? statements : saved).append(e.payload);
        });
        const qint64 before = auditSeq(*c.cabinet);
        auto d = call(*c.cabinet, "board.deliberate", Proposal);
        QVERIFY2(d.ok(), qPrintable(d.ok() ? QString() : d.error().message));
        const qint64 id = d->value(QStringLiteral("id")).toInteger();
        QVERIFY(id >= 1);
        QCOMPARE(d->value(QStringLiteral("seed")).toString(), QStringLiteral("12345678901234567890"));
        QCOMPARE(d->value(QStringLiteral("votes")).toArray().size(), 8);
        QCOMPARE(d->value(QStringLiteral("statements")).toArray().size(), 24);
        QCOMPARE(d->value(QStringLiteral("result")).toObject().value(QStringLiteral("scenarios")).toInt(), 1000);
        // One audit entry, the caller's, with its event.
        auto audited = c->audit().tail(int(auditSeq(*c.cabinet) - before));
        QVERIFY(audited);
        QCOMPARE(audited->size(), 1);
        QCOMPARE(audited->first().actor, Alice.toString());
        QCOMPARE(audited->first().action, QStringLiteral("board.deliberate"));
        QTRY_COMPARE(saved.size(), 1);
        QCOMPARE(saved.first().value(QStringLiteral("id")).toInteger(), id);
        QTRY_COMPARE(statements.size(), 24);
        QCOMPARE(statements.first().value(QStringLiteral("deliberation")).toInteger(), id);
        QCOMPARE(statements.first().value(QStringLiteral("source")).toString(), QStringLiteral("composed"));

        // Read back, and listed.
        auto got = call(*c.cabinet, "board.get", QStringLiteral("{\"id\": %1}").arg(id).toUtf8());
        QVERIFY(got.ok());
        QCOMPARE(*got, *d);
        auto listed = call(*c.cabinet, "board.list", "{}");
        QVERIFY(listed.ok());
        const QJsonArray rows = listed->value(QStringLiteral("deliberations")).toArray();
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows[0].toObject().value(QStringLiteral("text")).toString(), QStringLiteral("Deploy v2"));

        // The same seed regenerates the same deliberation.
        auto again = call(*c.cabinet, "board.deliberate", Proposal);
        QVERIFY(again.ok());
        for (const char *member : { "statements", "votes", "consensus", "summary", "evidence", "recommendation" })
            QVERIFY2(again->value(QLatin1String(member)) == d->value(QLatin1String(member)), member);
        // The engine's statistics too; only its timings differ.
        auto untimed = [](QJsonObject result) {
            for (const char *timing : { "elapsed_ms", "simulate_ms" })
                result.remove(QLatin1String(timing));
            return result;
        };
        QCOMPARE(untimed(again->value(QStringLiteral("result")).toObject()), untimed(d->value(QStringLiteral("result")).toObject()));
    }

    void badRequestsChangeNothing_data()
    {
        QTest::addColumn<QByteArray>("params");
        QTest::addColumn<ErrorCode>("code");
        QTest::addColumn<QString>("field");
        QTest::newRow("no proposal") << QByteArray("{}") << ErrorCode::InvalidArgument << QStringLiteral("proposal");
        QTest::newRow("bad proposal") << QByteArray(R"({"proposal": {"kind": "wish", "text": "x", "cost_estimate_micros": 1}})")
                                      << ErrorCode::InvalidArgument << QStringLiteral("proposal.kind");
        QTest::newRow("bad seed") << QByteArray(R"({"proposal": {"kind": "question", "text": "x", "cost_estimate_micros": 1}, "seed": -1})")
                                  << ErrorCode::InvalidArgument << QStringLiteral("seed");
        QTest::newRow("unknown member") << QByteArray(R"({"proposal": {}, "colour": 1})") << ErrorCode::InvalidArgument << QStringLiteral("colour");
        QTest::newRow("unknown approval")
                << QByteArray(R"({"proposal": {"kind": "question", "text": "x", "cost_estimate_micros": 1}, "approval_id": "01J00000000000000000000000"})")
                << ErrorCode::NotFound << QStringLiteral("approval_id");
    }
    void badRequestsChangeNothing()
    {
        QFETCH(QByteArray, params);
        QFETCH(ErrorCode, code);
        QFETCH(QString, field);
        test::TestCabinet c;
        QVERIFY(c.open());
        const qint64 before = auditSeq(*c.cabinet);
        auto d = call(*c.cabinet, "board.deliberate", params);
        QVERIFY(!d);
        QCOMPARE(d.error().code, code);
        QCOMPARE(d.error().field, field);
        QCOMPARE(auditSeq(*c.cabinet), before);
        QCOMPARE(call(*c.cabinet, "board.list", "{}")->value(QStringLiteral("deliberations")).toArray().size(), 0);
    }

    void attachesToAnApproval()
    {
        test::TestCabinet c;
        QVERIFY(c.open());
        // A pending tier-3 request, as the approval service stores one.
        const QString id = QStringLiteral("01J0000000000000000000000B");
        QVERIFY(c->database()
                        .execScript(QStringLiteral("INSERT INTO approvals (id, state, tier, rule, action, requested_by, evidence, created_ns, "
                                                   "deadline_ns, next_due_ns) VALUES ('%1', 'pending', 3, 'r', '{}', 'agent:rex', '{}', 0, 0, 0)")
                                            .arg(id))
                        .ok());
        QByteArray params = Proposal;
        params.chop(1);
        params += ", \"approval_id\": \"" + id.toUtf8() + "\"}";
        auto d = call(*c.cabinet, "board.deliberate", params);
        QVERIFY2(d.ok(), qPrintable(d.ok() ? QString() : d.error().message));
        QCOMPARE(d->value(QStringLiteral("approval_id")).toString(), id);
        auto of = call(*c.cabinet, "board.list", "{\"approval_id\": \"" + id.toUtf8() + "\"}");
        QCOMPARE(of->value(QStringLiteral("deliberations")).toArray().size(), 1);
        auto other = call(*c.cabinet, "board.list", R"({"approval_id": "01J0000000000000000000000C"})");
        QCOMPARE(other->value(QStringLiteral("deliberations")).toArray().size(), 0);
    }

    void oneAtATimeAndOnlyWithPersonas()
    {
        test::TestCabinet c;
        QVERIFY(c.open());
        auto proposal = board::proposalFromJson(QJsonDocument::fromJson(Proposal).object().value(QStringLiteral("proposal")).toObject());
        QVERIFY(proposal.ok());
        // No seat in force: refused before anything runs.
        board::BoardService empty(c->database(), c->events(), c->audit(), *c.clock, [] { return QList<board::Persona>(); });
        auto refused = empty.deliberate(*proposal, 1, QString(), Alice, [](Result<QJsonObject>) { QFAIL("must not run"); });
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::FailedPrecondition);
        // While one runs, a second is refused at once; the first still ends.
        board::BoardService &service = c->service<board::BoardService>();
        std::optional<Result<QJsonObject>> first;
        QVERIFY(service.deliberate(*proposal, 1, QString(), Alice, [&](Result<QJsonObject> r) { first = std::move(r); }).ok());
        auto second = service.deliberate(*proposal, 2, QString(), Alice, [](Result<QJsonObject>) { QFAIL("must not run"); });
        QVERIFY(!second);
        QCOMPARE(second.error().code, ErrorCode::ResourceExhausted);
        QTRY_VERIFY_WITH_TIMEOUT(first.has_value(), 60000);
        QVERIFY(first->ok());
        // And once it has ended, the next one runs.
        first.reset();
        QVERIFY(service.deliberate(*proposal, 3, QString(), Alice, [&](Result<QJsonObject> r) { first = std::move(r); }).ok());
        QTRY_VERIFY_WITH_TIMEOUT(first.has_value(), 60000);
        QVERIFY(first->ok());
    }

    void readsRefuseBadInput()
    {
        test::TestCabinet c;
        QVERIFY(c.open());
        auto missing = call(*c.cabinet, "board.get", R"({"id": 99})");
        QCOMPARE(missing.error().code, ErrorCode::NotFound);
        QCOMPARE(call(*c.cabinet, "board.get", R"({"id": "x"})").error().field, QStringLiteral("id"));
        QCOMPARE(call(*c.cabinet, "board.list", R"({"limit": 0})").error().field, QStringLiteral("limit"));
    }
};

QTEST_GUILESS_MAIN(TestBoardService)
#include "tst_boardservice.moc"

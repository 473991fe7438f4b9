// The board's what-if (docs/board.md, "What-if"): the changed proposal read
// as strictly as a new one, each bad key or value refused naming "set.<key>";
// board.whatif re-runs on the original's seed (so an unchanged assumption
// changes nothing), saves the re-run linked to its original with one
// board.whatif audit entry under the caller, and answers both side by side
// with the votes that changed; bad requests change nothing.
#include "Assert.h"
#include "TestSupport.h"
#include "api/Dispatcher.h"
#include "audit/AuditLog.h"
#include "board/WhatIf.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>

using namespace cabinet;

namespace {

const Actor Alice = Actor::person(QStringLiteral("alice"));

QJsonObject json(const QByteArray &text) { return QJsonDocument::fromJson(text).object(); }

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
    return json(answer->value());
}

qint64 auditSeq(Cabinet &cabinet)
{
    auto tail = cabinet.audit().tail(1);
    return tail && !tail->isEmpty() ? tail->last().seq : 0;
}

// Break-even (the value on success is the cost), so the money lenses lean
// on the daily costs; the what-if below makes it pay three times over.
const QByteArray Proposal = "{\"proposal\": {\"kind\": \"tier2_action\", \"text\": \"Deploy v2\", \"cost_estimate_micros\": 30000000, "
                            "\"assumptions\": {\"scenarios\": 1000, \"horizon_days\": 30, \"budget_micros\": 90000000}}, \"seed\": 42}";

board::Proposal original()
{
    auto p = board::proposalFromJson(json(Proposal).value(QStringLiteral("proposal")).toObject());
    CABINET_ASSERT(p.ok());
    return *p;
}

qint64 deliberation(Cabinet &cabinet)
{
    auto d = call(cabinet, "board.deliberate", Proposal);
    return d ? d->value(QStringLiteral("id")).toInteger() : 0;
}

QJsonObject byPersona(const QJsonArray &votes, const QString &persona)
{
    for (const QJsonValue &v : votes)
        if (v.toObject().value(QStringLiteral("persona")).toString() == persona)
            return v.toObject();
    return {};
}

} // namespace

class TestWhatIf : public QObject {
    Q_OBJECT

private slots:
    void changesOnlyWhatItSets()
    {
        auto changed = board::whatIfProposal(original(), json(R"({"success_rate": 0.5, "cost_estimate_micros": 10000000})"));
        QVERIFY(changed.ok());
        QCOMPARE(changed->successRate, std::optional<double>(0.5));
        QCOMPARE(changed->costEstimateMicros, qint64(10'000'000));
        QCOMPARE(changed->horizonDays, 30);
        QCOMPARE(changed->scenarios, quint32(1000));
        QCOMPARE(changed->budgetMicros, std::optional<qint64>(90'000'000));
        QCOMPARE(changed->text, QStringLiteral("Deploy v2"));
    }

    void refusesBadChanges_data()
    {
        QTest::addColumn<QByteArray>("set");
        QTest::addColumn<QString>("field");
        QTest::newRow("nothing") << QByteArray("{}") << QStringLiteral("set");
        QTest::newRow("unknown key") << QByteArray(R"({"colour": 1})") << QStringLiteral("set.colour");
        QTest::newRow("not an assumption") << QByteArray(R"({"text": "other"})") << QStringLiteral("set.text");
        QTest::newRow("rate above 1") << QByteArray(R"({"success_rate": 1.5})") << QStringLiteral("set.success_rate");
        QTest::newRow("no horizon") << QByteArray(R"({"horizon_days": 0})") << QStringLiteral("set.horizon_days");
        QTest::newRow("negative cost") << QByteArray(R"({"cost_estimate_micros": -1})") << QStringLiteral("set.cost_estimate_micros");
        QTest::newRow("zero budget") << QByteArray(R"({"budget_micros": 0})") << QStringLiteral("set.budget_micros");
        QTest::newRow("too many scenarios") << QByteArray(R"({"scenarios": 1000001})") << QStringLiteral("set.scenarios");
        QTest::newRow("wrong type") << QByteArray(R"({"tasks_per_day": "many"})") << QStringLiteral("set.tasks_per_day");
    }
    void refusesBadChanges()
    {
        QFETCH(QByteArray, set);
        QFETCH(QString, field);
        auto changed = board::whatIfProposal(original(), json(set));
        QVERIFY(!changed);
        QCOMPARE(changed.error().code, ErrorCode::InvalidArgument);
        QCOMPARE(changed.error().field, field);
    }

    void sameSeedSameAssumptionSameBoard()
    {
        test::TestCabinet c;
        QVERIFY(c.open());
        const qint64 id = deliberation(*c.cabinet);
        QVERIFY(id >= 1);
        // Setting an assumption to the value it had: the re-run on the same
        // seed is the original again.
        auto w = call(*c.cabinet, "board.whatif", QStringLiteral(R"({"id": %1, "set": {"horizon_days": 30}})").arg(id).toUtf8());
        QVERIFY2(w.ok(), qPrintable(w.ok() ? QString() : w.error().message));
        QCOMPARE(w->value(QStringLiteral("seed")).toString(), QStringLiteral("42"));
        QCOMPARE(w->value(QStringLiteral("history_changed")).toBool(), false);
        QCOMPARE(w->value(QStringLiteral("changed_votes")).toArray().size(), 0);
        const QJsonObject before = w->value(QStringLiteral("original")).toObject();
        const QJsonObject after = w->value(QStringLiteral("whatif")).toObject();
        QCOMPARE(before.value(QStringLiteral("id")).toInteger(), id);
        QVERIFY(after.value(QStringLiteral("id")).toInteger() > id);
        for (const char *member : { "summary", "votes", "consensus", "histogram", "net", "cost", "budget", "initial_capital" })
            QVERIFY2(before.value(QLatin1String(member)) == after.value(QLatin1String(member)), member);
        QCOMPARE(before.value(QStringLiteral("votes")).toArray().size(), 8);
    }

    void aChangedAssumptionShowsTheVotesThatMoved()
    {
        test::TestCabinet c;
        QVERIFY(c.open());
        const qint64 id = deliberation(*c.cabinet);
        QVERIFY(id >= 1);
        const qint64 audited = auditSeq(*c.cabinet);
        auto w = call(*c.cabinet, "board.whatif",
                      QStringLiteral(R"({"id": %1, "set": {"expected_value_micros": 90000000, "success_rate": 0.99}})").arg(id).toUtf8());
        QVERIFY2(w.ok(), qPrintable(w.ok() ? QString() : w.error().message));
        const QJsonObject before = w->value(QStringLiteral("original")).toObject();
        const QJsonObject after = w->value(QStringLiteral("whatif")).toObject();
        const qint64 whatIfId = after.value(QStringLiteral("id")).toInteger();
        // The change is in the what-if's assumptions and the rest is the original's.
        const QJsonObject assumptions = after.value(QStringLiteral("assumptions")).toObject();
        QCOMPARE(assumptions.value(QStringLiteral("expected_value_micros")).toInteger(), 90'000'000);
        QCOMPARE(assumptions.value(QStringLiteral("success_rate")).toDouble(), 0.99);
        QCOMPARE(assumptions.value(QStringLiteral("budget_micros")), before.value(QStringLiteral("assumptions")).toObject().value(QStringLiteral("budget_micros")));
        QVERIFY(after.value(QStringLiteral("summary")).toObject().value(QStringLiteral("p50_gain")).toDouble()
                > before.value(QStringLiteral("summary")).toObject().value(QStringLiteral("p50_gain")).toDouble());
        QVERIFY(after.value(QStringLiteral("histogram")).toObject().value(QStringLiteral("counts")).toArray().size() > 0);

        // Each changed vote is one whose vote differs between the sides, with
        // the scores behind both; every other vote is the same on both.
        const QJsonArray changed = w->value(QStringLiteral("changed_votes")).toArray();
        QVERIFY(!changed.isEmpty());
        int differing = 0;
        for (const QJsonValue &v : before.value(QStringLiteral("votes")).toArray()) {
            const QString persona = v.toObject().value(QStringLiteral("persona")).toString();
            if (v.toObject().value(QStringLiteral("vote")) != byPersona(after.value(QStringLiteral("votes")).toArray(), persona).value(QStringLiteral("vote")))
                ++differing;
        }
        QCOMPARE(changed.size(), differing);
        for (const QJsonValue &value : changed) {
            const QJsonObject v = value.toObject();
            const QString persona = v.value(QStringLiteral("persona")).toString();
            const QJsonObject was = byPersona(before.value(QStringLiteral("votes")).toArray(), persona);
            const QJsonObject now = byPersona(after.value(QStringLiteral("votes")).toArray(), persona);
            QCOMPARE(v.value(QStringLiteral("before")), was.value(QStringLiteral("vote")));
            QCOMPARE(v.value(QStringLiteral("after")), now.value(QStringLiteral("vote")));
            QVERIFY(v.value(QStringLiteral("before")) != v.value(QStringLiteral("after")));
            QCOMPARE(v.value(QStringLiteral("score_before")), was.value(QStringLiteral("score")));
            QCOMPARE(v.value(QStringLiteral("score_after")), now.value(QStringLiteral("score")));
            QVERIFY(v.value(QStringLiteral("score_before")).isDouble() && v.value(QStringLiteral("utility_after")).isDouble());
        }

        // What was set reads back from the two saved proposals.
        auto saved = call(*c.cabinet, "board.get", QStringLiteral(R"({"id": %1})").arg(whatIfId).toUtf8());
        auto originalSaved = call(*c.cabinet, "board.get", QStringLiteral(R"({"id": %1})").arg(id).toUtf8());
        QCOMPARE(board::changedAssumptions(originalSaved->value(QStringLiteral("proposal")).toObject(), saved->value(QStringLiteral("proposal")).toObject()),
                 w->value(QStringLiteral("set")).toObject());
        QCOMPARE(board::compareWhatIf(*originalSaved, *saved, w->value(QStringLiteral("set")).toObject()), *w);

        // Saved, linked to its original, audited once under the caller.
        auto got = call(*c.cabinet, "board.get", QStringLiteral(R"({"id": %1})").arg(whatIfId).toUtf8());
        QVERIFY(got.ok());
        QCOMPARE(got->value(QStringLiteral("whatif_of")).toInteger(), id);
        QCOMPARE(got->value(QStringLiteral("approval_id")).toString(), QString());
        auto first = call(*c.cabinet, "board.get", QStringLiteral(R"({"id": %1})").arg(id).toUtf8());
        QCOMPARE(first->value(QStringLiteral("whatif_of")).toInteger(), 0);
        auto listed = call(*c.cabinet, "board.list", "{}");
        QCOMPARE(listed->value(QStringLiteral("deliberations")).toArray().first().toObject().value(QStringLiteral("whatif_of")).toInteger(), id);
        auto entries = c->audit().tail(int(auditSeq(*c.cabinet) - audited));
        QVERIFY(entries);
        QCOMPARE(entries->size(), 1);
        QCOMPARE(entries->first().actor, Alice.toString());
        QCOMPARE(entries->first().action, QStringLiteral("board.whatif"));
    }

    void anotherSeedIsUsedWhenGiven()
    {
        test::TestCabinet c;
        QVERIFY(c.open());
        const qint64 id = deliberation(*c.cabinet);
        auto w = call(*c.cabinet, "board.whatif", QStringLiteral(R"({"id": %1, "set": {"horizon_days": 30}, "seed": "7"})").arg(id).toUtf8());
        QVERIFY(w.ok());
        QCOMPARE(w->value(QStringLiteral("seed")).toString(), QStringLiteral("7"));
        QVERIFY(w->value(QStringLiteral("original")).toObject().value(QStringLiteral("histogram"))
                != w->value(QStringLiteral("whatif")).toObject().value(QStringLiteral("histogram")));
    }

    void badRequestsChangeNothing_data()
    {
        QTest::addColumn<QByteArray>("params");
        QTest::addColumn<ErrorCode>("code");
        QTest::addColumn<QString>("field");
        QTest::newRow("unknown id") << QByteArray(R"({"id": 99, "set": {"horizon_days": 10}})") << ErrorCode::NotFound << QStringLiteral("id");
        QTest::newRow("no id") << QByteArray(R"({"set": {"horizon_days": 10}})") << ErrorCode::InvalidArgument << QStringLiteral("id");
        QTest::newRow("no set") << QByteArray(R"({"id": 1})") << ErrorCode::InvalidArgument << QStringLiteral("set");
        QTest::newRow("unknown key") << QByteArray(R"({"id": 1, "set": {"mood": 1}})") << ErrorCode::InvalidArgument << QStringLiteral("set.mood");
        QTest::newRow("out of range") << QByteArray(R"({"id": 1, "set": {"volatility_daily": -0.1}})") << ErrorCode::InvalidArgument
                                      << QStringLiteral("set.volatility_daily");
        QTest::newRow("bad seed") << QByteArray(R"({"id": 1, "set": {"horizon_days": 10}, "seed": "x"})") << ErrorCode::InvalidArgument
                                  << QStringLiteral("seed");
        QTest::newRow("unknown member") << QByteArray(R"({"id": 1, "set": {}, "why": 1})") << ErrorCode::InvalidArgument << QStringLiteral("why");
    }
    void badRequestsChangeNothing()
    {
        QFETCH(QByteArray, params);
        QFETCH(ErrorCode, code);
        QFETCH(QString, field);
        test::TestCabinet c;
        QVERIFY(c.open());
        QCOMPARE(deliberation(*c.cabinet), qint64(1));
        const qint64 before = auditSeq(*c.cabinet);
        auto w = call(*c.cabinet, "board.whatif", params);
        QVERIFY(!w);
        QCOMPARE(w.error().code, code);
        QCOMPARE(w.error().field, field);
        QCOMPARE(auditSeq(*c.cabinet), before);
        QCOMPARE(call(*c.cabinet, "board.list", "{}")->value(QStringLiteral("deliberations")).toArray().size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestWhatIf)
#include "tst_whatif.moc"

// The Shadow Board panel's view-models (app/gui/Board*), on a running core
// through CoreConnection only, each under QAbstractItemModelTester: the list
// of deliberations follows board.deliberated; the session shows a saved one
// with its 24 statements and 8 votes, follows a new one as its statements
// stream, names a what-if's bad field and changes nothing, and selects a
// what-if once saved, shown against its original with the votes that
// changed; the transcript keeps one statement per persona and round.
#include "GuiTestSupport.h"
#include "gui/BoardListModel.h"
#include "gui/BoardSession.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonDocument>

using namespace cabinet;
using namespace cabinet::gui;

namespace {

void attachTester(QAbstractItemModel *model)
{
    new QAbstractItemModelTester(model, QAbstractItemModelTester::FailureReportingMode::QtTest, model);
}

const QByteArray Deliberate = "{\"proposal\": {\"kind\": \"tier2_action\", \"text\": \"Deploy v2\", \"cost_estimate_micros\": 30000000, "
                              "\"assumptions\": {\"scenarios\": 500, \"horizon_days\": 30, \"budget_micros\": 90000000}}, \"seed\": 3}";

// Calls an operation through the connection and waits for its answer.
std::optional<Result<QByteArray>> call(test::RunningCore &core, const QString &operation, const QByteArray &params)
{
    std::optional<Result<QByteArray>> answer;
    QObject receiver;
    core.connection.call(&receiver, operation, params, [&answer](Result<QByteArray> r) { answer = std::move(r); });
    (void)QTest::qWaitFor([&answer] { return answer.has_value(); }, 60000);
    return answer;
}

qint64 deliberate(test::RunningCore &core)
{
    const auto d = call(core, QStringLiteral("board.deliberate"), Deliberate);
    return d && d->ok() ? QJsonDocument::fromJson(d->value()).object().value(QStringLiteral("id")).toInteger() : 0;
}

QJsonObject statement(int round, const char *persona)
{
    return { { QStringLiteral("round"), round }, { QStringLiteral("persona"), QLatin1String(persona) }, { QStringLiteral("text"), QStringLiteral("t") } };
}

} // namespace

class TestBoardSession : public QObject {
    Q_OBJECT

private slots:
    void listFollowsDeliberations()
    {
        test::RunningCore core;
        QVERIFY(core.start());
        BoardListModel list;
        attachTester(&list);
        list.setConnection(&core.connection);
        QTRY_VERIFY(list.loaded());
        QCOMPARE(list.count(), 0);
        const qint64 id = deliberate(core);
        QVERIFY(id >= 1);
        QTRY_COMPARE(list.count(), 1);
        QCOMPARE(list.idAt(0), id);
        QCOMPARE(list.idAt(1), qint64(0));
        QCOMPARE(list.rowOf(id), 0);
        const QModelIndex first = list.index(0);
        QCOMPARE(list.data(first, BoardListModel::TextRole).toString(), QStringLiteral("Deploy v2"));
        QCOMPARE(list.data(first, BoardListModel::WhatIfOfRole).toLongLong(), 0);
        const auto w = call(core, QStringLiteral("board.whatif"), QStringLiteral(R"({"id": %1, "set": {"success_rate": 0.99}})").arg(id).toUtf8());
        QVERIFY(w && w->ok());
        QTRY_COMPARE(list.count(), 2);
        QCOMPARE(list.data(list.index(0), BoardListModel::WhatIfOfRole).toLongLong(), id);
        QCOMPARE(list.rowOf(id), 1);
    }

    void sessionShowsFollowsAndComparesAWhatIf()
    {
        test::RunningCore core;
        QVERIFY(core.start());
        const qint64 id = deliberate(core);
        QVERIFY(id >= 1);
        BoardSession session;
        attachTester(session.statements());
        attachTester(session.votes());
        session.setConnection(&core.connection);
        session.setDeliberationId(id);
        QTRY_VERIFY(session.loaded());
        QCOMPARE(session.statements()->count(), 24);
        QCOMPARE(session.votes()->count(), 8);
        QCOMPARE(session.votes()->changedCount(), 0);
        QVERIFY(!session.hasWhatIf());
        QCOMPARE(session.current().value(QStringLiteral("id")).toLongLong(), id);
        QVERIFY(session.current().value(QStringLiteral("histogram")).toMap().value(QStringLiteral("counts")).toList().size() > 0);

        // A bad what-if: the field named, the selection kept, nothing saved.
        session.runWhatIf({ { QStringLiteral("success_rate"), 2 } });
        QTRY_VERIFY(!session.whatIfRunning());
        QCOMPARE(session.whatIfErrorField(), QStringLiteral("set.success_rate"));
        QVERIFY(!session.whatIfError().isEmpty());
        QCOMPARE(session.deliberationId(), id);
        const auto listed = call(core, QStringLiteral("board.list"), "{}");
        QCOMPARE(QJsonDocument::fromJson(listed->value()).object().value(QStringLiteral("deliberations")).toArray().size(), 1);

        // A good one: selected once saved, beside its original.
        session.runWhatIf({ { QStringLiteral("expected_value_micros"), 90000000 }, { QStringLiteral("success_rate"), 0.99 } });
        QTRY_VERIFY_WITH_TIMEOUT(session.hasWhatIf(), 60000);
        QVERIFY(session.whatIfError().isEmpty());
        QVERIFY(session.deliberationId() > id);
        const QVariantMap comparison = session.comparison();
        QCOMPARE(comparison.value(QStringLiteral("original")).toMap().value(QStringLiteral("id")).toLongLong(), id);
        QCOMPARE(comparison.value(QStringLiteral("whatif")).toMap().value(QStringLiteral("id")).toLongLong(), session.deliberationId());
        QCOMPARE(comparison.value(QStringLiteral("set")).toMap().value(QStringLiteral("success_rate")).toDouble(), 0.99);
        QCOMPARE(session.votes()->changedCount(), comparison.value(QStringLiteral("changed_votes")).toList().size());
        QVERIFY(session.votes()->changedCount() > 0);
        QTRY_COMPARE(session.statements()->count(), 24);

        // Following: a new deliberation becomes the selected one as it streams.
        session.setProperty("follow", true);
        const qint64 next = deliberate(core);
        QTRY_COMPARE(session.deliberationId(), next);
        QTRY_VERIFY(session.loaded());
        QVERIFY(!session.hasWhatIf());
        QCOMPARE(session.statements()->count(), 24);
        // Not following: it stays.
        session.setProperty("follow", false);
        QVERIFY(deliberate(core) > next);
        QTest::qWait(200);
        QCOMPARE(session.deliberationId(), next);
    }

    void transcriptKeepsOneStatementPerPersonaAndRound()
    {
        BoardStatementsModel model;
        attachTester(&model);
        QVERIFY(model.add(statement(1, "ceo")));
        QVERIFY(model.add(statement(3, "ceo")));
        QVERIFY(model.add(statement(2, "cfo"))); // before round 3
        QVERIFY(model.add(statement(1, "cfo"))); // after round 1's ceo
        QVERIFY(!model.add(statement(1, "ceo")));
        QCOMPARE(model.count(), 4);
        QStringList order;
        for (int i = 0; i < model.count(); ++i)
            order << model.data(model.index(i), BoardStatementsModel::RoundRole).toString()
                            + model.data(model.index(i), BoardStatementsModel::PersonaRole).toString();
        QCOMPARE(order, (QStringList { QStringLiteral("1ceo"), QStringLiteral("1cfo"), QStringLiteral("2cfo"), QStringLiteral("3ceo") }));
    }

    void votesMarkWhatChanged()
    {
        BoardVotesModel model;
        attachTester(&model);
        auto vote = [](const char *persona, const char *v, double score) {
            return QJsonObject { { QStringLiteral("persona"), QLatin1String(persona) }, { QStringLiteral("vote"), QLatin1String(v) },
                                 { QStringLiteral("score"), score } };
        };
        model.setVotes({ vote("ceo", "approve", 0.4), vote("cfo", "reject", -0.2) }, { vote("ceo", "reject", -0.5), vote("cfo", "reject", -0.3) });
        QCOMPARE(model.changedCount(), 1);
        QVERIFY(model.data(model.index(0), BoardVotesModel::ChangedRole).toBool());
        QCOMPARE(model.data(model.index(0), BoardVotesModel::BeforeVoteRole).toString(), QStringLiteral("reject"));
        QCOMPARE(model.data(model.index(0), BoardVotesModel::BeforeScoreRole).toDouble(), -0.5);
        QVERIFY(!model.data(model.index(1), BoardVotesModel::ChangedRole).toBool());
        model.setVotes({ vote("ceo", "approve", 0.4) });
        QCOMPARE(model.changedCount(), 0);
        QCOMPARE(model.data(model.index(0), BoardVotesModel::BeforeVoteRole).toString(), QString());
    }
};

QTEST_MAIN(TestBoardSession)
#include "tst_boardsession.moc"

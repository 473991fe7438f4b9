// A pilot day in the background: pilot.run answers at once with the run
// (state running), the core answers other calls while the day runs,
// progress events follow it and pilot.run_finished ends it, status shows
// it running then finished, its report is the one the same day gives run
// in one go; one day at a time; a day the core stops under is marked failed.
#include "PilotTestSupport.h"
#include "api/Dispatcher.h"
#include "approvals/ApprovalService.h"
#include "events/EventBus.h"
#include "events/EventTypes.h"
#include "ledger/Ledger.h"
#include "pilot/PilotDay.h"
#include "store/Database.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace cabinet;
using namespace cabinet::pilot;
using cabinet::pilot::support::passGates;
using cabinet::pilot::support::waitFor;

namespace {

const Actor Alice = Actor::person(QStringLiteral("alice"));

PilotParams day()
{
    PilotParams p;
    p.participants = 200;
    p.hours = 2;
    return p;
}

// An approved go-live for `params`.
QString approved(cabinet::test::TestCabinet &c, const PilotParams &params)
{
    auto prepared = c->service<PilotService>().prepare(params, Alice);
    if (!prepared) {
        qWarning("prepare: %s", qPrintable(prepared.error().message));
        return {};
    }
    const QString id = prepared->value(QStringLiteral("approval")).toObject().value(QStringLiteral("id")).toString();
    approvals::Decision d;
    d.ids = { id };
    d.approve = true;
    return c->service<approvals::ApprovalService>().decide(d, Alice) ? id : QString();
}

QByteArray callNow(cabinet::test::TestCabinet &c, const char *name, const QByteArray &params)
{
    std::optional<Result<QByteArray>> answer;
    c->api().call(QLatin1String(name), Alice, params, [&](Result<QByteArray> r) { answer = std::move(r); });
    return answer && *answer ? answer->value() : QByteArray();
}

} // namespace

class TestPilotRunner : public QObject {
    Q_OBJECT

private slots:
    void aDayRunsInTheBackground()
    {
        cabinet::test::TestCabinet c;
        QVERIFY(c.open());
        QVERIFY(passGates(c, Alice));
        const QString id = approved(c, day());
        QVERIFY(!id.isEmpty());

        QList<QJsonObject> progress;
        QList<QJsonObject> finished;
        QByteArray statusMidDay;
        c->events().subscribe({ events::PilotRunProgress, events::PilotRunFinished }, [&](const Event &e) {
            if (e.type == events::PilotRunFinished) {
                finished.append(e.payload);
                return;
            }
            progress.append(e.payload);
            // The core answers while the day runs.
            if (statusMidDay.isEmpty())
                statusMidDay = callNow(c, "pilot.status", "{}");
        });
        auto done = std::make_shared<std::optional<Result<QJsonObject>>>();
        auto started = c->service<PilotService>().run(id, Alice, [done](Result<QJsonObject> r) { *done = std::move(r); });
        QVERIFY2(started, started ? "" : qPrintable(started.error().message));
        QCOMPARE(started->value(QStringLiteral("state")).toString(), QStringLiteral("running"));
        const qint64 run = started->value(QStringLiteral("run")).toInteger();
        QVERIFY(c->service<PilotService>().running());
        auto status = c->service<PilotService>().status(10);
        QCOMPARE(status->value(QStringLiteral("latest")).toObject().value(QStringLiteral("state")).toString(), QStringLiteral("running"));
        QCOMPARE(status->value(QStringLiteral("latest")).toObject().value(QStringLiteral("progress")).toObject().value(QStringLiteral("run")).toInteger(), run);
        QVERIFY(!done->has_value()); // nothing of the day ran yet: it runs from the event loop

        const auto result = waitFor(done);
        QVERIFY(result);
        QVERIFY2(*result, *result ? "" : qPrintable(result->error().message));
        QCOMPARE((*result)->value(QStringLiteral("state")).toString(), QStringLiteral("finished"));
        QVERIFY(!c->service<PilotService>().running());
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.first().value(QStringLiteral("run")).toInteger(), run);
        const QJsonObject midDay = QJsonDocument::fromJson(statusMidDay).object().value(QStringLiteral("latest")).toObject();
        QCOMPARE(midDay.value(QStringLiteral("state")).toString(), QStringLiteral("running"));
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.first().value(QStringLiteral("state")).toString(), QStringLiteral("finished"));
        status = c->service<PilotService>().status(10);
        QCOMPARE(status->value(QStringLiteral("latest")).toObject().value(QStringLiteral("state")).toString(), QStringLiteral("finished"));
        QCOMPARE(status->value(QStringLiteral("latest")).toObject().value(QStringLiteral("report")).toObject(), (*result)->value(QStringLiteral("report")).toObject());
        QVERIFY((*result)->value(QStringLiteral("performance")).toObject().contains(QStringLiteral("longest_step_ms")));

        // The same day in one go, on another run number: the same report.
        auto inOneGo = PilotDay(c->service<ledger::Ledger>(), c->audit(), 900, day()).run();
        QVERIFY(inOneGo);
        QCOMPARE(inOneGo->report, (*result)->value(QStringLiteral("report")).toObject());
    }

    void pilotRunAnswersAtOnceThroughTheCatalogue()
    {
        cabinet::test::TestCabinet c;
        QVERIFY(c.open());
        QVERIFY(passGates(c, Alice));
        const QString id = approved(c, day());
        const QJsonObject started = QJsonDocument::fromJson(callNow(c, "pilot.run", "{\"approval_id\":\"" + id.toUtf8() + "\"}")).object();
        QCOMPARE(started.value(QStringLiteral("state")).toString(), QStringLiteral("running"));
        QTRY_VERIFY_WITH_TIMEOUT(!c->service<PilotService>().running(), 60'000);
        QCOMPARE(c->service<PilotService>().status(1)->value(QStringLiteral("latest")).toObject().value(QStringLiteral("state")).toString(),
                 QStringLiteral("finished"));
        // A bad "wait" is refused before anything runs.
        std::optional<Result<QByteArray>> bad;
        c->api().call(QStringLiteral("pilot.run"), Alice, "{\"approval_id\":\"" + id.toUtf8() + "\",\"wait\":1}", [&](Result<QByteArray> r) { bad = std::move(r); });
        QVERIFY(bad && !*bad);
        QCOMPARE(bad->error().code, ErrorCode::InvalidArgument);
    }

    void oneDayAtATime()
    {
        cabinet::test::TestCabinet c;
        QVERIFY(c.open());
        QVERIFY(passGates(c, Alice));
        const QString first = approved(c, day());
        const QString second = approved(c, day());
        QVERIFY(c->service<PilotService>().run(first, Alice));
        auto another = c->service<PilotService>().run(second, Alice);
        QVERIFY(!another);
        QCOMPARE(another.error().code, ErrorCode::ResourceExhausted);
        // Nor a dry run beside it.
        auto dry = cabinet::pilot::support::gate(c, 3, Alice);
        QVERIFY(dry && !*dry);
        QCOMPARE(dry->error().code, ErrorCode::ResourceExhausted);
        QTRY_VERIFY_WITH_TIMEOUT(!c->service<PilotService>().running(), 60'000);
        QVERIFY(c->service<PilotService>().run(second, Alice));
        QTRY_VERIFY_WITH_TIMEOUT(!c->service<PilotService>().running(), 60'000);
        QCOMPARE(c->service<PilotService>().status(10)->value(QStringLiteral("runs")).toArray().size(), 2);
    }

    void aDayTheCoreStopsUnderIsMarkedFailed()
    {
        cabinet::test::TestCabinet c;
        QVERIFY(c.open());
        QVERIFY(passGates(c, Alice));
        const QString id = approved(c, day());
        QVERIFY(c->start());
        auto done = std::make_shared<std::optional<Result<QJsonObject>>>();
        QVERIFY(c->service<PilotService>().run(id, Alice, [done](Result<QJsonObject> r) { *done = std::move(r); }));
        QVERIFY(c.open()); // stops the core with the day in flight, and opens it again
        QVERIFY(done->has_value() && !**done);
        QCOMPARE((*done)->error().code, ErrorCode::Cancelled);
        const QJsonObject latest = c->service<PilotService>().status(1)->value(QStringLiteral("latest")).toObject();
        QCOMPARE(latest.value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
        QVERIFY(!latest.value(QStringLiteral("error")).toString().isEmpty());
        QVERIFY(!c->service<PilotService>().running());

        // A day a crashed process left running is failed when the core starts.
        QVERIFY(c->database().execScript(QStringLiteral("INSERT INTO pilot_runs (approval_id, started_by, started_ns, state, params) "
                                                        "VALUES ('crashed', 'operator:alice', 1, 'running', '{}')")));
        QVERIFY(c->start());
        const QJsonObject crashed = c->service<PilotService>().status(1)->value(QStringLiteral("latest")).toObject();
        QCOMPARE(crashed.value(QStringLiteral("approval_id")).toString(), QStringLiteral("crashed"));
        QCOMPARE(crashed.value(QStringLiteral("state")).toString(), QStringLiteral("failed"));

        // Failed days, however far they got, do not block the gates.
        QVERIFY(passGates(c, Alice));
    }
};

QTEST_GUILESS_MAIN(TestPilotRunner)
#include "tst_pilotrunner.moc"

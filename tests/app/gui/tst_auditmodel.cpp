#include "GuiTestSupport.h"
#include "RawSqlite.h"
#include "gui/AuditChain.h"
#include "gui/AuditFilterModel.h"
#include "gui/AuditModel.h"
#include "audit/AuditWatch.h"
#include "store/DataDirectory.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>

using namespace cabinet;
using namespace cabinet::gui;
using namespace cabinet::test;

namespace {
AuditEntry entry(qint64 seq, const QString &actor = QStringLiteral("system"),
    const QString &action = QStringLiteral("core.start"), const QString &subject = QStringLiteral("here"))
{
    AuditEntry e;
    e.seq = seq;
    e.timeMs = 1'700'000'000'000 + seq;
    e.actor = actor;
    e.action = action;
    e.subject = subject;
    e.payloadJson = "{}";
    return e;
}

QList<qint64> seqs(const QAbstractItemModel &model)
{
    QList<qint64> result;
    for (int row = 0; row < model.rowCount(); ++row)
        result.append(model.index(row, 0).data(AuditModel::SeqRole).toLongLong());
    return result;
}

void attachTester(QAbstractItemModel *model)
{
    new QAbstractItemModelTester(model, QAbstractItemModelTester::FailureReportingMode::QtTest, model);
}
} // namespace

class TestAuditModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void mergeKeepsNewestFirstAndUnique()
    {
        AuditModel model;
        attachTester(&model);
        QSignalSpy counted(&model, &AuditModel::countChanged);
        model.merge({ entry(2), entry(1), entry(3) });
        QCOMPARE(seqs(model), (QList<qint64> { 3, 2, 1 }));
        // Entries already listed are skipped, older ones go in their place,
        // duplicates inside one batch count once.
        model.merge({ entry(3), entry(5), entry(5), entry(4) });
        QCOMPARE(seqs(model), (QList<qint64> { 5, 4, 3, 2, 1 }));
        model.merge({ entry(0), entry(2) });
        QCOMPARE(seqs(model), (QList<qint64> { 5, 4, 3, 2, 1, 0 }));
        model.merge({ entry(1) });
        QCOMPARE(counted.count(), 3);
    }

    void rolesAndNames()
    {
        AuditModel model;
        AuditEntry e = entry(7, QStringLiteral("operator:alice"), QStringLiteral("config.set"), QStringLiteral("ui.demo"));
        e.payloadJson = R"({"new":"1"})";
        e.hash = QByteArray(32, '\xab');
        model.merge({ e });
        const QModelIndex index = model.index(0, 0);
        QCOMPARE(index.data(AuditModel::SeqRole).toLongLong(), 7);
        QCOMPARE(index.data(AuditModel::TimeRole).toDateTime().toMSecsSinceEpoch(), e.timeMs);
        QCOMPARE(index.data(AuditModel::ActorRole).toString(), QStringLiteral("operator:alice"));
        QCOMPARE(index.data(AuditModel::ActionRole).toString(), QStringLiteral("config.set"));
        QCOMPARE(index.data(AuditModel::SubjectRole).toString(), QStringLiteral("ui.demo"));
        QCOMPARE(index.data(AuditModel::PayloadRole).toString(), QStringLiteral(R"({"new":"1"})"));
        QCOMPARE(index.data(AuditModel::HashRole).toString(), QStringLiteral("ab").repeated(32));
        const auto names = model.roleNames();
        for (const char *name : { "seq", "time", "actor", "action", "subject", "payload", "hash" })
            QVERIFY2(names.values().contains(name), name);
    }

    void trimsOldestBeyondMaxRows()
    {
        AuditModel model;
        attachTester(&model);
        model.setMaxRows(3);
        model.merge({ entry(1), entry(2), entry(3), entry(4) });
        QCOMPARE(seqs(model), (QList<qint64> { 4, 3, 2 }));
        model.merge({ entry(5, QStringLiteral("agent:rex")) });
        QCOMPARE(seqs(model), (QList<qint64> { 5, 4, 3 }));
        model.setMaxRows(1);
        QCOMPARE(seqs(model), (QList<qint64> { 5 }));
        QCOMPARE(model.actors(), QStringList { QStringLiteral("agent:rex") });
    }

    void distinctActorsAndActions()
    {
        AuditModel model;
        QSignalSpy changed(&model, &AuditModel::distinctValuesChanged);
        model.merge({ entry(1, QStringLiteral("system"), QStringLiteral("core.start")),
            entry(2, QStringLiteral("operator:bob"), QStringLiteral("config.set")),
            entry(3, QStringLiteral("system"), QStringLiteral("core.stop")) });
        QCOMPARE(model.actors(), (QStringList { QStringLiteral("operator:bob"), QStringLiteral("system") }));
        QCOMPARE(model.actions(),
            (QStringList { QStringLiteral("config.set"), QStringLiteral("core.start"), QStringLiteral("core.stop") }));
        QCOMPARE(changed.count(), 1);
        model.merge({ entry(4, QStringLiteral("system"), QStringLiteral("core.start")) });
        QCOMPARE(changed.count(), 1); // nothing new to choose from
    }

    void filtersByActorActionAndText()
    {
        AuditModel model;
        AuditFilterModel filter;
        filter.setSourceModel(&model);
        attachTester(&filter);
        AuditEntry withPayload
            = entry(3, QStringLiteral("operator:alice"), QStringLiteral("config.set"), QStringLiteral("ui.demo"));
        withPayload.payloadJson = R"({"new":"Zebra"})";
        model.merge({ entry(1, QStringLiteral("system"), QStringLiteral("core.start")),
            entry(2, QStringLiteral("operator:alice"), QStringLiteral("config.set"), QStringLiteral("mode")), withPayload,
            entry(4, QStringLiteral("system"), QStringLiteral("core.stop")) });
        QCOMPARE(filter.count(), 4);

        QSignalSpy counted(&filter, &AuditFilterModel::countChanged);
        filter.setActor(QStringLiteral("system"));
        QCOMPARE(seqs(filter), (QList<qint64> { 4, 1 }));
        QVERIFY(counted.count() > 0);
        filter.setAction(QStringLiteral("core.stop"));
        QCOMPARE(seqs(filter), (QList<qint64> { 4 }));
        filter.setActor({});
        filter.setAction(QStringLiteral("config.set"));
        QCOMPARE(seqs(filter), (QList<qint64> { 3, 2 }));
        // Free text: any of actor, action, subject, payload, any case.
        filter.setAction({});
        filter.setText(QStringLiteral("zebra"));
        QCOMPARE(seqs(filter), (QList<qint64> { 3 }));
        filter.setText(QStringLiteral("MODE"));
        QCOMPARE(seqs(filter), (QList<qint64> { 2 }));
        filter.setText(QStringLiteral("  "));
        QCOMPARE(filter.count(), 4);

        // New entries pass through the filter as they arrive.
        filter.setActor(QStringLiteral("agent:rex"));
        QCOMPARE(filter.count(), 0);
        model.merge({ entry(5, QStringLiteral("agent:rex"), QStringLiteral("task.claim")), entry(6) });
        QCOMPARE(seqs(filter), (QList<qint64> { 5 }));
    }

    void snapshotThenLiveAppends()
    {
        RunningCore core;
        QVERIFY(core.start());
        QVERIFY(core.record(QStringLiteral("operator:alice"), QStringLiteral("config.set"), QStringLiteral("early")));

        AuditModel model;
        attachTester(&model);
        model.setConnection(&core.connection);
        QTRY_VERIFY(model.loaded());
        // What the start wrote and the entry made before the model existed,
        // newest first: core.start is the oldest.
        const int before = int(core.startedEntries) + 1;
        QCOMPARE(model.count(), before);
        QCOMPARE(model.index(before - 1, 0).data(AuditModel::ActionRole).toString(), QStringLiteral("core.start"));

        for (int i = 0; i < 5; ++i)
            QVERIFY(core.record(QStringLiteral("agent:rex"), QStringLiteral("task.claim"), QStringLiteral("task-%1").arg(i)));
        QTRY_COMPARE(model.count(), before + 5);
        QCOMPARE(model.index(0, 0).data(AuditModel::SubjectRole).toString(), QStringLiteral("task-4"));
        QList<qint64> expected;
        for (qint64 seq = before + 5; seq >= 1; --seq)
            expected << seq;
        QCOMPARE(seqs(model), expected);
    }

    void snapshotAndEventRaceListsOnce()
    {
        RunningCore core;
        QVERIFY(core.start());
        AuditModel model;
        attachTester(&model);
        model.setConnection(&core.connection);
        QTRY_VERIFY(model.loaded());

        // Each append reaches the model twice: as its event, and inside the
        // snapshot requested right behind it on the core thread.
        for (int i = 0; i < 20; ++i) {
            core.connection.request(
                this,
                [i](Cabinet &cabinet) {
                    return cabinet.audit().record(QStringLiteral("system"), QStringLiteral("tick"), QString::number(i)).ok();
                },
                [](bool) {});
            model.reload();
        }
        const int all = int(core.startedEntries) + 20;
        QTRY_COMPARE(model.count(), all);
        QTest::qWait(50); // let any late duplicate arrive
        QCOMPARE(model.count(), all);
        const auto listed = seqs(model);
        QCOMPARE(QSet<qint64>(listed.begin(), listed.end()).size(), listed.size());
        QCOMPARE(listed.first(), all);
    }

    // The chain's badge mirrors the core's audit watch (its own checks are
    // tested in tests/core/audit/tst_auditwatch): the state comes through
    // the watch's service.state events, on the core's manual clock.
    void chainVerdictFollowsTheWatch()
    {
        RunningCore core;
        QVERIFY(core.start());
        AuditChain chain;
        chain.setConnection(&core.connection);
        QTRY_VERIFY(chain.loaded()); // audit.watch_status, before the first walk
        QCOMPARE(chain.verdict(), AuditChain::Unknown);
        QVERIFY(!chain.wholeCheckedAt().isValid());

        core.clock->advanceNs(AuditWatch::FirstWalkDelayNs);
        QTRY_COMPARE(chain.verdict(), AuditChain::Intact);
        QCOMPARE(chain.entries(), core.startedEntries);
        QCOMPARE(chain.wholeCheckedAt().toMSecsSinceEpoch(), core.clock->nowMs());
        QVERIFY(!chain.busy());

        // New entries are verified once their delay has passed on the clock.
        for (int i = 0; i < 3; ++i)
            QVERIFY(core.record(QStringLiteral("system"), QStringLiteral("tick"), QString::number(i)));
        core.clock->advanceNs(AuditWatch::NewEntriesDelayNs);
        QTRY_COMPARE(chain.entries(), core.startedEntries + 3);

        // Verify: a whole walk through audit.verify finds the forged entry.
        const qint64 forged = core.startedEntries + 2;
        QVERIFY(rawExec(DataDirectory::databasePath(core.dir.path()),
            QStringLiteral("DROP TRIGGER audit_log_no_update; UPDATE audit_log SET subject = 'forged' WHERE seq = %1;").arg(forged).toUtf8().constData()));
        QSignalSpy busy(&chain, &AuditChain::busyChanged);
        chain.verify();
        QVERIFY(chain.busy());
        QTRY_COMPARE(chain.verdict(), AuditChain::Broken);
        QCOMPARE(chain.brokenAt(), forged);
        QVERIFY(chain.reason().contains(QString::number(forged)));
        QTRY_VERIFY(!chain.busy());
        QVERIFY(chain.errorMessage().isEmpty());
        QVERIFY(busy.count() >= 2);
    }

    void wholeTrailIsWalkedAgainOnItsOwn()
    {
        RunningCore core;
        QVERIFY(core.start());
        AuditChain chain;
        chain.setConnection(&core.connection);
        core.clock->advanceNs(AuditWatch::FirstWalkDelayNs);
        QTRY_COMPARE(chain.verdict(), AuditChain::Intact);
        const QDateTime first = chain.wholeCheckedAt();
        QVERIFY(first.isValid());
        // No new entries, no button: a change to an old entry is still found
        // by the watch's next whole walk.
        QVERIFY(rawExec(DataDirectory::databasePath(core.dir.path()),
            "DROP TRIGGER audit_log_no_update; UPDATE audit_log SET subject = 'forged' WHERE seq = 1;"));
        core.clock->advanceNs(AuditWatch::WholeWalkIntervalNs);
        QTRY_COMPARE(chain.verdict(), AuditChain::Broken);
        QCOMPARE(chain.brokenAt(), 1);
        QCOMPARE(chain.wholeCheckedAt(), first.addMSecs(AuditWatch::WholeWalkIntervalNs / AuditWatch::NsPerMs));
    }

    void chainOpenedLateTakesTheStateFromTheStatusCall()
    {
        RunningCore core;
        QVERIFY(core.start());
        core.clock->advanceNs(AuditWatch::FirstWalkDelayNs);
        const auto walked = core.call([](Cabinet &cabinet) { return cabinet.service<AuditWatch>().verdict() == AuditWatch::Verdict::Intact; });
        QVERIFY(walked && *walked);
        // The walk's events went by before this view-model existed.
        AuditChain chain;
        chain.setConnection(&core.connection);
        QTRY_COMPARE(chain.verdict(), AuditChain::Intact);
        QCOMPARE(chain.entries(), core.startedEntries);
    }

    void olderStateIsDropped()
    {
        AuditChain chain;
        QSignalSpy changed(&chain, &AuditChain::resultChanged);
        chain.apply({ { QStringLiteral("revision"), 5 }, { QStringLiteral("state"), QStringLiteral("broken") },
            { QStringLiteral("verdict"), QStringLiteral("broken") }, { QStringLiteral("first_broken_seq"), 9 } });
        QCOMPARE(chain.verdict(), AuditChain::Broken);
        chain.apply({ { QStringLiteral("revision"), 4 }, { QStringLiteral("state"), QStringLiteral("checking") },
            { QStringLiteral("verdict"), QStringLiteral("intact") } });
        QCOMPARE(chain.verdict(), AuditChain::Broken);
        QCOMPARE(chain.brokenAt(), 9);
        QVERIFY(!chain.busy());
        QCOMPARE(changed.count(), 1);
        chain.apply({ { QStringLiteral("revision"), 6 }, { QStringLiteral("state"), QStringLiteral("checking") },
            { QStringLiteral("verdict"), QStringLiteral("broken") }, { QStringLiteral("first_broken_seq"), 9 } });
        QVERIFY(chain.busy()); // the verdict stays on show while the walk runs
        QCOMPARE(chain.verdict(), AuditChain::Broken);
    }

    void waitsForTheCore()
    {
        // A model or chain given a connection that never opens asks nothing.
        CoreConnection idle;
        AuditModel model;
        model.setConnection(&idle);
        AuditChain chain;
        chain.setConnection(&idle);
        chain.verify();
        QVERIFY(!chain.busy());
        QVERIFY(!model.loaded());
        QCOMPARE(chain.verdict(), AuditChain::Unknown);
    }
};

QTEST_GUILESS_MAIN(TestAuditModel)
#include "tst_auditmodel.moc"

#include "LedgerFixtures.h"
#include "gui/PendingTransfersModel.h"

#include <QSignalSpy>

using namespace cabinet;
using namespace cabinet::gui;
using namespace cabinet::test;

namespace {
QStringList ids(const QAbstractItemModel &model)
{
    QStringList result;
    for (int row = 0; row < model.rowCount(); ++row)
        result.append(model.index(row, 0).data(PendingTransfersModel::IdRole).toString());
    return result;
}
} // namespace

class TestPendingTransfersModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void openPendingTransfersWithTheirExpiry()
    {
        RunningCore core;
        QVERIFY(core.start());
        QVERIFY(create(core, { account(1), account(2) }));
        const qint64 createdMs = core.clock->nowMs();
        // 20 and 40 seconds, one with no timeout, one posted, one voided, one plain transfer.
        QVERIFY(create(core, { pending(10, 1, 2, 100, 40), pending(11, 1, 2, 200, 20), pending(12, 1, 2, 300, 0),
                                 pending(13, 1, 2, 400, 30), pending(14, 1, 2, 500, 30), transfer(15, 1, 2, 1) }));
        QVERIFY(create(core, { resolve(16, 13, true), resolve(17, 14, false) }));

        PendingTransfersModel model;
        attachTester(&model);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        model.setConnection(&core.connection);
        QTRY_VERIFY(model.loaded());
        QCOMPARE(model.total(), qint64(3));
        // Soonest expiry first, the one that never expires last.
        QCOMPARE(ids(model), (QStringList { QStringLiteral("11"), QStringLiteral("10"), QStringLiteral("12") }));
        const QModelIndex first = model.index(0, 0);
        QCOMPARE(first.data(PendingTransfersModel::AmountRole).toString(), QStringLiteral("200"));
        QCOMPARE(first.data(PendingTransfersModel::TimeoutRole).toUInt(), 20u);
        QCOMPARE(first.data(PendingTransfersModel::DebitAccountRole).toString(), QStringLiteral("1"));
        QCOMPARE(first.data(PendingTransfersModel::CreditAccountRole).toString(), QStringLiteral("2"));
        // The ledger's timestamps come from its clock: created now, expiring 20 s later.
        const qint64 expiresMs = qint64(first.data(PendingTransfersModel::ExpiresAtMsRole).toDouble());
        QVERIFY2(qAbs(expiresMs - (createdMs + 20'000)) <= 1, qPrintable(QString::number(expiresMs - createdMs)));
        QCOMPARE(first.data(PendingTransfersModel::ExpiresAtRole).toDateTime().toMSecsSinceEpoch(), expiresMs);
        const QModelIndex never = model.index(2, 0);
        QCOMPARE(never.data(PendingTransfersModel::ExpiresAtMsRole).toDouble(), 0.0);
        QVERIFY(!never.data(PendingTransfersModel::ExpiresAtRole).toDateTime().isValid());

        // Posting and voiding drop them; a new one comes in its place in expiry order.
        QVERIFY(create(core, { resolve(18, 10, true) }));
        QTRY_COMPARE(ids(model), (QStringList { QStringLiteral("11"), QStringLiteral("12") }));
        QCOMPARE(model.total(), qint64(2));
        QCOMPARE(removed.count(), 1);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QVERIFY(create(core, { pending(19, 2, 1, 50, 25) }));
        QTRY_COMPARE(ids(model), (QStringList { QStringLiteral("11"), QStringLiteral("19"), QStringLiteral("12") }));
        // Inserted in its place; the rows around it stay.
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(inserted.front().at(1).toInt(), 1);
        QCOMPARE(removed.count(), 1);
        QVERIFY(create(core, { resolve(20, 12, false) }));
        QTRY_COMPARE(ids(model), (QStringList { QStringLiteral("11"), QStringLiteral("19") }));

        // Time passes on the ledger's clock: the core's sweep expires 11, then 19.
        core.clock->advanceMs(21'000);
        QTRY_COMPARE(ids(model), QStringList { QStringLiteral("19") });
        core.clock->advanceMs(10'000);
        QTRY_COMPARE(model.count(), 0);
        QCOMPARE(model.total(), qint64(0));
        // Snapshots were merged row by row, never by resetting the model.
        QCOMPARE(resets.count(), 0);
    }

    void aPendingPostedBetweenTwoSnapshots()
    {
        RunningCore core;
        QVERIFY(core.start());
        QVERIFY(create(core, { account(1), account(2) }));
        PendingTransfersModel model;
        attachTester(&model);
        model.setConnection(&core.connection);
        QTRY_VERIFY(model.loaded());
        QCOMPARE(model.count(), 0);

        // Created and posted between two snapshots: never listed.
        QVERIFY(core.call([](Cabinet &cabinet) {
            const std::vector<ledger::Transfer> first { pending(30, 1, 2, 10, 0), pending(31, 1, 2, 10, 0) };
            const std::vector<ledger::Transfer> second { resolve(32, 30, true) };
            return cabinet.service<cabinet::ledger::Ledger>().createTransfers(first, cabinet::test::tester()).ok() && cabinet.service<cabinet::ledger::Ledger>().createTransfers(second, cabinet::test::tester()).ok();
        }));
        QTRY_COMPARE(ids(model), QStringList { QStringLiteral("31") });
    }

    void theSoonestUpToTheLimitAndTheTotal()
    {
        RunningCore core;
        QVERIFY(core.start());
        QVERIFY(create(core, { account(1), account(2) }));
        // An old one that never expires, then four with timeouts.
        QVERIFY(create(core, { pending(1, 1, 2, 10, 0) }));
        QVERIFY(create(core, { pending(2, 1, 2, 10, 50), pending(3, 1, 2, 10, 10), pending(4, 1, 2, 10, 40),
                                 pending(5, 1, 2, 10, 20) }));

        PendingTransfersModel model;
        attachTester(&model);
        QCOMPARE(model.limit(), int(ledger::BatchMax)); // one ledger reply
        model.setLimit(2);
        model.setConnection(&core.connection);
        QTRY_VERIFY(model.loaded());
        QCOMPARE(ids(model), (QStringList { QStringLiteral("3"), QStringLiteral("5") }));
        QCOMPARE(model.count(), 2);
        QCOMPARE(model.total(), qint64(5));

        // The soonest goes: the next moves up into the limit.
        QVERIFY(create(core, { resolve(6, 3, true) }));
        QTRY_COMPARE(ids(model), (QStringList { QStringLiteral("5"), QStringLiteral("4") }));
        QCOMPARE(model.total(), qint64(4));

        // A wider limit lists them all, the oldest without a timeout last.
        model.setLimit(10);
        QTRY_COMPARE(ids(model), (QStringList { QStringLiteral("5"), QStringLiteral("4"), QStringLiteral("2"), QStringLiteral("1") }));
        QCOMPARE(model.total(), qint64(4));
        QCOMPARE(model.count(), 4);
        // A limit is one ledger reply at most, and at least one row.
        model.setLimit(0);
        QCOMPARE(model.limit(), 1);
        QTRY_COMPARE(ids(model), QStringList { QStringLiteral("5") });
        model.setLimit(100'000);
        QCOMPARE(model.limit(), int(ledger::BatchMax));
    }
};

QTEST_GUILESS_MAIN(TestPendingTransfersModel)
#include "tst_pendingtransfersmodel.moc"

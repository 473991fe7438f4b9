#include "LedgerFixtures.h"
#include "gui/PendingTransfersModel.h"

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
        model.setConnection(&core.connection);
        QTRY_VERIFY(model.loaded());
        QVERIFY(model.complete());
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
        QVERIFY(create(core, { pending(19, 2, 1, 50, 25) }));
        QTRY_COMPARE(ids(model), (QStringList { QStringLiteral("11"), QStringLiteral("19"), QStringLiteral("12") }));
        QVERIFY(create(core, { resolve(20, 12, false) }));
        QTRY_COMPARE(ids(model), (QStringList { QStringLiteral("11"), QStringLiteral("19") }));

        // Time passes on the ledger's clock: the core's sweep expires 11, then 19.
        core.clock->advanceMs(21'000);
        QTRY_COMPARE(ids(model), QStringList { QStringLiteral("19") });
        core.clock->advanceMs(10'000);
        QTRY_COMPARE(model.count(), 0);
    }

    void aPostAndItsPendingInOneRead()
    {
        RunningCore core;
        QVERIFY(core.start());
        QVERIFY(create(core, { account(1), account(2) }));
        QVERIFY(create(core, { transfer(5, 1, 2, 1) })); // so that later reads go forward from it
        PendingTransfersModel model;
        attachTester(&model);
        model.setConnection(&core.connection);
        QTRY_VERIFY(model.loaded());
        QCOMPARE(model.count(), 0);

        // Created and posted between two refreshes: never listed.
        QVERIFY(core.call([](Cabinet &cabinet) {
            const std::vector<ledger::Transfer> first { pending(30, 1, 2, 10, 0), pending(31, 1, 2, 10, 0) };
            const std::vector<ledger::Transfer> second { resolve(32, 30, true) };
            return cabinet.ledger().createTransfers(first).ok() && cabinet.ledger().createTransfers(second).ok();
        }));
        QTRY_COMPARE(ids(model), QStringList { QStringLiteral("31") });
    }

    void aBoundedFirstReadSaysSo()
    {
        RunningCore core;
        QVERIFY(core.start());
        QVERIFY(create(core, { account(1), account(2) }));
        // An old open one, then more transfers than one page of the read.
        QVERIFY(create(core, { pending(1, 1, 2, 10, 0) }));
        std::vector<ledger::Transfer> filler;
        for (u128 id = 100; id < 100 + ledger::BatchMax; ++id)
            filler.push_back(transfer(id, 1, 2, 1));
        QVERIFY(create(core, filler));
        QVERIFY(create(core, { pending(2, 1, 2, 10, 0) }));

        const auto small = core.call([](Cabinet &cabinet) { return PendingTransfersModel::read(cabinet, 0, 1); });
        QVERIFY(small && *small);
        const PendingTransfersModel::Delta &window = **small;
        QVERIFY(window.backward);
        QVERIFY(!window.reachedStart);
        QCOMPARE(window.opened.size(), size_t(1));
        QCOMPARE(ledger::toDecimal(window.opened.front().id), QStringLiteral("2"));

        const auto whole = core.call([](Cabinet &cabinet) { return PendingTransfersModel::read(cabinet, 0); });
        QVERIFY(whole && *whole);
        QVERIFY((*whole)->reachedStart);
        QCOMPARE((*whole)->opened.size(), size_t(2));

        // Forward from an early point, a page at a time: it says there is more.
        const auto forward = core.call([after = window.newestTimestamp](Cabinet &cabinet) {
            return PendingTransfersModel::read(cabinet, after - ledger::BatchMax - 5, 1);
        });
        QVERIFY(forward && *forward);
        QVERIFY((*forward)->more);
        QVERIFY(!(*forward)->backward);
    }
};

QTEST_GUILESS_MAIN(TestPendingTransfersModel)
#include "tst_pendingtransfersmodel.moc"

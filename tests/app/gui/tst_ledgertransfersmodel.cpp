#include "LedgerFixtures.h"
#include "gui/LedgerTransfersModel.h"

using namespace cabinet;
using namespace cabinet::gui;
using namespace cabinet::test;

namespace {
QStringList ids(const QAbstractItemModel &model)
{
    QStringList result;
    for (int row = 0; row < model.rowCount(); ++row)
        result.append(model.index(row, 0).data(LedgerTransfersModel::IdRole).toString());
    return result;
}
} // namespace

class TestLedgerTransfersModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void selectedAccountNewestFirst()
    {
        RunningCore core;
        QVERIFY(core.start());
        QVERIFY(create(core, { account(1), account(2), account(3) }));
        QVERIFY(create(core, { transfer(10, 1, 2, 5), transfer(11, 2, 1, 7), transfer(12, 2, 3, 9) }));
        QVERIFY(create(core, { pending(13, 1, 3, 4, 60) }));
        QVERIFY(create(core, { resolve(14, 13, true) }));

        LedgerTransfersModel model;
        attachTester(&model);
        model.setConnection(&core.connection);
        QTest::qWait(50);
        QVERIFY(!model.loaded()); // no account chosen yet
        QCOMPARE(model.count(), 0);

        model.setAccountId(QStringLiteral("1"));
        QTRY_VERIFY(model.loaded());
        // Transfer 12 does not involve account 1; the post names it through its pending transfer.
        QCOMPARE(ids(model), (QStringList { QStringLiteral("14"), QStringLiteral("13"), QStringLiteral("11"), QStringLiteral("10") }));
        const QModelIndex post = model.index(0, 0);
        QCOMPARE(post.data(LedgerTransfersModel::KindRole).toString(), QStringLiteral("post"));
        QCOMPARE(post.data(LedgerTransfersModel::PendingIdRole).toString(), QStringLiteral("13"));
        QCOMPARE(post.data(LedgerTransfersModel::AmountRole).toString(), QStringLiteral("4"));
        const QModelIndex held = model.index(1, 0);
        QCOMPARE(held.data(LedgerTransfersModel::KindRole).toString(), QStringLiteral("pending"));
        QCOMPARE(held.data(LedgerTransfersModel::TimeoutRole).toUInt(), 60u);
        QCOMPARE(held.data(LedgerTransfersModel::FlagsRole).toStringList(), QStringList { QStringLiteral("pending") });
        const QModelIndex incoming = model.index(2, 0);
        QVERIFY(!incoming.data(LedgerTransfersModel::OutgoingRole).toBool());
        QCOMPARE(incoming.data(LedgerTransfersModel::CounterpartyRole).toString(), QStringLiteral("2"));
        QCOMPARE(incoming.data(LedgerTransfersModel::KindRole).toString(), QStringLiteral("single"));
        const QModelIndex outgoing = model.index(3, 0);
        QVERIFY(outgoing.data(LedgerTransfersModel::OutgoingRole).toBool());
        QCOMPARE(outgoing.data(LedgerTransfersModel::AmountTextRole).toString(), QStringLiteral("$0.000005"));
        QVERIFY(outgoing.data(LedgerTransfersModel::TimeRole).toDateTime().isValid());

        // A new batch that touches account 1 goes on top; one that does not changes nothing.
        QVERIFY(create(core, { transfer(15, 3, 1, 1) }));
        QTRY_COMPARE(model.count(), 5);
        QCOMPARE(ids(model).first(), QStringLiteral("15"));
        QVERIFY(create(core, { transfer(16, 2, 3, 1) }));
        QTest::qWait(400);
        QCOMPARE(model.count(), 5);

        // Another account: its own transfers only.
        model.setAccountId(QStringLiteral("3"));
        QTRY_VERIFY(model.loaded());
        QCOMPARE(ids(model), (QStringList { QStringLiteral("16"), QStringLiteral("15"), QStringLiteral("14"),
                                 QStringLiteral("13"), QStringLiteral("12") }));
        model.setAccountId({});
        QCOMPARE(model.count(), 0);
    }

    void keepsTheNewestMaxRows()
    {
        RunningCore core;
        QVERIFY(core.start());
        QVERIFY(create(core, { account(1), account(2) }));
        const int total = LedgerTransfersModel::MaxRows + 30;
        std::vector<ledger::Transfer> transfers;
        for (int i = 0; i < total; ++i)
            transfers.push_back(transfer(100 + i, 1, 2, 1));
        QVERIFY(create(core, transfers));

        LedgerTransfersModel model;
        attachTester(&model);
        model.setConnection(&core.connection);
        model.setAccountId(QStringLiteral("2"));
        QTRY_VERIFY(model.loaded());
        QCOMPARE(model.count(), LedgerTransfersModel::MaxRows);
        QCOMPARE(ids(model).first(), QString::number(100 + total - 1));

        QVERIFY(create(core, { transfer(5000, 2, 1, 3), transfer(5001, 1, 2, 3) }));
        QTRY_COMPARE(ids(model).first(), QStringLiteral("5001"));
        QCOMPARE(model.count(), LedgerTransfersModel::MaxRows);
        QCOMPARE(ids(model).at(1), QStringLiteral("5000"));
        QCOMPARE(ids(model).last(), QString::number(100 + total - LedgerTransfersModel::MaxRows + 2));
    }
};

QTEST_GUILESS_MAIN(TestLedgerTransfersModel)
#include "tst_ledgertransfersmodel.moc"

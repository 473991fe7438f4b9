#include "LedgerFixtures.h"
#include "gui/LedgerAccountsModel.h"
#include "gui/LedgerText.h"

#include <QSignalSpy>

using namespace cabinet;
using namespace cabinet::gui;
using namespace cabinet::test;

namespace {
QString role(const QAbstractItemModel &model, int row, int role)
{
    return model.index(row, 0).data(role).toString();
}

QStringList ids(const QAbstractItemModel &model)
{
    QStringList result;
    for (int row = 0; row < model.rowCount(); ++row)
        result.append(role(model, row, LedgerAccountsModel::IdRole));
    return result;
}
} // namespace

class TestLedgerAccountsModel : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void writesAmountsExactly()
    {
        const QLocale c = QLocale::c();
        QLocale english(QLocale::English, QLocale::UnitedStates);
        QCOMPARE(ledgertext::amount(1'234'567'890, 1, english), QStringLiteral("$1,234.567890"));
        QCOMPARE(ledgertext::amount(5, 1, english), QStringLiteral("$0.000005"));
        QCOMPARE(ledgertext::amount(0, 1, english), QStringLiteral("$0.000000"));
        QCOMPARE(ledgertext::amount(1'234'567, 2, english), QStringLiteral("1,234,567"));
        QCOMPARE(ledgertext::amount(999, 2, english), QStringLiteral("999"));
        // 2^128 - 1 has 39 digits; no double could hold it.
        QCOMPARE(ledgertext::amount(ledger::U128Max, 7, english),
            QStringLiteral("340,282,366,920,938,463,463,374,607,431,768,211,455"));
        QCOMPARE(ledgertext::amount(ledger::U128Max, 1, english),
            QStringLiteral("$340,282,366,920,938,463,463,374,607,431,768.211455"));
        QCOMPARE(ledgertext::net(10, 2'000'010, 1, english), QStringLiteral("-$2.000000"));
        QCOMPARE(ledgertext::netDecimal(10, 2'000'010), QStringLiteral("-2000000"));
        QCOMPARE(ledgertext::netDecimal(ledger::U128Max, 0), QStringLiteral("340282366920938463463374607431768211455"));
        QCOMPARE(ledgertext::amount(1'234'567'890, 1, QLocale(QLocale::German)), QStringLiteral("$1.234,567890"));
        QCOMPARE(ledgertext::amount(1'234'567'890, 1, c), QStringLiteral("$1234.567890")); // C omits group separators
        QCOMPARE(ledgertext::accountFlags(ledger::AccountFlag::History | ledger::AccountFlag::DebitsMustNotExceedCredits),
            (QStringList { QStringLiteral("debits_must_not_exceed_credits"), QStringLiteral("history") }));
        QCOMPARE(ledgertext::transferFlags(ledger::TransferFlag::Pending | (1 << 12)),
            (QStringList { QStringLiteral("pending"), QStringLiteral("bit_12") }));
    }

    void snapshotThenTouchedAccounts()
    {
        RunningCore core;
        QVERIFY(core.start());
        const u128 big = (u128(1) << 100) + 7;
        QVERIFY(create(core, { account(1), account(2), account(big, 2, 20, ledger::AccountFlag::History) }));
        QVERIFY(create(core, { transfer(100, 1, 2, 2'500'000) }));

        LedgerAccountsModel model;
        attachTester(&model);
        model.setConnection(&core.connection);
        QTRY_VERIFY(model.loaded());
        // In creation order, after the accounts the costs made at start.
        const int at = int(ids(model).indexOf(QStringLiteral("1")));
        QVERIFY(at >= 0);
        QCOMPARE(ids(model).mid(at), (QStringList { QStringLiteral("1"), QStringLiteral("2"), ledger::toDecimal(big) }));
        QCOMPARE(role(model, at, LedgerAccountsModel::DebitsPostedRole), QStringLiteral("2500000"));
        QCOMPARE(role(model, at, LedgerAccountsModel::BalanceRole), QStringLiteral("-2500000"));
        QVERIFY(model.index(at, 0).data(LedgerAccountsModel::NegativeRole).toBool());
        QCOMPARE(role(model, at + 1, LedgerAccountsModel::CreditsPostedRole), QStringLiteral("2500000"));
        QCOMPARE(role(model, at + 1, LedgerAccountsModel::BalanceTextRole), ledgertext::amount(2'500'000, 1));
        QCOMPARE(model.index(at + 2, 0).data(LedgerAccountsModel::LedgerRole).toUInt(), 2u);
        QCOMPARE(model.index(at + 2, 0).data(LedgerAccountsModel::CodeRole).toUInt(), 20u);
        QCOMPARE(model.index(at + 2, 0).data(LedgerAccountsModel::FlagsRole).toStringList(), QStringList { QStringLiteral("history") });
        QVERIFY(!model.truncated());

        // The costs' accounts get their names from budget.show, which may
        // answer after the snapshot: a change of its own, not the batch's.
        QTRY_VERIFY(!role(model, 0, LedgerAccountsModel::NameRole).isEmpty());

        // A new batch: the event lists accounts 1 and 2, and only they change.
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QVERIFY(create(core, { ledger::Transfer(pending(101, 2, 1, 700'000, 0)) }));
        QTRY_COMPARE(role(model, at + 1, LedgerAccountsModel::DebitsPendingRole), QStringLiteral("700000"));
        QCOMPARE(role(model, at, LedgerAccountsModel::CreditsPendingRole), QStringLiteral("700000"));
        for (const auto &args : changed) {
            const int row = args.at(0).toModelIndex().row();
            QVERIFY2(row == at || row == at + 1, qPrintable(QString::number(row)));
        }

        // New accounts arrive through their batch's event, in creation order.
        QVERIFY(create(core, { account(3), account(4) }));
        QTRY_COMPARE(model.count(), at + 5);
        QCOMPARE(ids(model).mid(at + 3), (QStringList { QStringLiteral("3"), QStringLiteral("4") }));
    }

    void burstsBecomeFewRefreshes()
    {
        RunningCore core;
        QVERIFY(core.start());
        QVERIFY(create(core, { account(1), account(2) }));
        LedgerAccountsModel model;
        attachTester(&model);
        model.setConnection(&core.connection);
        QTRY_VERIFY(model.loaded());

        // 200 batches in one go on the core thread: 200 events, a handful of lookups.
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QVERIFY(core.call([](Cabinet &cabinet) {
            for (int i = 0; i < 200; ++i) {
                const ledger::Transfer t = transfer(1000 + i, 1, 2, 1);
                if (!cabinet.service<cabinet::ledger::Ledger>().createTransfers({ &t, 1 }, cabinet::test::tester()))
                    return false;
            }
            return true;
        }));
        QTRY_COMPARE(role(model, int(ids(model).indexOf(QStringLiteral("2"))), LedgerAccountsModel::CreditsPostedRole), QStringLiteral("200"));
        QVERIFY2(changed.count() <= 2 * 4, qPrintable(QString::number(changed.count())));
    }

    void mergeKeepsCreationOrder()
    {
        LedgerAccountsModel model;
        attachTester(&model);
        auto at = [](u128 id, ledger::u64 timestamp) {
            ledger::Account a = account(id);
            a.timestamp = timestamp;
            return a;
        };
        model.merge({ at(5, 50), at(3, 30) });
        model.merge({ at(4, 40), at(6, 60), at(3, 30) });
        QCOMPARE(ids(model), (QStringList { QStringLiteral("3"), QStringLiteral("4"), QStringLiteral("5"), QStringLiteral("6") }));
        ledger::Account updated = at(4, 40);
        updated.credits_posted = 9;
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        model.merge({ updated });
        QCOMPARE(changed.count(), 1);
        QCOMPARE(role(model, 1, LedgerAccountsModel::CreditsPostedRole), QStringLiteral("9"));
    }
};

QTEST_GUILESS_MAIN(TestLedgerAccountsModel)
#include "tst_ledgeraccountsmodel.moc"

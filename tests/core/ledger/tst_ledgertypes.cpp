// Wire types, status numbers and names, 128-bit text and byte forms.
#include "LedgerTestSupport.h"
#include "ledger/LedgerStatus.h"
#include "ledger/U128.h"

#include <QSet>
#include <QTest>

using namespace cabinet::ledger;

class TestLedgerTypes : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void layoutIsTigerBeetles()
    {
        // The static_asserts in LedgerTypes.h fix sizes and offsets; this
        // checks the bytes themselves are little-endian as on the wire.
        Account a;
        a.id = (u128(0x0102030405060708ull) << 64) | 0x090A0B0C0D0E0F10ull;
        a.ledger = 0x11223344;
        a.flags = AccountFlag::History;
        const auto *bytes = reinterpret_cast<const quint8 *>(&a);
        QCOMPARE(bytes[0], quint8(0x10));
        QCOMPARE(bytes[15], quint8(0x01));
        QCOMPARE(bytes[112], quint8(0x44));
        QCOMPARE(bytes[118], quint8(0x08));
        QCOMPARE(alignof(Transfer), size_t(16));
    }

    void statusNumbersAndNames()
    {
        QCOMPARE(u32(CreateAccountStatus::Created), 0xFFFFFFFFu);
        QCOMPARE(u32(CreateTransferStatus::Created), 0xFFFFFFFFu);
        QCOMPARE(u32(CreateAccountStatus::ImportedEventTimestampMustNotRegress), 26u);
        QCOMPARE(u32(CreateTransferStatus::ExistsWithDifferentLedger), 67u);
        QCOMPARE(u32(CreateTransferStatus::IdAlreadyFailed), 68u);
        QCOMPARE(statusName(CreateTransferStatus::ExistsWithDifferentUserData128), QLatin1StringView("exists_with_different_user_data_128"));
        QCOMPARE(statusName(CreateAccountStatus::DeprecatedOk), QLatin1StringView("deprecated_ok"));
        QVERIFY(statusName(CreateTransferStatus(9999)).isEmpty());

        // Every value 0..68 (transfers) and 0..26 (accounts) that exists has a
        // unique name that maps back to it.
        QSet<QString> names;
        int transferCount = 0;
        for (u32 value = 1; value <= 68; ++value) {
            const auto status = CreateTransferStatus(value);
            const QLatin1StringView name = statusName(status);
            QVERIFY2(!name.isEmpty(), qPrintable(QString::number(value)));
            QVERIFY(!names.contains(QString(name)));
            names.insert(QString(name));
            QCOMPARE(createTransferStatusFromName(name), std::optional(status));
            ++transferCount;
        }
        QCOMPARE(transferCount, 68);
        for (u32 value = 0; value <= 26; ++value)
            QCOMPARE(createAccountStatusFromName(statusName(CreateAccountStatus(value))), std::optional(CreateAccountStatus(value)));
        QVERIFY(!createTransferStatusFromName(QLatin1StringView("no_such_status")));
    }

    void transientStatuses()
    {
        QSet<u32> transient;
        for (u32 value = 1; value <= 68; ++value) {
            if (isTransient(CreateTransferStatus(value)))
                transient.insert(value);
        }
        QCOMPARE(transient, (QSet<u32> { 21, 22, 25, 54, 55, 65, 66 }));
    }

    void flagNames()
    {
        QCOMPARE(accountFlagName(5), QLatin1StringView("closed"));
        QVERIFY(accountFlagName(6).isEmpty());
        QCOMPARE(transferFlagName(8), QLatin1StringView("imported"));
        QVERIFY(transferFlagName(9).isEmpty());
        QCOMPARE(accountFilterFlagName(2), QLatin1StringView("reversed"));
        QCOMPARE(queryFilterFlagName(0), QLatin1StringView("reversed"));
    }

    void decimalText()
    {
        QCOMPARE(toDecimal(0), QStringLiteral("0"));
        QCOMPARE(toDecimal(U128Max), QStringLiteral("340282366920938463463374607431768211455"));
        QCOMPARE(parseDecimal("340282366920938463463374607431768211455"), std::optional(U128Max));
        QVERIFY(!parseDecimal("340282366920938463463374607431768211456"));
        QVERIFY(!parseDecimal("1000000000000000000000000000000000000000"));
        QCOMPARE(parseDecimal("18446744073709551615", ~u64(0)), std::optional(u128(~u64(0))));
        QVERIFY(!parseDecimal("18446744073709551616", ~u64(0)));
        QVERIFY(!parseDecimal(""));
        QVERIFY(!parseDecimal("12a"));
        QVERIFY(!parseDecimal("-1"));
        QCOMPARE(parseDecimal("007"), std::optional(u128(7)));
        QVERIFY(!parseDecimal("1", 0));
        for (u128 value : { u128(0), u128(1), u128(~u64(0)), u128(~u64(0)) + 1, U128Max - 1, U128Max })
            QCOMPARE(parseDecimal(toDecimal(value).toStdString()), std::optional(value));
    }

    void bigEndianBytesSortLikeNumbers()
    {
        const u128 values[] = { 0, 1, 255, 256, u128(1) << 64, (u128(1) << 64) + 1, U128Max - 1, U128Max };
        for (size_t i = 0; i + 1 < std::size(values); ++i) {
            const U128Bytes a = toBigEndian(values[i]);
            const U128Bytes b = toBigEndian(values[i + 1]);
            QVERIFY(std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end()));
            QCOMPARE(fromBigEndian(a.data()), values[i]);
        }
        QVERIFY(sumOverflows(U128Max, 1));
        QVERIFY(!sumOverflows(U128Max - 1, 1));
        QCOMPARE(subSaturating(3, 5), u128(0));
        QCOMPARE(subSaturating(5, 3), u128(2));
    }
};

QTEST_GUILESS_MAIN(TestLedgerTypes)
#include "tst_ledgertypes.moc"

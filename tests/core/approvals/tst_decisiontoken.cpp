// The signed, single-use decision token (core/approvals/DecisionToken.h): a
// token verifies with its data directory's key and no other, carries its
// claims, expires, is refused when altered, and decides once; the key is
// created owner-only and refused when others can read it.
#include "approvals/DecisionToken.h"
#include "store/Database.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace cabinet;
using namespace cabinet::approvals;

namespace {

constexpr qint64 Now = 1'800'000'000'000;
constexpr qint64 Hour = 3'600'000;

DecisionClaims claims()
{
    DecisionClaims c;
    c.approvalId = QStringLiteral("01JAPPROVAL0000000000000001");
    c.approve = true;
    c.operatorName = QStringLiteral("slack:U123");
    return c;
}

template <typename T> void expect(const Result<T> &result, ErrorCode code)
{
    QVERIFY(!result.ok());
    QCOMPARE(int(result.error().code), int(code));
}

} // namespace

class TestDecisionToken : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void signsAndVerifies()
    {
        QTemporaryDir dir;
        auto tokens = DecisionTokens::open(dir.path());
        QVERIFY(tokens.ok());
        auto token = tokens->sign(claims(), Now, Hour);
        QVERIFY(token.ok());
        QVERIFY(token->size() <= DecisionTokenBytesMax);
        auto read = tokens->verify(*token, Now + Hour - 1);
        QVERIFY(read.ok());
        QCOMPARE(read->approvalId, claims().approvalId);
        QVERIFY(read->approve);
        QCOMPARE(read->operatorName, claims().operatorName);
        QCOMPARE(read->expiresMs, Now + Hour);
        QCOMPARE(read->nonce.size(), 32);
        // Two tokens for the same claims differ: each has its own nonce.
        QVERIFY(tokens->sign(claims(), Now, Hour).value() != *token);

        // The same key again after a restart.
        auto reopened = DecisionTokens::open(dir.path());
        QVERIFY(reopened.ok());
        QVERIFY(reopened->verify(*token, Now).ok());
    }

    void theKeyIsOwnerOnly()
    {
        QTemporaryDir dir;
        QVERIFY(DecisionTokens::open(dir.path()).ok());
        struct stat info = {};
        QCOMPARE(::stat(QFile::encodeName(DecisionTokens::keyPath(dir.path())).constData(), &info), 0);
        QCOMPARE(int(info.st_mode & 0777), 0600);
        QVERIFY(QFile::setPermissions(DecisionTokens::keyPath(dir.path()), QFile::ReadOwner | QFile::WriteOwner | QFile::ReadOther));
        expect(DecisionTokens::open(dir.path()), ErrorCode::FailedPrecondition);
    }

    void aDamagedKeyIsRefused()
    {
        QTemporaryDir dir;
        QFile key(DecisionTokens::keyPath(dir.path()));
        QVERIFY(key.open(QIODevice::WriteOnly));
        key.write("hmac-sha256:nothex\n");
        key.close();
        QVERIFY(key.setPermissions(QFile::ReadOwner | QFile::WriteOwner));
        expect(DecisionTokens::open(dir.path()), ErrorCode::DataLoss);
    }

    void refusesWhatItShould()
    {
        QTemporaryDir dir, other;
        auto tokens = DecisionTokens::open(dir.path());
        auto foreign = DecisionTokens::open(other.path());
        const QByteArray token = tokens->sign(claims(), Now, Hour).value();

        expect(tokens->verify(token, Now + Hour), ErrorCode::FailedPrecondition); // expired
        expect(foreign->verify(token, Now), ErrorCode::Unauthenticated);           // another directory's
        // Altered claims: approve turned into deny, the signature kept.
        DecisionClaims denied = claims();
        denied.approve = false;
        const QByteArray other2 = tokens->sign(denied, Now, Hour).value();
        const QByteArray forged = other2.left(other2.indexOf('.')) + token.mid(token.indexOf('.'));
        expect(tokens->verify(forged, Now), ErrorCode::Unauthenticated);
        expect(tokens->verify("not a token", Now), ErrorCode::InvalidArgument);
        expect(tokens->verify("a.b.c", Now), ErrorCode::InvalidArgument);
        expect(tokens->verify(QByteArray(DecisionTokenBytesMax + 1, 'a'), Now), ErrorCode::InvalidArgument);
        expect(tokens->sign(claims(), Now, 0), ErrorCode::InvalidArgument);
        expect(tokens->sign(claims(), Now, DecisionTokenTtlMsMax + 1), ErrorCode::InvalidArgument);
        DecisionClaims long_ = claims();
        long_.operatorName = QString(DecisionTokenBytesMax, u'x');
        expect(tokens->sign(long_, Now, Hour), ErrorCode::InvalidArgument);
    }

    void decidesOnce()
    {
        QTemporaryDir dir;
        auto db = Database::open(dir.filePath(QStringLiteral("cabinet.db")));
        QVERIFY(db.ok());
        auto tokens = DecisionTokens::open(dir.path());
        const DecisionClaims read = tokens->verify(tokens->sign(claims(), Now, Hour).value(), Now).value();
        {
            auto tx = (*db)->begin();
            QVERIFY(tx.ok());
            QVERIFY(DecisionTokens::consume(**db, *tx, read, Now * 1'000'000).ok());
            QVERIFY(tx->commit().ok());
        }
        auto tx = (*db)->begin();
        QVERIFY(tx.ok());
        const Status again = DecisionTokens::consume(**db, *tx, read, Now * 1'000'000);
        QVERIFY(!again.ok());
        QCOMPARE(int(again.error().code), int(ErrorCode::Conflict));
    }
};

QTEST_GUILESS_MAIN(TestDecisionToken)
#include "tst_decisiontoken.moc"

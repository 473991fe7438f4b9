// API tokens (core/server/TokenStore.h): a token is shown once and only its
// keyed hash is stored; it authenticates until revoked or expired; bad
// names, duplicates and ranges are refused with nothing written; each
// change is audited under its actor with its event; the key file is
// owner-only and refused when others can read it.
#include "TestSupport.h"
#include "audit/AuditLog.h"
#include "events/EventBus.h"
#include "server/TokenStore.h"
#include "store/DataDirectory.h"
#include "store/Database.h"

#include <QFile>
#include <QTest>

#include <sys/stat.h>

using namespace cabinet;
using namespace cabinet::server;
using namespace cabinet::test;

namespace {

constexpr qint64 Day = 86'400'000'000'000LL;

template <typename T> void expect(const Result<T> &result, ErrorCode code)
{
    QVERIFY(!result.ok());
    QCOMPARE(errorCodeName(result.error().code), errorCodeName(code));
}

qint64 count(Database &db, const char *sql)
{
    auto &q = db.statement(sql);
    auto row = q.step();
    const qint64 n = row && *row ? q.int64(0) : -1;
    q.reset();
    return n;
}

} // namespace

class TestTokenStore : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void createsAndAuthenticates()
    {
        TestCabinet c;
        QVERIFY(c.open());
        auto &tokens = c->service<TokenStore>();
        const Actor admin = Actor::person(QStringLiteral("alice"));
        auto created = tokens.create(QStringLiteral("ci-bot"), api::Role::Operator, 0, admin);
        QVERIFY(created.ok());
        QVERIFY(created->secret.startsWith("cab_"));
        QCOMPARE(created->secret.size(), 4 + 43);
        QCOMPARE(created->token.actor().toString(), QStringLiteral("token:ci-bot"));
        auto found = tokens.authenticate(created->secret);
        QVERIFY(found.ok());
        QCOMPARE(found->name, QStringLiteral("ci-bot"));
        QCOMPARE(int(found->role), int(api::Role::Operator));
        QCOMPARE(found->createdBy, QStringLiteral("operator:alice"));
        // Two tokens never share a secret.
        auto second = tokens.create(QStringLiteral("second"), api::Role::Viewer, 0, admin);
        QVERIFY(second.ok());
        QVERIFY(second->secret != created->secret);
        QCOMPARE(tokens.list().value().size(), 2);
    }

    void storesOnlyAKeyedHash()
    {
        TestCabinet c;
        QVERIFY(c.open());
        auto created = c->service<TokenStore>().create(QStringLiteral("ci"), api::Role::Admin, 0, tester());
        QVERIFY(created.ok());
        auto &q = c->database().statement("SELECT hash FROM api_tokens WHERE name = 'ci'");
        QVERIFY(q.step().value());
        const QByteArray stored = q.blob(0);
        q.reset();
        QCOMPARE(stored.size(), 32);
        QVERIFY(!stored.contains(created->secret));
        // Not the token's plain hash either: the key is in the data directory.
        QFile key(TokenStore::keyPath(c.dir.path()));
        QCOMPARE(int(key.permissions() & (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther)), 0);
        QFile db(DataDirectory::databasePath(c.dir.path()));
        QVERIFY(db.open(QIODevice::ReadOnly));
        QVERIFY(!db.readAll().contains(created->secret));
    }

    void refusesUnknownRevokedAndExpired()
    {
        TestCabinet c;
        QVERIFY(c.open());
        auto &tokens = c->service<TokenStore>();
        auto kept = tokens.create(QStringLiteral("kept"), api::Role::Viewer, 0, tester());
        auto shortLived = tokens.create(QStringLiteral("brief"), api::Role::Viewer, 1, tester());
        QVERIFY(kept.ok() && shortLived.ok());
        expect(tokens.authenticate("cab_not-a-token"), ErrorCode::Unauthenticated);
        expect(tokens.authenticate("no prefix"), ErrorCode::Unauthenticated);
        expect(tokens.authenticate(QByteArray(TokenStore::TokenBytesMax + 1, 'a').prepend("cab_")), ErrorCode::Unauthenticated);
        // A token one character off is someone else's guess.
        QByteArray altered = kept->secret;
        altered[10] = altered[10] == 'A' ? 'B' : 'A';
        expect(tokens.authenticate(altered), ErrorCode::Unauthenticated);

        QVERIFY(tokens.authenticate(shortLived->secret).ok());
        c.clock->advanceNs(Day);
        expect(tokens.authenticate(shortLived->secret), ErrorCode::Unauthenticated);
        QVERIFY(tokens.authenticate(kept->secret).ok());

        QVERIFY(tokens.revoke(QStringLiteral("kept"), tester()).ok());
        expect(tokens.authenticate(kept->secret), ErrorCode::Unauthenticated);
        expect(tokens.revoke(QStringLiteral("kept"), tester()), ErrorCode::FailedPrecondition);
        expect(tokens.revoke(QStringLiteral("nobody"), tester()), ErrorCode::NotFound);
        // Listed still, with when it was revoked.
        const auto listed = tokens.list().value();
        QCOMPARE(listed.size(), 2);
        QCOMPARE(listed[1].name, QStringLiteral("kept")); // by name
        QVERIFY(listed[1].revokedNs > 0);
        QCOMPARE(listed[0].revokedNs, 0);
    }

    void refusesBadInputWritingNothing()
    {
        TestCabinet c;
        QVERIFY(c.open());
        auto &tokens = c->service<TokenStore>();
        const qint64 audited = count(c->database(), "SELECT count(*) FROM audit_log");
        expect(tokens.create(QString(), api::Role::Viewer, 0, tester()), ErrorCode::InvalidArgument);
        expect(tokens.create(QStringLiteral("has space"), api::Role::Viewer, 0, tester()), ErrorCode::InvalidArgument);
        expect(tokens.create(QString(TokenStore::NameLengthMax + 1, u'a'), api::Role::Viewer, 0, tester()), ErrorCode::InvalidArgument);
        expect(tokens.create(QStringLiteral("x"), api::Role::Viewer, -1, tester()), ErrorCode::InvalidArgument);
        expect(tokens.create(QStringLiteral("x"), api::Role::Viewer, TokenStore::ExpiresDaysMax + 1, tester()), ErrorCode::InvalidArgument);
        expect(TokenStore::parseRole(QStringLiteral("root")), ErrorCode::InvalidArgument);
        QCOMPARE(count(c->database(), "SELECT count(*) FROM api_tokens"), 0);
        QCOMPARE(count(c->database(), "SELECT count(*) FROM audit_log"), audited);
        QVERIFY(tokens.create(QString(TokenStore::NameLengthMax, u'a'), api::Role::Viewer, TokenStore::ExpiresDaysMax, tester()).ok());
        // A name is never reused, also once revoked.
        QVERIFY(tokens.revoke(QString(TokenStore::NameLengthMax, u'a'), tester()).ok());
        expect(tokens.create(QString(TokenStore::NameLengthMax, u'a'), api::Role::Viewer, 0, tester()), ErrorCode::AlreadyExists);
    }

    void auditsWithEvents()
    {
        TestCabinet c;
        QVERIFY(c.open());
        QStringList seen;
        c->events().subscribe({ QStringLiteral("tokens.") }, [&](const Event &event) {
            seen << event.type + u':' + event.payload.value(QStringLiteral("by")).toString();
            QVERIFY(!event.payload.contains(QStringLiteral("token")));
        });
        const Actor admin = Actor::token(QStringLiteral("root-token"));
        QVERIFY(c->service<TokenStore>().create(QStringLiteral("a"), api::Role::Viewer, 0, admin).ok());
        QVERIFY(c->service<TokenStore>().revoke(QStringLiteral("a"), admin).ok());
        QCOMPARE(seen, (QStringList { QStringLiteral("tokens.created:token:root-token"), QStringLiteral("tokens.revoked:token:root-token") }));
        const auto tail = c->audit().tail(2).value();
        QCOMPARE(tail[0].action, QStringLiteral("tokens.create"));
        QCOMPARE(tail[0].actor, QStringLiteral("token:root-token"));
        QCOMPARE(tail[1].action, QStringLiteral("tokens.revoke"));
    }

    void keyFileMustBeOwnerOnly()
    {
        TestCabinet c;
        QVERIFY(c.open());
        auto created = c->service<TokenStore>().create(QStringLiteral("a"), api::Role::Viewer, 0, tester());
        QVERIFY(created.ok());
        QVERIFY(::chmod(QFile::encodeName(TokenStore::keyPath(c.dir.path())).constData(), 0644) == 0);
        QVERIFY(c.open()); // the key is read afresh
        expect(c->service<TokenStore>().authenticate(created->secret), ErrorCode::FailedPrecondition);
        QVERIFY(::chmod(QFile::encodeName(TokenStore::keyPath(c.dir.path())).constData(), 0600) == 0);
        QVERIFY(c.open());
        QVERIFY(c->service<TokenStore>().authenticate(created->secret).ok());
    }
};

QTEST_GUILESS_MAIN(TestTokenStore)
#include "tst_tokenstore.moc"

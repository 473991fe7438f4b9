// ControlServer: where the owner's socket goes, that a socket somebody else
// could have put there is not trusted, that a stale one is replaced, and
// that a message over the limit ends its connection. The JSON-RPC on it is
// tst_jsonrpc's; the command line through it is tests/integration.
#include "TestSupport.h"
#include "api/ControlServer.h"
#include "api/Dispatcher.h"
#include "api/JsonRpc.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocalSocket>

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

using namespace cabinet;
using namespace cabinet::api;
using namespace cabinet::test;

namespace {

constexpr uid_t Nobody = 65534;

mode_t modeOf(const QString &path)
{
    struct stat st {};
    ::lstat(QFile::encodeName(path).constData(), &st);
    return st.st_mode & 07777;
}

// A data directory whose socket path would be too long for a Unix socket.
QString longDataDir(const QString &base)
{
    QString path = base;
    while (QFile::encodeName(path).size() < 120)
        path += QStringLiteral("/a-rather-long-folder-name");
    QDir().mkpath(path);
    return path;
}

} // namespace

class TestControlServer : public QObject {
    Q_OBJECT

    QTemporaryDir m_tmp; // TMPDIR for the whole test: the real /tmp is left alone
    TestCabinet m_cabinet;

    QString sharedFolder() const { return m_tmp.filePath(QStringLiteral("cabinet-%1").arg(getuid())); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        qputenv("TMPDIR", QFile::encodeName(m_tmp.path()));
        QCOMPARE(QDir::tempPath(), m_tmp.path());
        QVERIFY(m_cabinet.open());
    }
    void cleanup()
    {
        QDir(sharedFolder()).removeRecursively();
    }

    void socketInsideTheDataDirectoryWhenItFits()
    {
        const QString path = ControlServer::socketPath(m_cabinet.dir.path());
        QCOMPARE(path, QDir(m_cabinet.dir.path()).absoluteFilePath(QStringLiteral("cabinet.sock")));
        QVERIFY(ControlServer::trustedSocket(m_cabinet.dir.path()));
    }

    void longDataDirectoryGetsAPrivateFolderUnderTmp()
    {
        QTemporaryDir base;
        const QString dir = longDataDir(base.path());
        const QString path = ControlServer::socketPath(dir);
        QVERIFY(QFile::encodeName(path).size() <= 107);
        QCOMPARE(QFileInfo(path).absolutePath(), sharedFolder());
        QCOMPARE(ControlServer::socketPath(dir), path);                                  // the same every time
        QVERIFY(ControlServer::socketPath(dir + QStringLiteral("/x")) != path);           // and its own

        // A folder made first, open to everyone: closed as the server starts.
        QVERIFY(QDir().mkpath(sharedFolder()));
        QVERIFY(::chmod(QFile::encodeName(sharedFolder()).constData(), 0777) == 0);
        QVERIFY(!ControlServer::trustedSocket(dir));
        ControlServer server(m_cabinet->api(), dir);
        const Status started = server.start();
        QVERIFY2(started, started ? "" : qPrintable(started.error().message));
        QCOMPARE(modeOf(sharedFolder()), mode_t(0700));
        QVERIFY(ControlServer::trustedSocket(dir));
        QLocalSocket client;
        client.connectToServer(path);
        QVERIFY(client.waitForConnected(2000));
        client.disconnectFromServer();
        server.stop();
        QVERIFY(!QFileInfo::exists(path));
    }

    void foreignOrLinkedFolderIsRefused()
    {
        QTemporaryDir base;
        const QString dir = longDataDir(base.path());
        // A symbolic link where the folder should be, to a folder of ours.
        QTemporaryDir elsewhere;
        QVERIFY(QFile::link(elsewhere.path(), sharedFolder()));
        {
            ControlServer server(m_cabinet->api(), dir);
            const Status started = server.start();
            QVERIFY(!started);
            QCOMPARE(started.error().code, ErrorCode::PermissionDenied);
            QVERIFY(!ControlServer::trustedSocket(dir));
        }
        QVERIFY(QFile::remove(sharedFolder()));

        if (getuid() != 0)
            QSKIP("a folder of another user's needs root to make");
        QVERIFY(QDir().mkpath(sharedFolder()));
        QVERIFY(::chown(QFile::encodeName(sharedFolder()).constData(), Nobody, Nobody) == 0);
        ControlServer server(m_cabinet->api(), dir);
        const Status started = server.start();
        QVERIFY(!started);
        QCOMPARE(started.error().code, ErrorCode::PermissionDenied);
        QVERIFY(!ControlServer::trustedSocket(dir));
    }

    void socketOfAnotherUserIsNotTrusted()
    {
        if (getuid() != 0)
            QSKIP("a socket of another user's needs root to make");
        QTemporaryDir base;
        const QString dir = longDataDir(base.path());
        ControlServer server(m_cabinet->api(), dir);
        QVERIFY(server.start());
        QVERIFY(ControlServer::trustedSocket(dir));
        QVERIFY(::lchown(QFile::encodeName(ControlServer::socketPath(dir)).constData(), Nobody, Nobody) == 0);
        QVERIFY(!ControlServer::trustedSocket(dir));
    }

    void staleSocketFileIsReplaced()
    {
        // What a killed owner leaves: a socket file nobody listens on.
        const QString path = ControlServer::socketPath(m_cabinet.dir.path());
        const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        QVERIFY(fd >= 0);
        sockaddr_un address {};
        address.sun_family = AF_UNIX;
        qstrncpy(address.sun_path, QFile::encodeName(path).constData(), sizeof(address.sun_path));
        QVERIFY(::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof(address)) == 0);
        ::close(fd);
        QVERIFY(QFileInfo::exists(path));
        QLocalSocket refused;
        refused.connectToServer(path);
        QVERIFY(!refused.waitForConnected(1000));

        ControlServer server(m_cabinet->api(), m_cabinet.dir.path());
        QVERIFY(server.start());
        QLocalSocket client;
        client.connectToServer(path);
        QVERIFY(client.waitForConnected(2000));
        client.write(R"({"jsonrpc":"2.0","id":1,"method":"core.status"})" "\n");
        QTRY_VERIFY(client.canReadLine());
        const QJsonObject response = QJsonDocument::fromJson(client.readLine()).object();
        QCOMPARE(response.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toInt(),
                 jsonRpcCode(ErrorCode::Unauthenticated));
    }

    void messageOverTheLimitEndsTheConnection()
    {
        ControlServer server(m_cabinet->api(), m_cabinet.dir.path());
        QVERIFY(server.start());
        QLocalSocket client;
        client.connectToServer(ControlServer::socketPath(m_cabinet.dir.path()));
        QVERIFY(client.waitForConnected(2000));
        bool disconnected = false;
        connect(&client, &QLocalSocket::disconnected, this, [&] { disconnected = true; });
        client.write(QByteArray(ControlServer::MessageBytesMax + 1024, ' ') + "x");
        QTRY_VERIFY_WITH_TIMEOUT(client.canReadLine(), 20000);
        const QJsonObject response = QJsonDocument::fromJson(client.readLine()).object();
        QCOMPARE(response.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toInt(), jsonrpc::InvalidRequest);
        QTRY_VERIFY_WITH_TIMEOUT(disconnected, 20000);
    }

    // Only operators identify on the socket: an agent, the core's own
    // components and API tokens are refused (permission_denied, field
    // "actor") and the session stays unidentified.
    void onlyOperatorsIdentify()
    {
        ControlServer server(m_cabinet->api(), m_cabinet.dir.path());
        QVERIFY(server.start());
        QLocalSocket client;
        client.connectToServer(ControlServer::socketPath(m_cabinet.dir.path()));
        QVERIFY(client.waitForConnected(2000));
        const auto ask = [&client](const QByteArray &request) {
            client.write(request + '\n');
            if (!QTest::qWaitFor([&client] { return client.canReadLine(); }, 5000))
                return QJsonObject();
            return QJsonDocument::fromJson(client.readLine()).object();
        };
        for (const char *claimed : { "agent:rex", "system:core", "token:ci-bot" }) {
            const QJsonObject refused = ask(QJsonDocument(QJsonObject { { QStringLiteral("jsonrpc"), QStringLiteral("2.0") },
                                                                        { QStringLiteral("id"), 1 },
                                                                        { QStringLiteral("method"), jsonrpc::IdentifyMethod },
                                                                        { QStringLiteral("params"),
                                                                          QJsonObject { { QStringLiteral("actor"), QString::fromLatin1(claimed) } } } })
                                                    .toJson(QJsonDocument::Compact));
            const QJsonObject data = refused.value(QStringLiteral("error")).toObject().value(QStringLiteral("data")).toObject();
            QCOMPARE(data.value(QStringLiteral("code")).toString(), QStringLiteral("permission_denied"));
            QCOMPARE(data.value(QStringLiteral("field")).toString(), QStringLiteral("actor"));
            const QJsonObject unidentified = ask(R"({"jsonrpc":"2.0","id":2,"method":"core.status","params":{}})");
            QCOMPARE(unidentified.value(QStringLiteral("error")).toObject().value(QStringLiteral("data")).toObject()
                             .value(QStringLiteral("code")).toString(),
                     QStringLiteral("unauthenticated"));
        }
        const QJsonObject admitted = ask(R"({"jsonrpc":"2.0","id":3,"method":"session.identify","params":{"actor":"operator:alice"}})");
        QCOMPARE(admitted.value(QStringLiteral("result")).toObject().value(QStringLiteral("actor")).toString(),
                 QStringLiteral("operator:alice"));
    }
};

QTEST_GUILESS_MAIN(TestControlServer)
#include "tst_controlserver.moc"

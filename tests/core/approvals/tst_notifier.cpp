// The webhook notifier against a loopback server that answers 200, 500 or
// 404, that is down, or that is too slow: a delivery is queued with the
// request in its transaction, sent, retried with backoff on the Clock up to
// DeliveryAttemptsMax tries, or failed at once; a decision never waits for
// it; the configuration's webhooks are read strictly.
#include "ApprovalFixture.h"
#include "approvals/Notifier.h"
#include "config/Config.h"

#include <QJsonDocument>
#include <QTcpServer>
#include <QTcpSocket>

using namespace cabinet;
using namespace cabinet::approvals;
using namespace cabinet::approvals::test;

namespace {

// Answers each POST with `status`, or never (0), and keeps the bodies.
class Hook : public QObject {
public:
    int status = 200;
    QList<QByteArray> bodies;

    explicit Hook(int answer) : status(answer)
    {
        QVERIFY(m_server.listen(QHostAddress::LocalHost));
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection())
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] { read(socket); });
        });
    }
    QByteArray url() const { return "http://127.0.0.1:" + QByteArray::number(m_server.serverPort()) + "/hook"; }

private:
    void read(QTcpSocket *socket)
    {
        QByteArray &got = m_received[socket];
        got += socket->readAll();
        const qsizetype end = got.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const qsizetype at = got.toLower().indexOf("content-length:");
        const qsizetype length = at < 0 ? 0 : got.mid(at + 15, got.indexOf("\r\n", at) - at - 15).trimmed().toLongLong();
        if (got.size() < end + 4 + length)
            return;
        bodies << got.mid(end + 4, length);
        got.clear();
        if (status == 0)
            return; // too slow: never answers
        socket->write("HTTP/1.1 " + QByteArray::number(status) + " X\r\nContent-Length: 4\r\nConnection: close\r\n\r\nnope");
        socket->disconnectFromHost();
    }

    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_received;
};

struct Notified : ApprovalFixture {
    std::unique_ptr<Notifier> notifier;

    void open(const QByteArray &url, qint64 timeoutMs = 2'000)
    {
        ApprovalFixture::open();
        Notifier::Options options;
        options.webhooks = { Webhook { QStringLiteral("ops"), url, WebhookFormat::Generic, QStringLiteral("alice"), {} } };
        options.dataDir = dir.path();
        options.timeoutMs = timeoutMs;
        notifier = std::make_unique<Notifier>(*db, *events, *clock, options);
        QVERIFY(notifier->start().ok());
        scheduler->add(*notifier);
        approvals->setOutbox([this](Transaction &tx, const ApprovalRequest &r, const QString &what) { return notifier->queue(tx, r, what); });
    }
    ~Notified()
    {
        if (scheduler && notifier)
            scheduler->remove(*notifier);
        if (approvals)
            approvals->setOutbox({});
    }
    std::vector<Delivery> in(DeliveryState state) const { return notifier->list(state, 0, 100).value(); }
};

constexpr qint64 S = 1'000;

} // namespace

class TestNotifier : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sentOnA200()
    {
        Hook hook(200);
        Notified f;
        f.open(hook.url());
        auto request = f.approvals->request(NewApproval { deploy(), {}, {}, {} }, agent());
        QVERIFY(request.ok());
        QTRY_COMPARE(f.in(DeliveryState::Sent).size(), size_t(1));
        const Delivery sent = f.in(DeliveryState::Sent).front();
        QCOMPARE(sent.approvalId, request->id);
        QCOMPARE(sent.what, QStringLiteral("requested"));
        QCOMPARE(sent.channel, QStringLiteral("ops"));
        QCOMPARE(sent.attempts, 1);
        QCOMPARE(hook.bodies.size(), 1);
        const QJsonObject body = QJsonDocument::fromJson(hook.bodies.first()).object();
        QCOMPARE(body.value(QStringLiteral("approval")).toObject().value(QStringLiteral("id")).toString(), request->id);
        // Queued in the request's transaction, then sent: two events.
        const auto told = f.stored(events::ApprovalDelivery);
        QCOMPARE(told.size(), 2);
        QCOMPARE(told[0].payload.value(QStringLiteral("state")).toString(), QStringLiteral("queued"));
        QCOMPARE(told[1].payload.value(QStringLiteral("state")).toString(), QStringLiteral("sent"));
        // The decision is told too.
        QVERIFY(f.approvals->decide(Decision { { request->id }, true, QStringLiteral("alice"), {} }, person("alice")).ok());
        QTRY_COMPARE(f.in(DeliveryState::Sent).size(), size_t(2));
        QCOMPARE(f.in(DeliveryState::Sent).back().what, QStringLiteral("decided"));
    }

    // A tier-3 vote is told, with new tokens: the first operator's chat
    // reply used up the one its message carried, and a second is needed.
    void aTier3VoteIsToldWithFreshButtons()
    {
        Hook hook(200);
        Notified f;
        f.open(hook.url());
        auto request = f.approvals->request(NewApproval { toAutonomous(), {}, {}, {} }, agent());
        QVERIFY(request.ok());
        QCOMPARE(request->tier, 3);
        QVERIFY(f.approvals->decide(Decision { { request->id }, true, QStringLiteral("alice"), {} }, person("alice")).ok());
        QTRY_COMPARE(f.in(DeliveryState::Sent).size(), size_t(2));
        QCOMPARE(f.in(DeliveryState::Sent).back().what, QStringLiteral("voted"));
        QCOMPARE(hook.bodies.size(), 2);
        const QJsonObject first = QJsonDocument::fromJson(hook.bodies.first()).object();
        const QJsonObject voted = QJsonDocument::fromJson(hook.bodies.last()).object();
        QCOMPARE(voted.value(QStringLiteral("event")).toString(), QStringLiteral("voted"));
        QVERIFY(!voted.value(QStringLiteral("approve_token")).toString().isEmpty());
        QVERIFY(voted.value(QStringLiteral("approve_token")) != first.value(QStringLiteral("approve_token")));
    }

    // 500 each time: tried DeliveryAttemptsMax times, each after its
    // backoff on the Clock, then failed; the decision never waited.
    void retriedWithBackoffThenFailedOn500()
    {
        Hook hook(500);
        Notified f;
        f.open(hook.url());
        auto request = f.approvals->request(NewApproval { deploy(), {}, {}, {} }, agent());
        QVERIFY(request.ok());
        QVERIFY(f.approvals->decide(Decision { { request->id }, false, QStringLiteral("alice"), {} }, person("alice")).ok());
        QCOMPARE(f.approvals->get(request->id)->state, ApprovalState::Denied);
        for (int attempt = 1; attempt < DeliveryAttemptsMax; ++attempt) {
            QTRY_COMPARE(hook.bodies.size(), 2 * attempt); // the request's and the decision's
            QTRY_VERIFY(f.in(DeliveryState::Queued).size() == 2 && f.in(DeliveryState::Queued).front().attempts == attempt);
            const qint64 backoffMs = std::min(DeliveryBackoffMaxMs, DeliveryBackoffBaseMs << (attempt - 1));
            QCOMPARE(f.in(DeliveryState::Queued).front().nextNs, f.clock->nowNs() + backoffMs * 1'000'000);
            QVERIFY(!f.in(DeliveryState::Queued).front().lastError.isEmpty());
            // Not before its time.
            f.clock->advanceMs(backoffMs - 1);
            QTest::qWait(50);
            QCOMPARE(hook.bodies.size(), 2 * attempt);
            f.clock->advanceMs(1);
        }
        QTRY_COMPARE(f.in(DeliveryState::Failed).size(), size_t(2));
        QCOMPARE(f.in(DeliveryState::Failed).front().attempts, DeliveryAttemptsMax);
        QCOMPARE(hook.bodies.size(), 2 * DeliveryAttemptsMax);
        QVERIFY(!f.notifier->nextDeadlineNs());
    }

    void aClientErrorFailsAtOnce()
    {
        Hook hook(404);
        Notified f;
        f.open(hook.url());
        QVERIFY(f.approvals->request(NewApproval { deploy(), {}, {}, {} }, agent()).ok());
        QTRY_COMPARE(f.in(DeliveryState::Failed).size(), size_t(1));
        QCOMPARE(f.in(DeliveryState::Failed).front().attempts, 1);
    }

    void listedOldestOrNewestFirst()
    {
        Hook hook(404);
        Notified f;
        f.open(hook.url());
        for (int i = 0; i < 3; ++i)
            QVERIFY(f.approvals->request(NewApproval { deploy(), {}, {}, {} }, agent()).ok());
        QTRY_COMPARE(f.in(DeliveryState::Failed).size(), size_t(3));
        const std::vector<Delivery> oldest = f.notifier->list(DeliveryState::Failed, 0, 10).value();
        QVERIFY(oldest[0].id < oldest[1].id && oldest[1].id < oldest[2].id);
        const std::vector<Delivery> newest = f.notifier->list(DeliveryState::Failed, 0, 2, true).value();
        QCOMPARE(newest.size(), size_t(2));
        QCOMPARE(newest[0].id, oldest[2].id);
        QCOMPARE(newest[1].id, oldest[1].id);
        const std::vector<Delivery> before = f.notifier->list(DeliveryState::Failed, newest[1].id, 2, true).value();
        QCOMPARE(before.size(), size_t(1));
        QCOMPARE(before[0].id, oldest[0].id);
    }

    void aServerThatIsDownIsRetried()
    {
        QByteArray url;
        {
            Hook gone(200);
            url = gone.url();
        } // closed: the port refuses
        Notified f;
        f.open(url);
        auto request = f.approvals->request(NewApproval { deploy(), {}, {}, {} }, agent());
        QVERIFY(request.ok());
        QTRY_VERIFY(!f.in(DeliveryState::Queued).empty() && f.in(DeliveryState::Queued).front().attempts == 1);
        QVERIFY(!f.in(DeliveryState::Queued).front().lastError.isEmpty());
        QCOMPARE(f.approvals->get(request->id)->state, ApprovalState::Pending);
    }

    void aSlowServerTimesOutAndIsRetried()
    {
        Hook hook(0);
        Notified f;
        f.open(hook.url(), 300);
        QVERIFY(f.approvals->request(NewApproval { deploy(), {}, {}, {} }, agent()).ok());
        QTRY_VERIFY(!f.in(DeliveryState::Queued).empty() && f.in(DeliveryState::Queued).front().attempts == 1);
        QCOMPARE(hook.bodies.size(), 1);
        f.clock->advanceMs(DeliveryBackoffBaseMs);
        QTRY_COMPARE(hook.bodies.size(), 2);
    }

    // A command-line decision runs in a core that is not started: it queues
    // (the key is opened then), and a started core sends it later.
    void aCoreNotStartedQueuesToo()
    {
        Hook hook(200);
        Notified f;
        f.ApprovalFixture::open();
        Notifier::Options options;
        options.webhooks = { Webhook { QStringLiteral("ops"), hook.url(), WebhookFormat::Generic, {}, {} } };
        options.dataDir = f.dir.path();
        f.notifier = std::make_unique<Notifier>(*f.db, *f.events, *f.clock, options);
        f.approvals->setOutbox([&f](Transaction &tx, const ApprovalRequest &r, const QString &what) { return f.notifier->queue(tx, r, what); });
        QVERIFY(f.approvals->request(NewApproval { deploy(), {}, {}, {} }, agent()).ok());
        QCOMPARE(f.in(DeliveryState::Queued).size(), size_t(1));
        QVERIFY(!f.notifier->nextDeadlineNs());
        QVERIFY(QFile::exists(DecisionTokens::keyPath(f.dir.path())));
        QVERIFY(f.notifier->start().ok());
        f.scheduler->add(*f.notifier);
        QTRY_COMPARE(f.in(DeliveryState::Sent).size(), size_t(1));
    }

    void listRefusesABadLimit()
    {
        Hook hook(200);
        Notified f;
        f.open(hook.url());
        for (int limit : { 0, DeliveriesListMax + 1 }) {
            auto listed = f.notifier->list(DeliveryState::Failed, 0, limit);
            QVERIFY(!listed.ok());
            QCOMPARE(listed.error().code, ErrorCode::InvalidArgument);
            QCOMPARE(listed.error().field, QStringLiteral("limit"));
        }
    }

    void webhooksFromTheConfiguration_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("field"); // empty: reads
        QTest::newRow("url") << QStringLiteral("notify.webhook.ops.url") << QStringLiteral("https://hooks.example/x") << QString();
        QTest::newRow("ftp") << QStringLiteral("notify.webhook.ops.url") << QStringLiteral("ftp://hooks.example/x") << QStringLiteral("notify.webhook.ops.url");
        QTest::newRow("no host") << QStringLiteral("notify.webhook.ops.url") << QStringLiteral("http://") << QStringLiteral("notify.webhook.ops.url");
        QTest::newRow("long url") << QStringLiteral("notify.webhook.ops.url")
                                  << QStringLiteral("https://h.example/") + QString(WebhookUrlBytesMax, u'a') << QStringLiteral("notify.webhook.ops.url");
        QTest::newRow("format") << QStringLiteral("notify.webhook.ops.format") << QStringLiteral("telex") << QStringLiteral("notify.webhook.ops.format");
        QTest::newRow("no url") << QStringLiteral("notify.webhook.ops.to") << QStringLiteral("alice") << QStringLiteral("notify.webhook.ops.url");
        QTest::newRow("member") << QStringLiteral("notify.webhook.ops.secret") << QStringLiteral("x") << QStringLiteral("notify.webhook.ops.secret");
        QTest::newRow("no template file") << QStringLiteral("notify.webhook.ops.template") << QStringLiteral("absent.json")
                                          << QStringLiteral("notify.webhook.ops.template");
        QTest::newRow("name") << QStringLiteral("notify.webhook.Ops!.url") << QStringLiteral("https://h.example") << QStringLiteral("notify.webhook.Ops!.url");
    }
    void webhooksFromTheConfiguration()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QFETCH(QString, field);
        QTemporaryDir dir;
        Config config(dir.filePath(QStringLiteral("config.yaml")), { { key, value } });
        auto webhooks = Notifier::webhooksFrom(config, dir.path());
        if (field.isEmpty()) {
            QVERIFY(webhooks.ok());
            QCOMPARE(webhooks->size(), size_t(1));
            QCOMPARE(webhooks->front().name, QStringLiteral("ops"));
            QCOMPARE(webhooks->front().format, WebhookFormat::Generic);
            return;
        }
        QVERIFY(!webhooks.ok());
        QCOMPARE(webhooks.error().code, ErrorCode::InvalidArgument);
        QCOMPARE(webhooks.error().field, field);
    }

    // A template of the configuration shapes the body; one that does not
    // render fails its delivery, never the request.
    void templatesOfTheConfiguration()
    {
        Hook hook(200);
        Notified f;
        auto write = [&f](const char *name, const QByteArray &text) {
            QFile file(f.dir.filePath(QString::fromLatin1(name)));
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(text);
        };
        write("mine.json", R"({"text": {{summary}}, "request": {{id}}, "for": {{to}}})");
        write("bad.json", R"({"text": {{no_such_fact}}})");
        write("huge.json", QByteArray(TemplateBytesMax + 1, ' '));
        const QString url = QString::fromLatin1(hook.url());
        Config config(f.dir.filePath(QStringLiteral("config.yaml")),
                      { { QStringLiteral("notify.webhook.mine.url"), url }, { QStringLiteral("notify.webhook.mine.template"), QStringLiteral("mine.json") },
                        { QStringLiteral("notify.webhook.mine.to"), QStringLiteral("alice") },
                        { QStringLiteral("notify.webhook.bad.url"), url }, { QStringLiteral("notify.webhook.bad.template"), QStringLiteral("bad.json") } });
        auto webhooks = Notifier::webhooksFrom(config, f.dir.path());
        QVERIFY(webhooks.ok());
        QCOMPARE(webhooks->size(), size_t(2));

        f.ApprovalFixture::open();
        Notifier::Options options;
        options.webhooks = *webhooks;
        options.dataDir = f.dir.path();
        f.notifier = std::make_unique<Notifier>(*f.db, *f.events, *f.clock, options);
        QVERIFY(f.notifier->start().ok());
        f.scheduler->add(*f.notifier);
        f.approvals->setOutbox([&f](Transaction &tx, const ApprovalRequest &r, const QString &what) { return f.notifier->queue(tx, r, what); });
        auto request = f.approvals->request(NewApproval { deploy(), {}, {}, {} }, agent());
        QVERIFY(request.ok());
        QTRY_COMPARE(f.in(DeliveryState::Sent).size(), size_t(1));
        const QJsonObject body = QJsonDocument::fromJson(hook.bodies.first()).object();
        QCOMPARE(body.value(QStringLiteral("request")).toString(), request->id);
        QCOMPARE(body.value(QStringLiteral("for")).toString(), QStringLiteral("alice"));
        QVERIFY(!body.value(QStringLiteral("text")).toString().isEmpty());
        const auto failed = f.in(DeliveryState::Failed);
        QCOMPARE(failed.size(), size_t(1));
        QCOMPARE(failed.front().channel, QStringLiteral("bad"));
        QCOMPARE(failed.front().attempts, 0);
        QVERIFY(!failed.front().lastError.isEmpty());

        Config huge(f.dir.filePath(QStringLiteral("config.yaml")),
                    { { QStringLiteral("notify.webhook.h.url"), url }, { QStringLiteral("notify.webhook.h.template"), QStringLiteral("huge.json") } });
        auto refused = Notifier::webhooksFrom(huge, f.dir.path());
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().field, QStringLiteral("notify.webhook.h.template"));
    }

    void tooManyWebhooksAreRefused()
    {
        QTemporaryDir dir;
        QMap<QString, QString> keys;
        for (int i = 0; i <= WebhooksMax; ++i)
            keys.insert(QStringLiteral("notify.webhook.w%1.url").arg(i), QStringLiteral("https://h.example/%1").arg(i));
        Config config(dir.filePath(QStringLiteral("config.yaml")), keys);
        auto webhooks = Notifier::webhooksFrom(config, dir.path());
        QVERIFY(!webhooks.ok());
        QCOMPARE(webhooks.error().field, QStringLiteral("notify.webhook"));
    }
};

QTEST_GUILESS_MAIN(TestNotifier)
#include "tst_notifier.moc"

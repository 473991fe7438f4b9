#pragma once

// The headless server through the real binary (docs/server.md): starting
// `cabinet --headless --listen 127.0.0.1:0` and finding its port, making
// tokens with the command line, and clients: QWebSocket, a raw WebSocket
// over QTcpSocket (to send what QWebSocket never would, and to stop
// reading), and plain HTTP.
#include "CabinetProcess.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>

#include <random>

namespace cabinet::test {

// `cabinet --headless --listen 127.0.0.1:0` on a data directory, with the
// orchestrator's workers off (events come from the test alone).
struct ServerProcess {
    QProcess process;
    quint16 port = 0;
    QByteArray log;

    bool start(const QString &dataDir, const QStringList &extra = {})
    {
        process.start(cabinetBinary(), QStringList { QStringLiteral("--headless"), QStringLiteral("--data-dir"), dataDir, QStringLiteral("--listen"),
                                                     QStringLiteral("127.0.0.1:0"), QStringLiteral("--set"), QStringLiteral("orchestrator.workers=0") }
                                               + extra);
        if (!process.waitForStarted())
            return false;
        static const QRegularExpression listening(QStringLiteral("server listening on wss?://127\\.0\\.0\\.1:(\\d+)"));
        const QDeadlineTimer deadline(30000);
        while (!deadline.hasExpired()) {
            process.waitForReadyRead(200);
            log += process.readAllStandardError();
            const auto match = listening.match(QString::fromUtf8(log));
            if (match.hasMatch() && log.contains("headless core running")) {
                port = quint16(match.captured(1).toUInt());
                return true;
            }
            if (process.state() == QProcess::NotRunning)
                break;
        }
        qWarning("the server did not start: %s", log.constData());
        return false;
    }
    // Ends it with SIGTERM; true when it stopped cleanly.
    bool stop()
    {
        process.terminate();
        return process.waitForFinished(15000) && process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
    }
    ~ServerProcess()
    {
        if (process.state() != QProcess::NotRunning) {
            process.kill();
            process.waitForFinished();
        }
    }
};

// A token made with `cabinet tokens create`; empty on failure.
inline QByteArray makeToken(const QString &dataDir, const QString &name, const QString &role, const QStringList &extra = {})
{
    const Run run = runCabinet(QStringList { QStringLiteral("--data-dir"), dataDir, QStringLiteral("tokens"), QStringLiteral("create"), QStringLiteral("--name"),
                                             name, QStringLiteral("--role"), role }
                               + extra);
    if (run.exitCode != 0)
        qWarning("tokens create: %s", qPrintable(run.err));
    return run.exitCode == 0 ? run.out.trimmed().toUtf8() : QByteArray();
}

// A whole HTTP exchange: the response as received until the server closed.
inline QByteArray httpExchange(quint16 port, const QByteArray &request)
{
    QTcpSocket socket;
    socket.connectToHost(QStringLiteral("127.0.0.1"), port);
    if (!socket.waitForConnected(5000))
        return {};
    socket.write(request);
    QByteArray response;
    const QDeadlineTimer deadline(10000);
    while (!deadline.hasExpired() && socket.state() == QAbstractSocket::ConnectedState) {
        socket.waitForReadyRead(100);
        response += socket.readAll();
    }
    return response + socket.readAll();
}

inline QByteArray httpGet(quint16 port, const QByteArray &path)
{
    return httpExchange(port, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
}

inline QByteArray httpBody(const QByteArray &response)
{
    return response.mid(response.indexOf("\r\n\r\n") + 4);
}

// A QWebSocket client that keeps what the server sends: answers by id,
// events (from single notifications and batches of them) in order.
class WsClient : public QObject {
public:
    struct Received {
        int subscription;
        qint64 seq;
        QString type;
    };

    WsClient()
    {
        connect(&socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
            ++frames;
            const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8());
            const QJsonArray items = document.isArray() ? document.array() : QJsonArray { document.object() };
            bool events = !items.isEmpty();
            for (const QJsonValue &item : items) {
                const QJsonObject message = item.toObject();
                if (message.value(QStringLiteral("method")).toString() == u"events.event") {
                    const QJsonObject params = message.value(QStringLiteral("params")).toObject();
                    const QJsonObject event = params.value(QStringLiteral("event")).toObject();
                    received.append({ params.value(QStringLiteral("subscription")).toInt(), event.value(QStringLiteral("seq")).toInteger(),
                                      event.value(QStringLiteral("type")).toString() });
                } else {
                    events = false;
                }
            }
            if (!events)
                answers.append(document.isNull() ? QJsonValue(text) : document.isArray() ? QJsonValue(document.array()) : QJsonValue(document.object()));
        });
        connect(&socket, &QWebSocket::disconnected, this, [this] {
            closed = true;
            closeCode = int(socket.closeCode());
        });
    }

    // `tls`: wss, taking the server's self-signed certificate.
    bool open(quint16 port, const QByteArray &token = {}, bool tls = false)
    {
        if (tls)
            connect(&socket, &QWebSocket::sslErrors, this, [this] { socket.ignoreSslErrors(); });
        QNetworkRequest request(QUrl(QStringLiteral("%1://127.0.0.1:%2/").arg(tls ? QStringLiteral("wss") : QStringLiteral("ws")).arg(port)));
        if (!token.isEmpty())
            request.setRawHeader("Authorization", "Bearer " + token);
        socket.open(request);
        QTest::qWaitFor([this] { return socket.state() == QAbstractSocket::ConnectedState || closed; }, 10000);
        return socket.state() == QAbstractSocket::ConnectedState;
    }
    void send(const QByteArray &text) { socket.sendTextMessage(QString::fromUtf8(text)); }
    // The next answer (a response object or a batch array), or undefined.
    QJsonValue next(int timeoutMs = 10000)
    {
        QTest::qWaitFor([this] { return !answers.isEmpty() || closed; }, timeoutMs);
        return answers.isEmpty() ? QJsonValue(QJsonValue::Undefined) : answers.takeFirst();
    }
    QJsonObject call(const QString &method, const QJsonObject &params = {}, const QJsonValue &id = 1)
    {
        send(request(method, params, id));
        return next().toObject();
    }
    static QByteArray request(const QString &method, const QJsonObject &params = {}, const QJsonValue &id = 1)
    {
        QJsonObject object { { QStringLiteral("jsonrpc"), QStringLiteral("2.0") }, { QStringLiteral("method"), method }, { QStringLiteral("params"), params } };
        if (!id.isUndefined())
            object.insert(QStringLiteral("id"), id);
        return QJsonDocument(object).toJson(QJsonDocument::Compact);
    }
    bool waitClosed(int timeoutMs = 10000)
    {
        return QTest::qWaitFor([this] { return closed; }, timeoutMs);
    }

    QWebSocket socket;
    QList<QJsonValue> answers;
    QList<Received> received;
    int frames = 0;
    bool closed = false;
    int closeCode = -1;
};

inline int errorCodeOf(const QJsonObject &response)
{
    return response.value(QStringLiteral("error")).toObject().value(QStringLiteral("code")).toInt();
}
inline QString errorNameOf(const QJsonObject &response)
{
    return response.value(QStringLiteral("error")).toObject().value(QStringLiteral("data")).toObject().value(QStringLiteral("code")).toString();
}

// A WebSocket spoken by hand over TCP: the handshake, masked frames of any
// opcode, and the server's frames read back (until told to stop reading).
class RawWebSocket {
public:
    // The status line of the handshake's answer ("HTTP/1.1 101 ...").
    QByteArray handshake(quint16 port, const QByteArray &token = {})
    {
        // Waits run the event loop, so this works against a server in this process too.
        socket.connectToHost(QStringLiteral("127.0.0.1"), port);
        if (!QTest::qWaitFor([this] { return socket.state() == QAbstractSocket::ConnectedState; }, 5000))
            return {};
        QByteArray request = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                             "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";
        if (!token.isEmpty())
            request += "Authorization: Bearer " + token + "\r\n";
        socket.write(request + "\r\n");
        QTest::qWaitFor([this] {
            m_buffer += socket.readAll();
            return m_buffer.contains("\r\n\r\n") || socket.state() != QAbstractSocket::ConnectedState;
        }, 10000);
        m_buffer += socket.readAll();
        const qsizetype end = m_buffer.indexOf("\r\n\r\n");
        const QByteArray status = m_buffer.left(m_buffer.indexOf("\r\n"));
        m_buffer = end < 0 ? QByteArray() : m_buffer.mid(end + 4);
        return status;
    }
    void sendFrame(int opcode, const QByteArray &payload)
    {
        QByteArray frame;
        frame += char(0x80 | opcode);
        if (payload.size() < 126) {
            frame += char(0x80 | payload.size());
        } else if (payload.size() < 65536) {
            frame += char(0x80 | 126);
            frame += char(payload.size() >> 8);
            frame += char(payload.size() & 0xff);
        } else {
            frame += char(0x80 | 127);
            for (int shift = 56; shift >= 0; shift -= 8)
                frame += char((quint64(payload.size()) >> shift) & 0xff);
        }
        const char mask[4] = { 0x12, 0x34, 0x56, 0x78 };
        frame += QByteArray(mask, 4);
        for (qsizetype i = 0; i < payload.size(); ++i)
            frame += char(payload[i] ^ mask[i % 4]);
        socket.write(frame);
        socket.flush();
    }
    // Reads until the server's close frame; its code, or -1.
    int closeCode(int timeoutMs = 10000)
    {
        const QDeadlineTimer deadline(timeoutMs);
        while (!deadline.hasExpired()) {
            while (m_buffer.size() >= 2) {
                const int opcode = m_buffer[0] & 0x0f;
                qint64 length = quint8(m_buffer[1]) & 0x7f;
                qsizetype header = 2;
                if (length == 126) {
                    if (m_buffer.size() < 4)
                        break;
                    length = (quint8(m_buffer[2]) << 8) | quint8(m_buffer[3]);
                    header = 4;
                } else if (length == 127) {
                    if (m_buffer.size() < 10)
                        break;
                    length = 0;
                    for (int i = 2; i < 10; ++i)
                        length = (length << 8) | quint8(m_buffer[i]);
                    header = 10;
                }
                if (m_buffer.size() < header + length)
                    break;
                if (opcode == 0x8)
                    return length >= 2 ? (quint8(m_buffer[header]) << 8) | quint8(m_buffer[header + 1]) : 1005;
                m_buffer.remove(0, header + length);
            }
            if (socket.state() != QAbstractSocket::ConnectedState && socket.bytesAvailable() == 0)
                return -1;
            QTest::qWait(20);
            m_buffer += socket.readAll();
        }
        return -1;
    }

    QTcpSocket socket;

private:
    QByteArray m_buffer;
};

} // namespace cabinet::test

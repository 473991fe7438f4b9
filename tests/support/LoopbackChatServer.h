#pragma once

// An OpenAI-compatible chat-completions server on 127.0.0.1 for the model
// client's tests: it answers each request as the test's handler says (a
// whole answer, a streamed one, an HTTP error, a dropped or cut connection,
// a slow answer), records the requests and counts accepted connections
// (keep-alive reuse). HTTP/1.1 with keep-alive; streams are chunked.
#include <QByteArray>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include <functional>

namespace cabinet::test {

class LoopbackChatServer : public QObject {
public:
    struct Request {
        QByteArray method, path;
        QMap<QByteArray, QByteArray> headers; // names in lower case
        QByteArray body;
        QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    };
    struct Response {
        enum class Kind { Whole, Stream, Drop, Silent };
        Kind kind = Kind::Whole;
        int status = 200;
        QByteArray body;
        QList<QPair<QByteArray, QByteArray>> headers;
        QList<QByteArray> events; // SSE data payloads, in order
        bool done = true;         // a "data: [DONE]" event after them
        int cutAfter = -1;        // close the connection after this many events
        int eventDelayMs = 0;     // between events
        int delayMs = 0;          // before the answer starts
    };
    using Handler = std::function<Response(const Request &)>;

    explicit LoopbackChatServer(QObject *parent = nullptr) : QObject(parent)
    {
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                ++m_accepted;
                socket->setParent(this);
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] { read(socket); });
                connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
                    m_buffers.remove(socket);
                    socket->deleteLater();
                });
            }
        });
    }

    bool listen() { return m_server.listen(QHostAddress::LocalHost, 0); }
    QString baseUrl() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_server.serverPort()); }
    void setHandler(Handler handler) { m_handler = std::move(handler); }
    int accepted() const { return m_accepted; }
    const QList<Request> &requests() const { return m_requests; }

    static Response whole(const QString &content, const QString &model = QStringLiteral("test-model"), int prompt = 7, int completion = 3)
    {
        Response r;
        r.body = QJsonDocument(QJsonObject {
                { QStringLiteral("id"), QStringLiteral("chatcmpl-1") },
                { QStringLiteral("object"), QStringLiteral("chat.completion") },
                { QStringLiteral("model"), model },
                { QStringLiteral("choices"), QJsonArray { QJsonObject {
                        { QStringLiteral("index"), 0 },
                        { QStringLiteral("message"), QJsonObject { { QStringLiteral("role"), QStringLiteral("assistant") }, { QStringLiteral("content"), content } } },
                        { QStringLiteral("finish_reason"), QStringLiteral("stop") } } } },
                { QStringLiteral("usage"), QJsonObject { { QStringLiteral("prompt_tokens"), prompt }, { QStringLiteral("completion_tokens"), completion } } } })
                         .toJson(QJsonDocument::Compact);
        return r;
    }
    // One event per token, then (with usage) a final chunk with no choices
    // and the usage, as OpenAI sends with stream_options.include_usage.
    static Response stream(const QStringList &tokens, bool usage = true, const QString &model = QStringLiteral("test-model"))
    {
        Response r;
        r.kind = Response::Kind::Stream;
        for (const QString &token : tokens)
            r.events.append(QJsonDocument(QJsonObject {
                    { QStringLiteral("model"), model },
                    { QStringLiteral("choices"), QJsonArray { QJsonObject { { QStringLiteral("index"), 0 },
                                                                          { QStringLiteral("delta"), QJsonObject { { QStringLiteral("content"), token } } } } } } })
                                    .toJson(QJsonDocument::Compact));
        if (usage)
            r.events.append(QJsonDocument(QJsonObject {
                    { QStringLiteral("model"), model },
                    { QStringLiteral("choices"), QJsonArray {} },
                    { QStringLiteral("usage"), QJsonObject { { QStringLiteral("prompt_tokens"), 11 }, { QStringLiteral("completion_tokens"), int(tokens.size()) } } } })
                                    .toJson(QJsonDocument::Compact));
        return r;
    }
    static Response error(int status, const QByteArray &message, const QByteArray &retryAfter = {})
    {
        Response r;
        r.status = status;
        r.body = QJsonDocument(QJsonObject { { QStringLiteral("error"), QJsonObject { { QStringLiteral("message"), QString::fromUtf8(message) } } } })
                         .toJson(QJsonDocument::Compact);
        if (!retryAfter.isEmpty())
            r.headers.append({ "Retry-After", retryAfter });
        return r;
    }
    static Response raw(int status, const QByteArray &body)
    {
        Response r;
        r.status = status;
        r.body = body;
        return r;
    }
    static Response drop()
    {
        Response r;
        r.kind = Response::Kind::Drop;
        return r;
    }

private:
    void read(QTcpSocket *socket)
    {
        m_buffers[socket] += socket->readAll();
        for (;;) {
            // Found again on every pass: answering may drop or cut the
            // connection, and disconnected() then removes its buffer.
            const auto found = m_buffers.find(socket);
            if (found == m_buffers.end())
                return;
            QByteArray &buffer = *found;
            const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
            if (headerEnd < 0)
                return;
            Request request;
            const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
            const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
            request.method = first.value(0);
            request.path = first.value(1);
            qsizetype length = 0;
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const qsizetype colon = lines[i].indexOf(':');
                if (colon < 0)
                    continue;
                const QByteArray name = lines[i].left(colon).trimmed().toLower();
                const QByteArray value = lines[i].mid(colon + 1).trimmed();
                request.headers.insert(name, value);
                if (name == "content-length")
                    length = value.toLongLong();
            }
            if (buffer.size() < headerEnd + 4 + length)
                return;
            request.body = buffer.mid(headerEnd + 4, length);
            buffer.remove(0, headerEnd + 4 + length);
            m_requests.append(request);
            const Response response = m_handler ? m_handler(request) : whole(QStringLiteral("hello"));
            answer(socket, response);
        }
    }

    void answer(QTcpSocket *socket, const Response &response)
    {
        QPointer<QTcpSocket> guard(socket);
        auto run = [this, guard, response] {
            if (!guard)
                return;
            switch (response.kind) {
            case Response::Kind::Drop:
                guard->abort();
                return;
            case Response::Kind::Silent:
                return;
            case Response::Kind::Whole: {
                QByteArray head = "HTTP/1.1 " + QByteArray::number(response.status) + " X\r\nContent-Type: application/json\r\nContent-Length: "
                        + QByteArray::number(response.body.size()) + "\r\n";
                for (const auto &[name, value] : response.headers)
                    head += name + ": " + value + "\r\n";
                guard->write(head + "\r\n" + response.body);
                return;
            }
            case Response::Kind::Stream:
                guard->write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
                sendEvent(guard, response, 0);
                return;
            }
        };
        if (response.delayMs > 0)
            QTimer::singleShot(response.delayMs, this, run);
        else
            run();
    }

    static QByteArray chunk(const QByteArray &data) { return QByteArray::number(data.size(), 16) + "\r\n" + data + "\r\n"; }

    void sendEvent(QPointer<QTcpSocket> socket, Response response, int index)
    {
        if (!socket)
            return;
        if (response.cutAfter >= 0 && index >= response.cutAfter) {
            socket->flush();
            socket->disconnectFromHost();
            return;
        }
        if (index >= response.events.size()) {
            if (response.done)
                socket->write(chunk("data: [DONE]\n\n"));
            socket->write("0\r\n\r\n");
            return;
        }
        socket->write(chunk("data: " + response.events[index] + "\n\n"));
        socket->flush();
        if (response.eventDelayMs > 0)
            QTimer::singleShot(response.eventDelayMs, this, [this, socket, response, index] { sendEvent(socket, response, index + 1); });
        else
            sendEvent(socket, response, index + 1);
    }

    QTcpServer m_server;
    Handler m_handler;
    QList<Request> m_requests;
    QMap<QTcpSocket *, QByteArray> m_buffers;
    int m_accepted = 0;
};

} // namespace cabinet::test

#include "llm/ChatWire.h"

#include "QuotedInput.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace cabinet::llm::wire {

namespace {

Error malformed(const QString &what)
{
    return Error { ErrorCode::Internal, QStringLiteral("malformed answer from the model server: %1").arg(what) };
}

Usage usageFrom(const QJsonObject &usage)
{
    Usage result;
    const QJsonValue prompt = usage.value(QStringLiteral("prompt_tokens"));
    const QJsonValue completion = usage.value(QStringLiteral("completion_tokens"));
    if (prompt.isDouble())
        result.promptTokens = qint64(prompt.toDouble());
    if (completion.isDouble())
        result.completionTokens = qint64(completion.toDouble());
    return result;
}

} // namespace

QByteArray requestBody(const ChatRequest &request)
{
    QJsonArray messages;
    for (const ChatMessage &message : request.messages)
        messages.append(QJsonObject { { QStringLiteral("role"), message.role }, { QStringLiteral("content"), message.content } });
    QJsonObject body { { QStringLiteral("model"), request.model }, { QStringLiteral("messages"), messages } };
    if (request.temperature)
        body.insert(QStringLiteral("temperature"), *request.temperature);
    if (request.maxTokens)
        body.insert(QStringLiteral("max_tokens"), *request.maxTokens);
    if (request.stream) {
        body.insert(QStringLiteral("stream"), true);
        body.insert(QStringLiteral("stream_options"), QJsonObject { { QStringLiteral("include_usage"), true } });
    }
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

QByteArray completionsUrl(const QString &baseUrl)
{
    QString base = baseUrl;
    while (base.endsWith(u'/'))
        base.chop(1);
    if (!base.endsWith(QLatin1String("/v1")))
        base += QLatin1String("/v1");
    return (base + QLatin1String("/chat/completions")).toUtf8();
}

Result<ChatReply> parseReply(const QByteArray &body, const QString &askedModel)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        return malformed(QStringLiteral("not JSON (%1 at offset %2)").arg(error.errorString()).arg(error.offset));
    if (!document.isObject())
        return malformed(QStringLiteral("not a JSON object"));
    const QJsonObject object = document.object();
    const QJsonValue choices = object.value(QStringLiteral("choices"));
    if (!choices.isArray())
        return malformed(QStringLiteral("no \"choices\""));
    if (choices.toArray().isEmpty())
        return malformed(QStringLiteral("\"choices\" is empty"));
    const QJsonValue choice = choices.toArray().first();
    const QJsonValue message = choice.toObject().value(QStringLiteral("message"));
    if (!message.isObject())
        return malformed(QStringLiteral("the first choice has no \"message\""));
    const QJsonValue content = message.toObject().value(QStringLiteral("content"));
    if (!content.isString() && !content.isNull())
        return malformed(QStringLiteral("the message's \"content\" is not text"));
    ChatReply reply;
    reply.content = content.toString();
    reply.model = object.value(QStringLiteral("model")).toString(askedModel);
    reply.finishReason = choice.toObject().value(QStringLiteral("finish_reason")).toString();
    reply.usage = usageFrom(object.value(QStringLiteral("usage")).toObject());
    return reply;
}

QString serverMessage(const QByteArray &body)
{
    QString text;
    const QJsonDocument document = QJsonDocument::fromJson(body);
    if (document.isObject()) {
        const QJsonObject object = document.object();
        const QJsonValue error = object.value(QStringLiteral("error"));
        if (error.isObject())
            text = error.toObject().value(QStringLiteral("message")).toString();
        else if (error.isString())
            text = error.toString();
        if (text.isEmpty())
            text = object.value(QStringLiteral("message")).toString();
    }
    if (text.isEmpty())
        text = QString::fromUtf8(body.left(ServerMessageCharsMax * 4)).trimmed();
    if (text.isEmpty())
        return QStringLiteral("(no message)");
    const bool cut = text.size() > ServerMessageCharsMax;
    return quoteInput(cut ? text.left(ServerMessageCharsMax) : text) + (cut ? QStringLiteral("…") : QString());
}

Status SseReader::feed(const QByteArray &bytes, QList<Delta> &deltas)
{
    qsizetype start = 0;
    while (start < bytes.size()) {
        const qsizetype newline = bytes.indexOf('\n', start);
        if (newline < 0) {
            m_line += bytes.mid(start);
            break;
        }
        m_line += bytes.mid(start, newline - start);
        start = newline + 1;
        if (m_line.endsWith('\r'))
            m_line.chop(1);
        if (m_line.isEmpty()) {
            if (auto status = dispatch(deltas); !status)
                return status;
        } else if (m_line.startsWith("data:")) {
            QByteArray value = m_line.mid(5);
            if (value.startsWith(' '))
                value.remove(0, 1);
            if (!m_data.isEmpty())
                m_data += '\n';
            m_data += value;
        } // comments (":...") and other fields (event:, id:, retry:) carry nothing for us
        m_line.clear();
    }
    return {};
}

Status SseReader::dispatch(QList<Delta> &deltas)
{
    if (m_data.isEmpty())
        return {};
    const QByteArray data = std::exchange(m_data, {});
    if (m_done)
        return malformed(QStringLiteral("events after [DONE]"));
    if (data == "[DONE]") {
        m_done = true;
        return {};
    }
    ++m_chunks;
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(data, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return malformed(QStringLiteral("stream chunk %1 is not a JSON object").arg(m_chunks));
    const QJsonObject object = document.object();
    if (object.contains(QStringLiteral("error"))) {
        const QByteArray text = QJsonDocument(object).toJson(QJsonDocument::Compact);
        return Error { ErrorCode::Unavailable, QStringLiteral("the model server reported an error mid-stream: %1").arg(serverMessage(text)) };
    }
    Delta delta;
    delta.model = object.value(QStringLiteral("model")).toString();
    const QJsonValue usage = object.value(QStringLiteral("usage"));
    if (usage.isObject())
        delta.usage = usageFrom(usage.toObject());
    const QJsonValue choices = object.value(QStringLiteral("choices"));
    if (!choices.isUndefined() && !choices.isArray())
        return malformed(QStringLiteral("stream chunk %1: \"choices\" is not a list").arg(m_chunks));
    if (choices.isUndefined() && !delta.usage)
        return malformed(QStringLiteral("stream chunk %1 has no \"choices\"").arg(m_chunks));
    if (!choices.toArray().isEmpty()) {
        const QJsonObject choice = choices.toArray().first().toObject();
        const QJsonValue content = choice.value(QStringLiteral("delta")).toObject().value(QStringLiteral("content"));
        if (!content.isUndefined() && !content.isNull() && !content.isString())
            return malformed(QStringLiteral("stream chunk %1: \"content\" is not text").arg(m_chunks));
        delta.content = content.toString();
        delta.finishReason = choice.value(QStringLiteral("finish_reason")).toString();
    }
    deltas.append(std::move(delta));
    return {};
}

} // namespace cabinet::llm::wire

#pragma once

#include "Result.h"
#include "llm/ChatTypes.h"

#include <QByteArray>
#include <QList>
#include <QString>

// The OpenAI chat-completions wire format: the request body, a whole answer,
// and the server-sent events of a streamed one. Pure functions, no I/O.
namespace cabinet::llm::wire {

// The most of a server's own error message quoted back to the user.
inline constexpr qsizetype ServerMessageCharsMax = 300;

// The JSON body of POST /v1/chat/completions.
QByteArray requestBody(const ChatRequest &request);
// "{base}/v1/chat/completions" for a base with or without a trailing "/v1".
QByteArray completionsUrl(const QString &baseUrl);

// A whole (non-streamed) answer. Internal for anything malformed.
Result<ChatReply> parseReply(const QByteArray &body, const QString &askedModel);

// The server's own message from an error body ({"error": {"message": ...}},
// {"error": "..."}, {"message": ...} or plain text), quoted and bounded.
QString serverMessage(const QByteArray &body);

// Reads a server-sent event stream as it arrives, in pieces of any size.
class SseReader {
public:
    struct Delta {
        QString content;          // the token text of one chunk (may be empty)
        std::optional<Usage> usage;
        QString model;
        QString finishReason;
    };
    // Feeds bytes; complete events are decoded into `deltas`. An error stops
    // the stream (a chunk that is not JSON, an error object in the stream).
    Status feed(const QByteArray &bytes, QList<Delta> &deltas);
    bool done() const { return m_done; } // "data: [DONE]" seen
    qsizetype chunks() const { return m_chunks; }

private:
    Status dispatch(QList<Delta> &deltas);

    QByteArray m_line; // an incomplete line
    QByteArray m_data; // the current event's data lines
    bool m_done = false;
    qsizetype m_chunks = 0;
};

} // namespace cabinet::llm::wire

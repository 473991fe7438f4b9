#pragma once

#include "Clock.h"
#include "llm/Provider.h"

#include <QObject>

#include <map>

namespace cabinet::llm {

// The offline provider `sim/*`: real code, in process, no network. A reply
// is built deterministically from the seed, the model and the messages, and
// streamed on the Clock at a token rate after a latency (both may be zero).
// Token counts follow the rule of thumb of OpenAI's tokenizers for English,
// about 4 characters a token (docs/models.md); failures (429, 503, time-outs)
// come at configured chances, drawn from the seed and the call's number, so
// fallbacks and breakers can be watched offline. It answers in the shape of
// the default pipeline's roles (Scout, Rex, Hawk, Forge) and every reply
// says it is simulated.
class SimProvider final : public QObject, public Provider {
    Q_OBJECT
public:
    // The marker every simulated reply starts with.
    static inline const QString Marker = QStringLiteral("[simulated]");
    static constexpr int CallsMax = 4'096;

    SimProvider(const Clock &clock, ProviderSettings settings, QObject *parent = nullptr);
    ~SimProvider() override;

    const ProviderSettings &settings() const override { return m_settings; }
    bool configured(QString *) const override { return true; }
    quint64 start(const ChatRequest &request, TokenHandler onToken, Done done) override;
    bool cancel(quint64 id) override;
    std::optional<qint64> nextDeadlineNs() const override;
    void runDue(qint64 nowNs) override;

    // The whole reply the provider gives to these messages when no failure
    // is drawn: what a stream adds up to. A first review fails when a draw
    // from the seed and the prompt is under reviewFailChance.
    static QString replyText(const SimSettings &sim, const ChatRequest &request);
    // ~4 characters a token: the pieces a reply streams in.
    static QStringList tokens(const QString &text);
    // The prompt's tokens: per message its characters / 4 (rounded up) and
    // 4 for the message's framing, plus 3 to prime the reply.
    static qint64 promptTokens(const QList<ChatMessage> &messages);

private:
    struct Call {
        Done done;
        TokenHandler onToken;
        QStringList tokens;
        ChatRequest request;
        qint64 startNs = 0;
        qint64 firstAtNs = 0;   // the first token's time
        qint64 intervalNs = 0;  // between tokens
        int sent = 0;
        std::optional<Error> failure; // at firstAtNs
        QString finishReason;
    };
    qint64 dueNs(const Call &call) const;
    void finish(quint64 id, Result<ChatReply> result);

    const Clock &m_clock;
    ProviderSettings m_settings;
    std::map<quint64, Call> m_calls;
    quint64 m_lastId = 0;
    quint64 m_callNumber = 0; // for the failure draws
};

} // namespace cabinet::llm

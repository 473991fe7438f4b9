#pragma once

#include "llm/ChatClient.h"
#include "llm/Provider.h"

namespace cabinet::llm {

// An OpenAI-compatible server reached through the shared ChatClient. The
// key is read from its environment variable at each call and held only in
// memory: never in a file, a log, an event or the audit trail.
class HttpProvider final : public Provider {
public:
    HttpProvider(ChatClient &client, ProviderSettings settings) : m_client(client), m_settings(std::move(settings)) { }

    const ProviderSettings &settings() const override { return m_settings; }
    bool configured(QString *why) const override
    {
        if (m_settings.apiKeyEnv.isEmpty() || !qEnvironmentVariableIsEmpty(m_settings.apiKeyEnv.toLatin1().constData()))
            return true;
        if (why)
            *why = QStringLiteral("its key variable %1 is not set").arg(m_settings.apiKeyEnv);
        return false;
    }
    quint64 start(const ChatRequest &request, TokenHandler onToken, Done done) override
    {
        Endpoint endpoint;
        endpoint.baseUrl = m_settings.baseUrl;
        if (!m_settings.apiKeyEnv.isEmpty())
            endpoint.apiKey = qgetenv(m_settings.apiKeyEnv.toLatin1().constData());
        endpoint.headers = m_settings.headers;
        endpoint.connectTimeoutMs = m_settings.connectTimeoutMs;
        endpoint.timeoutMs = m_settings.timeoutMs;
        return m_client.start(endpoint, request, std::move(onToken), std::move(done));
    }
    bool cancel(quint64 id) override { return m_client.cancel(id); }
    // The shared client's deadlines are the Router's to run.
    std::optional<qint64> nextDeadlineNs() const override { return std::nullopt; }
    void runDue(qint64) override { }

private:
    ChatClient &m_client;
    ProviderSettings m_settings;
};

} // namespace cabinet::llm

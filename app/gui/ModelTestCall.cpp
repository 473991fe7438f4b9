#include "gui/ModelTestCall.h"

#include "events/EventTypes.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QUuid>

namespace cabinet::gui {

ModelTestCall::ModelTestCall(QObject *parent)
    : QObject(parent)
    , m_link(this, { events::LlmTestStarted, events::LlmToken }, [this](const Event &event) { onEvent(event); }, [] { })
{ }

void ModelTestCall::setConnection(CoreConnection *connection)
{
    if (m_link.setConnection(connection))
        Q_EMIT connectionChanged();
}

void ModelTestCall::start(const QString &alias, const QString &prompt)
{
    if (running() || !connection())
        return;
    m_tag = QUuid::createUuid().toString(QUuid::WithoutBraces);
    m_call = 0;
    m_text.clear();
    m_error.clear();
    m_served.clear();
    m_simulated = false;
    Q_EMIT textChanged();
    Q_EMIT changed();
    QJsonObject params { { QStringLiteral("prompt"), prompt }, { QStringLiteral("stream"), true }, { QStringLiteral("tag"), m_tag } };
    if (alias.isEmpty())
        params.insert(QStringLiteral("task_type"), QStringLiteral("default"));
    else
        params.insert(QStringLiteral("alias"), alias);
    if (prompt.isEmpty())
        params.remove(QStringLiteral("prompt"));
    connection()->call(this, QStringLiteral("models.test"), QJsonDocument(params).toJson(QJsonDocument::Compact),
                       [this](const Result<QByteArray> &reply) {
                           m_tag.clear();
                           if (!reply) {
                               m_error = reply.error().message;
                           } else {
                               const QJsonObject answer = QJsonDocument::fromJson(*reply).object();
                               const QJsonObject served = answer.value(u"trail").toObject().value(u"served").toObject();
                               m_served = served.value(u"alias").toString() + QStringLiteral(" → ") + answer.value(u"model").toString();
                               m_simulated = answer.value(u"simulated").toBool();
                               m_call = quint64(answer.value(u"trail").toObject().value(u"call").toInteger());
                               // The whole reply: a token lost (or a core
                               // that did not stream) is not a wrong text.
                               const QString whole = answer.value(u"reply").toString();
                               if (whole != m_text) {
                                   m_text = whole.left(TextCharsMax);
                                   Q_EMIT textChanged();
                               }
                           }
                           Q_EMIT changed();
                           Q_EMIT finished();
                       });
}

void ModelTestCall::onEvent(const Event &event)
{
    if (!running())
        return;
    if (event.type == events::LlmTestStarted) {
        if (event.payload.value(u"tag").toString() == m_tag) {
            m_call = quint64(event.payload.value(u"call").toInteger());
            Q_EMIT changed();
        }
    } else if (m_call && quint64(event.payload.value(u"call").toInteger()) == m_call) {
        append(event.payload.value(u"text").toString());
    }
}

void ModelTestCall::append(const QString &token)
{
    if (m_text.size() >= TextCharsMax)
        return;
    m_text += token.left(TextCharsMax - m_text.size());
    Q_EMIT textChanged();
}

} // namespace cabinet::gui

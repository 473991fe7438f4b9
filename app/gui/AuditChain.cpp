#include "gui/AuditChain.h"

#include "events/EventTypes.h"

#include <QJsonDocument>

namespace cabinet::gui {

namespace {
AuditChain::Verdict verdictFrom(const QString &name)
{
    if (name == u"intact")
        return AuditChain::Intact;
    if (name == u"broken")
        return AuditChain::Broken;
    if (name == u"unreadable")
        return AuditChain::Unreadable;
    return AuditChain::Unknown;
}
} // namespace

AuditChain::AuditChain(QObject *parent)
    : QObject(parent)
    , m_link(
              this, { events::ServiceState },
              [this](const Event &event) {
                  if (event.payload.value(u"service").toString() == QLatin1StringView(WatchService))
                      apply(event.payload);
              },
              [this] { fetchStatus(); })
{ }

void AuditChain::setConnection(CoreConnection *connection)
{
    if (m_link.setConnection(connection))
        Q_EMIT connectionChanged();
}

void AuditChain::fetchStatus()
{
    m_link.connection()->call(this, QStringLiteral("audit.watch_status"), "{}", [this](const Result<QByteArray> &reply) {
        if (!reply) {
            setErrorMessage(reply.error().message);
            return;
        }
        setErrorMessage({});
        apply(QJsonDocument::fromJson(*reply).object());
    });
}

void AuditChain::apply(const QJsonObject &state)
{
    const qint64 revision = state.value(u"revision").toInteger(-1);
    if (revision < 0 || revision <= m_revision)
        return;
    const bool wasLoaded = loaded();
    const bool wasBusy = busy();
    m_revision = revision;
    m_verdict = verdictFrom(state.value(u"verdict").toString());
    m_entries = state.value(u"entries").toInteger();
    m_brokenAt = state.value(u"first_broken_seq").toInteger();
    m_reason = state.value(u"reason").toString();
    const qint64 wholeMs = state.value(u"last_whole_walk_ms").toInteger();
    m_wholeCheckedAt = wholeMs > 0 ? QDateTime::fromMSecsSinceEpoch(wholeMs) : QDateTime();
    m_walking = state.value(u"state").toString() == u"checking";
    Q_EMIT resultChanged();
    if (busy() != wasBusy)
        Q_EMIT busyChanged();
    if (!wasLoaded)
        Q_EMIT loadedChanged();
}

void AuditChain::verify()
{
    if (!m_link.ready() || m_verifying)
        return;
    setVerifying(true);
    // The walk's result comes as the watch's service.state events, before
    // this answer (both are queued from the core thread in that order).
    m_link.connection()->call(this, QStringLiteral("audit.verify"), "{}", [this](const Result<QByteArray> &reply) {
        setErrorMessage(reply ? QString() : reply.error().message);
        setVerifying(false);
    });
}

void AuditChain::setVerifying(bool verifying)
{
    const bool wasBusy = busy();
    m_verifying = verifying;
    if (busy() != wasBusy)
        Q_EMIT busyChanged();
}

void AuditChain::setErrorMessage(const QString &message)
{
    if (message == m_errorMessage)
        return;
    m_errorMessage = message;
    Q_EMIT errorMessageChanged();
}

} // namespace cabinet::gui

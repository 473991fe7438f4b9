#include "gui/BoardSession.h"

#include "api/JsonText.h"
#include "board/WhatIf.h"
#include "events/EventTypes.h"

#include <QJsonDocument>

namespace cabinet::gui {

namespace {

QByteArray idParams(qint64 id) { return "{\"id\":" + QByteArray::number(id) + '}'; }

} // namespace

BoardSession::BoardSession(QObject *parent)
    : QObject(parent)
    , m_link(
              this, { events::BoardStatement }, [this](const Event &event) { onStatement(event); },
              [this] { load(); })
{
}

BoardSession::~BoardSession() = default;

void BoardSession::setConnection(CoreConnection *connection)
{
    if (m_link.setConnection(connection))
        Q_EMIT connectionChanged();
}

void BoardSession::setDeliberationId(qint64 id)
{
    if (id == m_id)
        return;
    m_id = id;
    ++m_generation;
    m_current.clear();
    m_comparison.clear();
    m_statements.setStatements({});
    m_votes.setVotes({});
    setError({});
    Q_EMIT deliberationIdChanged();
    Q_EMIT currentChanged();
    Q_EMIT whatIfChanged();
    load();
}

void BoardSession::load()
{
    if (m_id < 1 || !m_link.ready())
        return;
    const quint64 generation = m_generation;
    m_link.connection()->call(this, QStringLiteral("board.get"), idParams(m_id), [this, generation](Result<QByteArray> reply) {
        if (generation != m_generation)
            return;
        if (!reply)
            return setError(reply.error().message);
        const QJsonObject d = QJsonDocument::fromJson(*reply).object();
        const qint64 of = d.value(QStringLiteral("whatif_of")).toInteger();
        if (of < 1)
            return show(d, {});
        m_link.connection()->call(this, QStringLiteral("board.get"), idParams(of), [this, generation, d](Result<QByteArray> original) {
            if (generation != m_generation)
                return;
            if (!original)
                return setError(original.error().message);
            show(d, QJsonDocument::fromJson(*original).object());
        });
    });
}

void BoardSession::show(const QJsonObject &d, const QJsonObject &original)
{
    setError({});
    QJsonObject side = board::deliberationSide(d);
    for (const char *key : { "proposal", "recommendation", "seed", "whatif_of", "approval_id" })
        side.insert(QLatin1String(key), d.value(QLatin1String(key)));
    m_current = side.toVariantMap();
    // Statements that streamed before the answer stay; board.get has them all.
    for (const QJsonValue &s : d.value(QStringLiteral("statements")).toArray())
        m_statements.add(s.toObject());
    QJsonObject compared;
    if (!original.isEmpty())
        compared = board::compareWhatIf(original, d,
                                        board::changedAssumptions(original.value(QStringLiteral("proposal")).toObject(),
                                                                  d.value(QStringLiteral("proposal")).toObject()));
    m_comparison = compared.toVariantMap();
    m_votes.setVotes(side.value(QStringLiteral("votes")).toArray(),
                     compared.value(QStringLiteral("original")).toObject().value(QStringLiteral("votes")).toArray());
    Q_EMIT currentChanged();
    Q_EMIT whatIfChanged();
}

void BoardSession::onStatement(const cabinet::Event &event)
{
    const qint64 id = event.payload.value(QStringLiteral("deliberation")).toInteger();
    if (id != m_id && m_follow && !m_whatIfRunning)
        setDeliberationId(id); // and loads it: the statements that streamed before are in board.get
    if (id == m_id)
        m_statements.add(event.payload);
}

void BoardSession::runWhatIf(const QVariantMap &set)
{
    if (m_id < 1 || m_whatIfRunning)
        return;
    m_whatIfError.clear();
    m_whatIfErrorField.clear();
    if (!m_link.ready()) {
        m_whatIfError = tr("The core is not running.");
        Q_EMIT whatIfChanged();
        return;
    }
    m_whatIfRunning = true;
    Q_EMIT whatIfChanged();
    const QJsonObject params { { QStringLiteral("id"), m_id }, { QStringLiteral("set"), QJsonObject::fromVariantMap(set) } };
    m_link.connection()->call(this, QStringLiteral("board.whatif"), api::compact(params), [this](Result<QByteArray> reply) {
        m_whatIfRunning = false;
        if (!reply) {
            m_whatIfError = reply.error().message;
            m_whatIfErrorField = reply.error().field;
            Q_EMIT whatIfChanged();
            return;
        }
        Q_EMIT whatIfChanged();
        const QJsonObject compared = QJsonDocument::fromJson(*reply).object();
        setDeliberationId(compared.value(QStringLiteral("whatif")).toObject().value(QStringLiteral("id")).toInteger());
    });
}

void BoardSession::setError(const QString &message)
{
    if (message == m_errorMessage)
        return;
    m_errorMessage = message;
    Q_EMIT errorChanged();
}

} // namespace cabinet::gui

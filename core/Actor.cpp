#include "Actor.h"

namespace cabinet {

QString Actor::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Operator: return QStringLiteral("operator");
    case Kind::Agent: return QStringLiteral("agent");
    case Kind::System: return QStringLiteral("system");
    case Kind::Token: return QStringLiteral("token");
    }
    return QStringLiteral("system");
}

QString Actor::toString() const
{
    return kindName(m_kind) + u':' + m_id;
}

Result<Actor> Actor::parse(const QString &text)
{
    const qsizetype colon = text.indexOf(u':');
    const QString kind = text.left(colon);
    const QString id = colon < 0 ? QString() : text.mid(colon + 1);
    const auto bad = [](const QString &why) { return Error { ErrorCode::InvalidArgument, why, QStringLiteral("actor") }; };
    if (id.isEmpty())
        return bad(QStringLiteral("an actor is KIND:ID (operator:alice, agent:rex, system:NAME, token:NAME)"));
    if (id.size() > IdLengthMax)
        return bad(QStringLiteral("an actor's id is at most %1 characters").arg(IdLengthMax));
    for (QChar c : id) {
        if (!c.isPrint() || c.isSpace())
            return bad(QStringLiteral("an actor's id holds no spaces or control characters"));
    }
    for (Kind candidate : { Kind::Operator, Kind::Agent, Kind::System, Kind::Token }) {
        if (kindName(candidate) == kind)
            return Actor(candidate, id);
    }
    return bad(QStringLiteral("unknown actor kind '%1' (operator, agent, system or token)").arg(kind.left(32)));
}

} // namespace cabinet

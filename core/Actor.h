#pragma once

#include "Result.h"

#include <QString>

namespace cabinet {

// Who acts: a person at a console or terminal, an agent, the core itself, or
// an API token. Every operation from outside carries one, and every change it
// makes is audited under it. There is no default: code that writes must say
// who it writes for.
class Actor {
public:
    enum class Kind { Operator, Agent, System, Token };

    // Ids are 1..IdLengthMax printable characters without spaces.
    static constexpr int IdLengthMax = 128;

    Actor() = delete;
    static Actor person(const QString &login) { return Actor(Kind::Operator, login); }
    static Actor agent(const QString &name) { return Actor(Kind::Agent, name); }
    static Actor system(const QString &component) { return Actor(Kind::System, component); }
    static Actor token(const QString &name) { return Actor(Kind::Token, name); }
    // "operator:alice", "agent:rex", "system:ledger.expiry", "token:ci-bot".
    static Result<Actor> parse(const QString &text);

    Kind kind() const { return m_kind; }
    const QString &id() const { return m_id; }
    QString toString() const;
    static QString kindName(Kind kind);

    bool operator==(const Actor &other) const = default;

private:
    Actor(Kind kind, QString id) : m_kind(kind), m_id(std::move(id)) { }

    Kind m_kind;
    QString m_id;
};

} // namespace cabinet

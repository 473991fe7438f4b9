#include "approvals/Action.h"

#include <QJsonValue>

#include <algorithm>
#include <cmath>

namespace cabinet::approvals {

namespace {

const char *const KindNames[] = { "tool_run", "deploy", "spend", "rollback", "budget_change", "mode_change", "bounty_payout" };
const char *const ModeNames[] = { "autonomous", "supervised", "manual", "paused" };

Error invalid(const QString &message, const char *field)
{
    return Error { ErrorCode::InvalidArgument, message, QString::fromLatin1(field) };
}

Result<QString> text(const QJsonObject &object, const char *name)
{
    const QJsonValue value = object.value(QLatin1StringView(name));
    if (value.isUndefined())
        return QString();
    if (!value.isString())
        return invalid(QStringLiteral("'%1' must be a string").arg(QLatin1StringView(name)), name);
    if (value.toString().toUtf8().size() > ActionTextBytesMax)
        return invalid(QStringLiteral("'%1' is longer than %2 bytes").arg(QLatin1StringView(name)).arg(ActionTextBytesMax), name);
    return value.toString();
}

// A whole number of micro-USD within the limit; QJsonValue holds numbers as
// doubles, exact up to 2^53, which covers AmountMicrosMax.
Result<std::optional<qint64>> micros(const QJsonObject &object, const char *name)
{
    const QJsonValue value = object.value(QLatin1StringView(name));
    if (value.isUndefined())
        return std::optional<qint64>();
    const double number = value.toDouble(-1);
    if (!value.isDouble() || number < 0 || number > double(AmountMicrosMax) || std::floor(number) != number)
        return invalid(QStringLiteral("'%1' must be a whole number of micro-USD, 0..%2").arg(QLatin1StringView(name)).arg(AmountMicrosMax), name);
    return std::optional<qint64>(qint64(number));
}

} // namespace

QString actionKindName(ActionKind kind)
{
    return QString::fromLatin1(KindNames[int(kind)]);
}

std::optional<ActionKind> actionKindFromName(const QString &name)
{
    for (ActionKind kind : AllActionKinds)
        if (name == QLatin1StringView(KindNames[int(kind)]))
            return kind;
    return std::nullopt;
}

QString modeName(Mode mode)
{
    return QString::fromLatin1(ModeNames[int(mode)]);
}

std::optional<Mode> modeFromName(const QString &name)
{
    for (int i = 0; i < 4; ++i)
        if (name == QLatin1StringView(ModeNames[i]))
            return Mode(i);
    return std::nullopt;
}

Result<Action> actionFromJson(const QJsonObject &object)
{
    static const char *const Known[] = { "kind", "agent", "environment", "target", "amount", "per_call_cap" };
    for (const QString &key : object.keys()) {
        if (std::none_of(std::begin(Known), std::end(Known), [&key](const char *k) { return key == QLatin1StringView(k); }))
            return Error { ErrorCode::InvalidArgument, QStringLiteral("unknown action field '%1'").arg(key.left(64)), key.left(64) };
    }
    Action action;
    const QJsonValue kind = object.value(QLatin1StringView("kind"));
    const auto parsed = actionKindFromName(kind.toString());
    if (!parsed) {
        QStringList names;
        for (ActionKind k : AllActionKinds)
            names << actionKindName(k);
        return invalid(QStringLiteral("'kind' must be one of %1").arg(names.join(QStringLiteral(", "))), "kind");
    }
    action.kind = *parsed;
    for (auto [name, into] : { std::pair { "agent", &action.agent }, std::pair { "environment", &action.environment },
                               std::pair { "target", &action.target } }) {
        auto value = text(object, name);
        if (!value)
            return value.error();
        *into = *value;
    }
    auto amount = micros(object, "amount");
    if (!amount)
        return amount.error();
    action.amountMicros = amount->value_or(0);
    auto cap = micros(object, "per_call_cap");
    if (!cap)
        return cap.error();
    action.perCallCapMicros = *cap;
    return action;
}

QJsonObject actionJson(const Action &action)
{
    QJsonObject object { { QStringLiteral("kind"), actionKindName(action.kind) },
                         { QStringLiteral("agent"), action.agent },
                         { QStringLiteral("environment"), action.environment },
                         { QStringLiteral("target"), action.target },
                         { QStringLiteral("amount"), action.amountMicros } };
    if (action.perCallCapMicros)
        object.insert(QStringLiteral("per_call_cap"), *action.perCallCapMicros);
    return object;
}

} // namespace cabinet::approvals

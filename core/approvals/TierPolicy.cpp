#include "approvals/TierPolicy.h"

#include "Assert.h"

#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <sstream>

namespace cabinet::approvals {

namespace {

const QString DefaultFile = QStringLiteral(":/policy/tiers.yaml");

// A refusal at a line of the file being read.
struct Refusal {
    int line;
    QString message;
};

Error refused(const QString &file, int line, const QString &message)
{
    return Error { ErrorCode::InvalidArgument, QStringLiteral("%1:%2: %3").arg(file).arg(line).arg(message),
                   QStringLiteral("%1:%2").arg(file).arg(line) };
}

// Anchors and aliases have no use in a rule list and would let a short file
// expand into a large tree: refused before the tree is built.
class NoAliases : public YAML::EventHandler {
public:
    void OnDocumentStart(const YAML::Mark &) override { }
    void OnDocumentEnd() override { }
    void OnNull(const YAML::Mark &, YAML::anchor_t) override { }
    void OnAlias(const YAML::Mark &mark, YAML::anchor_t) override
    {
        throw Refusal { mark.line + 1, QStringLiteral("aliases are not allowed in a rule file") };
    }
    void OnScalar(const YAML::Mark &, const std::string &, YAML::anchor_t, const std::string &) override { }
    void OnSequenceStart(const YAML::Mark &, const std::string &, YAML::anchor_t, YAML::EmitterStyle::value) override { }
    void OnSequenceEnd() override { }
    void OnMapStart(const YAML::Mark &, const std::string &, YAML::anchor_t, YAML::EmitterStyle::value) override { }
    void OnMapEnd() override { }
};

int lineOf(const YAML::Node &node)
{
    return node.Mark().line + 1;
}

QString scalar(const YAML::Node &node, const char *key)
{
    if (!node.IsScalar())
        throw Refusal { lineOf(node), QStringLiteral("'%1' must be a single value").arg(QLatin1StringView(key)) };
    return QString::fromStdString(node.Scalar());
}

qint64 wholeNumber(const YAML::Node &node, const char *key, qint64 min, qint64 max)
{
    bool ok = false;
    const qint64 value = scalar(node, key).toLongLong(&ok);
    if (!ok || value < min || value > max)
        throw Refusal { lineOf(node), QStringLiteral("'%1' must be a whole number %2..%3").arg(QLatin1StringView(key)).arg(min).arg(max) };
    return value;
}

// "90s", "30m", "4h", "2d".
qint64 durationMs(const YAML::Node &node)
{
    static const QRegularExpression form(QStringLiteral("^([0-9]{1,9})(s|m|h|d)$"));
    const auto match = form.match(scalar(node, "deadline"));
    const qint64 unit = !match.hasMatch() ? 0
            : match.captured(2) == u's'   ? 1'000
            : match.captured(2) == u'm'   ? 60'000
            : match.captured(2) == u'h'   ? 3'600'000
                                          : 86'400'000;
    const qint64 ms = match.captured(1).toLongLong() * unit;
    if (!match.hasMatch() || ms < DeadlineMsMin || ms > DeadlineMsMax)
        throw Refusal { lineOf(node), QStringLiteral("'deadline' must be a duration such as 30m, 4h or 2d, from %1 s to %2 days")
                                              .arg(DeadlineMsMin / 1'000)
                                              .arg(DeadlineMsMax / 86'400'000) };
    return ms;
}

QString pattern(const YAML::Node &node, const char *key)
{
    const QString text = scalar(node, key);
    if (text.isEmpty() || text.toUtf8().size() > RulePatternBytesMax)
        throw Refusal { lineOf(node), QStringLiteral("'%1' must be a pattern of 1..%2 bytes").arg(QLatin1StringView(key)).arg(RulePatternBytesMax) };
    return text;
}

QList<ActionKind> kinds(const YAML::Node &node)
{
    QList<ActionKind> list;
    auto add = [&list](const YAML::Node &item) {
        const auto kind = actionKindFromName(scalar(item, "kind"));
        if (!kind) {
            QStringList names;
            for (ActionKind k : AllActionKinds)
                names << actionKindName(k);
            throw Refusal { lineOf(item), QStringLiteral("'kind' must be one of %1").arg(names.join(QStringLiteral(", "))) };
        }
        list << *kind;
    };
    if (node.IsSequence()) {
        if (node.size() == 0 || node.size() > std::size(AllActionKinds))
            throw Refusal { lineOf(node), QStringLiteral("'kind' must list 1..%1 kinds").arg(std::size(AllActionKinds)) };
        for (const YAML::Node &item : node)
            add(item);
    } else {
        add(node);
    }
    return list;
}

TierRule readRule(const YAML::Node &node)
{
    if (!node.IsMap())
        throw Refusal { lineOf(node), QStringLiteral("a rule must be a mapping (name, tier, and what it matches)") };
    TierRule rule;
    rule.line = lineOf(node);
    bool haveTier = false;
    for (const auto &item : node) {
        const QString key = QString::fromStdString(item.first.Scalar());
        const YAML::Node &value = item.second;
        if (key == u"name") {
            static const QRegularExpression form(QStringLiteral("^[a-z0-9][a-z0-9_.-]*$"));
            rule.name = scalar(value, "name");
            if (rule.name.size() > RuleNameLengthMax || !form.match(rule.name).hasMatch())
                throw Refusal { lineOf(value), QStringLiteral("'name' must be 1..%1 of a-z, 0-9, '_', '.', '-', starting with a letter or digit")
                                                       .arg(RuleNameLengthMax) };
        } else if (key == u"kind") {
            rule.kinds = kinds(value);
        } else if (key == u"agent") {
            rule.agent = pattern(value, "agent");
        } else if (key == u"environment") {
            rule.environment = pattern(value, "environment");
        } else if (key == u"target") {
            rule.target = pattern(value, "target");
        } else if (key == u"amount_over") {
            rule.amountOverMicros = wholeNumber(value, "amount_over", 0, AmountMicrosMax);
        } else if (key == u"tier") {
            rule.tier = int(wholeNumber(value, "tier", 0, TierMax));
            haveTier = true;
        } else if (key == u"deadline") {
            rule.deadlineMs = durationMs(value);
        } else if (key == u"deliberate") {
            const QString flag = scalar(value, "deliberate");
            if (flag != u"true" && flag != u"false")
                throw Refusal { lineOf(value), QStringLiteral("'deliberate' must be true or false") };
            rule.deliberate = flag == u"true";
        } else {
            throw Refusal { lineOf(item.first), QStringLiteral("unknown key '%1' (name, kind, agent, environment, target, amount_over, "
                                                               "tier, deadline, deliberate)")
                                                        .arg(key.left(64)) };
        }
    }
    if (rule.name.isEmpty())
        throw Refusal { rule.line, QStringLiteral("the rule has no 'name'") };
    if (!haveTier)
        throw Refusal { rule.line, QStringLiteral("rule '%1' has no 'tier' (0..%2)").arg(rule.name).arg(TierMax) };
    if (rule.deadlineMs && rule.tier != 2)
        throw Refusal { rule.line, QStringLiteral("rule '%1': only a tier-2 rule has a deadline (tier 3 never decides itself)").arg(rule.name) };
    if (rule.tier > 0 && rule.kinds.contains(ActionKind::Rollback))
        throw Refusal { rule.line, QStringLiteral("rule '%1': a rollback is always tier 0").arg(rule.name) };
    if (rule.tier == 2 && !rule.deadlineMs)
        rule.deadlineMs = DeadlineMsDefault;
    return rule;
}

} // namespace

const TierRule *TierPolicy::rule(const QString &name) const
{
    for (const TierRule &rule : m_rules)
        if (rule.name == name)
            return &rule;
    return nullptr;
}

bool globMatch(QStringView pattern, QStringView text)
{
    // Iterative, with one backtrack point: linear in practice, never
    // exponential whatever the pattern.
    qsizetype p = 0, t = 0, star = -1, resume = 0;
    while (t < text.size()) {
        if (p < pattern.size() && (pattern[p] == u'?' || pattern[p] == text[t])) {
            ++p;
            ++t;
        } else if (p < pattern.size() && pattern[p] == u'*') {
            star = p++;
            resume = t;
        } else if (star >= 0) {
            p = star + 1;
            t = ++resume;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == u'*')
        ++p;
    return p == pattern.size();
}

bool TierRule::matchesEverything() const
{
    return kinds.isEmpty() && agent.isEmpty() && environment.isEmpty() && target.isEmpty() && !amountOverMicros;
}

const TierPolicy &TierPolicy::defaults()
{
    static const TierPolicy policy = [] {
        auto loaded = load(DefaultFile);
        CABINET_ASSERT_MSG(loaded.ok(), "the compiled-in tier rules do not load: %s", qPrintable(loaded.error().message));
        return std::move(loaded).value();
    }();
    return policy;
}

Result<TierPolicy> TierPolicy::parse(const QByteArray &text, const QString &file)
{
    if (text.size() > PolicyFileBytesMax)
        return refused(file, 1, QStringLiteral("the file is larger than %1 bytes").arg(PolicyFileBytesMax));
    TierPolicy policy;
    policy.m_source = file;
    try {
        {
            std::istringstream stream(text.toStdString());
            YAML::Parser parser(stream);
            NoAliases handler;
            while (parser.HandleNextDocument(handler)) { }
        }
        const YAML::Node root = YAML::Load(text.toStdString());
        if (!root.IsMap() || !root["rules"])
            throw Refusal { root.IsDefined() ? lineOf(root) : 1, QStringLiteral("the file must be a mapping with a 'rules' list") };
        const YAML::Node rules = root["rules"];
        if (!rules.IsSequence() || rules.size() == 0)
            throw Refusal { lineOf(rules), QStringLiteral("'rules' must be a list of at least one rule") };
        if (rules.size() > size_t(PolicyRulesMax))
            throw Refusal { lineOf(rules), QStringLiteral("more than %1 rules").arg(PolicyRulesMax) };
        for (const auto &item : root) {
            if (item.first.Scalar() != "rules")
                throw Refusal { lineOf(item.first), QStringLiteral("unknown key '%1' (the file holds 'rules')")
                                                            .arg(QString::fromStdString(item.first.Scalar()).left(64)) };
        }
        for (const YAML::Node &node : rules) {
            TierRule rule = readRule(node);
            for (const TierRule &before : policy.m_rules)
                if (before.name == rule.name)
                    throw Refusal { rule.line, QStringLiteral("rule '%1' is named twice (line %2)").arg(rule.name).arg(before.line) };
            policy.m_rules.push_back(std::move(rule));
        }
        if (!policy.m_rules.back().matchesEverything())
            throw Refusal { policy.m_rules.back().line,
                            QStringLiteral("the last rule must match everything (only a name and a tier), so every action gets a tier") };
    } catch (const Refusal &refusal) {
        return refused(file, refusal.line, refusal.message);
    } catch (const YAML::Exception &exception) {
        return refused(file, exception.mark.is_null() ? 1 : exception.mark.line + 1, QString::fromStdString(exception.msg));
    }
    return policy;
}

Result<TierPolicy> TierPolicy::load(const QString &path)
{
    const QString file = QFileInfo::exists(path) ? path : DefaultFile;
    QFile in(file);
    if (in.size() > PolicyFileBytesMax)
        return refused(file, 1, QStringLiteral("the file is larger than %1 bytes").arg(PolicyFileBytesMax));
    if (!in.open(QIODevice::ReadOnly))
        return Error { ErrorCode::FailedPrecondition, QStringLiteral("%1: cannot read: %2").arg(file, in.errorString()), file };
    return parse(in.read(PolicyFileBytesMax + 1), file);
}

Result<TierDecision> TierPolicy::classify(const Action &action, Mode mode) const
{
    // A rollback undoes harm: never held, in any mode.
    if (action.kind == ActionKind::Rollback)
        return TierDecision { 0, QStringLiteral("rollback"), 0, false };
    if (mode == Mode::Paused && action.kind != ActionKind::ModeChange)
        return Error { ErrorCode::RefusedByPolicy,
                       QStringLiteral("the operating mode is paused: no %1 starts until the mode is changed").arg(actionKindName(action.kind)) };
    const TierRule *match = nullptr;
    for (const TierRule &rule : m_rules) {
        const bool matches = (rule.kinds.isEmpty() || rule.kinds.contains(action.kind))
                && (rule.agent.isEmpty() || globMatch(rule.agent, action.agent))
                && (rule.environment.isEmpty() || globMatch(rule.environment, action.environment))
                && (rule.target.isEmpty() || globMatch(rule.target, action.target))
                && (!rule.amountOverMicros || action.amountMicros > *rule.amountOverMicros);
        if (matches) {
            match = &rule;
            break;
        }
    }
    CABINET_ASSERT(match); // parse() makes the last rule match everything
    TierDecision decision { match->tier, match->name, match->deadlineMs, false };
    if (mode == Mode::Manual && decision.tier < 2) {
        const bool held = action.kind == ActionKind::ToolRun || action.kind == ActionKind::Deploy
                || action.kind == ActionKind::BudgetChange || action.kind == ActionKind::BountyPayout
                || (action.kind == ActionKind::Spend && action.amountMicros > action.perCallCapMicros.value_or(0));
        if (held)
            decision = TierDecision { 2, match->name, DeadlineMsDefault, true };
    }
    return decision;
}

} // namespace cabinet::approvals

#pragma once

#include "Result.h"
#include "approvals/Action.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>
#include <vector>

namespace cabinet::approvals {

// Limits on a rule file, checked before the work they would cost.
inline constexpr qint64 PolicyFileBytesMax = 64 * 1024;
inline constexpr int PolicyRulesMax = 256;
inline constexpr qsizetype RuleNameLengthMax = 64;      // [a-z0-9][a-z0-9_.-]*
inline constexpr qsizetype RulePatternBytesMax = 256;   // agent, environment, target globs
// A tier-2 request's time for a person, unless its rule says otherwise,
// and the span a rule may set.
inline constexpr qint64 DeadlineMsDefault = 4 * 3'600'000;
inline constexpr qint64 DeadlineMsMin = 1'000;
inline constexpr qint64 DeadlineMsMax = 7 * 24 * 3'600'000LL;
inline constexpr int TierMax = 3;

struct TierRule {
    QString name;
    QList<ActionKind> kinds; // empty: any kind
    QString agent, environment, target; // glob patterns (* and ?); empty: any
    std::optional<qint64> amountOverMicros;
    int tier = 0;
    qint64 deadlineMs = 0; // tier 2: 0 means DeadlineMsDefault
    // A request this rule classifies gets a Shadow Board deliberation
    // attached (docs/board.md); only requests (tier 2 and 3, or a gate's)
    // are deliberated on.
    bool deliberate = false;
    int line = 0;          // in its file, 1-based
    bool matchesEverything() const;
};

struct TierDecision {
    int tier = 0;
    QString rule;          // the rule that matched
    qint64 deadlineMs = 0; // tier 2: the time a person has; otherwise 0
    // The operating mode raised the tier above the rule's (manual mode).
    bool raisedByMode = false;
};

// Classifies an action into a tier by the first rule that matches, then by
// the operating mode (docs/approvals.md): in manual mode every tool run,
// deploy, budget change, bounty payout and spend above the per-call cap is
// at least tier 2; in paused mode nothing new starts (refused_by_policy)
// but a rollback or a mode change. A rollback is tier 0 in every mode.
class TierPolicy {
public:
    // The rules compiled in (resources/policy/tiers.yaml).
    static const TierPolicy &defaults();
    // Reads and validates a rule file; an error names `file` and the line
    // (Error::field "file:line").
    static Result<TierPolicy> parse(const QByteArray &text, const QString &file);
    // `path` when it exists, else the defaults. A file that does not read
    // or validate is an error (and the caller keeps the policy it has).
    static Result<TierPolicy> load(const QString &path);

    Result<TierDecision> classify(const Action &action, Mode mode) const;

    const std::vector<TierRule> &rules() const { return m_rules; }
    const TierRule *rule(const QString &name) const; // null: no rule of that name
    const QString &source() const { return m_source; } // the file the rules came from

private:
    std::vector<TierRule> m_rules;
    QString m_source;
};

// Glob matching: * any run of characters (slashes included), ? one.
bool globMatch(QStringView pattern, QStringView text);

} // namespace cabinet::approvals

#include "orchestrator/AgentFile.h"

#include "Assert.h"
#include "QuotedInput.h"
#include "llm/RouterSettings.h"

#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QStringDecoder>

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <deque>
#include <map>

namespace cabinet::orchestrator {

namespace {

const QStringList Keys = { QStringLiteral("name"),   QStringLiteral("role"),        QStringLiteral("model"),
                           QStringLiteral("fallback_model"), QStringLiteral("skills"), QStringLiteral("temperature"),
                           QStringLiteral("budget"), QStringLiteral("board") };
const QStringList BudgetKeys = { QStringLiteral("daily_usd"), QStringLiteral("per_call_usd") };
const QStringList BoardKeys = { QStringLiteral("domain"), QStringLiteral("vote_weight"), QStringLiteral("utility") };

// The front matter starts on the file's second line; yaml-cpp counts from 0.
int fileLine(const YAML::Mark &mark) { return mark.line < 0 ? 0 : mark.line + 2; }

bool isWord(const QString &text)
{
    static const QRegularExpression word(QStringLiteral("^[a-z][a-z0-9_-]*$"));
    return text.size() <= AgentWordCharsMax && word.match(text).hasMatch();
}

QString text(const YAML::Node &node) { return QString::fromStdString(node.Scalar()); }

// Reads the keys of one front matter into an agent; the first problem stops it.
class FrontMatter {
public:
    FrontMatter(const QString &path, const llm::RouterSettings &settings, AgentDefinition &agent)
        : m_path(path), m_settings(settings), m_agent(agent)
    {
    }

    std::optional<AgentProblem> read(const YAML::Node &root)
    {
        if (!root.IsMap())
            return problem(root, QStringLiteral("the front matter must be a mapping of keys (name: ..., role: ...)"));
        QStringList seen;
        std::optional<YAML::Mark> fallback; // a Node assigned to another rebinds both: keep the mark
        for (auto it = root.begin(); it != root.end(); ++it) {
            const YAML::Node key = it->first;
            const YAML::Node value = it->second;
            const QString name = key.IsScalar() ? text(key) : QString();
            if (!Keys.contains(name))
                return problem(key, QStringLiteral("unknown key %1 (the keys are %2)").arg(quoteInput(name.left(AgentWordCharsMax)), Keys.join(QStringLiteral(", "))));
            if (seen.contains(name))
                return problem(key, QStringLiteral("%1 is given twice").arg(name));
            seen.append(name);
            if (auto bad = readKey(name, value))
                return bad;
            if (name == QLatin1String("fallback_model"))
                fallback = value.Mark();
        }
        for (const char *required : { "name", "role", "model", "temperature", "budget" })
            if (!seen.contains(QLatin1String(required)))
                return AgentProblem { m_path, 1, QStringLiteral("the front matter has no %1").arg(QLatin1String(required)) };
        if (fallback && m_agent.fallbackModel == m_agent.model)
            return AgentProblem { m_path, fileLine(*fallback), QStringLiteral("fallback_model is the model itself") };
        return std::nullopt;
    }

private:
    AgentProblem problem(const YAML::Node &node, QString message) const { return { m_path, fileLine(node.Mark()), std::move(message) }; }

    std::optional<AgentProblem> scalar(const QString &key, const YAML::Node &value, QString &out) const
    {
        if (!value.IsScalar() || value.Scalar().empty())
            return problem(value, QStringLiteral("%1 needs a single value").arg(key));
        out = text(value);
        return std::nullopt;
    }

    std::optional<AgentProblem> word(const QString &key, const YAML::Node &value, QString &out) const
    {
        if (auto bad = scalar(key, value, out))
            return bad;
        if (!isWord(out))
            return problem(value, QStringLiteral("%1 %2: expected lower-case letters, digits, '-' or '_', starting with a letter, at most %3 characters")
                                          .arg(key, quoteInput(out.left(AgentWordCharsMax)))
                                          .arg(AgentWordCharsMax));
        return std::nullopt;
    }

    std::optional<AgentProblem> model(const QString &key, const YAML::Node &value, QString &out) const
    {
        if (auto bad = scalar(key, value, out))
            return bad;
        if (out.size() > AgentModelCharsMax || !modelTarget(m_settings, out))
            return problem(value, QStringLiteral("%1 %2 is not a router alias (%3) or provider/model on a configured provider")
                                          .arg(key, quoteInput(out.left(AgentModelCharsMax)), llm::StandardAliases.join(QStringLiteral(", "))));
        return std::nullopt;
    }

    std::optional<AgentProblem> money(const QString &key, const YAML::Node &value, qint64 &out) const
    {
        QString t;
        if (auto bad = scalar(QStringLiteral("budget.") + key, value, t))
            return bad;
        const auto micro = parseMicroUsd(t);
        if (!micro)
            return problem(value, QStringLiteral("budget.%1 %2: expected US dollars as a decimal from 0 to %3 with at most %4 places, e.g. 2.50")
                                          .arg(key, quoteInput(t.left(AgentWordCharsMax)))
                                          .arg(AgentBudgetUsdMax)
                                          .arg(AgentBudgetDecimalsMax));
        out = *micro;
        return std::nullopt;
    }

    std::optional<AgentProblem> number(const QString &key, const YAML::Node &value, double &out) const
    {
        QString t;
        if (auto bad = scalar(key, value, t))
            return bad;
        bool ok = false;
        out = t.toDouble(&ok);
        if (!ok || !std::isfinite(out))
            return problem(value, QStringLiteral("%1 %2: expected a number").arg(key, quoteInput(t.left(AgentWordCharsMax))));
        return std::nullopt;
    }

    // board: {domain, vote_weight, utility: {kind, params...}}; the utility's
    // kinds and their parameters are the board's (core/board/Utility.h).
    std::optional<AgentProblem> boardSeat(const YAML::Node &value)
    {
        if (!value.IsMap())
            return problem(value, QStringLiteral("board must hold domain, vote_weight and utility"));
        BoardSeat seat;
        QStringList seen;
        for (auto it = value.begin(); it != value.end(); ++it) {
            const QString name = it->first.IsScalar() ? text(it->first) : QString();
            if (!BoardKeys.contains(name))
                return problem(it->first, QStringLiteral("unknown key board.%1 (the keys are %2)").arg(quoteInput(name.left(AgentWordCharsMax)), BoardKeys.join(QStringLiteral(", "))));
            if (seen.contains(name))
                return problem(it->first, QStringLiteral("board.%1 is given twice").arg(name));
            seen.append(name);
            const YAML::Node item = it->second;
            if (name == QLatin1String("domain")) {
                if (auto bad = word(QStringLiteral("board.domain"), item, seat.domain))
                    return bad;
            } else if (name == QLatin1String("vote_weight")) {
                if (auto bad = number(QStringLiteral("board.vote_weight"), item, seat.voteWeight))
                    return bad;
                if (!(seat.voteWeight > 0 && seat.voteWeight <= AgentVoteWeightMax))
                    return problem(item, QStringLiteral("board.vote_weight %1: expected a number above 0 up to %2").arg(seat.voteWeight).arg(AgentVoteWeightMax));
            } else if (auto bad = utility(it->first, item, seat.utility)) {
                return bad;
            }
        }
        for (const QString &name : BoardKeys)
            if (!seen.contains(name))
                return problem(value, QStringLiteral("board has no %1").arg(name));
        m_agent.board = seat;
        return std::nullopt;
    }

    // `key` (the line of `utility:`) is where a problem of the whole mapping is.
    std::optional<AgentProblem> utility(const YAML::Node &key, const YAML::Node &value, board::Utility &out) const
    {
        if (!value.IsMap())
            return problem(value, QStringLiteral("board.utility must hold kind (%1) and its parameters").arg(board::utilityKindNames().join(QStringLiteral(", "))));
        if (value.size() > size_t(board::UtilityParamsMax + 1))
            return problem(value, QStringLiteral("board.utility holds %1 keys, at most %2").arg(value.size()).arg(board::UtilityParamsMax + 1));
        QString kind;
        std::optional<YAML::Mark> kindMark;
        QMap<QString, double> params;
        std::map<QString, YAML::Mark> marks; // where each parameter is, for the problem about it
        for (auto it = value.begin(); it != value.end(); ++it) {
            const QString name = it->first.IsScalar() ? text(it->first) : QString();
            if (name.isEmpty() || name.size() > AgentWordCharsMax)
                return problem(it->first, QStringLiteral("board.utility: a key must be a word"));
            if (name == QLatin1String("kind") ? kindMark.has_value() : params.contains(name))
                return problem(it->first, QStringLiteral("board.utility.%1 is given twice").arg(name));
            if (name == QLatin1String("kind")) {
                kindMark = it->second.Mark();
                if (auto bad = scalar(QStringLiteral("board.utility.kind"), it->second, kind))
                    return bad;
                continue;
            }
            double n = 0;
            if (auto bad = number(QStringLiteral("board.utility.") + name, it->second, n))
                return bad;
            params.insert(name, n);
            marks.emplace(name, it->second.Mark());
        }
        if (!kindMark)
            return problem(key, QStringLiteral("board.utility has no kind (%1)").arg(board::utilityKindNames().join(QStringLiteral(", "))));
        auto made = board::makeUtility(kind, params);
        if (!made) {
            const auto at = marks.find(made.error().field);
            const YAML::Mark mark = at != marks.end() ? at->second : made.error().field == QLatin1String("kind") ? *kindMark : key.Mark();
            return AgentProblem { m_path, fileLine(mark), QStringLiteral("board.utility: ") + made.error().message };
        }
        out = *made;
        return std::nullopt;
    }

    std::optional<AgentProblem> readKey(const QString &key, const YAML::Node &value)
    {
        if (key == QLatin1String("name"))
            return word(key, value, m_agent.name);
        if (key == QLatin1String("role"))
            return word(key, value, m_agent.role);
        if (key == QLatin1String("model")) {
            m_agent.modelLine = fileLine(value.Mark());
            return model(key, value, m_agent.model);
        }
        if (key == QLatin1String("fallback_model"))
            return model(key, value, m_agent.fallbackModel);
        if (key == QLatin1String("temperature")) {
            QString t;
            if (auto bad = scalar(key, value, t))
                return bad;
            bool ok = false;
            const double n = t.toDouble(&ok);
            if (!ok || !(n >= 0 && n <= AgentTemperatureMax))
                return problem(value, QStringLiteral("temperature %1: expected a number from 0 to %2").arg(quoteInput(t.left(AgentWordCharsMax))).arg(AgentTemperatureMax));
            m_agent.temperature = n;
            return std::nullopt;
        }
        if (key == QLatin1String("board"))
            return boardSeat(value);
        if (key == QLatin1String("skills")) {
            if (!value.IsSequence())
                return problem(value, QStringLiteral("skills must be a list ([search, summarize] or one '- skill' a line)"));
            if (value.size() > size_t(AgentSkillsMax))
                return problem(value, QStringLiteral("%1 skills, at most %2").arg(value.size()).arg(AgentSkillsMax));
            for (const YAML::Node &item : value) {
                QString skill;
                if (auto bad = word(QStringLiteral("a skill"), item, skill))
                    return bad;
                if (m_agent.skills.contains(skill))
                    return problem(item, QStringLiteral("skill %1 is listed twice").arg(skill));
                m_agent.skills.append(skill);
            }
            return std::nullopt;
        }
        CABINET_ASSERT(key == QLatin1String("budget"));
        if (!value.IsMap())
            return problem(value, QStringLiteral("budget must hold daily_usd and per_call_usd"));
        QStringList seen;
        for (auto it = value.begin(); it != value.end(); ++it) {
            const QString name = it->first.IsScalar() ? text(it->first) : QString();
            if (!BudgetKeys.contains(name))
                return problem(it->first, QStringLiteral("unknown key budget.%1 (the keys are daily_usd, per_call_usd)").arg(quoteInput(name.left(AgentWordCharsMax))));
            if (seen.contains(name))
                return problem(it->first, QStringLiteral("budget.%1 is given twice").arg(name));
            seen.append(name);
            if (auto bad = money(name, it->second, name == BudgetKeys[0] ? m_agent.dailyBudgetMicroUsd : m_agent.perCallBudgetMicroUsd))
                return bad;
        }
        for (const QString &name : BudgetKeys)
            if (!seen.contains(name))
                return problem(value, QStringLiteral("budget has no %1").arg(name));
        if (m_agent.perCallBudgetMicroUsd > m_agent.dailyBudgetMicroUsd)
            return problem(value, QStringLiteral("budget.per_call_usd %1 is more than budget.daily_usd %2")
                                          .arg(formatMicroUsd(m_agent.perCallBudgetMicroUsd), formatMicroUsd(m_agent.dailyBudgetMicroUsd)));
        return std::nullopt;
    }

    const QString &m_path;
    const llm::RouterSettings &m_settings;
    AgentDefinition &m_agent;
};

bool isDelimiter(const QByteArray &line) { return line.trimmed() == "---"; }

} // namespace

AgentFileRead readAgentFile(const QString &path, const llm::RouterSettings &settings)
{
    const QFileInfo info(path);
    if (!info.isFile())
        return { {}, AgentProblem { path, 0, QStringLiteral("not a file"), ErrorCode::NotFound } };
    if (info.size() > AgentFileBytesMax)
        return { {}, AgentProblem { path, 0, QStringLiteral("the file holds %1 bytes, at most %2").arg(info.size()).arg(AgentFileBytesMax) } };
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return { {}, AgentProblem { path, 0, QStringLiteral("cannot read the file: %1").arg(file.errorString()), ErrorCode::PermissionDenied } };
    // Read one byte past the limit: the file may have grown since it was sized.
    return parseAgentFile(path, file.read(AgentFileBytesMax + 1), settings);
}

AgentFileRead parseAgentFile(const QString &path, const QByteArray &bytes, const llm::RouterSettings &settings)
{
    AgentFileRead read;
    read.agent.path = path;
    auto fail = [&](int line, QString message) {
        read.problem = AgentProblem { path, line, std::move(message) };
        return read;
    };
    if (bytes.size() > AgentFileBytesMax)
        return fail(0, QStringLiteral("the file holds more than %1 bytes").arg(AgentFileBytesMax));
    const QList<QByteArray> lines = bytes.split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
        (void)utf8.decode(lines[i]);
        if (utf8.hasError())
            return fail(int(i + 1), QStringLiteral("the line is not UTF-8 text"));
    }
    if (lines.isEmpty() || !isDelimiter(lines.first()))
        return fail(1, QStringLiteral("no front matter: an agent file starts with a '---' line, then its keys, then another '---' line"));
    qsizetype close = 1;
    while (close < lines.size() && !isDelimiter(lines[close]))
        ++close;
    if (close == lines.size())
        return fail(1, QStringLiteral("the front matter has no closing '---' line"));

    YAML::Node root;
    try {
        root = YAML::Load(lines.mid(1, close - 1).join('\n').toStdString());
    } catch (const YAML::Exception &e) {
        return fail(fileLine(e.mark), QStringLiteral("the front matter is not YAML: %1").arg(QString::fromStdString(e.msg)));
    }
    if (!root || root.IsNull())
        return fail(1, QStringLiteral("the front matter is empty"));
    FrontMatter front(path, settings, read.agent);
    try {
        read.problem = front.read(root);
    } catch (const YAML::Exception &e) {
        return fail(fileLine(e.mark), QStringLiteral("the front matter does not read: %1").arg(QString::fromStdString(e.msg)));
    }
    if (read.problem)
        return read;

    const int bodyLine = int(close + 2);
    read.agent.systemPrompt = QString::fromUtf8(lines.mid(close + 1).join('\n')).trimmed();
    if (read.agent.systemPrompt.isEmpty())
        return fail(bodyLine, QStringLiteral("the body is empty: it is the agent's system prompt"));
    if (read.agent.systemPrompt.size() > AgentBodyCharsMax)
        return fail(bodyLine, QStringLiteral("the system prompt holds %1 characters, at most %2").arg(read.agent.systemPrompt.size()).arg(AgentBodyCharsMax));
    return read;
}

std::optional<qint64> parseMicroUsd(const QString &text)
{
    static const QRegularExpression decimal(QStringLiteral("^([0-9]{1,6})(?:\\.([0-9]{1,%1}))?$").arg(AgentBudgetDecimalsMax));
    const auto match = decimal.match(text.trimmed());
    if (!match.hasMatch())
        return std::nullopt;
    const qint64 whole = match.captured(1).toLongLong();
    const qint64 micro = whole * 1'000'000 + match.captured(2).leftJustified(AgentBudgetDecimalsMax, u'0').toLongLong();
    if (micro > AgentBudgetUsdMax * 1'000'000)
        return std::nullopt;
    return micro;
}

QString formatMicroUsd(qint64 microUsd)
{
    QString fraction = QStringLiteral("%1").arg(microUsd % 1'000'000, AgentBudgetDecimalsMax, 10, QLatin1Char('0'));
    while (fraction.size() > 2 && fraction.endsWith(u'0'))
        fraction.chop(1);
    return QString::number(microUsd / 1'000'000) + u'.' + fraction;
}

std::optional<QString> modelTarget(const llm::RouterSettings &settings, const QString &model)
{
    if (auto it = settings.aliases.find(model); it != settings.aliases.end())
        return it->second.text();
    const auto target = llm::parseTarget(model);
    if (!target || !settings.providers.count(target->provider))
        return std::nullopt;
    return target->text();
}

QSet<QString> reachableTargets(const llm::RouterSettings &settings, const QStringList &models)
{
    QSet<QString> targets;
    QSet<QString> visited;
    std::deque<QString> next(models.begin(), models.end());
    // Each name is visited once, so a cycle in the chains ends.
    while (!next.empty()) {
        const QString model = next.front();
        next.pop_front();
        if (model.isEmpty() || visited.contains(model))
            continue;
        visited.insert(model);
        if (auto target = modelTarget(settings, model))
            targets.insert(*target);
        if (auto it = settings.fallbacks.find(model); it != settings.fallbacks.end())
            next.insert(next.end(), it->second.begin(), it->second.end());
    }
    return targets;
}

} // namespace cabinet::orchestrator

#include "config/Config.h"
#include "config/YamlEdit.h"

#include "QuotedInput.h"
#include "audit/AuditLog.h"
#include "events/EventBus.h"
#include "store/Database.h"

#include <QFile>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSet>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <sstream>
#include <unordered_map>

Q_LOGGING_CATEGORY(lcConfig, "cabinet.config")

namespace cabinet {

namespace {

// config.yaml as dotted keys and their values, and the tree they come from.
struct Parsed {
    QByteArray text;
    YAML::Node root;
    QMap<QString, QString> values;
};

// The path as messages show it: it comes from --data-dir, which may hold
// anything a shell can pass.
QString shown(const QString &path)
{
    return escapeInput(path);
}

// What every error about the file on disk ends with: 'cabinet config set'
// reads the file before it changes it, so it cannot mend one that does not
// read; the person must.
QString mendAdvice()
{
    return QStringLiteral(" - edit the file to fix it, or move it aside to run on the defaults ('cabinet config' cannot "
                          "change a file it cannot read)");
}

// Thrown from inside yaml-cpp's parser by Census to stop it at the first
// limit crossed; parse() turns it into the error.
struct Refusal {
    int line; // 1-based
    QString problem;
};

// Counts what the file would cost while yaml-cpp's parser reads it, before
// any tree is built or walked: nodes as a walk over the tree visits them
// (an alias counts as every node it repeats), aliases, nesting (through
// aliases too), documents. Stops the parse at the first limit crossed, so a
// file of nested aliases costs what its text costs, not what it expands to.
class Census : public YAML::EventHandler {
public:
    int documents() const { return m_documents; }
    int secondDocumentLine() const { return m_secondDocumentLine; }

    void OnDocumentStart(const YAML::Mark &mark) override
    {
        if (++m_documents == 2)
            m_secondDocumentLine = mark.line + 1;
    }
    void OnDocumentEnd() override { }
    void OnNull(const YAML::Mark &mark, YAML::anchor_t anchor) override { leaf(mark, anchor); }
    void OnScalar(const YAML::Mark &mark, const std::string &, YAML::anchor_t anchor, const std::string &) override
    {
        leaf(mark, anchor);
    }
    void OnSequenceStart(const YAML::Mark &mark, const std::string &, YAML::anchor_t anchor, YAML::EmitterStyle::value) override
    {
        open(mark, anchor, false);
    }
    void OnSequenceEnd() override { close(); }
    void OnMapStart(const YAML::Mark &mark, const std::string &, YAML::anchor_t anchor, YAML::EmitterStyle::value) override
    {
        open(mark, anchor, true);
    }
    void OnMapEnd() override { close(); }

    void OnAlias(const YAML::Mark &mark, YAML::anchor_t anchor) override
    {
        if (++m_aliases > ConfigAliasesMax)
            throw Refusal { mark.line + 1, QStringLiteral("more than %1 aliases; a configuration may hold at most %1").arg(ConfigAliasesMax) };
        // An alias inside the list or mapping it names repeats it without
        // end: every walk over it would never finish (YamlEdit's overflowed
        // the stack).
        for (const Open &outer : m_open)
            if (outer.anchor == anchor)
                throw Refusal { mark.line + 1, QStringLiteral("an alias refers to the %1 that holds it")
                                                       .arg(outer.map ? QStringLiteral("mapping") : QStringLiteral("list")) };
        // yaml-cpp refuses an alias to an anchor it has not seen before it
        // tells us, so the anchor is known and complete here.
        const auto named = m_anchors.find(anchor);
        if (named == m_anchors.end())
            throw Refusal { mark.line + 1, QStringLiteral("the alias names no anchor before it") };
        add(mark, named->second.nodes, named->second.depth, true);
    }

private:
    struct Open {
        YAML::anchor_t anchor;
        bool map;
        qint64 nodesBefore; // the running count before this node
        int innerDepth;     // the deepest list or mapping inside it, relative (0: none)
    };
    struct Anchored {
        qint64 nodes;
        int depth; // 0 for a scalar, 1 for a flat list or mapping, ...
    };

    // `nodes` more nodes reached, `depth` levels deep below the innermost
    // open list or mapping (through an alias: what the alias repeats).
    void add(const YAML::Mark &mark, qint64 nodes, int depth, bool alias = false)
    {
        m_nodes += nodes;
        if (m_nodes > ConfigNodesMax)
            throw Refusal { mark.line + 1, QStringLiteral("expands to more than %1 nodes (keys, values and list items, an alias "
                                                          "counted as all it repeats); a configuration may hold at most %1")
                                                   .arg(ConfigNodesMax) };
        if (qsizetype(m_open.size()) + depth > ConfigDepthMax)
            throw Refusal { mark.line + 1, QStringLiteral("lists and mappings are nested more than %1 deep%2; a configuration "
                                                          "may nest at most %1")
                                                   .arg(ConfigDepthMax)
                                                   .arg(alias ? QStringLiteral(" through an alias") : QString()) };
        if (!m_open.empty())
            m_open.back().innerDepth = std::max(m_open.back().innerDepth, depth);
    }

    void leaf(const YAML::Mark &mark, YAML::anchor_t anchor)
    {
        add(mark, 1, 0);
        if (anchor != YAML::NullAnchor)
            m_anchors[anchor] = { 1, 0 };
    }

    void open(const YAML::Mark &mark, YAML::anchor_t anchor, bool map)
    {
        add(mark, 1, 1);
        m_open.push_back({ anchor, map, m_nodes - 1, 0 });
    }

    void close()
    {
        const Open done = m_open.back();
        m_open.pop_back();
        const int depth = done.innerDepth + 1;
        if (done.anchor != YAML::NullAnchor)
            m_anchors[done.anchor] = { m_nodes - done.nodesBefore, depth };
        if (!m_open.empty())
            m_open.back().innerDepth = std::max(m_open.back().innerDepth, depth);
    }

    std::vector<Open> m_open; // the lists and mappings being read, outermost first
    std::unordered_map<YAML::anchor_t, Anchored> m_anchors;
    qint64 m_nodes = 0;
    qint64 m_aliases = 0;
    int m_documents = 0;
    int m_secondDocumentLine = 0;
};

// Reads mappings into dotted keys (lists and nulls are kept in the tree but
// are not keys). Refuses what would make a value depend on who reads the
// file: a key given twice (in one mapping, or once nested and once dotted),
// a key that is not a name. The Census has bounded the walk (no alias
// cycles, nodes and depth within their limits) before this runs.
class Flattener {
public:
    explicit Flattener(QMap<QString, QString> &values) : m_values(values) { }

    std::optional<QString> read(const YAML::Node &map, const QString &prefix = {})
    {
        QSet<QString> here;
        for (const auto &item : map) {
            const int line = item.first.Mark().line + 1;
            if (!item.first.IsScalar())
                return QStringLiteral("%1: a key must be a name, not %2")
                        .arg(line)
                        .arg(item.first.IsNull() ? QStringLiteral("null (quote it: \"null\")") : QStringLiteral("a list or mapping"));
            const QString name = QString::fromStdString(item.first.Scalar());
            const QString key = prefix.isEmpty() ? name : prefix + u'.' + name;
            if (here.contains(name) || (item.second.IsScalar() && m_values.contains(key)))
                return QStringLiteral("%1: %2 is given twice (first on line %3)").arg(line).arg(quoteInput(key)).arg(m_lines.value(key));
            here.insert(name);
            if (!m_lines.contains(key))
                m_lines.insert(key, line);
            if (item.second.IsMap()) {
                if (auto problem = read(item.second, key))
                    return problem;
            } else if (item.second.IsScalar()) {
                m_values.insert(key, QString::fromStdString(item.second.Scalar()));
            }
        }
        return std::nullopt;
    }

private:
    QMap<QString, QString> &m_values;
    QMap<QString, int> m_lines; // where each key is first given
};

// Reads the text's events through a Census: throws a Refusal at the first
// limit crossed (or for more than one document), a YAML::Exception where
// the text is not YAML. Run before anything builds or walks a tree of it.
void takeCensus(const std::string &source)
{
    std::istringstream stream(source);
    YAML::Parser parser(stream);
    Census census;
    while (parser.HandleNextDocument(census)) {
    }
    if (census.documents() > 1)
        throw Refusal { census.secondDocumentLine(),
                        QStringLiteral("holds %1 YAML documents (the second starts here); the configuration is one").arg(census.documents()) };
}

// Errors name the file and, where there is one, the line.
Result<Parsed> parse(const QByteArray &text, const QString &path)
{
    Parsed parsed { text, {}, {} };
    const std::string source = text.toStdString();
    try {
        takeCensus(source);
        parsed.root = YAML::Load(source);
        if (!parsed.root.IsNull() && !parsed.root.IsMap())
            return Error { ErrorCode::InvalidArgument, QStringLiteral("%1:%2: the configuration must be a YAML mapping")
                                                               .arg(shown(path))
                                                               .arg(parsed.root.Mark().line + 1) };
        if (parsed.root.IsMap())
            if (auto problem = Flattener(parsed.values).read(parsed.root))
                return Error { ErrorCode::InvalidArgument, shown(path) + u':' + *problem };
    } catch (const Refusal &refusal) {
        return Error { ErrorCode::InvalidArgument, QStringLiteral("%1:%2: %3").arg(shown(path)).arg(refusal.line).arg(refusal.problem) };
    } catch (const YAML::Exception &e) {
        return Error { ErrorCode::InvalidArgument, QStringLiteral("%1:%2: %3")
                                                           .arg(shown(path))
                                                           .arg(e.mark.line + 1)
                                                           .arg(escapeInput(QString::fromStdString(e.msg))) };
    }
    return parsed;
}

bool hasComments(const QByteArray &text)
{
    static const QRegularExpression comment(QStringLiteral("(^|\\s)#"), QRegularExpression::MultilineOption);
    return comment.match(QString::fromUtf8(text)).hasMatch();
}

Error tooLarge(const QString &path, qint64 bytes)
{
    return Error { ErrorCode::InvalidArgument,
                   QStringLiteral("%1: is %2 bytes; a configuration may be at most %3 bytes").arg(shown(path)).arg(bytes).arg(ConfigFileMaxBytes)
                           + mendAdvice() };
}

// The file as it is now (none: an empty configuration).
Result<Parsed> readConfig(const QString &path)
{
    QFile file(path);
    if (!file.exists())
        return parse({}, path);
    // The size first, so an oversized file is never read; then no more than
    // one byte past the limit, for a file that grows meanwhile or a device
    // or pipe that reports no size.
    if (file.size() > ConfigFileMaxBytes)
        return tooLarge(path, file.size());
    if (!file.open(QIODevice::ReadOnly))
        return Error { ErrorCode::Unavailable, QStringLiteral("cannot read %1: %2").arg(shown(path), file.errorString()) };
    const QByteArray text = file.read(ConfigFileMaxBytes + 1);
    if (text.size() > ConfigFileMaxBytes)
        return tooLarge(path, std::max<qint64>(file.size(), text.size()));
    auto parsed = parse(text, path);
    if (!parsed)
        return Error { parsed.error().code, parsed.error().message + mendAdvice() };
    return parsed;
}

// config.yaml's text with `key` set to `value`, everything else kept.
Result<QByteArray> withValue(Parsed current, const QString &configPath, const QString &key, const QString &value)
{
    YAML::Node root = current.root.IsNull() ? YAML::Node(YAML::NodeType::Map) : current.root;

    // The tree the file must hold afterwards.
    const QStringList parts = key.split(u'.');
    std::vector<std::string> path;
    YAML::Node node = root;
    for (qsizetype i = 0; i < parts.size(); ++i) {
        if (!node.IsMap())
            return Error { ErrorCode::InvalidArgument, QStringLiteral("configuration key %1 clashes with %2, which is not a mapping")
                                                               .arg(quoteInput(key), quoteInput(parts.mid(0, i).join(u'.'))) };
        path.push_back(parts[i].toStdString());
        YAML::Node child = node[path.back()];
        if (i + 1 == parts.size()) {
            if (child.IsDefined() && !child.IsNull() && !child.IsScalar())
                return Error { ErrorCode::InvalidArgument,
                               QStringLiteral("configuration key %1 holds a list or mapping; edit config.yaml to change it").arg(quoteInput(key)) };
            child = value.toStdString();
        } else if (!child.IsDefined() || child.IsNull()) {
            child = YAML::Node(YAML::NodeType::Map);
        }
        node.reset(child);
    }
    YAML::Emitter expected;
    expected << root;

    // Whatever is written must read back as the keys read now with only
    // this one changed: that catches a node shared through an anchor or
    // alias (the others would change too) and a key written two ways.
    QMap<QString, QString> intended = current.values;
    intended.insert(key, value);
    QString problem;
    const auto readsAsIntended = [&](const QByteArray &candidate) {
        auto reread = parse(candidate, configPath);
        if (!reread) {
            problem = reread.error().message;
            return false;
        }
        if (reread->values == intended)
            return true;
        QStringList others;
        for (auto it = intended.cbegin(); it != intended.cend(); ++it)
            if (it.key() != key && reread->values.value(it.key()) != it.value())
                others.append(quoteInput(it.key()));
        problem = others.isEmpty() ? QStringLiteral("%1 would not read back as that value").arg(quoteInput(key))
                                   : QStringLiteral("%1 would change too (a YAML anchor or alias shares it)").arg(others.join(QStringLiteral(", ")));
        return false;
    };

    // The operator's text with only that value changed (comments, order and
    // layout kept), used when it reads back as exactly that tree. Otherwise
    // (flow style, block scalars, ...) the tree is written out afresh, which
    // loses nothing but layout, unless the file has comments: those are
    // refused rather than lost.
    const auto tooLargeAfter = [&](qint64 bytes) {
        return Error { ErrorCode::InvalidArgument, QStringLiteral("cannot change %1 in %2: the file would be %3 bytes; a configuration may be at most %4 bytes")
                                                           .arg(quoteInput(key), shown(configPath))
                                                           .arg(bytes)
                                                           .arg(ConfigFileMaxBytes) };
    };
    if (auto edited = yamledit::setScalar(current.text.toStdString(), path, value.toStdString())) {
        const QByteArray candidate = QByteArray::fromStdString(*edited);
        // Only the edit keeps comments; the rewrite would be refused for them.
        if (candidate.size() > ConfigFileMaxBytes && hasComments(current.text))
            return tooLargeAfter(candidate.size());
        try {
            // The edited text goes through the limits before it is loaded:
            // the new value may take it over one.
            if (candidate.size() <= ConfigFileMaxBytes) {
                takeCensus(*edited);
                YAML::Emitter check;
                check << YAML::Load(*edited);
                if (std::string_view(check.c_str()) == std::string_view(expected.c_str()) && readsAsIntended(candidate))
                    return candidate;
            }
        } catch (const Refusal &) {
        } catch (const YAML::Exception &) {
        }
    }
    // The rewrite holds the same tree as an edit that got as far as the
    // read-back check, so a problem found there stands for it too.
    const QByteArray rewritten = QByteArray(expected.c_str()) + '\n';
    if (rewritten.size() > ConfigFileMaxBytes)
        return tooLargeAfter(rewritten.size());
    if (!problem.isEmpty() || !readsAsIntended(rewritten))
        return Error { ErrorCode::InvalidArgument,
                       QStringLiteral("cannot change %1 in %2 alone: %3; edit the file to change it").arg(quoteInput(key), shown(configPath), problem) };
    if (hasComments(current.text))
        return Error { ErrorCode::FailedPrecondition,
                       QStringLiteral("cannot change %1 in %2 without losing the file's comments: it is written there in "
                                      "a form Cabinet does not edit in place (flow style or a block scalar); edit the file to change it")
                               .arg(quoteInput(key), shown(configPath)) };
    qCInfo(lcConfig, "%s: written out afresh (it uses YAML that is not edited in place)", qPrintable(shown(configPath)));
    return rewritten;
}

} // namespace

Config::Config(QString path, QMap<QString, QString> commandLine, QObject *parent)
    : QObject(parent), m_path(std::move(path)), m_commandLine(std::move(commandLine))
{
}

bool Config::validKey(const QString &key)
{
    static const QRegularExpression pattern(QStringLiteral("^[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*$"));
    return pattern.match(key).hasMatch();
}

Error Config::invalidKey(const QString &key)
{
    return Error { ErrorCode::InvalidArgument,
                   QStringLiteral("invalid configuration key %1 (use lower-case words separated by dots)").arg(quoteInput(key)) };
}

bool Config::secretKey(const QString &key)
{
    // The last word of the key, split at '_': a key that names an
    // environment variable (api_key_env, token_env) holds a name, not the
    // secret, and is allowed; one with a secret's word in it is not.
    const QStringList words = key.section(u'.', -1).split(u'_', Qt::SkipEmptyParts);
    if (words.isEmpty() || words.last() == QLatin1String("env"))
        return false;
    if (words == QStringList { QStringLiteral("key") })
        return true;
    static const QStringList secretWords { QStringLiteral("secret"),   QStringLiteral("secrets"),     QStringLiteral("password"),
                                           QStringLiteral("passwd"),   QStringLiteral("token"),       QStringLiteral("apikey"),
                                           QStringLiteral("credential"), QStringLiteral("credentials"), QStringLiteral("authorization") };
    for (qsizetype i = 0; i < words.size(); ++i) {
        if (secretWords.contains(words[i]))
            return true;
        if (i > 0 && words[i] == QLatin1String("key") && (words[i - 1] == QLatin1String("api") || words[i - 1] == QLatin1String("private")))
            return true;
    }
    return false;
}

QString Config::environmentName(const QString &key)
{
    return QStringLiteral("CABINET_") + QString(key).replace(u'.', u'_').toUpper();
}

Status Config::load()
{
    m_file.clear();
    m_loadError.reset();
    auto parsed = readConfig(m_path);
    if (!parsed) {
        m_loadError = parsed.error();
        return parsed.error();
    }
    m_file = parsed->values;
    return {};
}

QString Config::value(const QString &key, const QString &fallback) const
{
    if (auto it = m_commandLine.find(key); it != m_commandLine.end())
        return *it;
    const QByteArray env = qgetenv(environmentName(key).toLatin1().constData());
    if (!env.isNull())
        return QString::fromUtf8(env);
    return m_file.value(key, fallback);
}

QList<Config::Item> Config::items() const
{
    QMap<QString, QString> keys = m_file;
    keys.insert(m_commandLine);
    QList<Item> result;
    for (auto it = keys.cbegin(); it != keys.cend(); ++it) {
        QString source = QStringLiteral("file");
        if (m_commandLine.contains(it.key()))
            source = QStringLiteral("command line");
        else if (qEnvironmentVariableIsSet(environmentName(it.key()).toLatin1().constData()))
            source = QStringLiteral("environment");
        result.append({ it.key(), value(it.key()), source });
    }
    return result;
}

Status Config::write(const QByteArray &text) const
{
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly))
        return Error { ErrorCode::Unavailable, QStringLiteral("cannot write %1: %2").arg(shown(m_path), file.errorString()) };
    file.write(text);
    if (!file.commit())
        return Error { ErrorCode::Unavailable, QStringLiteral("cannot write %1: %2").arg(shown(m_path), file.errorString()) };
    return {};
}

Status Config::set(const QString &key, const QString &value, const QString &actor, Database &db, AuditLog &audit,
                   EventBus &events)
{
    if (!validKey(key))
        return invalidKey(key);
    if (secretKey(key))
        return Error { ErrorCode::RefusedByPolicy,
                       QStringLiteral("'%1' would hold a secret, and secrets never go in config.yaml: put it in an environment variable "
                                      "and name the variable (for a model provider, llm.providers.<name>.api_key_env)")
                           .arg(key),
                       QStringLiteral("key") };
    // Edit the file as it is now, so lists, nulls and anything else Cabinet
    // does not model are kept, and so are edits made outside Cabinet since
    // it started.
    auto current = readConfig(m_path);
    if (!current)
        return current.error();
    const QByteArray previousText = current->text;
    auto updated = withValue(std::move(*current), m_path, key, value);
    if (!updated)
        return updated.error();
    const QString previous = m_file.value(key);

    auto tx = db.begin();
    if (!tx)
        return tx.error();
    const QJsonObject change { { QStringLiteral("key"), key }, { QStringLiteral("old"), previous }, { QStringLiteral("new"), value } };
    if (auto entry = audit.append(*tx, actor, QStringLiteral("config.set"), key, change); !entry)
        return entry.error();
    if (auto event = events.append(*tx, events::ConfigChanged, change); !event)
        return event.error();
    if (auto status = write(*updated); !status)
        return status; // the transaction rolls back: no audit entry for a change that did not happen
    if (auto status = tx->commit(); !status) {
        (void)write(previousText);
        return status;
    }
    return load();
}

} // namespace cabinet

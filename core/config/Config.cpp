#include "config/Config.h"
#include "config/YamlEdit.h"

#include "audit/AuditLog.h"
#include "events/EventBus.h"
#include "store/Database.h"

#include <QFile>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSaveFile>
#include <QSet>

#include <yaml-cpp/yaml.h>

Q_LOGGING_CATEGORY(lcConfig, "cabinet.config")

namespace cabinet {

namespace {

// config.yaml as dotted keys and their values, and the tree they come from.
struct Parsed {
    QByteArray text;
    YAML::Node root;
    QMap<QString, QString> values;
};

// Reads mappings into dotted keys (lists and nulls are kept in the tree but
// are not keys). Refuses what would make a value depend on who reads the
// file: a key given twice (in one mapping, or once nested and once dotted),
// a key that is not a name, an alias inside the mapping it names.
class Flattener {
public:
    explicit Flattener(QMap<QString, QString> &values) : m_values(values) { }

    std::optional<QString> read(const YAML::Node &map, const QString &prefix = {})
    {
        m_open.push_back(map);
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
                return QStringLiteral("%1: '%2' is given twice (first on line %3)").arg(line).arg(key).arg(m_lines.value(key));
            here.insert(name);
            if (!m_lines.contains(key))
                m_lines.insert(key, line);
            if (item.second.IsMap()) {
                for (const YAML::Node &outer : m_open)
                    if (outer.is(item.second))
                        return QStringLiteral("%1: an alias refers to the mapping that holds it").arg(line);
                if (auto problem = read(item.second, key))
                    return problem;
            } else if (item.second.IsScalar()) {
                m_values.insert(key, QString::fromStdString(item.second.Scalar()));
            }
        }
        m_open.pop_back();
        return std::nullopt;
    }

private:
    QMap<QString, QString> &m_values;
    QMap<QString, int> m_lines; // where each key is first given
    std::vector<YAML::Node> m_open; // the mappings being read
};

// Errors name the file and, where there is one, the line.
Result<Parsed> parse(const QByteArray &text, const QString &path)
{
    Parsed parsed { text, {}, {} };
    try {
        const std::vector<YAML::Node> documents = YAML::LoadAll(text.toStdString());
        if (documents.size() > 1)
            return Error { ErrorCode::InvalidArgument, QStringLiteral("%1: holds %2 YAML documents; the configuration is one").arg(path).arg(documents.size()) };
        parsed.root = documents.empty() ? YAML::Node() : documents.front();
        if (!parsed.root.IsNull() && !parsed.root.IsMap())
            return Error { ErrorCode::InvalidArgument, QStringLiteral("%1: the configuration must be a YAML mapping").arg(path) };
        if (parsed.root.IsMap())
            if (auto problem = Flattener(parsed.values).read(parsed.root))
                return Error { ErrorCode::InvalidArgument, path + u':' + *problem };
    } catch (const YAML::Exception &e) {
        return Error { ErrorCode::InvalidArgument, QStringLiteral("%1:%2: %3").arg(path).arg(e.mark.line + 1).arg(QString::fromStdString(e.msg)) };
    }
    return parsed;
}

bool hasComments(const QByteArray &text)
{
    static const QRegularExpression comment(QStringLiteral("(^|\\s)#"), QRegularExpression::MultilineOption);
    return comment.match(QString::fromUtf8(text)).hasMatch();
}

// The file as it is now (none: an empty configuration).
Result<Parsed> readConfig(const QString &path)
{
    QFile file(path);
    if (!file.exists())
        return parse({}, path);
    if (!file.open(QIODevice::ReadOnly))
        return Error { ErrorCode::Unavailable, QStringLiteral("cannot read %1: %2").arg(path, file.errorString()) };
    return parse(file.readAll(), path);
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

QString Config::environmentName(const QString &key)
{
    return QStringLiteral("CABINET_") + QString(key).replace(u'.', u'_').toUpper();
}

Status Config::load()
{
    m_file.clear();
    auto parsed = readConfig(m_path);
    if (!parsed)
        return parsed.error();
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

Result<QByteArray> Config::withValue(const QString &key, const QString &value) const
{
    // Edit the file as it is now, so lists, nulls and anything else Cabinet
    // does not model are kept, and so are edits made outside Cabinet since
    // it started.
    auto parsed = readConfig(m_path);
    if (!parsed)
        return parsed.error();
    YAML::Node root = parsed->root.IsNull() ? YAML::Node(YAML::NodeType::Map) : parsed->root;

    // The tree the file must hold afterwards.
    const QStringList parts = key.split(u'.');
    std::vector<std::string> path;
    YAML::Node node = root;
    for (qsizetype i = 0; i < parts.size(); ++i) {
        if (!node.IsMap())
            return Error { ErrorCode::InvalidArgument, QStringLiteral("configuration key '%1' clashes with '%2', which is not a mapping")
                                   .arg(key, parts.mid(0, i).join(u'.')) };
        path.push_back(parts[i].toStdString());
        YAML::Node child = node[path.back()];
        if (i + 1 == parts.size()) {
            if (child.IsDefined() && !child.IsNull() && !child.IsScalar())
                return Error { ErrorCode::InvalidArgument, QStringLiteral("configuration key '%1' holds a list or mapping; edit config.yaml to change it").arg(key) };
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
    QMap<QString, QString> intended = parsed->values;
    intended.insert(key, value);
    QString problem;
    const auto readsAsIntended = [&](const QByteArray &candidate) {
        auto reread = parse(candidate, m_path);
        if (!reread) {
            problem = reread.error().message;
            return false;
        }
        if (reread->values == intended)
            return true;
        QStringList others;
        for (auto it = intended.cbegin(); it != intended.cend(); ++it)
            if (it.key() != key && reread->values.value(it.key()) != it.value())
                others.append(it.key());
        problem = others.isEmpty() ? QStringLiteral("'%1' would not read back as that value").arg(key)
                                   : QStringLiteral("'%1' would change too (a YAML anchor or alias shares it)").arg(others.join(QStringLiteral("', '")));
        return false;
    };

    // The operator's text with only that value changed (comments, order and
    // layout kept), used when it reads back as exactly that tree. Otherwise
    // (flow style, block scalars, ...) the tree is written out afresh, which
    // loses nothing but layout, unless the file has comments: those are
    // refused rather than lost.
    if (auto edited = yamledit::setScalar(parsed->text.toStdString(), path, value.toStdString())) {
        const QByteArray candidate = QByteArray::fromStdString(*edited);
        try {
            YAML::Emitter check;
            check << YAML::Load(*edited);
            if (std::string_view(check.c_str()) == std::string_view(expected.c_str()) && readsAsIntended(candidate))
                return candidate;
        } catch (const YAML::Exception &) {
        }
    }
    // The rewrite holds the same tree as an edit that got as far as the
    // read-back check, so a problem found there stands for it too.
    const QByteArray rewritten = QByteArray(expected.c_str()) + '\n';
    if (!problem.isEmpty() || !readsAsIntended(rewritten))
        return Error { ErrorCode::InvalidArgument, QStringLiteral("cannot change '%1' in %2 alone: %3; edit the file to change it").arg(key, m_path, problem) };
    if (hasComments(parsed->text))
        return Error { ErrorCode::FailedPrecondition, QStringLiteral("cannot change '%1' in %2 without losing the file's comments: it is written there in "
                                      "a form Cabinet does not edit in place (flow style or a block scalar); edit the file to change it")
                               .arg(key, m_path) };
    qCInfo(lcConfig, "%s: written out afresh (it uses YAML that is not edited in place)", qPrintable(m_path));
    return rewritten;
}

Status Config::write(const QByteArray &text) const
{
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly))
        return Error { ErrorCode::Unavailable, QStringLiteral("cannot write %1: %2").arg(m_path, file.errorString()) };
    file.write(text);
    if (!file.commit())
        return Error { ErrorCode::Unavailable, QStringLiteral("cannot write %1: %2").arg(m_path, file.errorString()) };
    return {};
}

Status Config::set(const QString &key, const QString &value, const QString &actor, Database &db, AuditLog &audit,
                   EventBus &events)
{
    if (!validKey(key))
        return Error { ErrorCode::InvalidArgument, QStringLiteral("invalid configuration key '%1' (use lower-case words separated by dots)").arg(key) };
    auto updated = withValue(key, value);
    if (!updated)
        return updated.error();
    QByteArray previousText;
    if (QFile file(m_path); file.open(QIODevice::ReadOnly))
        previousText = file.readAll();
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

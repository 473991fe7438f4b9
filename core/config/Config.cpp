#include "config/Config.h"
#include "config/YamlEdit.h"

#include "audit/AuditLog.h"
#include "events/EventBus.h"
#include "store/Database.h"

#include <QFile>
#include <QHash>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSaveFile>

#include <yaml-cpp/yaml.h>

Q_LOGGING_CATEGORY(lcConfig, "cabinet.config")

namespace cabinet {

namespace {
void flatten(const YAML::Node &node, const QString &prefix, QMap<QString, QString> &out)
{
    if (node.IsMap()) {
        for (const auto &item : node) {
            const QString key = QString::fromStdString(item.first.as<std::string>());
            flatten(item.second, prefix.isEmpty() ? key : prefix + u'.' + key, out);
        }
    } else if (node.IsScalar()) {
        out.insert(prefix, QString::fromStdString(node.Scalar()));
    }
}

// A key given twice in one mapping: YAML forbids it, yaml-cpp keeps both,
// and which one counts would depend on who reads the file.
std::optional<QString> duplicateKey(const YAML::Node &node, const QString &prefix = {})
{
    if (node.IsSequence()) {
        for (const auto &element : node)
            if (auto found = duplicateKey(element, prefix))
                return found;
    } else if (node.IsMap()) {
        QHash<QString, int> lines;
        for (const auto &item : node) {
            const QString key = prefix.isEmpty() ? QString::fromStdString(item.first.as<std::string>())
                                                 : prefix + u'.' + QString::fromStdString(item.first.as<std::string>());
            const int line = item.first.Mark().line + 1;
            if (lines.contains(key))
                return QStringLiteral("%1: '%2' is given twice (first on line %3)").arg(line).arg(key).arg(lines.value(key));
            lines.insert(key, line);
            if (auto found = duplicateKey(item.second, key))
                return found;
        }
    }
    return std::nullopt;
}

bool hasComments(const QByteArray &text)
{
    static const QRegularExpression comment(QStringLiteral("(^|\\s)#"), QRegularExpression::MultilineOption);
    return comment.match(QString::fromUtf8(text)).hasMatch();
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
    if (!QFile::exists(m_path))
        return {};
    try {
        const YAML::Node root = YAML::LoadFile(QFile::encodeName(m_path).toStdString());
        if (!root.IsNull() && !root.IsMap())
            return Error { QStringLiteral("%1: the configuration must be a YAML mapping").arg(m_path) };
        if (auto duplicate = duplicateKey(root))
            return Error { m_path + u':' + *duplicate };
        flatten(root, {}, m_file);
    } catch (const YAML::Exception &e) {
        return Error { QStringLiteral("%1:%2: %3")
                               .arg(m_path)
                               .arg(e.mark.line + 1)
                               .arg(QString::fromStdString(e.msg)) };
    }
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
    QByteArray text;
    if (QFile file(m_path); file.exists()) {
        if (!file.open(QIODevice::ReadOnly))
            return Error { QStringLiteral("cannot read %1: %2").arg(m_path, file.errorString()) };
        text = file.readAll();
    }
    YAML::Node root;
    try {
        root = YAML::Load(text.toStdString());
    } catch (const YAML::Exception &e) {
        return Error { QStringLiteral("%1:%2: %3").arg(m_path).arg(e.mark.line + 1).arg(QString::fromStdString(e.msg)) };
    }
    if (root.IsNull())
        root = YAML::Node(YAML::NodeType::Map);
    if (auto duplicate = duplicateKey(root))
        return Error { m_path + u':' + *duplicate };
    const QStringList parts = key.split(u'.');
    std::vector<std::string> path;
    for (const QString &part : parts)
        path.push_back(part.toStdString());
    if (auto shared = yamledit::sharedPrefix(text.toStdString(), path))
        return Error { QStringLiteral("configuration key '%1' is reached through the YAML anchor or alias at '%2' in %3, "
                                      "so a change would show under other keys too; edit the file to change it")
                               .arg(key, QString::fromStdString(*shared), m_path) };

    // The tree the file must hold afterwards.
    YAML::Node node = root;
    for (qsizetype i = 0; i < parts.size(); ++i) {
        if (!node.IsMap())
            return Error { QStringLiteral("configuration key '%1' clashes with '%2', which is not a mapping")
                                   .arg(key, parts.mid(0, i).join(u'.')) };
        YAML::Node child = node[path[std::size_t(i)]];
        if (i + 1 == parts.size()) {
            if (child.IsDefined() && !child.IsNull() && !child.IsScalar())
                return Error { QStringLiteral("configuration key '%1' holds a list or mapping; edit config.yaml to change it").arg(key) };
            child = value.toStdString();
        } else if (!child.IsDefined() || child.IsNull()) {
            child = YAML::Node(YAML::NodeType::Map);
        }
        node.reset(child);
    }
    YAML::Emitter expected;
    expected << root;

    // The operator's text with only that value changed (comments, order and
    // layout kept), used when it reads back as exactly that tree. Otherwise
    // (flow style, block scalars, ...) the tree is written out afresh, which
    // loses nothing but layout, unless the file has comments: those are
    // refused rather than lost.
    if (auto edited = yamledit::setScalar(text.toStdString(), path, value.toStdString())) {
        try {
            YAML::Emitter check;
            check << YAML::Load(*edited);
            if (std::string_view(check.c_str()) == std::string_view(expected.c_str()))
                return QByteArray::fromStdString(*edited);
        } catch (const YAML::Exception &) {
        }
    }
    if (hasComments(text))
        return Error { QStringLiteral("cannot change '%1' in %2 without losing the file's comments: it is written there in "
                                      "a form Cabinet does not edit in place (flow style or a block scalar); edit the file to change it")
                               .arg(key, m_path) };
    qCInfo(lcConfig, "%s: written out afresh (it uses YAML that is not edited in place)", qPrintable(m_path));
    return QByteArray(QByteArray(expected.c_str()) + '\n');
}

Status Config::write(const QByteArray &text) const
{
    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly))
        return Error { QStringLiteral("cannot write %1: %2").arg(m_path, file.errorString()) };
    file.write(text);
    if (!file.commit())
        return Error { QStringLiteral("cannot write %1: %2").arg(m_path, file.errorString()) };
    return {};
}

Status Config::set(const QString &key, const QString &value, const QString &actor, Database &db, AuditLog &audit,
                   EventBus &events)
{
    if (!validKey(key))
        return Error { QStringLiteral("invalid configuration key '%1' (use lower-case words separated by dots)").arg(key) };
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

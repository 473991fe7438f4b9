#pragma once

#include "Result.h"

#include <QMap>
#include <QObject>
#include <QString>

#include <optional>

namespace cabinet {

class AuditLog;
class Database;
class EventBus;

// Limits on config.yaml, each checked before the work it would cost: the
// size before the file is read, the rest while yaml-cpp's parser reads it
// and before anything walks the tree (the parse stops at the first one
// crossed). A configuration is a few dozen keys; these are far above any
// real one and far below what would cost seconds or gigabytes.
//
// Bytes in the file: a 35 MB file cost 16 s and 1.9 GB on every command.
inline constexpr qint64 ConfigFileMaxBytes = 256 * 1024;
// Nodes (keys, values, list items, lists and mappings) with every alias
// counted as all it repeats. yaml-cpp shares an aliased node, so loading a
// file of nested aliases is cheap, but each walk over the tree visits the
// node once per alias: 693 bytes of them ("billion laughs") made 10 million
// keys, 28 s and 3.3 GB.
inline constexpr qint64 ConfigNodesMax = 25'000;
// Aliases (*name) in the file.
inline constexpr qint64 ConfigAliasesMax = 1'000;
// Lists and mappings inside one another, counted through aliases (the root
// mapping is level 1, so a key a.b.c is 3 deep). The walks over the tree
// recurse, and yaml-cpp itself gives up near 500 levels with "bad file".
inline constexpr int ConfigDepthMax = 32;

// Configuration: config.yaml in the data directory (nested mappings are read
// as dotted keys), overridden by CABINET_* environment variables
// (log.level -> CABINET_LOG_LEVEL), overridden by the command line. set()
// changes one value in the file (atomically, its comments and layout kept)
// and audits the change.
class Config : public QObject {
    Q_OBJECT
public:
    Config(QString path, QMap<QString, QString> commandLine, QObject *parent = nullptr);

    // Reads config.yaml. A file that cannot be used gives an error that
    // names the file and, where there is one, the line, and says to edit or
    // move the file (no command can change a file that does not read). The
    // configuration then holds no values from the file; loadError() keeps
    // the error for callers that go on without the file.
    Status load();
    const std::optional<Error> &loadError() const { return m_loadError; }
    QString value(const QString &key, const QString &fallback = {}) const;
    // Every key with its effective value and where it came from.
    struct Item {
        QString key, value, source;
    };
    QList<Item> items() const;

    Status set(const QString &key, const QString &value, const QString &actor, Database &db, AuditLog &audit,
               EventBus &events);

    static QString environmentName(const QString &key);
    static bool validKey(const QString &key);
    // The error for a key validKey() refuses, the key quoted safely.
    static Error invalidKey(const QString &key);
    // Whether a key names a secret (an API key, a token, a password), which
    // set() never writes into the file: docs/models.md says the rule.
    static bool secretKey(const QString &key);

private:
    Status write(const QByteArray &text) const;

    QString m_path;
    QMap<QString, QString> m_file;
    QMap<QString, QString> m_commandLine;
    std::optional<Error> m_loadError;
};

} // namespace cabinet

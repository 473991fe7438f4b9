#pragma once

#include "Result.h"

#include <QMap>
#include <QObject>
#include <QString>

namespace cabinet {

class AuditLog;
class Database;
class EventBus;

// Configuration: config.yaml in the data directory (nested mappings are read
// as dotted keys), overridden by CABINET_* environment variables
// (log.level -> CABINET_LOG_LEVEL), overridden by the command line. set()
// changes one value in the file (atomically, its comments and layout kept)
// and audits the change.
class Config : public QObject {
    Q_OBJECT
public:
    Config(QString path, QMap<QString, QString> commandLine, QObject *parent = nullptr);

    Status load();
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

private:
    // config.yaml's text with `key` set to `value`, everything else kept.
    Result<QByteArray> withValue(const QString &key, const QString &value) const;
    Status write(const QByteArray &text) const;

    QString m_path;
    QMap<QString, QString> m_file;
    QMap<QString, QString> m_commandLine;
};

} // namespace cabinet

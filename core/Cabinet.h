#pragma once

#include "Clock.h"
#include "Result.h"

#include <QMap>
#include <QObject>
#include <QString>

#include <memory>

class QTimer;

namespace cabinet {

namespace ledger {
class Ledger;
}

class AuditCheckpointer;
class AuditLog;
class Config;
class DataDirectory;
class Database;
class EventBus;
class ScenarioRunner;

// The root object: owns and wires every service. The console, headless mode
// and the command line all build it the same way, through open().
class Cabinet : public QObject {
    Q_OBJECT
public:
    struct Options {
        QString dataDir;               // already resolved (DataDirectory::resolve)
        bool readOnly = false;         // no lock, no writes: audit verify / export
        std::shared_ptr<Clock> clock;  // SystemClock when null
        QMap<QString, QString> config; // command-line overrides
        // False: a config.yaml that does not load (Config::loadError()) does
        // not stop open(), for read-only work that reads no setting (audit
        // verify / export): a broken file must not block checking the trail.
        bool configRequired = true;
    };

    static Result<std::unique_ptr<Cabinet>> open(Options options);
    ~Cabinet() override;

    // Audits the start of the core; stop() (or the destructor) audits the stop.
    Status start();
    void stop();
    bool running() const { return m_running; }

    const QString &dataDir() const { return m_dataDirPath; }
    bool readOnly() const { return m_readOnly; }
    Database &database() const { return *m_db; }
    EventBus &events() const { return *m_events; }
    AuditLog &audit() const { return *m_audit; }
    Config &config() const { return *m_config; }
    ScenarioRunner &scenarios() const { return *m_scenarios; }
    ledger::Ledger &ledger() const { return *m_ledger; }
    const Clock &clock() const { return *m_clock; }

    // Operating mode: autonomous, supervised, manual or paused.
    QString operatingMode() const;

    // "operator:<login>" for actions taken by the person at this terminal.
    static QString localOperator();

private:
    Cabinet() = default;
    void sweepExpiredTransfers();

    QString m_dataDirPath;
    bool m_readOnly = false;
    bool m_running = false;
    std::shared_ptr<Clock> m_clock;
    std::unique_ptr<DataDirectory> m_dataDir;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<EventBus> m_events;
    std::unique_ptr<AuditLog> m_audit;
    std::unique_ptr<AuditCheckpointer> m_auditCheckpointer; // signs the trail's head (docs/data-directory.md)
    std::unique_ptr<Config> m_config;
    std::unique_ptr<ScenarioRunner> m_scenarios;
    std::unique_ptr<ledger::Ledger> m_ledger; // after the store, events and audit it writes through
    QTimer *m_ledgerExpiryTimer = nullptr;
};

} // namespace cabinet

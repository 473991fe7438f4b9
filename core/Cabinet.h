#pragma once

#include "Clock.h"
#include "Result.h"

#include <QMap>
#include <QObject>
#include <QString>

#include <memory>
#include <vector>

namespace cabinet {

namespace api {
class Dispatcher;
}
namespace orchestrator {
class AgentRegistry;
}

class AuditCheckpointer;
class AuditLog;
class Config;
class DataDirectory;
class Database;
class EventBus;
class Scheduler;
class Service;

// The root object: opens the data directory, builds the foundation (store,
// events, audit, configuration) and the services from one list, in
// dependency order, and runs their deadlines on one Scheduler. The console,
// headless mode and the command line all build it the same way, through
// open(), and act on it through api() (docs/api.md).
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

    // Starts the services in list order and audits the start; stop() (or the
    // destructor) stops them in reverse and audits the stop.
    Status start();
    void stop();
    bool running() const { return m_running; }

    const QString &dataDir() const { return m_dataDirPath; }
    bool readOnly() const { return m_readOnly; }
    Database &database() const { return *m_db; }
    EventBus &events() const { return *m_events; }
    AuditLog &audit() const { return *m_audit; }
    Config &config() const { return *m_config; }
    const Clock &clock() const { return *m_clock; }
    Scheduler &scheduler() const { return *m_scheduler; }
    // The catalogue of operations: the one way in for every face.
    api::Dispatcher &api() const { return *m_api; }
    // The agents in force (docs/agents.md): loaded at open(), again on agents.reload.
    orchestrator::AgentRegistry &agents() const { return *m_agents; }
    // Gives every agent in force its budget envelope with its file's caps
    // (caps set with budget.set live in the store and win: only missing
    // envelopes are created). At start and after agents.reload.
    Status openEnvelopes();

    // The service of type T from the list (the ledger, the scenario runner, ...).
    template <typename T> T &service() const
    {
        for (const auto &service : m_services) {
            if (auto *found = dynamic_cast<T *>(service.get()))
                return *found;
        }
        serviceMissing(typeid(T).name());
    }
    const std::vector<std::unique_ptr<Service>> &services() const { return m_services; }

    // Operating mode: autonomous, supervised, manual or paused.
    QString operatingMode() const;

    // The login of the person at this terminal ($CABINET_OPERATOR, else $USER).
    static QString localLogin();

private:
    Cabinet() = default;
    void buildServices();
    [[noreturn]] static void serviceMissing(const char *type);

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
    std::unique_ptr<Scheduler> m_scheduler;
    // In dependency order: each may use the ones before it.
    std::vector<std::unique_ptr<Service>> m_services;
    size_t m_started = 0; // services started, from the front of the list
    std::unique_ptr<api::Dispatcher> m_api;
    std::unique_ptr<orchestrator::AgentRegistry> m_agents;
};

} // namespace cabinet

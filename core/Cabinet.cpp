#include "Cabinet.h"

#include "Assert.h"
#include "api/ControlServer.h"
#include "api/Dispatcher.h"
#include "approvals/ApprovalService.h"
#include "approvals/Notifier.h"
#include "audit/AuditCheckpointService.h"
#include "audit/AuditCheckpointer.h"
#include "audit/AuditLog.h"
#include "audit/AuditWatch.h"
#include "board/ApprovalDeliberations.h"
#include "board/BoardRun.h"
#include "board/BoardService.h"
#include "pilot/PilotService.h"
#include "QuotedInput.h"
#include "config/Config.h"
#include "costs/BudgetSettings.h"
#include "costs/Budgets.h"
#include "costs/ModeStore.h"
#include "events/EventBus.h"
#include "events/EventRetention.h"
#include "ledger/Ledger.h"
#include "ledger/SqliteLedgerBackend.h"
#include "llm/Router.h"
#include "orchestrator/AgentRegistry.h"
#include "orchestrator/TaskQueue.h"
#include "orchestrator/WorkflowCatalog.h"
#include "orchestrator/WorkflowRunner.h"
#include "scenario/ScenarioRunner.h"
#include "server/TokenStore.h"
#include "service/Scheduler.h"
#include "service/Service.h"
#include "store/DataDirectory.h"
#include "store/Database.h"
#include "store/DirectoryIdentity.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcCore, "cabinet.core")

namespace cabinet {

Result<std::unique_ptr<Cabinet>> Cabinet::open(Options options)
{
    std::unique_ptr<Cabinet> cabinet(new Cabinet);
    cabinet->m_dataDirPath = options.dataDir;
    cabinet->m_readOnly = options.readOnly;
    cabinet->m_clock = options.clock ? options.clock : std::make_shared<SystemClock>();

    if (options.readOnly) {
        auto dir = DataDirectory::existing(options.dataDir);
        if (!dir)
            return dir.error();
    } else {
        auto dir = DataDirectory::acquire(options.dataDir);
        if (!dir)
            return dir.error();
        cabinet->m_dataDir = std::move(*dir);
    }

    auto db = DirectoryIdentity::openDatabase(options.dataDir, options.readOnly ? Database::Access::ReadOnly : Database::Access::ReadWrite);
    if (!db)
        return db.error();
    cabinet->m_db = std::move(*db);
    cabinet->m_events = std::make_unique<EventBus>(*cabinet->m_db, *cabinet->m_clock);
    cabinet->m_audit = std::make_unique<AuditLog>(*cabinet->m_db, *cabinet->m_events, *cabinet->m_clock);
    cabinet->m_auditCheckpointer = AuditCheckpointer::attach(options.dataDir, *cabinet->m_db, *cabinet->m_audit, *cabinet->m_events,
                                                             *cabinet->m_clock, options.readOnly);
    cabinet->m_config = std::make_unique<Config>(DataDirectory::configPath(options.dataDir), options.config);
    // A config.yaml that does not load is the data directory's state, not
    // the command's input: failed_precondition, whatever the parser said.
    if (auto loaded = cabinet->m_config->load(); !loaded && options.configRequired)
        return Error { ErrorCode::FailedPrecondition, loaded.error().message, loaded.error().field };
    cabinet->m_scheduler = std::make_unique<Scheduler>(*cabinet->m_clock);
    cabinet->m_api = std::make_unique<api::Dispatcher>(*cabinet);
    cabinet->buildServices();
    // Problems with agent files do not stop open(): they are reported by
    // agents.list and agents.check, and the other agents load.
    cabinet->m_agents = std::make_unique<orchestrator::AgentRegistry>();
    cabinet->m_agents->load(orchestrator::AgentRegistry::ShippedDir, cabinet->m_dataDirPath + QStringLiteral("/agents"),
                            cabinet->service<llm::Router>().settings());
    return cabinet;
}

// The one list of services, in dependency order. A new subsystem adds its
// line here; it is reached with service<T>() and its deadlines run on the
// scheduler once start() has started it.
void Cabinet::buildServices()
{
    Config &config = *m_config;
    m_services.push_back(std::make_unique<EventRetention>(*m_events, *m_clock, [&config] {
        // A value that is not a whole number keeps the default rather than
        // reading as 0, which would prune all but the last RetentionMin.
        const QString text = config.value(QStringLiteral("events.retention"), QString::number(EventBus::RetentionDefault));
        bool ok = false;
        const qint64 keep = text.toLongLong(&ok);
        if (!ok) {
            qCWarning(lcCore).noquote() << "events.retention:" << quoteInput(text)
                                        << "is not a whole number of events; keeping the default" << EventBus::RetentionDefault;
            return EventBus::RetentionDefault;
        }
        return keep;
    }));
    m_services.push_back(std::make_unique<AuditCheckpointService>(*m_auditCheckpointer));
    m_services.push_back(std::make_unique<AuditWatch>(*m_audit, *m_events, *m_clock));
    m_services.push_back(std::make_unique<ScenarioRunner>(*m_events));
    m_services.push_back(std::make_unique<llm::Router>(*m_clock, [&config] { return llm::loadRouterSettings(config); }, m_events.get()));
    m_services.push_back(std::make_unique<ledger::Ledger>(
            std::make_unique<ledger::SqliteLedgerBackend>(*m_db, *m_clock), *m_events, *m_audit));
    m_services.push_back(std::make_unique<costs::ModeStore>(*m_db, *m_events, *m_audit, *m_clock,
                                                           config.value(QStringLiteral("mode"), QLatin1String(costs::ModeStore::SeedDefault))));
    m_services.push_back(costs::makeBudgets(config, m_dataDirPath, service<ledger::Ledger>(), *m_db, *m_events, *m_audit, *m_clock));
    service<llm::Router>().setBudgetCheck(&service<costs::Budgets>());
    m_services.push_back(std::make_unique<orchestrator::TaskQueue>(*m_db, *m_events, *m_audit, *m_clock));
    // Before the approvals: their start's expiries are notified too.
    m_services.push_back(approvals::makeNotifier(config, m_dataDirPath, *m_db, *m_events, *m_clock));
    approvals::ApprovalService::Options approvalOptions;
    approvalOptions.mode = [this] { return operatingMode(); };
    approvalOptions.policyPath = m_dataDirPath + QStringLiteral("/tiers.yaml");
    approvalOptions.tasks = &service<orchestrator::TaskQueue>();
    approvalOptions.switchMode = [modes = &service<costs::ModeStore>()](Transaction &tx, const QString &mode, const QString &by, const QString &id) {
        return modes->switchIn(tx, mode, by, id);
    };
    m_services.push_back(std::make_unique<approvals::ApprovalService>(*m_db, *m_events, *m_audit, *m_clock, std::move(approvalOptions)));
    m_services.push_back(std::make_unique<board::BoardService>(*m_db, *m_events, *m_audit, *m_clock,
                                                               [this] { return board::boardPersonas(agents()); }));
    m_services.push_back(std::make_unique<board::ApprovalDeliberations>(*m_db, *m_events, *m_clock, service<board::BoardService>(), [this] {
        QStringList rules;
        for (const approvals::TierRule &rule : service<approvals::ApprovalService>().policy().rules())
            if (rule.deliberate)
                rules.append(rule.name);
        return rules;
    }));
    service<approvals::ApprovalService>().setOutbox([notifier = &service<approvals::Notifier>()](Transaction &tx, const approvals::ApprovalRequest &r,
                                                                                                 const QString &what) { return notifier->queue(tx, r, what); });
    m_services.push_back(std::make_unique<pilot::PilotService>(*m_db, *m_events, *m_audit, *m_clock, service<ledger::Ledger>(),
                                                               service<approvals::ApprovalService>()));
    // Asked at each refresh, after open() has loaded the agents.
    m_services.push_back(std::make_unique<orchestrator::WorkflowCatalog>(m_dataDirPath, [this] {
        const QStringList names = agents().names();
        return QSet<QString>(names.begin(), names.end());
    }));
    m_services.push_back(std::make_unique<orchestrator::WorkflowRunner>(*this, orchestrator::WorkflowRunner::workersSetting(config)));
    m_services.push_back(std::make_unique<server::TokenStore>(*m_db, *m_events, *m_audit, *m_clock, m_dataDirPath));
    // Last: calls arrive once everything they reach has started.
    m_services.push_back(std::make_unique<api::ControlServer>(*m_api, m_dataDirPath));
}

Cabinet::~Cabinet()
{
    stop();
    // In reverse: a service may use the ones before it until it goes.
    while (!m_services.empty())
        m_services.pop_back();
}

void Cabinet::serviceMissing(const char *type)
{
    CABINET_ASSERT_MSG(false, "no service of type %s in the list", type);
    std::abort();
}

Status Cabinet::start()
{
    if (m_running)
        return {};
    if (m_readOnly)
        return Error { ErrorCode::FailedPrecondition, QStringLiteral("the core cannot start on a read-only data directory") };
    const QJsonObject details { { QStringLiteral("data_dir"), m_dataDirPath },
                                { QStringLiteral("version"), QCoreApplication::applicationVersion() },
                                { QStringLiteral("pid"), QCoreApplication::applicationPid() },
                                { QStringLiteral("schema_version"), m_db->schemaVersion() } };
    {
        auto tx = m_db->begin();
        if (!tx)
            return tx.error();
        if (auto entry = m_audit->append(*tx, QStringLiteral("system:core"), QStringLiteral("core.start"), m_dataDirPath, details); !entry)
            return entry.error();
        if (auto event = m_events->append(*tx, events::CoreStarted, details); !event)
            return event.error();
        if (auto status = tx->commit(); !status)
            return status;
    }
    for (; m_started < m_services.size(); ++m_started) {
        Service &service = *m_services[m_started];
        if (auto status = service.start(); !status) {
            const Error error { status.error().code,
                                QStringLiteral("cannot start %1: %2").arg(service.name(), status.error().message) };
            m_running = true; // so stop() audits the stop of what did start
            stop();
            return error;
        }
        m_scheduler->add(service);
    }
    m_running = true;
    // Not a reason to stop the core: agents without an envelope are refused
    // their calls, and budget.show says which have one.
    if (auto opened = openEnvelopes(); !opened)
        qCWarning(lcCore).noquote() << "the agents' budget envelopes could not be opened:" << opened.error().message;
    qCInfo(lcCore).noquote() << "core started on" << m_dataDirPath;
    return {};
}

Status Cabinet::openEnvelopes()
{
    std::vector<costs::EnvelopeCaps> caps;
    for (const orchestrator::AgentDefinition &agent : m_agents->all())
        caps.push_back({ agent.name, agent.dailyBudgetMicroUsd, agent.perCallBudgetMicroUsd });
    return service<costs::Budgets>().setEnvelopes(caps);
}

void Cabinet::stop()
{
    if (!m_running)
        return;
    m_running = false;
    auto tx = m_db->begin();
    if (tx) {
        if (auto event = m_events->append(*tx, events::CoreStopping, { { QStringLiteral("data_dir"), m_dataDirPath } }); event)
            (void)tx->commit();
    }
    while (m_started > 0) {
        Service &service = *m_services[--m_started];
        m_scheduler->remove(service);
        service.stop();
    }
    auto entry = m_audit->record(QStringLiteral("system:core"), QStringLiteral("core.stop"), m_dataDirPath);
    if (!entry)
        qCWarning(lcCore).noquote() << "could not audit the stop:" << entry.error().message;
    m_auditCheckpointer->checkpointAtStop();
    qCInfo(lcCore).noquote() << "core stopped";
}

QString Cabinet::operatingMode() const
{
    return service<costs::ModeStore>().mode();
}

QString Cabinet::localLogin()
{
    QString login = qEnvironmentVariable("CABINET_OPERATOR");
    if (login.isEmpty())
        login = qEnvironmentVariable("USER", QStringLiteral("unknown"));
    return login;
}

} // namespace cabinet

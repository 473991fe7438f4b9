#include "Cabinet.h"

#include "audit/AuditCheckpointer.h"
#include "audit/AuditLog.h"
#include "config/Config.h"
#include "events/EventBus.h"
#include "ledger/Ledger.h"
#include "ledger/SqliteLedgerBackend.h"
#include "scenario/ScenarioRunner.h"
#include "store/DataDirectory.h"
#include "store/Database.h"
#include "store/DirectoryIdentity.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QTimer>

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
    cabinet->m_scenarios = std::make_unique<ScenarioRunner>(*cabinet->m_events);
    cabinet->m_ledger = std::make_unique<ledger::Ledger>(
            std::make_unique<ledger::SqliteLedgerBackend>(*cabinet->m_db, *cabinet->m_clock), *cabinet->m_events,
            *cabinet->m_audit);
    cabinet->m_config = std::make_unique<Config>(DataDirectory::configPath(options.dataDir), options.config);
    if (auto loaded = cabinet->m_config->load(); !loaded && options.configRequired)
        return loaded.error();
    return cabinet;
}

Cabinet::~Cabinet()
{
    stop();
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
    auto entry = m_audit->record(QStringLiteral("system"), QStringLiteral("core.start"), m_dataDirPath, details);
    if (!entry)
        return entry.error();
    m_running = true;
    // Pending ledger transfers expire by the clock. A post or void already
    // refuses an expired one; the sweep releases its reserved amounts.
    m_ledgerExpiryTimer = new QTimer(this);
    m_ledgerExpiryTimer->setInterval(1000);
    connect(m_ledgerExpiryTimer, &QTimer::timeout, this, &Cabinet::sweepExpiredTransfers);
    m_ledgerExpiryTimer->start();
    qCInfo(lcCore).noquote() << "core started on" << m_dataDirPath;
    return {};
}

void Cabinet::stop()
{
    if (!m_running)
        return;
    m_running = false;
    delete std::exchange(m_ledgerExpiryTimer, nullptr);
    auto entry = m_audit->record(QStringLiteral("system"), QStringLiteral("core.stop"), m_dataDirPath);
    if (!entry)
        qCWarning(lcCore).noquote() << "could not audit the stop:" << entry.error().message;
    m_auditCheckpointer->checkpointAtStop();
    qCInfo(lcCore).noquote() << "core stopped";
}

void Cabinet::sweepExpiredTransfers()
{
    if (auto swept = m_ledger->expirePending(); !swept)
        qCWarning(lcCore).noquote() << "ledger expiry sweep failed:" << swept.error().message;
}

QString Cabinet::operatingMode() const
{
    return m_config->value(QStringLiteral("mode"), QStringLiteral("supervised"));
}

QString Cabinet::localOperator()
{
    QString login = qEnvironmentVariable("CABINET_OPERATOR");
    if (login.isEmpty())
        login = qEnvironmentVariable("USER", QStringLiteral("unknown"));
    return QStringLiteral("operator:") + login;
}

} // namespace cabinet

#pragma once

#include "audit/AuditCheckpointer.h"
#include "service/Service.h"

#include <QLoggingCategory>

#include <limits>

Q_DECLARE_LOGGING_CATEGORY(lcCheckpoints) // defined in AuditCheckpointer.cpp

namespace cabinet {

// Runs the checkpointer's time rule on the scheduler: the trail's head is
// signed once EveryNs has passed with entries unsigned. No stop(): Cabinet
// signs at its stop after the core.stop entry exists, which is later than
// services stop.
class AuditCheckpointService final : public Service {
public:
    explicit AuditCheckpointService(AuditCheckpointer &checkpointer) : m_checkpointer(checkpointer) { }

    QString name() const override { return QStringLiteral("audit.checkpoints"); }
    std::optional<qint64> nextDeadlineNs() override
    {
        const qint64 due = m_checkpointer.nextDueNs();
        if (due == std::numeric_limits<qint64>::max())
            return std::nullopt; // read-only: it never signs
        return due;
    }
    void runDue(qint64 nowNs) override
    {
        if (auto signedNow = m_checkpointer.checkpointIfDue(nowNs); !signedNow)
            qCWarning(lcCheckpoints).noquote() << "cannot sign an audit checkpoint:" << signedNow.error().message;
    }

private:
    AuditCheckpointer &m_checkpointer;
};

} // namespace cabinet

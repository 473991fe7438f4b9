#pragma once

// The credit terminal: verifies an attestation (the attestor's signature,
// its freshness, single use) and turns it into a pending transfer
// participant -> anchor escrow on ledger 2, with a timeout and the order's
// id in user_data_128. The ledger then decides whether the credits are there.
#include "pilot/Attestor.h"
#include "ledger/LedgerTypes.h"

#include <QSet>

#include <variant>

namespace cabinet::pilot {

enum class TerminalRefusal { BadAttestation, Stale, AlreadyUsed };
inline constexpr TerminalRefusal AllTerminalRefusals[] = { TerminalRefusal::BadAttestation, TerminalRefusal::Stale, TerminalRefusal::AlreadyUsed };
// "bad_attestation", "stale_attestation", "attestation_used".
QString terminalRefusalName(TerminalRefusal reason);

// The ledger's own timeout on a hold, in seconds of the ledger's clock: a
// backstop only. The pilot voids a hold that its simulated day did not
// deliver in time itself; a run stopped half way leaves holds that the
// ledger's sweep returns to their participants at this timeout.
inline constexpr quint32 HoldLedgerTimeoutSeconds = 24 * 3600;

class CreditTerminal {
public:
    CreditTerminal(const PilotParams &params, quint32 run, const PublicKey &attestorKey);

    std::variant<ledger::Transfer, TerminalRefusal> present(const Attestation &attestation, qint64 nowMs);

private:
    PilotParams m_params;
    quint32 m_run;
    PublicKey m_attestorKey;
    QSet<quint64> m_used; // the orders' indexes (the low bits of their ids)
};

} // namespace cabinet::pilot

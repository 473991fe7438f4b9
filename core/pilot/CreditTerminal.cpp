#include "pilot/CreditTerminal.h"

namespace cabinet::pilot {

QString terminalRefusalName(TerminalRefusal reason)
{
    switch (reason) {
    case TerminalRefusal::BadAttestation: return QStringLiteral("bad_attestation");
    case TerminalRefusal::Stale: return QStringLiteral("stale_attestation");
    case TerminalRefusal::AlreadyUsed: return QStringLiteral("attestation_used");
    }
    return {};
}

CreditTerminal::CreditTerminal(const PilotParams &params, quint32 run, const PublicKey &attestorKey)
    : m_params(params), m_run(run), m_attestorKey(attestorKey)
{
}

std::variant<ledger::Transfer, TerminalRefusal> CreditTerminal::present(const Attestation &attestation, qint64 nowMs)
{
    // Only the attestor's orders of this run: an id of another run's, or
    // altered, fails the signature or this.
    if (quint64(attestation.orderId >> 64) != ((IdTag << 32) | m_run) || !verify(m_attestorKey, attestation.signedBytes(), attestation.signature))
        return TerminalRefusal::BadAttestation;
    if (nowMs < attestation.issuedMs || nowMs - attestation.issuedMs > m_params.attestationFreshMs)
        return TerminalRefusal::Stale;
    const quint64 order = quint64(attestation.orderId) & IndexMax;
    if (m_used.contains(order))
        return TerminalRefusal::AlreadyUsed;
    m_used.insert(order);

    ledger::Transfer hold;
    hold.id = pilotId(m_run, IdKind::HoldTransfer, order);
    hold.debit_account_id = pilotId(m_run, IdKind::ParticipantAccount, quint64(attestation.participant));
    hold.credit_account_id = pilotId(m_run, IdKind::EscrowAccount);
    hold.amount = u128(attestation.amountUnits);
    hold.user_data_128 = attestation.orderId;
    hold.user_data_64 = quint64(nowMs);
    hold.timeout = HoldLedgerTimeoutSeconds;
    hold.ledger = PilotLedger;
    hold.code = PilotCode::Hold;
    hold.flags = ledger::TransferFlag::Pending;
    return hold;
}

} // namespace cabinet::pilot

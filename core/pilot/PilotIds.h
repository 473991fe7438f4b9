#pragma once

// Ledger ids and codes of the pilot (docs/pilot.md). Every id carries the
// run's number, so runs with the same seed never collide and their
// reports stay identical: high 64 bits 'PILT' and the run number, low 64
// bits the kind and an index.
#include "ledger/LedgerTypes.h"

namespace cabinet::pilot {

using ledger::u128;

// Pilot credits live on ledger 2 and nowhere else; ledger 1 is USD.
inline constexpr ledger::u32 PilotLedger = 2;

enum class IdKind : quint8 {
    IssuerAccount = 1,
    ParticipantAccount = 2,
    EscrowAccount = 3,
    FulfilledAccount = 4,
    IssueTransfer = 11,  // issuer -> participant, the day's grant
    HoldTransfer = 12,   // participant -> escrow, pending
    PostTransfer = 13,   // posts the hold (a partial post for a partial fill)
    PayoutTransfer = 14, // escrow -> fulfilled, linked with the post
    VoidTransfer = 15,   // voids the hold
    Order = 20,          // an order's id, in user_data_128
};

// Account and transfer codes, for a ledger view to tell pilot rows apart.
namespace PilotCode {
enum : ledger::u16 { Issuer = 1601, Participant = 1602, Escrow = 1603, Fulfilled = 1604, Issue = 1611, Hold = 1612, Payout = 1613 };
}

inline constexpr quint64 IdTag = 0x50494C54; // "PILT"
inline constexpr quint64 IndexMax = (quint64(1) << 56) - 1;

inline u128 pilotId(quint32 run, IdKind kind, quint64 index = 0)
{
    return (u128((IdTag << 32) | run) << 64) | (u128(quint64(kind)) << 56) | u128(index & IndexMax);
}

} // namespace cabinet::pilot

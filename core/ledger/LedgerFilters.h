#pragma once

#include "ledger/LedgerTypes.h"

#include <algorithm>

namespace cabinet::ledger {

// Filter validation (TigerBeetle's get_scan_from_account_filter and
// get_scan_from_query_filter). An invalid filter gives an empty result, not
// an error.
inline bool timestampBoundValid(u64 timestamp) { return timestamp == 0 || timestamp <= TimestampMax; }

inline bool isValid(const AccountFilter &filter)
{
    return filter.account_id != 0 && filter.account_id != U128Max && timestampBoundValid(filter.timestamp_min)
           && timestampBoundValid(filter.timestamp_max)
           && (filter.timestamp_max == 0 || filter.timestamp_min <= filter.timestamp_max) && filter.limit != 0
           && (filter.flags & (AccountFilterFlag::Debits | AccountFilterFlag::Credits)) != 0
           && (filter.flags & ~AccountFilterFlag::Known) == 0
           && std::all_of(std::begin(filter.reserved), std::end(filter.reserved), [](quint8 b) { return b == 0; });
}

inline bool isValid(const QueryFilter &filter)
{
    return timestampBoundValid(filter.timestamp_min) && timestampBoundValid(filter.timestamp_max)
           && (filter.timestamp_max == 0 || filter.timestamp_min <= filter.timestamp_max) && filter.limit != 0
           && (filter.flags & ~QueryFilterFlag::Known) == 0
           && std::all_of(std::begin(filter.reserved), std::end(filter.reserved), [](quint8 b) { return b == 0; });
}

// Inclusive bounds with 0 meaning "unbounded".
inline u64 timestampFrom(u64 timestampMin) { return timestampMin == 0 ? 1 : timestampMin; }
inline u64 timestampTo(u64 timestampMax) { return timestampMax == 0 ? TimestampMax : timestampMax; }
// TigerBeetle's state machine clamps what its clients would refuse.
inline u32 clampedLimit(u32 limit) { return std::min(limit, BatchMax); }

} // namespace cabinet::ledger

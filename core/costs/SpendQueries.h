#pragma once

// The sums over the spend records that the budgets decide on, in one place
// so a test can ask SQLite how it runs each (EXPLAIN QUERY PLAN) and every
// sum counts a record the same way (docs/costs.md, "Controls").
namespace cabinet::costs::sql {

// What the budgets count since ?1, for the global daily and monthly
// budgets: a posted call and one whose reservation expired before its post
// (real spend the ledger never saw) at their cost; a call in flight, and one
// whose process died before the post (its outcome unknown), at what was
// reserved for it, the most it can have cost within its reservation.
inline constexpr const char *SpentSince =
        "SELECT COALESCE(SUM(CASE WHEN outcome IN ('pending', 'unknown') THEN reserved_micros ELSE cost_micros END), 0) "
        "FROM spend_records WHERE created_ns >= ?1 AND outcome IN ('pending', 'posted', 'unknown', 'expired')";
// The same for one task ?1, for the per-task budget (`task <> ''` lets
// SQLite use the partial index spend_records_task).
inline constexpr const char *TaskSpent =
        "SELECT COALESCE(SUM(CASE WHEN outcome IN ('pending', 'unknown') THEN reserved_micros ELSE cost_micros END), 0) "
        "FROM spend_records WHERE task = ?1 AND task <> '' AND outcome IN ('pending', 'posted', 'unknown', 'expired')";
// What agent ?1 spent since ?2: the alerts and budget.show.
inline constexpr const char *AgentSpentSince =
        "SELECT COALESCE(SUM(cost_micros), 0) FROM spend_records WHERE agent = ?1 AND created_ns >= ?2 "
        "AND outcome IN ('posted', 'unknown', 'expired')";
// Velocity: agent ?1's spend in the window from ?2, and with the trailing
// span from ?3 before it (the window's, the span's and the first record's time).
inline constexpr const char *VelocityWindow =
        "SELECT COALESCE(SUM(cost_micros), 0) FROM spend_records WHERE created_ns >= ?2 AND agent = ?1 AND cost_micros IS NOT NULL";
inline constexpr const char *VelocityTrailing =
        "SELECT COALESCE(SUM(CASE WHEN created_ns >= ?2 THEN cost_micros END), 0), "
        "COALESCE(SUM(CASE WHEN created_ns < ?2 THEN cost_micros END), 0), MIN(created_ns) "
        "FROM spend_records WHERE agent = ?1 AND created_ns >= ?3 AND cost_micros IS NOT NULL";

} // namespace cabinet::costs::sql

-- Indexes for the budgets' sums over the spend records (docs/costs.md,
-- core/costs/SpendQueries.h): after each settle the alerts and the velocity
-- check sum one agent's records over a span of time, and a reservation for
-- a task not yet tracked sums that task's records. Without them each read
-- the whole day (or table) of records.
CREATE INDEX spend_records_agent_created ON spend_records(agent, created_ns);
-- Most calls name a task; those that do not ('') are never summed by task.
CREATE INDEX spend_records_task ON spend_records(task) WHERE task <> '';

-- The orchestrator's task queue (docs/orchestrator.md). Every change to a
-- row commits with its task.* event, and operator actions with their audit
-- entry, in one transaction (core/orchestrator/TaskQueue.cpp).
CREATE TABLE tasks (
    seq               INTEGER PRIMARY KEY,          -- insertion order
    id                TEXT    NOT NULL UNIQUE,      -- a ULID: sorts by submit time
    workflow          TEXT    NOT NULL,
    title             TEXT    NOT NULL,
    input             TEXT    NOT NULL,             -- a JSON object, numbers as given
    idempotency_key   TEXT,
    state             TEXT    NOT NULL CHECK (state IN ('pending', 'claimed', 'running', 'awaiting_approval',
                                                        'review', 'done', 'failed', 'cancelled')),
    paused            INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
    attempts          INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),   -- failures the work reported
    max_attempts      INTEGER NOT NULL CHECK (max_attempts >= 1),
    backoff_base_ms   INTEGER NOT NULL CHECK (backoff_base_ms >= 0),
    lease_losses      INTEGER NOT NULL DEFAULT 0,   -- leases lost to dead workers (not attempts)
    claims            INTEGER NOT NULL DEFAULT 0,   -- times claimed: the lease's token
    not_before_ns     INTEGER NOT NULL,             -- not claimed before (a backoff)
    lease_expires_ns  INTEGER,                      -- NULL: no lease
    lease_worker      TEXT,
    lease_owner       TEXT,                         -- the worker's process: "<boot id>/<pid>/<start ticks>"
    last_error        TEXT,
    result            TEXT,                         -- the worker's result, JSON
    submitted_by      TEXT    NOT NULL,             -- the Actor
    created_ns        INTEGER NOT NULL,
    updated_ns        INTEGER NOT NULL,
    -- Only a claimed or running task holds a lease, and it always does.
    CHECK ((lease_expires_ns IS NOT NULL) = (state IN ('claimed', 'running'))),
    CHECK ((lease_expires_ns IS NULL) = (lease_owner IS NULL))
);

-- An idempotency key names one task, whoever submits it, however often.
CREATE UNIQUE INDEX tasks_idempotency ON tasks(idempotency_key) WHERE idempotency_key IS NOT NULL;
-- Listing by state, paged by id.
CREATE INDEX tasks_by_state ON tasks(state, id);
-- What a claim takes: pending, not paused, whose backoff has ended, oldest first.
CREATE INDEX tasks_claimable ON tasks(not_before_ns, seq) WHERE state = 'pending' AND paused = 0;
-- The soonest lease to expire: the queue's deadline on the scheduler.
CREATE INDEX tasks_leases ON tasks(lease_expires_ns) WHERE lease_expires_ns IS NOT NULL;

-- How many tasks are in each state, kept in the same transactions as the
-- tasks: the queue's depth limits and the board's column counts, without a
-- scan.
CREATE TABLE task_counts (
    state  TEXT    PRIMARY KEY,
    count  INTEGER NOT NULL CHECK (count >= 0)
) WITHOUT ROWID;
INSERT INTO task_counts(state, count) VALUES
    ('pending', 0), ('claimed', 0), ('running', 0), ('awaiting_approval', 0),
    ('review', 0), ('done', 0), ('failed', 0), ('cancelled', 0);

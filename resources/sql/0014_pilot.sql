-- SOVR Day-0 pilot runs (docs/pilot.md). A row is written as the run
-- starts, with its pilot.run_started event and the caller's audit entry,
-- and finished with its report; its id is the run number every ledger id
-- of the run carries (core/pilot/PilotIds.h). One run per go-live approval.
CREATE TABLE pilot_runs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: a run's ledger ids stay its own
    approval_id  TEXT    NOT NULL UNIQUE,
    started_by   TEXT    NOT NULL,                  -- the Actor
    started_ns   INTEGER NOT NULL,
    finished_ns  INTEGER NOT NULL DEFAULT 0,        -- 0 while running
    state        TEXT    NOT NULL CHECK (state IN ('running', 'finished', 'failed')),
    params       TEXT    NOT NULL,                  -- JSON, as pilot.prepare took them
    report       TEXT    NOT NULL DEFAULT '{}',     -- JSON, the same for the same params
    performance  TEXT    NOT NULL DEFAULT '{}',     -- JSON, wall-clock figures of this run
    error        TEXT    NOT NULL DEFAULT ''
);

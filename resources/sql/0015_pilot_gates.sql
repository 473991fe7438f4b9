-- The SOVR pilot's gates (docs/pilot.md): every gate's result with its
-- checks and evidence, written with its pilot.gate_checked event and the
-- caller's audit entry; the go-live and each gate read the newest of the
-- gates before them. Gate 3's dry run is a pilot run of its own kind: its
-- run number keeps its ledger ids apart from every day's, and as it has no
-- go-live its approval_id is "dry-run-" and a UUID.
ALTER TABLE pilot_runs ADD COLUMN kind TEXT NOT NULL DEFAULT 'day' CHECK (kind IN ('day', 'dry_run'));

CREATE TABLE pilot_gates (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    gate        INTEGER NOT NULL CHECK (gate BETWEEN 1 AND 3),
    passed      INTEGER NOT NULL CHECK (passed IN (0, 1)),
    checks      TEXT    NOT NULL,                 -- JSON: [{name, passed, evidence, reason}]
    checked_by  TEXT    NOT NULL,                 -- the Actor
    checked_ns  INTEGER NOT NULL,
    dry_run     INTEGER REFERENCES pilot_runs (id) -- gate 3's run
);
CREATE INDEX pilot_gates_newest ON pilot_gates (gate, id);

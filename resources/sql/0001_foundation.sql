-- Foundation: migrations, the event outbox and the hash-chained audit trail.
CREATE TABLE schema_migrations (
    version        INTEGER PRIMARY KEY,
    name           TEXT    NOT NULL,
    applied_at_ms  INTEGER NOT NULL
);

-- The outbox: an event is written in the same transaction as the change it
-- reports and published in process after COMMIT. AUTOINCREMENT: a sequence
-- number is never reused, so subscribers can resume from one.
CREATE TABLE events (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    time_ms  INTEGER NOT NULL,
    type     TEXT    NOT NULL,
    payload  TEXT    NOT NULL
);

CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY,
    time_ms    INTEGER NOT NULL,
    actor      TEXT    NOT NULL,
    action     TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    payload    TEXT    NOT NULL,
    prev_hash  BLOB    NOT NULL,
    hash       BLOB    NOT NULL
);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit entries are append-only');
END;

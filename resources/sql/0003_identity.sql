-- Which data directory this database belongs to (docs/data-directory.md).
-- The same id is kept in cabinet.id beside the database; a database, or a
-- WAL replayed onto it, that carries another one is refused. The id is made
-- here, in the migration's own transaction, so every database at schema 3 or
-- later has exactly one such row, whether it was created now or is an older
-- one being upgraded.
--
-- write_count is raised by every write transaction (Database::begin), so
-- every commit in a WAL writes this row's page: a WAL without that page, or
-- with another directory's id on it, was not written for this database,
-- whichever other pages it holds.
CREATE TABLE data_directory (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    directory_id   TEXT    NOT NULL CHECK (length(directory_id) = 32),
    created_at_ms  INTEGER NOT NULL,
    write_count    INTEGER NOT NULL
);
INSERT INTO data_directory(id, directory_id, created_at_ms, write_count)
VALUES (1, lower(hex(randomblob(16))), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER), 0);

CREATE TRIGGER data_directory_fixed BEFORE UPDATE OF id, directory_id, created_at_ms ON data_directory
BEGIN
    SELECT RAISE(ABORT, 'a data directory keeps its identity');
END;

CREATE TRIGGER data_directory_no_delete BEFORE DELETE ON data_directory
BEGIN
    SELECT RAISE(ABORT, 'a data directory keeps its identity');
END;

-- API tokens for the headless server (docs/server.md). Only a keyed hash of
-- a token is kept (libsodium crypto_generichash, the key in
-- <data-dir>/api-token.key, mode 0600): the token itself is shown once, when
-- it is made. A revoked token stays, so its name is not reused and the audit
-- trail's token:<name> keeps meaning one token.
CREATE TABLE api_tokens (
    name          TEXT    PRIMARY KEY,
    role          TEXT    NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
    hash          BLOB    NOT NULL UNIQUE,
    created_by    TEXT    NOT NULL,
    created_ns    INTEGER NOT NULL,
    expires_ns    INTEGER NOT NULL,               -- 0: never
    revoked_ns    INTEGER NOT NULL DEFAULT 0,     -- 0: in force
    revoked_by    TEXT    NOT NULL DEFAULT ''
);

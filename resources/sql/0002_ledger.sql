-- The embedded ledger (core/ledger, docs/ledger.md): TigerBeetle's accounts
-- and transfers. 128-bit values are 16-byte big-endian BLOBs, so byte order
-- is numeric order, and NULL for 0 (the usual pending_id and user_data_128:
-- a byte in the row instead of seventeen, and outside the partial indexes);
-- 64-bit values are INTEGERs holding the same 64 bits (user_data_64 may read
-- back negative in SQL, never in the ledger).
--
-- Every object is keyed by its cluster timestamp (unique across accounts and
-- transfers): tables are rowid tables in timestamp order, so a batch appends
-- at the end of the B-tree instead of writing pages all over the file.

CREATE TABLE ledger_accounts (
    timestamp        INTEGER PRIMARY KEY,
    id               BLOB    NOT NULL UNIQUE,
    user_data_128    BLOB,
    user_data_64     INTEGER NOT NULL,
    user_data_32     INTEGER NOT NULL,
    reserved         INTEGER NOT NULL,
    ledger           INTEGER NOT NULL,
    code             INTEGER NOT NULL,
    flags            INTEGER NOT NULL  -- as created; where a journal replay starts
);
-- What transfers change, apart from what never does: a batch rewrites one
-- narrow row per account it moved, not the whole account. `balances` is 64
-- bytes: debits_pending, debits_posted, credits_pending, credits_posted,
-- 16 bytes each, big-endian. `flags` is the account's flags now (`closed`
-- follows closing transfers).
CREATE TABLE ledger_account_state (
    timestamp        INTEGER PRIMARY KEY, -- the account's
    balances         BLOB    NOT NULL,
    flags            INTEGER NOT NULL
);
-- query_accounts: accounts are few and written rarely, so index every field.
CREATE INDEX ledger_accounts_user_data_128 ON ledger_accounts(user_data_128, timestamp) WHERE user_data_128 IS NOT NULL;
CREATE INDEX ledger_accounts_user_data_64 ON ledger_accounts(user_data_64, timestamp) WHERE user_data_64 != 0;
CREATE INDEX ledger_accounts_user_data_32 ON ledger_accounts(user_data_32, timestamp) WHERE user_data_32 != 0;
CREATE INDEX ledger_accounts_ledger ON ledger_accounts(ledger, timestamp);
CREATE INDEX ledger_accounts_code ON ledger_accounts(code, timestamp);

-- Transfers, immutable. The journal is this table in timestamp order plus
-- ledger_expiries. Accounts are referred to by their timestamp (8 bytes, not
-- 16).
--
-- `epoch` = (number of transfers before this one) / 65536. Per-account and
-- per-user_data lookups are kept per epoch, so what a batch adds lands in
-- one bounded region (the current epoch's) instead of on one page per
-- account: with 10,000 accounts a plain (account, timestamp) index dirties
-- ~8,000 pages per batch and insert speed falls to a third by 1M transfers
-- (docs/performance.md). A query walks the epochs of its time range.
CREATE TABLE ledger_transfers (
    timestamp        INTEGER PRIMARY KEY,
    id               BLOB    NOT NULL,
    debit_account    INTEGER NOT NULL, -- ledger_accounts.timestamp
    credit_account   INTEGER NOT NULL,
    amount           BLOB,
    pending_id       BLOB,
    user_data_128    BLOB,
    user_data_64     INTEGER NOT NULL,
    user_data_32     INTEGER NOT NULL,
    timeout          INTEGER NOT NULL,
    ledger           INTEGER NOT NULL,
    code             INTEGER NOT NULL,
    flags            INTEGER NOT NULL,
    epoch            INTEGER NOT NULL
);
CREATE UNIQUE INDEX ledger_transfers_id ON ledger_transfers(id);
-- The one query-filter index on transfers (a secondary id is the common
-- query). It alone costs about a quarter of the insert rate when every
-- transfer has a user_data_128, so user_data_64/32, ledger and code walk the
-- time range instead (docs/performance.md).
CREATE INDEX ledger_transfers_user_data_128 ON ledger_transfers(epoch, user_data_128, timestamp)
    WHERE user_data_128 IS NOT NULL;

-- Each account's transfers, per epoch (get_account_transfers): the
-- timestamps of the transfers that debit it and of those that credit it, 8
-- bytes each, big-endian, in order. A batch appends to one row per account
-- it moved (128 rows a statement), which costs a fifth less per transfer
-- than two index entries on ledger_transfers (docs/performance.md).
CREATE TABLE ledger_postings (
    epoch            INTEGER NOT NULL,
    account          INTEGER NOT NULL, -- ledger_accounts.timestamp
    debits           BLOB    NOT NULL,
    credits          BLOB    NOT NULL,
    PRIMARY KEY (epoch, account)
) WITHOUT ROWID;

-- First transfer timestamp of each epoch, to map a time range to epochs.
CREATE TABLE ledger_epochs (
    epoch            INTEGER PRIMARY KEY,
    timestamp_first  INTEGER NOT NULL
);

-- The state of every pending transfer (TigerBeetle's transfers_pending).
CREATE TABLE ledger_pending (
    timestamp        INTEGER PRIMARY KEY, -- the pending transfer's
    status           INTEGER NOT NULL,    -- 1 pending, 2 posted, 3 voided, 4 expired
    expires_at       INTEGER NOT NULL     -- ns; 0 = never
);
CREATE INDEX ledger_pending_open ON ledger_pending(timestamp) WHERE status = 1;

-- Expiries: no transfer is written, but each one consumes a timestamp and is
-- a journal record.
CREATE TABLE ledger_expiries (
    timestamp          INTEGER PRIMARY KEY,
    pending_timestamp  INTEGER NOT NULL UNIQUE
);

-- Balances after each transfer, for accounts with flags.history
-- (get_account_balances). 64 bytes a side: debits_pending, debits_posted,
-- credits_pending, credits_posted; NULL for a side without history.
CREATE TABLE ledger_balances (
    timestamp        INTEGER PRIMARY KEY, -- the transfer's
    debit_balance    BLOB,
    credit_balance   BLOB
);

-- Ids of transfers that failed with a transient error (id_already_failed).
CREATE TABLE ledger_orphans (
    id               BLOB PRIMARY KEY
) WITHOUT ROWID;

-- last_timestamp: the newest timestamp handed out, so a failed batch's
-- slots are never reused after a restart. transfer_count: for the epochs.
CREATE TABLE ledger_meta (
    key              TEXT PRIMARY KEY,
    value            INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO ledger_meta(key, value) VALUES ('last_timestamp', 0), ('transfer_count', 0);

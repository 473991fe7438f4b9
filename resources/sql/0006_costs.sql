-- Costs and budgets (docs/costs.md). The money itself is in the ledger
-- (ledger 1, micro-USD); these tables hold what the ledger does not: the
-- agents' caps, the refills done, every model call's spend record, the
-- alerts fired and the operating mode.

-- One budget envelope per agent. Caps set with 'cabinet budget set' live
-- here and win over the agent file's defaults at restart.
CREATE TABLE cost_envelopes (
    agent                TEXT    PRIMARY KEY,
    daily_cap_micros     INTEGER NOT NULL CHECK (daily_cap_micros >= 0),
    per_call_cap_micros  INTEGER CHECK (per_call_cap_micros IS NULL OR per_call_cap_micros >= 0), -- NULL: none
    set_by               TEXT    NOT NULL,   -- the Actor that set the caps
    updated_ns           INTEGER NOT NULL,
    -- Velocity detection paused it; only an operator resumes it.
    paused               INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
    paused_reason        TEXT
);

-- The daily refill: the last period (a day in the configured time zone,
-- starting at the configured boundary) whose refill ran.
CREATE TABLE cost_refills (
    period  TEXT    PRIMARY KEY,             -- YYYY-MM-DD
    at_ns   INTEGER NOT NULL
);

-- Every model call's spend record. Written with its reservation in the
-- ledger batch's transaction, settled with its post or void in the next.
CREATE TABLE spend_records (
    id                  INTEGER PRIMARY KEY,
    agent               TEXT    NOT NULL,
    task                TEXT    NOT NULL DEFAULT '',
    node                TEXT    NOT NULL DEFAULT '',
    attempt             INTEGER NOT NULL DEFAULT 0,
    alias               TEXT    NOT NULL,
    model_asked         TEXT    NOT NULL,    -- provider/model the alias named
    model_served        TEXT,                -- as the provider answered
    provider            TEXT    NOT NULL,
    tokens_in           INTEGER,
    tokens_out          INTEGER,
    tokens_cached       INTEGER,
    reserved_micros     INTEGER NOT NULL DEFAULT 0,
    cost_micros         INTEGER,             -- NULL while pending, and for a pricing gap
    overrun_micros      INTEGER NOT NULL DEFAULT 0, -- spent beyond the reservation (docs/costs.md)
    latency_ns          INTEGER,
    first_token_ns      INTEGER,
    created_ns          INTEGER NOT NULL,
    settled_ns          INTEGER,
    price_version       TEXT    NOT NULL,    -- of the table the reservation used
    reserve_id          TEXT,                -- ledger transfer ids, decimal
    settle_id           TEXT,
    outcome             TEXT    NOT NULL CHECK (outcome IN ('pending', 'posted', 'voided', 'refused', 'expired', 'unknown', 'unpriced')),
    pricing_gap         INTEGER NOT NULL DEFAULT 0 CHECK (pricing_gap IN (0, 1)),
    error               TEXT
);
CREATE INDEX spend_records_created ON spend_records(created_ns);
CREATE INDEX spend_records_pending ON spend_records(outcome) WHERE outcome IN ('pending', 'unknown');

-- Alerts at 50, 80, 95 and 100 % of an envelope, each once per period.
CREATE TABLE cost_alerts (
    agent      TEXT    NOT NULL,
    period     TEXT    NOT NULL,
    percent    INTEGER NOT NULL,
    at_ns      INTEGER NOT NULL,
    PRIMARY KEY (agent, period, percent)
);

-- The operating mode: state in the store, changed only by mode.set. The
-- configuration key 'mode' only seeds it, once, in a new data directory.
CREATE TABLE operating_mode (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    mode        TEXT    NOT NULL CHECK (mode IN ('autonomous', 'supervised', 'manual', 'paused')),
    changed_by  TEXT    NOT NULL,
    changed_ns  INTEGER NOT NULL
);

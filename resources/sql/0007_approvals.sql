-- Approval gates (docs/approvals.md). Every change to a request commits with
-- its approval.* event and its audit entry in one transaction
-- (core/approvals/ApprovalService.cpp).
CREATE TABLE approvals (
    id            TEXT    PRIMARY KEY,            -- a ULID: sorts by request time
    state         TEXT    NOT NULL CHECK (state IN ('pending', 'approved', 'denied', 'expired')),
    tier          INTEGER NOT NULL CHECK (tier IN (2, 3)),
    rule          TEXT    NOT NULL,               -- the tier rule that classified the action
    action        TEXT    NOT NULL,               -- the action, JSON
    task_id       TEXT    NOT NULL DEFAULT '',    -- the waiting task; '' for none
    node          TEXT    NOT NULL DEFAULT '',    -- the workflow's gate node
    requested_by  TEXT    NOT NULL,               -- the Actor that asked
    evidence      TEXT    NOT NULL,               -- a JSON object
    created_ns    INTEGER NOT NULL,
    deadline_ns   INTEGER NOT NULL,               -- 0: none (tier 3 never decides itself)
    reminders     INTEGER NOT NULL DEFAULT 0 CHECK (reminders BETWEEN 0 AND 2), -- sent so far: 50 %, then 90 %
    next_due_ns   INTEGER NOT NULL,               -- the next reminder or the deadline; 0: nothing due
    decided_ns    INTEGER NOT NULL DEFAULT 0,
    reason        TEXT    NOT NULL DEFAULT '',    -- the deciding operator's, or why it expired
    CHECK ((state = 'pending') = (decided_ns = 0)),
    CHECK (tier = 2 OR deadline_ns = 0)
);
-- The scheduler's next deadline, and the pending list by deadline.
CREATE INDEX approvals_due ON approvals(next_due_ns) WHERE state = 'pending' AND next_due_ns > 0;
CREATE INDEX approvals_pending ON approvals(state, deadline_ns, id);
CREATE INDEX approvals_task ON approvals(task_id) WHERE task_id <> '';

-- Each operator's verdict on a request: one for tier 2, up to two
-- approvals (from different operators) for tier 3.
CREATE TABLE approval_votes (
    approval_id   TEXT    NOT NULL REFERENCES approvals(id),
    operator      TEXT    NOT NULL,               -- the identity, as its source named it
    verdict       TEXT    NOT NULL CHECK (verdict IN ('approve', 'deny')),
    reason        TEXT    NOT NULL,
    decided_ns    INTEGER NOT NULL,
    PRIMARY KEY (approval_id, operator)
);

-- Notifications waiting to go out over webhooks, retried with backoff
-- (core/approvals/Notifier.cpp); a decision never waits for them.
CREATE TABLE approval_deliveries (
    id            INTEGER PRIMARY KEY,
    approval_id   TEXT    NOT NULL REFERENCES approvals(id),
    what          TEXT    NOT NULL,               -- requested, reminder, decided, expired
    channel       TEXT    NOT NULL,               -- the webhook's name in the configuration
    url           TEXT    NOT NULL,
    body          TEXT    NOT NULL,               -- the rendered template
    state         TEXT    NOT NULL CHECK (state IN ('queued', 'sent', 'failed')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_ns       INTEGER NOT NULL,               -- when it is tried next (queued)
    last_error    TEXT    NOT NULL DEFAULT '',
    created_ns    INTEGER NOT NULL,
    updated_ns    INTEGER NOT NULL
);
CREATE INDEX approval_deliveries_due ON approval_deliveries(next_ns) WHERE state = 'queued';
CREATE INDEX approval_deliveries_state ON approval_deliveries(state, id);

-- Decision tokens already used (core/approvals/DecisionToken.h): a token is
-- accepted once.
CREATE TABLE approval_tokens_used (
    nonce         TEXT    PRIMARY KEY,
    approval_id   TEXT    NOT NULL,
    used_ns       INTEGER NOT NULL
);

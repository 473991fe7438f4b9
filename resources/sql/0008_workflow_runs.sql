-- Workflow runs with their checkpoints (docs/workflows.md). The run's state
-- after each node commits with its workflow.* events in one transaction
-- (core/orchestrator/WorkflowRunner.cpp), so a run resumes after a crash
-- from its last committed node.
CREATE TABLE workflow_runs (
    task_id       TEXT    PRIMARY KEY REFERENCES tasks(id),
    workflow      TEXT    NOT NULL,
    source        TEXT    NOT NULL,               -- where the definition was read from when the run started
    definition    TEXT    NOT NULL,               -- the workflow file's text as the run started: a resumed run uses it
    state         TEXT    NOT NULL CHECK (state IN ('running', 'done', 'failed')),
    hold          TEXT    NOT NULL DEFAULT '',    -- '': none; '*': pause after the next node (step); else pause before that node (until)
    error         TEXT    NOT NULL DEFAULT '',    -- why the run failed
    created_ns    INTEGER NOT NULL,
    updated_ns    INTEGER NOT NULL
);

-- Each visit of a node, in run order. A visit's idempotency key is one per
-- run, node and visit: a node that runs again after an interruption keeps
-- it, a new visit (a loop, a retry after a failure) gets a new one.
CREATE TABLE workflow_visits (
    task_id         TEXT    NOT NULL REFERENCES workflow_runs(task_id),
    seq             INTEGER NOT NULL CHECK (seq >= 1),   -- 1, 2, ... in run order
    node            TEXT    NOT NULL,
    visit           INTEGER NOT NULL CHECK (visit >= 1), -- this node's nth visit in the run
    from_node       TEXT    NOT NULL DEFAULT '',         -- the node whose edge led here; '' for the start or a retry
    edge            INTEGER NOT NULL DEFAULT -1,         -- that edge's index in from_node's list
    state           TEXT    NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed', 'interrupted')),
    outcome         TEXT    NOT NULL DEFAULT '' CHECK (outcome IN ('', 'pass', 'fail')),
    output          TEXT    NOT NULL DEFAULT '',         -- JSON, once done
    error           TEXT    NOT NULL DEFAULT '',
    idempotency_key TEXT    NOT NULL,
    pgid            INTEGER NOT NULL DEFAULT 0,          -- a tool's process group while it may be running; 0: none
    approval_id     TEXT    NOT NULL DEFAULT '',         -- a gate's approval request
    runs            INTEGER NOT NULL DEFAULT 0,          -- times the node's work was started (more than 1 after interruptions)
    started_ns      INTEGER NOT NULL DEFAULT 0,
    finished_ns     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (task_id, seq)
);
CREATE INDEX workflow_visits_node ON workflow_visits(task_id, node, visit);

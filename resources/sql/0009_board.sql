-- Shadow Board deliberations (docs/board.md). Each row commits with its
-- board.deliberated event and its audit entry in one transaction
-- (core/board/BoardService.cpp). The seed and the proposal regenerate the
-- engine run exactly, given the same history.
CREATE TABLE board_deliberations (
    id            INTEGER PRIMARY KEY,
    approval_id   TEXT    NOT NULL DEFAULT '',   -- the approval request it is attached to; '' for none
    requested_by  TEXT    NOT NULL,              -- the Actor
    created_ns    INTEGER NOT NULL,
    seed          TEXT    NOT NULL,              -- decimal, 64 bits
    proposal      TEXT    NOT NULL,              -- JSON, every assumption as used
    evidence      TEXT    NOT NULL,              -- JSON: the history read and the engine's parameters (not the draws)
    result        TEXT    NOT NULL,              -- JSON: the engine's statistics and histogram
    deliberation  TEXT    NOT NULL,              -- JSON: statements, votes, consensus, recommendation
    verdict       TEXT    NOT NULL CHECK (verdict IN ('approve', 'reject', 'no_consensus'))
);
CREATE INDEX board_deliberations_by_approval ON board_deliberations(approval_id) WHERE approval_id <> '';

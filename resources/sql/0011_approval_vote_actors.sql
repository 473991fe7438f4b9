-- Who cast each approval vote, as the caller's Actor (operator:alice,
-- token:ci, ...), beside the operator name it gave: one caller cannot give
-- both of a tier-3 request's approvals by typing two names
-- (docs/approvals.md). '' for votes cast before this column.
ALTER TABLE approval_votes ADD COLUMN actor TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX approval_votes_actor ON approval_votes(approval_id, actor) WHERE actor <> '';

-- The task's claim (its lease token, tasks.claims) a request was made under:
-- at start a task still awaiting_approval is moved only by a decided request
-- of its current claim, never by an earlier gate's (docs/approvals.md). 0:
-- no task, or a request made before this column (it moves no task at start).
ALTER TABLE approvals ADD COLUMN task_claim INTEGER NOT NULL DEFAULT 0;

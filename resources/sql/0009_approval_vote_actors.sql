-- Who cast each approval vote, as the caller's Actor (operator:alice,
-- token:ci, ...), beside the operator name it gave: one caller cannot give
-- both of a tier-3 request's approvals by typing two names
-- (docs/approvals.md). '' for votes cast before this column.
ALTER TABLE approval_votes ADD COLUMN actor TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX approval_votes_actor ON approval_votes(approval_id, actor) WHERE actor <> '';

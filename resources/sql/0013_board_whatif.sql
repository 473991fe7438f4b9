-- Shadow Board what-ifs (docs/board.md, "What-if"): a deliberation re-run
-- with changed assumptions names the one it was derived from; 0 for an
-- original. Indexed for the panel, which lists the what-ifs of one.
ALTER TABLE board_deliberations ADD COLUMN whatif_of INTEGER NOT NULL DEFAULT 0;
CREATE INDEX board_deliberations_by_whatif ON board_deliberations(whatif_of) WHERE whatif_of <> 0;

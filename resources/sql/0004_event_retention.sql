-- Where the retained event history starts: events with seq <= pruned_through_seq
-- may have been removed by the retention limit, so a replay from before it is
-- refused rather than silently skipping what is gone.
CREATE TABLE event_history (
    id                  INTEGER PRIMARY KEY CHECK (id = 1),
    pruned_through_seq  INTEGER NOT NULL
);
INSERT INTO event_history(id, pruned_through_seq) VALUES (1, 0);

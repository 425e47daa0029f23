PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
DROP TRIGGER commissions_transitions;
CREATE TRIGGER commissions_transitions BEFORE UPDATE ON commissions
WHEN NOT (
    (NEW.state IS OLD.state AND NEW.amount IS OLD.amount AND NEW.reason IS OLD.reason
     AND NEW.held IS OLD.held AND NEW.decided_at IS OLD.decided_at)
    OR (OLD.state = 'pending' AND NEW.state IN ('pending', 'approved', 'rejected'))
    OR (OLD.state = 'rejected' AND NEW.state IN ('rejected', 'pending')
        AND OLD.locks_at > strftime('%Y-%m-%d %H:%M:%f', 'now')
        AND NOT EXISTS (SELECT 1 FROM commission_events e
                        WHERE e.commission_id = OLD.id AND e.source = 'manager'))
    OR (OLD.state = 'approved' AND NEW.state = 'reversed' AND NEW.amount = OLD.amount))
BEGIN SELECT RAISE(ABORT, 'a commission moves only along its allowed transitions'); END;
-- ledger_entries.objection_id stays: SQLite drops no column that holds a reference without
-- rebuilding the append-only ledger; its rows keep the objection's number as a plain value.
DROP INDEX ledger_entries_objection;
CREATE TABLE objections_old (
    id INTEGER PRIMARY KEY,
    measure_id BIGINT NOT NULL UNIQUE REFERENCES measures (id),
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    text TEXT NOT NULL,
    filed_at TIMESTAMP NOT NULL,
    due_on DATE NOT NULL,
    decision TEXT CHECK (decision IS NULL OR decision IN ('upheld', 'rejected')),
    decision_reason TEXT,
    decided_by BIGINT REFERENCES accounts (id),
    decided_at TIMESTAMP
);
INSERT INTO objections_old (id, measure_id, participant_id, text, filed_at, due_on, decision,
                            decision_reason, decided_by, decided_at)
    SELECT id, subject_id, participant_id, text, filed_at, due_on, decision, decision_reason,
           decided_by, decided_at FROM objections WHERE subject_kind = 'measure';
DELETE FROM objection_files WHERE objection_id NOT IN (SELECT id FROM objections_old);
DROP TABLE objections;
ALTER TABLE objections_old RENAME TO objections;
CREATE INDEX objections_open ON objections (decision, due_on);
COMMIT;
PRAGMA foreign_keys = ON;

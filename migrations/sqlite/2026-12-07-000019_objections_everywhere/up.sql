-- Objections to every enforcement action (G.12, issue 22 point 4): an objection names its
-- subject by kind and id — a measure (F.11.a–g), a commission rejected, reversed or held
-- (E.10.j), a rejected channel or membership, a registration ban — instead of a measure only.
-- Existing objections are objections to their measure. SQLite cannot drop a UNIQUE column: the
-- table is made anew with foreign keys off (as in 000013), in a transaction of its own.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE objections_new (
    id INTEGER PRIMARY KEY,
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    text TEXT NOT NULL,
    filed_at TIMESTAMP NOT NULL,
    due_on DATE NOT NULL,
    decision TEXT CHECK (decision IS NULL OR decision IN ('upheld', 'rejected')),
    decision_reason TEXT,
    decided_by BIGINT REFERENCES accounts (id),
    decided_at TIMESTAMP,
    subject_kind TEXT NOT NULL
        CHECK (subject_kind IN ('measure', 'commission', 'channel', 'membership', 'ban')),
    subject_id BIGINT NOT NULL,
    -- An upheld objection to a commission: the state it went back to.
    restored_to TEXT CHECK (restored_to IS NULL OR restored_to IN ('pending', 'approved')),
    UNIQUE (subject_kind, subject_id)
);
INSERT INTO objections_new (id, participant_id, text, filed_at, due_on, decision,
                            decision_reason, decided_by, decided_at, subject_kind, subject_id)
    SELECT id, participant_id, text, filed_at, due_on, decision, decision_reason, decided_by,
           decided_at, 'measure', measure_id FROM objections;
DROP TABLE objections;
ALTER TABLE objections_new RENAME TO objections;
CREATE INDEX objections_open ON objections (decision, due_on);
CREATE INDEX objections_participant ON objections (participant_id, id);

-- An upheld objection to a reversal gives the reversed amount back in a row of its own, once
-- per objection (the unique index), never by changing a row.
ALTER TABLE ledger_entries ADD COLUMN objection_id BIGINT REFERENCES objections (id);
CREATE UNIQUE INDEX ledger_entries_objection ON ledger_entries (objection_id);

-- The transitions of 000014, and one more: a rejected commission goes back to pending or
-- approved, a reversed one to approved (its amount unchanged), only when an objection to it
-- was upheld with that state.
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
    OR (OLD.state = 'approved' AND NEW.state = 'reversed' AND NEW.amount = OLD.amount)
    OR (((OLD.state = 'rejected' AND NEW.state IN ('pending', 'approved'))
         OR (OLD.state = 'reversed' AND NEW.state = 'approved'))
        AND NEW.amount = OLD.amount
        AND EXISTS (SELECT 1 FROM objections o
                    WHERE o.subject_kind = 'commission' AND o.subject_id = OLD.id
                      AND o.decision = 'upheld' AND o.restored_to = NEW.state)))
BEGIN SELECT RAISE(ABORT, 'a commission moves only along its allowed transitions'); END;
COMMIT;
PRAGMA foreign_keys = ON;

-- Objections to every enforcement action (G.12, issue 22 point 4): an objection names its
-- subject by kind and id — a measure (F.11.a–g), a commission rejected, reversed or held
-- (E.10.j), a rejected channel or membership, a registration ban — instead of a measure only.
-- Existing objections are objections to their measure.
ALTER TABLE objections ADD COLUMN subject_kind TEXT NOT NULL DEFAULT 'measure'
    CHECK (subject_kind IN ('measure', 'commission', 'channel', 'membership', 'ban'));
ALTER TABLE objections ADD COLUMN subject_id BIGINT;
UPDATE objections SET subject_id = measure_id;
ALTER TABLE objections ALTER COLUMN subject_id SET NOT NULL;
ALTER TABLE objections ALTER COLUMN subject_kind DROP DEFAULT;
ALTER TABLE objections DROP COLUMN measure_id;
-- An upheld objection to a commission: the state it went back to.
ALTER TABLE objections ADD COLUMN restored_to TEXT
    CHECK (restored_to IS NULL OR restored_to IN ('pending', 'approved'));
ALTER TABLE objections ADD CONSTRAINT objections_subject UNIQUE (subject_kind, subject_id);
CREATE INDEX objections_participant ON objections (participant_id, id);

-- An upheld objection to a reversal gives the reversed amount back in a row of its own, once
-- per objection (the unique index), never by changing a row.
ALTER TABLE ledger_entries ADD COLUMN objection_id BIGINT REFERENCES objections (id);
CREATE UNIQUE INDEX ledger_entries_objection ON ledger_entries (objection_id);

-- The transitions of 000014, and one more: a rejected commission goes back to pending or
-- approved, a reversed one to approved (its amount unchanged), only when an objection to it
-- was upheld with that state.
CREATE OR REPLACE FUNCTION guard_commission_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'UPDATE' THEN
        RAISE EXCEPTION 'commissions are never removed: reject or reverse one instead';
    END IF;
    IF (NEW.id, NEW.conversion_id, NEW.participant_id, NEW.kind, NEW.reverses_id,
        NEW.rate_percent, NEW.currency, NEW.created_at)
       IS DISTINCT FROM
       (OLD.id, OLD.conversion_id, OLD.participant_id, OLD.kind, OLD.reverses_id,
        OLD.rate_percent, OLD.currency, OLD.created_at) THEN
        RAISE EXCEPTION 'commission %: its conversion, participant, kind, rate, currency and creation never change', OLD.id;
    END IF;
    IF (NEW.state, NEW.amount, NEW.reason, NEW.held, NEW.decided_at)
       IS NOT DISTINCT FROM (OLD.state, OLD.amount, OLD.reason, OLD.held, OLD.decided_at) THEN
        RETURN NEW;
    END IF;
    IF OLD.state = 'pending' AND NEW.state IN ('pending', 'approved', 'rejected') THEN
        RETURN NEW;
    END IF;
    IF OLD.state = 'rejected' AND NEW.state IN ('rejected', 'pending')
       AND OLD.locks_at > (now() AT TIME ZONE 'UTC')
       AND NOT EXISTS (SELECT 1 FROM commission_events e
                       WHERE e.commission_id = OLD.id AND e.source = 'manager') THEN
        RETURN NEW;
    END IF;
    IF OLD.state = 'approved' AND NEW.state = 'reversed' AND NEW.amount = OLD.amount THEN
        RETURN NEW;
    END IF;
    IF ((OLD.state = 'rejected' AND NEW.state IN ('pending', 'approved'))
        OR (OLD.state = 'reversed' AND NEW.state = 'approved'))
       AND NEW.amount = OLD.amount
       AND EXISTS (SELECT 1 FROM objections o
                   WHERE o.subject_kind = 'commission' AND o.subject_id = OLD.id
                     AND o.decision = 'upheld' AND o.restored_to = NEW.state) THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'commission %: % -> % is not an allowed transition (amount % -> %)',
        OLD.id, OLD.state, NEW.state, OLD.amount, NEW.amount;
END
$$;

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
    RAISE EXCEPTION 'commission %: % -> % is not an allowed transition (amount % -> %)',
        OLD.id, OLD.state, NEW.state, OLD.amount, NEW.amount;
END
$$;
DROP INDEX ledger_entries_objection;
ALTER TABLE ledger_entries DROP COLUMN objection_id;
DELETE FROM objection_files WHERE objection_id IN
    (SELECT id FROM objections WHERE subject_kind <> 'measure');
DELETE FROM objections WHERE subject_kind <> 'measure';
DROP INDEX objections_participant;
ALTER TABLE objections DROP CONSTRAINT objections_subject;
ALTER TABLE objections DROP COLUMN restored_to;
ALTER TABLE objections ADD COLUMN measure_id BIGINT REFERENCES measures (id);
UPDATE objections SET measure_id = subject_id;
ALTER TABLE objections ALTER COLUMN measure_id SET NOT NULL;
ALTER TABLE objections ADD CONSTRAINT objections_measure_id_key UNIQUE (measure_id);
ALTER TABLE objections DROP COLUMN subject_kind;
ALTER TABLE objections DROP COLUMN subject_id;

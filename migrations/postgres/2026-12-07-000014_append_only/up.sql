-- Append-only, even against the portal's own role (issue 20). The portal runs as a role that
-- owns no table and may only SELECT and INSERT the append-only tables (see `db::privileges`);
-- these triggers refuse the same changes to every role, the owner included, until an owner
-- drops or disables them — which the portal's role cannot.

-- A commission's dated events and a participant's bank details are never changed or removed,
-- like the ledger, the payouts and the audit log: a change of bank details is a new row (the
-- newest is in use), a correction of a commission is a new event.
CREATE TRIGGER commission_events_append_only BEFORE UPDATE OR DELETE ON commission_events
    FOR EACH ROW EXECUTE FUNCTION refuse_money_change();
CREATE TRIGGER commission_events_no_truncate BEFORE TRUNCATE ON commission_events
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_money_change();
CREATE TRIGGER bank_accounts_append_only BEFORE UPDATE OR DELETE ON bank_accounts
    FOR EACH ROW EXECUTE FUNCTION refuse_money_change();
CREATE TRIGGER bank_accounts_no_truncate BEFORE TRUNCATE ON bank_accounts
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_money_change();

-- A commission is never removed, the facts of its order never change, and its state moves only
-- the ways the portal moves it (ledger/intake.rs, locking.rs, decide.rs):
--   pending  -> pending, approved, rejected   (the advertiser's updates, the locking date, a
--                                               manager's rejection, a hold released)
--   rejected -> rejected, pending              (the advertiser's update, only before the locking
--                                               date and never after a manager's decision)
--   approved -> reversed                       (a manager's reversal, the amount as approved)
-- The locking date is left out of the fixed facts: the tests move it as time passing would (as
-- the owner, and a property test through the portal's own pool); the portal never changes it
-- once stored (README, "Deployment").
CREATE FUNCTION guard_commission_change() RETURNS trigger LANGUAGE plpgsql AS $$
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
CREATE TRIGGER commissions_guarded BEFORE UPDATE OR DELETE ON commissions
    FOR EACH ROW EXECUTE FUNCTION guard_commission_change();
CREATE TRIGGER commissions_no_truncate BEFORE TRUNCATE ON commissions
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_money_change();

-- The click log's months are created and dropped at run time (tracking/retention.rs), which
-- needs the table's owner: the portal calls these two functions, which run as their owner
-- (SECURITY DEFINER, with a fixed search path) and do nothing else. Only roles granted EXECUTE
-- may call them (the portal's role, at start).
DO $$
BEGIN
    EXECUTE format('ALTER FUNCTION ensure_click_partition(DATE) SECURITY DEFINER '
                   'SET search_path = %I, pg_temp', current_schema());
END
$$;

-- Drops the partition of `month` (a month that has ended), if it exists; returns whether it did.
CREATE FUNCTION drop_click_partition(month DATE) RETURNS BOOLEAN LANGUAGE plpgsql
SECURITY DEFINER AS $$
DECLARE
    first DATE := date_trunc('month', month)::DATE;
    name TEXT := 'clicks_' || to_char(first, 'YYYY_MM');
BEGIN
    -- One change of the click log's months at a time (ensure_click_partition takes it too).
    PERFORM pg_advisory_xact_lock(hashtext('ensure_click_partition'));
    IF first + INTERVAL '1 month' > date_trunc('month', now() AT TIME ZONE 'UTC') THEN
        RAISE EXCEPTION 'the clicks of % are kept: only a month that has ended is dropped',
            to_char(first, 'YYYY-MM');
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                   WHERE i.inhparent = 'clicks'::regclass AND c.relname = name) THEN
        RETURN FALSE;
    END IF;
    EXECUTE format('DROP TABLE %I', name);
    RETURN TRUE;
END
$$;
DO $$
BEGIN
    EXECUTE format('ALTER FUNCTION drop_click_partition(DATE) SET search_path = %I, pg_temp',
                   current_schema());
END
$$;
REVOKE EXECUTE ON FUNCTION ensure_click_partition(DATE), drop_click_partition(DATE) FROM PUBLIC;

-- Append-only (issue 20), as on PostgreSQL: a commission's events and a participant's bank
-- details are never changed or removed (a change of bank details is a new row; the newest is in
-- use), and a commission is never removed and moves only along the allowed transitions. SQLite
-- has no roles: these triggers catch the portal's own mistakes, but whoever can write the
-- database file can drop them and change anything (README, "Deployment").
CREATE TRIGGER commission_events_no_update BEFORE UPDATE ON commission_events
BEGIN SELECT RAISE(ABORT, 'commission_events rows are append-only: add a correcting row instead'); END;
CREATE TRIGGER commission_events_no_delete BEFORE DELETE ON commission_events
BEGIN SELECT RAISE(ABORT, 'commission_events rows are append-only: add a correcting row instead'); END;
CREATE TRIGGER bank_accounts_no_update BEFORE UPDATE ON bank_accounts
BEGIN SELECT RAISE(ABORT, 'bank_accounts rows are append-only: add a correcting row instead'); END;
CREATE TRIGGER bank_accounts_no_delete BEFORE DELETE ON bank_accounts
BEGIN SELECT RAISE(ABORT, 'bank_accounts rows are append-only: add a correcting row instead'); END;

CREATE TRIGGER commissions_no_delete BEFORE DELETE ON commissions
BEGIN SELECT RAISE(ABORT, 'commissions are never removed: reject or reverse one instead'); END;

-- The facts of the order never change (the locking date is left out, as on PostgreSQL: the
-- tests move it as time passing would).
CREATE TRIGGER commissions_fixed_facts BEFORE UPDATE ON commissions
WHEN NEW.id IS NOT OLD.id OR NEW.conversion_id IS NOT OLD.conversion_id
  OR NEW.participant_id IS NOT OLD.participant_id OR NEW.kind IS NOT OLD.kind
  OR NEW.reverses_id IS NOT OLD.reverses_id OR NEW.rate_percent IS NOT OLD.rate_percent
  OR NEW.currency IS NOT OLD.currency OR NEW.created_at IS NOT OLD.created_at
BEGIN SELECT RAISE(ABORT, 'a commission''s conversion, participant, kind, rate, currency and creation never change'); END;

-- pending -> pending, approved, rejected; rejected -> rejected, pending before the locking date
-- and never after a manager's decision; approved -> reversed with the amount as approved.
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

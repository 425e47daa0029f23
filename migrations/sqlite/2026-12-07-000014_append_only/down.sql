DROP TRIGGER commissions_transitions;
DROP TRIGGER commissions_fixed_facts;
DROP TRIGGER commissions_no_delete;
DROP TRIGGER bank_accounts_no_delete;
DROP TRIGGER bank_accounts_no_update;
DROP TRIGGER commission_events_no_delete;
DROP TRIGGER commission_events_no_update;

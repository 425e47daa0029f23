-- Money paid once (issue 20). A period may now have several payout runs: each run pays what is
-- payable when it runs, in one transaction, under a lock that serialises runs across instances,
-- and writes exactly one bank file of its own transfers.
ALTER TABLE payout_runs DROP CONSTRAINT payout_runs_period_key;
CREATE INDEX payout_runs_period ON payout_runs (period, id);

-- The bank file of a run, written once in the run's own transaction and served again byte for
-- byte; `message_id` (the pain.001 MsgId) is unique forever, and the checksum proves the file
-- handed out is the one stored.
CREATE TABLE bank_files (
    id BIGSERIAL PRIMARY KEY,
    run_id BIGINT NOT NULL UNIQUE REFERENCES payout_runs (id),
    message_id TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    transactions INTEGER NOT NULL CHECK (transactions > 0),
    control_sum BIGINT NOT NULL CHECK (control_sum > 0),
    sha256 TEXT NOT NULL,
    xml TEXT NOT NULL
);
CREATE TRIGGER bank_files_append_only BEFORE UPDATE OR DELETE ON bank_files
    FOR EACH ROW EXECUTE FUNCTION refuse_money_change();
CREATE TRIGGER bank_files_no_truncate BEFORE TRUNCATE ON bank_files
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_money_change();

-- Who entered a conversion: the API, with the secret that signed the request, or an account
-- manager's import, with that manager. Conversions stored before this knew only the source of
-- their commission's events, so they are marked by what those say.
ALTER TABLE conversions ADD COLUMN entered_via TEXT NOT NULL DEFAULT 'api'
    CHECK (entered_via IN ('api', 'import'));
ALTER TABLE conversions ADD COLUMN secret_id BIGINT REFERENCES programme_secrets (id);
ALTER TABLE conversions ADD COLUMN imported_by BIGINT REFERENCES accounts (id);
UPDATE conversions SET entered_via = 'import' WHERE id IN (
    SELECT c.conversion_id FROM commissions c JOIN commission_events e ON e.commission_id = c.id
    WHERE e.source = 'import');

-- Money paid once (issue 20). A period may now have several payout runs: each run pays what is
-- payable when it runs, in one transaction, and writes exactly one bank file of its own
-- transfers. SQLite cannot drop a UNIQUE constraint: the table is made anew and its rows copied,
-- which is done with foreign keys off (SQLite's own procedure for changing a table; a DROP TABLE
-- would otherwise delete the payouts' parents), so this migration runs outside diesel's
-- transaction (metadata.toml) in one of its own.
PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
CREATE TABLE payout_runs_new (
    id INTEGER PRIMARY KEY,
    period TEXT NOT NULL,
    started_at TIMESTAMP NOT NULL,
    started_by BIGINT REFERENCES accounts (id),
    finished_at TIMESTAMP
);
INSERT INTO payout_runs_new (id, period, started_at, started_by, finished_at)
    SELECT id, period, started_at, started_by, finished_at FROM payout_runs;
DROP TABLE payout_runs;
ALTER TABLE payout_runs_new RENAME TO payout_runs;
CREATE INDEX payout_runs_period ON payout_runs (period, id);

-- The bank file of a run, written once in the run's own transaction and served again byte for
-- byte; `message_id` (the pain.001 MsgId) is unique forever.
CREATE TABLE bank_files (
    id INTEGER PRIMARY KEY,
    run_id BIGINT NOT NULL UNIQUE REFERENCES payout_runs (id),
    message_id TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    transactions INTEGER NOT NULL CHECK (transactions > 0),
    control_sum BIGINT NOT NULL CHECK (control_sum > 0),
    sha256 TEXT NOT NULL,
    xml TEXT NOT NULL
);
CREATE TRIGGER bank_files_no_update BEFORE UPDATE ON bank_files
BEGIN SELECT RAISE(ABORT, 'bank_files rows are append-only: add a correcting row instead'); END;
CREATE TRIGGER bank_files_no_delete BEFORE DELETE ON bank_files
BEGIN SELECT RAISE(ABORT, 'bank_files rows are append-only: add a correcting row instead'); END;

-- Who entered a conversion: the API, with the secret that signed the request, or an account
-- manager's import, with that manager.
ALTER TABLE conversions ADD COLUMN entered_via TEXT NOT NULL DEFAULT 'api'
    CHECK (entered_via IN ('api', 'import'));
ALTER TABLE conversions ADD COLUMN secret_id BIGINT REFERENCES programme_secrets (id);
ALTER TABLE conversions ADD COLUMN imported_by BIGINT REFERENCES accounts (id);
UPDATE conversions SET entered_via = 'import' WHERE id IN (
    SELECT c.conversion_id FROM commissions c JOIN commission_events e ON e.commission_id = c.id
    WHERE e.source = 'import');
COMMIT;
PRAGMA foreign_keys = ON;

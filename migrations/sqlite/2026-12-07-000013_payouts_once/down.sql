PRAGMA foreign_keys = OFF;
BEGIN IMMEDIATE;
ALTER TABLE conversions DROP COLUMN imported_by;
ALTER TABLE conversions DROP COLUMN secret_id;
ALTER TABLE conversions DROP COLUMN entered_via;
DROP TABLE bank_files;
DROP INDEX payout_runs_period;
CREATE TABLE payout_runs_old (
    id INTEGER PRIMARY KEY,
    period TEXT NOT NULL UNIQUE,
    started_at TIMESTAMP NOT NULL,
    started_by BIGINT REFERENCES accounts (id),
    finished_at TIMESTAMP
);
INSERT INTO payout_runs_old SELECT id, period, started_at, started_by, finished_at FROM payout_runs;
DROP TABLE payout_runs;
ALTER TABLE payout_runs_old RENAME TO payout_runs;
COMMIT;
PRAGMA foreign_keys = ON;

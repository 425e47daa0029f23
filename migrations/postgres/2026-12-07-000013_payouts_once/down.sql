ALTER TABLE conversions DROP COLUMN imported_by;
ALTER TABLE conversions DROP COLUMN secret_id;
ALTER TABLE conversions DROP COLUMN entered_via;
DROP TABLE bank_files;
DROP INDEX payout_runs_period;
ALTER TABLE payout_runs ADD CONSTRAINT payout_runs_period_key UNIQUE (period);

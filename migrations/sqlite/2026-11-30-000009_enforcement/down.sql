DROP TABLE audit_log;
DROP INDEX ledger_entries_measure;
ALTER TABLE registration_bans DROP COLUMN measure_id;
DROP TRIGGER ledger_entries_no_update;
ALTER TABLE ledger_entries DROP COLUMN measure_id;
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger_entries rows are append-only: add a correcting row instead'); END;
DROP TABLE holidays;
DROP TABLE objection_files;
DROP TABLE objections;
DROP TABLE measure_clauses;
DROP TABLE measures;
DROP TABLE rules_acceptances;
DROP TABLE rules_versions;
ALTER TABLE accounts DROP COLUMN administrator;

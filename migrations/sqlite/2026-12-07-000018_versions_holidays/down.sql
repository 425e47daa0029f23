ALTER TABLE rules_versions DROP COLUMN summary_nl;

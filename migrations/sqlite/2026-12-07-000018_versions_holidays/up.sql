-- The summary of a rules version is written per language (issue 22, points 6 and 8): `summary`
-- is the English one, `summary_nl` the Dutch one; a Dutch participant is mailed the Dutch one.
-- Versions published before have only the English summary.
ALTER TABLE rules_versions ADD COLUMN summary_nl TEXT NOT NULL DEFAULT '';

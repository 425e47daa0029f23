DROP TABLE clicks;
DROP TABLE memberships;
DROP TABLE programme_domains;
ALTER TABLE channels DROP COLUMN reviewed_at;
ALTER TABLE channels DROP COLUMN reviewed_by;
ALTER TABLE channels DROP COLUMN review_reason;
ALTER TABLE participants DROP COLUMN terminated_at;

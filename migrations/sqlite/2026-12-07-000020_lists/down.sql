UPDATE channels
SET screening_note = 'B.5.a: contains ' || substr(screening_note, 34, length(screening_note) - 37)
WHERE screening_note LIKE '[{"key":"brand","args":{"terms":"%"}}]';
ALTER TABLE channels DROP COLUMN storefront_url;
ALTER TABLE channels DROP COLUMN platform_seller;
DROP TABLE brand_terms;
ALTER TABLE registration_bans DROP COLUMN lift_reason;
ALTER TABLE registration_bans DROP COLUMN lifted_by;
ALTER TABLE registration_bans DROP COLUMN lifted_at;
ALTER TABLE registration_bans DROP COLUMN added_by;

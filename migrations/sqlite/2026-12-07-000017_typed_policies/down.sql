ALTER TABLE conversions DROP COLUMN in_stock;
ALTER TABLE conversions DROP COLUMN coupon_codes;
CREATE TABLE programme_policies_text (
    programme_id BIGINT NOT NULL REFERENCES programmes (id),
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (programme_id, key)
);
INSERT INTO programme_policies_text (programme_id, key, value, position)
SELECT programme_id, key,
       CASE WHEN key = 'keyword_marketing' AND value = 'closed' THEN 'closed_no_brand_bidding' ELSE value END,
       position
FROM programme_policies;
DROP TABLE programme_policies;
ALTER TABLE programme_policies_text RENAME TO programme_policies;
ALTER TABLE programmes ADD COLUMN cookie_days INTEGER NOT NULL DEFAULT 0 CHECK (cookie_days BETWEEN 0 AND 365);
ALTER TABLE programmes DROP COLUMN session_window_minutes;

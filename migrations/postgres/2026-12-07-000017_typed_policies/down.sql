ALTER TABLE conversions DROP COLUMN in_stock;
ALTER TABLE conversions DROP COLUMN coupon_codes;
ALTER TABLE programme_policies DROP CONSTRAINT programme_policies_typed;
UPDATE programme_policies SET value = 'closed_no_brand_bidding'
WHERE key = 'keyword_marketing' AND value = 'closed';
ALTER TABLE programme_policies DROP COLUMN note_en;
ALTER TABLE programme_policies DROP COLUMN note_nl;
ALTER TABLE programmes ADD COLUMN cookie_days INTEGER NOT NULL DEFAULT 0 CHECK (cookie_days BETWEEN 0 AND 365);
ALTER TABLE programmes DROP COLUMN session_window_minutes;

-- Issue 22, points 2, 3 and 11: the rules as written.

-- Session based attribution: an order earns through the click id it carries when it comes
-- within this many minutes after that click (24 hours unless the programme says otherwise).
-- It replaces `cookie_days`, which read "session based" as "the same UTC day".
ALTER TABLE programmes ADD COLUMN session_window_minutes INTEGER NOT NULL DEFAULT 1440
    CHECK (session_window_minutes BETWEEN 1 AND 43200);
ALTER TABLE programmes DROP COLUMN cookie_days;

-- Typed policies: each policy takes one of its own values (the rules it drives come from the
-- value, never from words), with an optional note per language. A value typed in words before
-- becomes the policy's strictest value, and the words are kept as its note in both languages
-- for the administrator to rewrite. (SQLite adds a CHECK only by making the table anew.)
CREATE TABLE programme_policies_typed (
    programme_id BIGINT NOT NULL REFERENCES programmes (id),
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    position INTEGER NOT NULL,
    note_nl TEXT,
    note_en TEXT,
    PRIMARY KEY (programme_id, key),
    CONSTRAINT programme_policies_typed CHECK (
           (key = 'cookie_period' AND value IN ('session_based'))
        OR (key = 'deeplinking' AND value IN ('allowed', 'not_possible'))
        OR (key IN ('product_feed', 'prepayment') AND value IN ('yes', 'no'))
        OR (key = 'keyword_marketing' AND value IN ('closed', 'open_no_brand_bidding', 'open_brand_bidding'))
        OR (key = 'email_marketing' AND value IN ('allowed', 'allowed_after_preview', 'not_allowed'))
        OR (key IN ('cashback_loyalty', 'coupon_sites', 'price_comparison') AND value IN ('allowed', 'not_allowed'))
    )
);
UPDATE programme_policies SET value = 'closed'
WHERE key = 'keyword_marketing' AND value = 'closed_no_brand_bidding';
INSERT INTO programme_policies_typed (programme_id, key, value, position, note_nl, note_en)
SELECT programme_id, key, CASE WHEN fits THEN value ELSE strictest END, position,
       CASE WHEN fits THEN NULL ELSE value END, CASE WHEN fits THEN NULL ELSE value END
FROM (
    SELECT programme_id, key, value, position,
           (   (key = 'cookie_period' AND value IN ('session_based'))
            OR (key = 'deeplinking' AND value IN ('allowed', 'not_possible'))
            OR (key IN ('product_feed', 'prepayment') AND value IN ('yes', 'no'))
            OR (key = 'keyword_marketing' AND value IN ('closed', 'open_no_brand_bidding', 'open_brand_bidding'))
            OR (key = 'email_marketing' AND value IN ('allowed', 'allowed_after_preview', 'not_allowed'))
            OR (key IN ('cashback_loyalty', 'coupon_sites', 'price_comparison') AND value IN ('allowed', 'not_allowed'))
           ) AS fits,
           CASE key
               WHEN 'cookie_period' THEN 'session_based'
               WHEN 'deeplinking' THEN 'not_possible'
               WHEN 'product_feed' THEN 'no'
               WHEN 'prepayment' THEN 'no'
               WHEN 'keyword_marketing' THEN 'closed'
               ELSE 'not_allowed'
           END AS strictest
    FROM programme_policies
    WHERE key IN ('cookie_period', 'deeplinking', 'product_feed', 'prepayment', 'keyword_marketing',
                  'email_marketing', 'cashback_loyalty', 'coupon_sites', 'price_comparison')
);
DROP TABLE programme_policies;
ALTER TABLE programme_policies_typed RENAME TO programme_policies;

-- Coupons and stock, as the advertiser reports them: the coupon codes used on the order (one a
-- line, none: empty; more than one earns nothing, "one coupon per transaction") and whether the
-- items were in stock (false earns nothing; not reported: NULL).
ALTER TABLE conversions ADD COLUMN coupon_codes TEXT NOT NULL DEFAULT '';
ALTER TABLE conversions ADD COLUMN in_stock BOOLEAN;

-- Lists the rules name, editable (issue 22, point 9), and E.10.k as written (point 10).

-- F.11.g: administrators add and lift bans on a page; a measure adds them too. A lifted ban
-- stays as a row (an objection to it, its audit lines and its history point at it); banning
-- the same address again makes the row active again. (Who added or lifted it: accounts ids;
-- SQLite keeps them without a foreign key so that the columns can be dropped again.)
ALTER TABLE registration_bans ADD COLUMN added_by BIGINT;
ALTER TABLE registration_bans ADD COLUMN lifted_at TIMESTAMP;
ALTER TABLE registration_bans ADD COLUMN lifted_by BIGINT;
ALTER TABLE registration_bans ADD COLUMN lift_reason TEXT;

-- A.1.e, B.5.a: the Alibaba Group brands a channel's name or domain is screened for. Short
-- terms match only as a whole word or domain label ("ali" not in "australia"); distinctive
-- ones also inside a word ("aliexpressdeals").
CREATE TABLE brand_terms (
    id INTEGER PRIMARY KEY,
    term TEXT NOT NULL UNIQUE,
    matching TEXT NOT NULL CHECK (matching IN ('whole_word', 'contained')),
    added_by BIGINT REFERENCES accounts (id),
    created_at TIMESTAMP NOT NULL
);
INSERT INTO brand_terms (term, matching, created_at) VALUES
    ('ali', 'whole_word', CURRENT_TIMESTAMP),
    ('tao', 'whole_word', CURRENT_TIMESTAMP),
    ('etao', 'whole_word', CURRENT_TIMESTAMP),
    ('aliexpress', 'contained', CURRENT_TIMESTAMP),
    ('alibaba', 'contained', CURRENT_TIMESTAMP),
    ('taobao', 'contained', CURRENT_TIMESTAMP),
    ('tmall', 'contained', CURRENT_TIMESTAMP),
    ('alimama', 'contained', CURRENT_TIMESTAMP),
    ('alicloud', 'contained', CURRENT_TIMESTAMP),
    ('aliyun', 'contained', CURRENT_TIMESTAMP),
    ('juhuasuan', 'contained', CURRENT_TIMESTAMP);

-- E.10.k: whether the participant sells on the platform, and the storefront it named, kept
-- with the channel (a seller may join; its own storefront may not be the channel).
ALTER TABLE channels ADD COLUMN platform_seller BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE channels ADD COLUMN storefront_url TEXT;

-- Screening notes become message keys with arguments (JSON), rendered in the reader's
-- language: "B.5.a: contains ali, aliexpress" → the brand note with its terms.
UPDATE channels
SET screening_note = '[{"key":"brand","args":{"terms":"' || substr(screening_note, 17) || '"}}]'
WHERE screening_note LIKE 'B.5.a: contains %';

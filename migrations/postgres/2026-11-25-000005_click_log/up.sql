-- The click log, reshaped for the click path (bench/notes.md has the measurements): the
-- 16-byte click id (time in ms, then 80 random bits, ascending) is the primary key instead of
-- a serial id plus a unique text; times are integers (`clicked_at` in ms since 1970 UTC,
-- `day` in days since 1970-01-01 UTC); `ip_hash` is the 16-byte keyed hash itself; user
-- agents and referrers are kept once each, in their own tables (a handful of them carry most
-- clicks, and they were most of a click row's bytes).
CREATE TABLE user_agents (
    id BIGSERIAL PRIMARY KEY,
    user_agent TEXT NOT NULL UNIQUE
);
CREATE TABLE referrers (
    id BIGSERIAL PRIMARY KEY,
    referrer TEXT NOT NULL UNIQUE
);
INSERT INTO user_agents (user_agent) SELECT DISTINCT user_agent FROM clicks;
INSERT INTO referrers (referrer) SELECT DISTINCT referrer FROM clicks WHERE referrer IS NOT NULL;
CREATE TABLE click_log (
    click_id BYTEA PRIMARY KEY CHECK (length(click_id) = 16),
    clicked_at BIGINT NOT NULL,
    day INTEGER NOT NULL,
    programme_id BIGINT NOT NULL,
    channel_id BIGINT NOT NULL,
    participant_id BIGINT NOT NULL,
    ad_id BIGINT,
    epi TEXT,
    ip_hash BYTEA NOT NULL,
    user_agent_id BIGINT NOT NULL,
    referrer_id BIGINT,
    credited BOOLEAN NOT NULL,
    reason TEXT CHECK (reason IN ('participant_terminated', 'channel_not_approved',
        'membership_not_approved', 'bot', 'duplicate', 'velocity'))
);
INSERT INTO click_log
SELECT decode(click_id, 'hex'),
       round(extract(epoch FROM clicked_at) * 1000)::BIGINT,
       day::DATE - DATE '1970-01-01',
       programme_id, channel_id, participant_id, ad_id, epi, decode(ip_hash, 'hex'),
       (SELECT id FROM user_agents u WHERE u.user_agent = clicks.user_agent),
       (SELECT id FROM referrers r WHERE r.referrer = clicks.referrer),
       credited, reason
FROM clicks;
DROP TABLE clicks;
ALTER TABLE click_log RENAME TO clicks;
ALTER INDEX click_log_pkey RENAME TO clicks_pkey;
-- Statistics read clicks by channel and day (a participant's through its channels). Every
-- index here is one more B-tree insert per click on the hot path: keep them few.
CREATE INDEX clicks_channel_day ON clicks (channel_id, day);

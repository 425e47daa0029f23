-- The click log, reshaped for the click path (bench/notes.md has the measurements):
-- * the click id (16 bytes: the time in ms, then 80 random bits, ascending) is the primary
--   key of a table WITHOUT ROWID: one B-tree for the rows instead of a rowid table plus a
--   unique index on a 32-character text;
-- * times are integers (`clicked_at` in ms since 1970 UTC, `day` in days since 1970-01-01
--   UTC), so no date is formatted or parsed per click;
-- * `ip_hash` is the 16-byte keyed hash itself instead of its hex text;
-- * user agents and referrers are kept once each, in their own tables: a handful of them
--   carry most clicks, and they were most of a click row's bytes;
-- * the reason's CHECK compares with `=`: an `IN (…)` list of more than two values made SQLite
--   build a temporary index of the list for every inserted row (half the writer's time).
CREATE TABLE user_agents (
    id INTEGER PRIMARY KEY,
    user_agent TEXT NOT NULL UNIQUE
);
CREATE TABLE referrers (
    id INTEGER PRIMARY KEY,
    referrer TEXT NOT NULL UNIQUE
);
INSERT INTO user_agents (user_agent) SELECT DISTINCT user_agent FROM clicks;
INSERT INTO referrers (referrer) SELECT DISTINCT referrer FROM clicks WHERE referrer IS NOT NULL;
CREATE TABLE click_log (
    click_id BLOB PRIMARY KEY CHECK (length(click_id) = 16),
    clicked_at BIGINT NOT NULL,
    day INTEGER NOT NULL,
    programme_id BIGINT NOT NULL,
    channel_id BIGINT NOT NULL,
    participant_id BIGINT NOT NULL,
    ad_id BIGINT,
    epi TEXT,
    ip_hash BLOB NOT NULL,
    user_agent_id BIGINT NOT NULL,
    referrer_id BIGINT,
    credited BOOLEAN NOT NULL,
    reason TEXT CHECK (reason = 'participant_terminated' OR reason = 'channel_not_approved'
        OR reason = 'membership_not_approved' OR reason = 'bot' OR reason = 'duplicate'
        OR reason = 'velocity')
) WITHOUT ROWID;
INSERT INTO click_log
SELECT unhex(click_id),
       CAST(round((julianday(clicked_at) - 2440587.5) * 86400000) AS INTEGER),
       CAST(julianday(day) - 2440587.5 AS INTEGER),
       programme_id, channel_id, participant_id, ad_id, epi, unhex(ip_hash),
       (SELECT id FROM user_agents u WHERE u.user_agent = clicks.user_agent),
       (SELECT id FROM referrers r WHERE r.referrer = clicks.referrer),
       credited, reason
FROM clicks;
DROP TABLE clicks;
ALTER TABLE click_log RENAME TO clicks;
-- Statistics read clicks by channel and day (a participant's through its channels). Every
-- index here is one more B-tree insert per click on the hot path: keep them few.
CREATE INDEX clicks_channel_day ON clicks (channel_id, day);

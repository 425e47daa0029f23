CREATE TABLE click_log (
    id BIGSERIAL PRIMARY KEY,
    click_id TEXT NOT NULL UNIQUE,
    clicked_at TIMESTAMP NOT NULL,
    day TEXT NOT NULL,
    programme_id BIGINT NOT NULL,
    channel_id BIGINT NOT NULL,
    participant_id BIGINT NOT NULL,
    ad_id BIGINT,
    epi TEXT,
    ip_hash TEXT NOT NULL,
    user_agent TEXT NOT NULL,
    referrer TEXT,
    credited BOOLEAN NOT NULL,
    reason TEXT CHECK (reason IN ('participant_terminated', 'channel_not_approved',
        'membership_not_approved', 'bot', 'duplicate', 'velocity'))
);
INSERT INTO click_log (click_id, clicked_at, day, programme_id, channel_id, participant_id,
                       ad_id, epi, ip_hash, user_agent, referrer, credited, reason)
SELECT encode(click_id, 'hex'),
       to_timestamp(clicked_at / 1000.0) AT TIME ZONE 'UTC',
       to_char(DATE '1970-01-01' + day, 'YYYY-MM-DD'),
       programme_id, channel_id, participant_id, ad_id, epi, encode(ip_hash, 'hex'),
       (SELECT user_agent FROM user_agents u WHERE u.id = clicks.user_agent_id),
       (SELECT referrer FROM referrers r WHERE r.id = clicks.referrer_id),
       credited, reason
FROM clicks ORDER BY click_id;
DROP TABLE clicks;
ALTER TABLE click_log RENAME TO clicks;
CREATE INDEX clicks_channel_day ON clicks (channel_id, day);
DROP TABLE referrers;
DROP TABLE user_agents;

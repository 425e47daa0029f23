DROP TABLE rate_limit_events;
DROP TABLE registration_bans;
DROP TABLE sessions;
DROP TABLE account_tokens;
DROP TABLE signup_drafts;
DROP TABLE channels;
DROP TABLE participants;

-- Channels, programme membership and clicks (issue 6).

-- A terminated participant (F.11.e) keeps its rows; its clicks are no longer credited.
ALTER TABLE participants ADD COLUMN terminated_at TIMESTAMP;

-- The account manager's decision on a channel: who, when, and the reason given to the participant.
ALTER TABLE channels ADD COLUMN review_reason TEXT;
ALTER TABLE channels ADD COLUMN reviewed_by BIGINT;
ALTER TABLE channels ADD COLUMN reviewed_at TIMESTAMP;

-- Domains a programme's deep links may point to (only used when its deeplinking policy allows it).
CREATE TABLE programme_domains (
    programme_id BIGINT NOT NULL,
    domain TEXT NOT NULL,
    PRIMARY KEY (programme_id, domain)
);

-- A channel's application to a programme, decided by an account manager.
CREATE TABLE memberships (
    id INTEGER PRIMARY KEY,
    programme_id BIGINT NOT NULL,
    channel_id BIGINT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'rejected')),
    reason TEXT,
    applied_at TIMESTAMP NOT NULL,
    decided_by BIGINT REFERENCES accounts (id),
    decided_at TIMESTAMP,
    UNIQUE (programme_id, channel_id)
);
CREATE INDEX memberships_state ON memberships (state);

-- Every click on a tracking link, credited or not. An append-only log written by one writer,
-- which takes programme, channel and participant from those tables just before (and nothing
-- deletes them: a participant is terminated, not removed). It has no foreign keys on purpose:
-- on PostgreSQL each one locks the parent row FOR KEY SHARE for every inserted click, which on
-- the same channel row at thousands of clicks a second cost more than the insert itself.
-- `ip_hash` is a keyed hash of the visitor's address (the address itself is never stored);
-- `day` is the UTC date for statistics.
CREATE TABLE clicks (
    id INTEGER PRIMARY KEY,
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
-- Statistics read clicks by channel and day (a participant's through its channels). Every
-- index here is one more B-tree insert per click on the hot path: keep them few.
CREATE INDEX clicks_channel_day ON clicks (channel_id, day);

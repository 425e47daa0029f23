-- Channels, programme membership and clicks (issue 6).

-- A terminated participant (F.11.e) keeps its rows; its clicks are no longer credited.
ALTER TABLE participants ADD COLUMN terminated_at TIMESTAMP;

-- The account manager's decision on a channel: who, when, and the reason given to the participant.
ALTER TABLE channels ADD COLUMN review_reason TEXT;
ALTER TABLE channels ADD COLUMN reviewed_by BIGINT;
ALTER TABLE channels ADD COLUMN reviewed_at TIMESTAMP;

-- Domains a programme's deep links may point to (only used when its deeplinking policy allows it).
CREATE TABLE programme_domains (
    programme_id BIGINT NOT NULL REFERENCES programmes (id),
    domain TEXT NOT NULL,
    PRIMARY KEY (programme_id, domain)
);

-- A channel's application to a programme, decided by an account manager.
CREATE TABLE memberships (
    id BIGSERIAL PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes (id),
    channel_id BIGINT NOT NULL REFERENCES channels (id),
    state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'rejected')),
    reason TEXT,
    applied_at TIMESTAMP NOT NULL,
    decided_by BIGINT REFERENCES accounts (id),
    decided_at TIMESTAMP,
    UNIQUE (programme_id, channel_id)
);
CREATE INDEX memberships_state ON memberships (state);

-- Every click on a tracking link, credited or not. `ip_hash` is a keyed hash of the visitor's
-- address (the address itself is never stored); `day` is the UTC date for statistics.
CREATE TABLE clicks (
    id BIGSERIAL PRIMARY KEY,
    click_id TEXT NOT NULL UNIQUE,
    clicked_at TIMESTAMP NOT NULL,
    day TEXT NOT NULL,
    programme_id BIGINT NOT NULL REFERENCES programmes (id),
    channel_id BIGINT NOT NULL REFERENCES channels (id),
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    ad_id BIGINT,
    epi TEXT,
    ip_hash TEXT NOT NULL,
    user_agent TEXT NOT NULL,
    referrer TEXT,
    credited BOOLEAN NOT NULL,
    reason TEXT CHECK (reason IN ('participant_terminated', 'channel_not_approved',
        'membership_not_approved', 'bot', 'duplicate', 'velocity'))
);
CREATE INDEX clicks_participant_day ON clicks (participant_id, day);
CREATE INDEX clicks_channel_day ON clicks (channel_id, day);

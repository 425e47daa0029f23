-- Participants (publishers and networks, rules A.1.f/g) and their advertising channels.
CREATE TABLE participants (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL UNIQUE REFERENCES accounts (id),
    kind TEXT NOT NULL CHECK (kind IN ('publisher', 'network')),
    company_name TEXT NOT NULL,
    contact_name TEXT NOT NULL,
    country TEXT NOT NULL CHECK (char_length(country) = 2),
    created_at TIMESTAMP NOT NULL
);

-- A channel waits for an account manager's review; 'flagged' means the brand screening (B.5.a)
-- found an Alibaba Group brand in its name or domain.
CREATE TABLE channels (
    id BIGSERIAL PRIMARY KEY,
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    website_url TEXT NOT NULL,
    domain TEXT NOT NULL,
    name TEXT NOT NULL,
    category TEXT NOT NULL,
    promotion_methods TEXT NOT NULL,
    review_state TEXT NOT NULL CHECK (review_state IN ('pending', 'flagged', 'approved', 'rejected')),
    screening_note TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX channels_participant ON channels (participant_id);

-- What a visitor typed during signup, kept between steps; `data` is JSON. Expires after 24 hours.
CREATE TABLE signup_drafts (
    id TEXT PRIMARY KEY,
    lang TEXT NOT NULL,
    email TEXT NOT NULL,
    data TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

-- One-time links (activation, password reset): only a SHA-256 hash of the token is stored.
CREATE TABLE account_tokens (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    purpose TEXT NOT NULL CHECK (purpose IN ('activation', 'password_reset')),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP
);
CREATE INDEX account_tokens_account ON account_tokens (account_id, purpose);

-- Server-side sessions: the cookie holds a random key; only its hash is stored.
CREATE TABLE sessions (
    key_hash TEXT PRIMARY KEY,
    account_id BIGINT REFERENCES accounts (id),
    state TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);

-- Addresses and domains barred from registering (F.11.g).
CREATE TABLE registration_bans (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('email', 'domain')),
    value TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (kind, value)
);

-- Attempts counted for rate limits shared by every app instance (per account, per IP hash).
CREATE TABLE rate_limit_events (
    id BIGSERIAL PRIMARY KEY,
    bucket TEXT NOT NULL,
    at TIMESTAMP NOT NULL
);
CREATE INDEX rate_limit_events_bucket ON rate_limit_events (bucket, at);

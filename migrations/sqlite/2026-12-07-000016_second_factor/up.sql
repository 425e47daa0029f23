-- Two-factor login (issue 21 point 10): a TOTP secret per account (RFC 6238: SHA-1, 6 digits,
-- 30 seconds), stored encrypted with a key derived from the portal's secret key, so a dump of the
-- database alone does not give it away. `enabled_at` stays empty until the account has typed a
-- code made from the secret (an enrolment begun but not finished). `last_step` is the time step
-- of the last code accepted: a code of that step or an earlier one is refused (a replay).
CREATE TABLE second_factors (
    account_id BIGINT PRIMARY KEY REFERENCES accounts (id),
    secret TEXT NOT NULL,
    last_step BIGINT NOT NULL DEFAULT 0,
    enabled_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);

-- The single-use recovery codes shown once at enrolment, kept only as keyed hashes.
CREATE TABLE recovery_codes (
    id INTEGER PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    code_hash TEXT NOT NULL,
    used_at TIMESTAMP,
    UNIQUE (account_id, code_hash)
);

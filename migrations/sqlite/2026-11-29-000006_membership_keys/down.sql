CREATE TABLE memberships_old (
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
INSERT INTO memberships_old (id, programme_id, channel_id, state, reason, applied_at, decided_by, decided_at)
    SELECT id, programme_id, channel_id, state, reason, applied_at, decided_by, decided_at FROM memberships;
DROP TABLE memberships;
ALTER TABLE memberships_old RENAME TO memberships;
CREATE INDEX memberships_state ON memberships (state);

CREATE TABLE programme_domains_old (
    programme_id BIGINT NOT NULL,
    domain TEXT NOT NULL,
    PRIMARY KEY (programme_id, domain)
);
INSERT INTO programme_domains_old (programme_id, domain) SELECT programme_id, domain FROM programme_domains;
DROP TABLE programme_domains;
ALTER TABLE programme_domains_old RENAME TO programme_domains;

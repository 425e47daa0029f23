-- A membership names an existing programme and channel, a programme domain an existing programme.
-- These foreign keys were missing; the diesel schema generated from the migrations showed it.
-- SQLite adds a foreign key only by building the table anew.
CREATE TABLE memberships_new (
    id INTEGER PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes (id),
    channel_id BIGINT NOT NULL REFERENCES channels (id),
    state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'rejected')),
    reason TEXT,
    applied_at TIMESTAMP NOT NULL,
    decided_by BIGINT REFERENCES accounts (id),
    decided_at TIMESTAMP,
    UNIQUE (programme_id, channel_id)
);
INSERT INTO memberships_new (id, programme_id, channel_id, state, reason, applied_at, decided_by, decided_at)
    SELECT id, programme_id, channel_id, state, reason, applied_at, decided_by, decided_at FROM memberships;
DROP TABLE memberships;
ALTER TABLE memberships_new RENAME TO memberships;
CREATE INDEX memberships_state ON memberships (state);

CREATE TABLE programme_domains_new (
    programme_id BIGINT NOT NULL REFERENCES programmes (id),
    domain TEXT NOT NULL,
    PRIMARY KEY (programme_id, domain)
);
INSERT INTO programme_domains_new (programme_id, domain) SELECT programme_id, domain FROM programme_domains;
DROP TABLE programme_domains;
ALTER TABLE programme_domains_new RENAME TO programme_domains;

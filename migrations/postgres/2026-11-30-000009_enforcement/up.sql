-- The account managers' console: administrators, versions of the rules and who accepted them,
-- measures (F.11.a–g) with the clauses they cite, objections (G.12) with their evidence, the
-- working-day calendar (G.13) and the audit log nobody can edit.

-- An administrator is an account manager who also manages managers and the programme's data.
ALTER TABLE accounts ADD COLUMN administrator BOOLEAN NOT NULL DEFAULT FALSE;

-- Every published version of a programme's rules, its clauses kept as they read then (JSON).
CREATE TABLE rules_versions (
    id BIGSERIAL PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes (id),
    number INTEGER NOT NULL CHECK (number > 0),
    summary TEXT NOT NULL,
    clauses TEXT NOT NULL,
    published_at TIMESTAMP NOT NULL,
    published_by BIGINT REFERENCES accounts (id),
    UNIQUE (programme_id, number)
);

-- Which version of the rules a participant accepted, and when (signup records the first).
CREATE TABLE rules_acceptances (
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    version_id BIGINT NOT NULL REFERENCES rules_versions (id),
    accepted_at TIMESTAMP NOT NULL,
    PRIMARY KEY (participant_id, version_id)
);

-- A measure taken against a participant. `request_key` is the form's one-time key: the same
-- form sent twice is one measure. A lifted measure keeps its row, with who lifted it and why.
CREATE TABLE measures (
    id BIGSERIAL PRIMARY KEY,
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    kind TEXT NOT NULL CHECK (kind IN ('warning', 'cure_period', 'withhold', 'deduct', 'terminate', 'restrict', 'ban')),
    reason TEXT NOT NULL,
    rules_version_id BIGINT NOT NULL REFERENCES rules_versions (id),
    deadline DATE,
    amount BIGINT CHECK (amount IS NULL OR amount > 0),
    currency TEXT,
    restriction TEXT CHECK (restriction IS NULL OR restriction IN ('applications', 'membership')),
    membership_id BIGINT REFERENCES memberships (id),
    ban_email TEXT,
    ban_domain TEXT,
    escalates_id BIGINT REFERENCES measures (id),
    request_key TEXT NOT NULL UNIQUE,
    taken_by BIGINT NOT NULL REFERENCES accounts (id),
    taken_at TIMESTAMP NOT NULL,
    claim_until DATE NOT NULL,
    read_at TIMESTAMP,
    cured_text TEXT,
    cured_at TIMESTAMP,
    cure_decision TEXT CHECK (cure_decision IS NULL OR cure_decision IN ('accepted', 'escalated')),
    cure_decided_by BIGINT REFERENCES accounts (id),
    cure_decided_at TIMESTAMP,
    lifted_at TIMESTAMP,
    lifted_by BIGINT REFERENCES accounts (id),
    lift_reason TEXT
);
CREATE INDEX measures_participant ON measures (participant_id, id);
CREATE INDEX measures_open ON measures (kind, lifted_at);

-- The clauses a measure cites, quoted from the version of the rules in force when it was taken.
CREATE TABLE measure_clauses (
    measure_id BIGINT NOT NULL REFERENCES measures (id),
    position INTEGER NOT NULL,
    citation TEXT NOT NULL,
    anchor TEXT NOT NULL,
    body TEXT NOT NULL,
    PRIMARY KEY (measure_id, position)
);

-- A participant's objection to a measure (one per measure), and the manager's decision.
CREATE TABLE objections (
    id BIGSERIAL PRIMARY KEY,
    measure_id BIGINT NOT NULL UNIQUE REFERENCES measures (id),
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    text TEXT NOT NULL,
    filed_at TIMESTAMP NOT NULL,
    due_on DATE NOT NULL,
    decision TEXT CHECK (decision IS NULL OR decision IN ('upheld', 'rejected')),
    decision_reason TEXT,
    decided_by BIGINT REFERENCES accounts (id),
    decided_at TIMESTAMP
);
CREATE INDEX objections_open ON objections (decision, due_on);

-- Evidence: files stored outside the web root under a random name.
CREATE TABLE objection_files (
    id BIGSERIAL PRIMARY KEY,
    objection_id BIGINT NOT NULL REFERENCES objections (id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL CHECK (content_type IN ('application/pdf', 'image/png', 'image/jpeg')),
    size BIGINT NOT NULL,
    stored_as TEXT NOT NULL UNIQUE,
    sha256 TEXT NOT NULL
);

-- Hong Kong general holidays (G.13): not working days, like Saturdays and Sundays.
CREATE TABLE holidays (
    day DATE PRIMARY KEY,
    name TEXT NOT NULL
);

-- Seeded once from the Hong Kong general holidays 2026-2027 (python-holidays 0.109, public and
-- optional); administrators keep the table up to date from here on.
INSERT INTO holidays (day, name) VALUES
    ('2026-01-01', 'New Year''s Day'),
    ('2026-02-17', 'Chinese New Year'),
    ('2026-02-18', 'The second day of Chinese New Year'),
    ('2026-02-19', 'The third day of Chinese New Year'),
    ('2026-04-03', 'Good Friday'),
    ('2026-04-04', 'The day following Good Friday'),
    ('2026-04-05', 'Tomb-Sweeping Day'),
    ('2026-04-06', 'Easter Monday; The day following Tomb-Sweeping Day'),
    ('2026-04-07', 'The day following Easter Monday; Tomb-Sweeping Day (observed)'),
    ('2026-05-01', 'Labor Day'),
    ('2026-05-24', 'The Buddha''s Birthday'),
    ('2026-05-25', 'The Buddha''s Birthday (observed); The day following the Buddha''s Birthday'),
    ('2026-06-19', 'Dragon Boat Festival'),
    ('2026-07-01', 'Hong Kong S.A.R. Establishment Day'),
    ('2026-09-26', 'The Day following Mid-Autumn Festival'),
    ('2026-10-01', 'National Day'),
    ('2026-10-18', 'Double Ninth Festival'),
    ('2026-10-19', 'Double Ninth Festival (observed); The day following Double Ninth Festival'),
    ('2026-12-25', 'Christmas Day'),
    ('2026-12-26', 'The first weekday after Christmas Day'),
    ('2027-01-01', 'New Year''s Day'),
    ('2027-02-06', 'Chinese New Year'),
    ('2027-02-08', 'The third day of Chinese New Year'),
    ('2027-02-09', 'The fourth day of Chinese New Year'),
    ('2027-03-26', 'Good Friday'),
    ('2027-03-27', 'The day following Good Friday'),
    ('2027-03-29', 'Easter Monday'),
    ('2027-04-05', 'Tomb-Sweeping Day'),
    ('2027-05-01', 'Labor Day'),
    ('2027-05-13', 'The Buddha''s Birthday'),
    ('2027-06-09', 'Dragon Boat Festival'),
    ('2027-07-01', 'Hong Kong S.A.R. Establishment Day'),
    ('2027-09-16', 'The Day following Mid-Autumn Festival'),
    ('2027-10-01', 'National Day'),
    ('2027-10-08', 'Double Ninth Festival'),
    ('2027-12-25', 'Christmas Day'),
    ('2027-12-27', 'The first weekday after Christmas Day');

-- A deduction's ledger rows name their measure; a ban names the measure that made it.
ALTER TABLE ledger_entries ADD COLUMN measure_id BIGINT REFERENCES measures (id);
CREATE UNIQUE INDEX ledger_entries_measure ON ledger_entries (measure_id, kind, reason);
ALTER TABLE registration_bans ADD COLUMN measure_id BIGINT REFERENCES measures (id);

-- Who did what to whom, when and from where, with the values before and after (JSON).
CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    actor_id BIGINT REFERENCES accounts (id),
    actor TEXT NOT NULL,
    ip_hash TEXT,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    participant_id BIGINT REFERENCES participants (id),
    before TEXT,
    after TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_participant ON audit_log (participant_id, at);

CREATE FUNCTION refuse_audit_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_log rows are append-only';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION refuse_audit_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_audit_change();

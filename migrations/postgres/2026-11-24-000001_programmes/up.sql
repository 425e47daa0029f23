-- A programme and everything its public page shows. Texts are per language ('nl', 'en').
CREATE TABLE programmes (
    id BIGSERIAL PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    advertiser TEXT NOT NULL,
    landing_url TEXT NOT NULL,
    currency TEXT NOT NULL CHECK (char_length(currency) = 3),
    rules_title TEXT NOT NULL,
    rules_updated TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE programme_texts (
    id BIGSERIAL PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes (id),
    lang TEXT NOT NULL CHECK (lang IN ('nl', 'en')),
    section TEXT NOT NULL,
    position INTEGER NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (programme_id, lang, section, position)
);

CREATE TABLE commission_groups (
    id BIGSERIAL PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes (id),
    code TEXT NOT NULL,
    position INTEGER NOT NULL,
    UNIQUE (programme_id, code)
);

CREATE TABLE commission_group_texts (
    group_id BIGINT NOT NULL REFERENCES commission_groups (id),
    lang TEXT NOT NULL CHECK (lang IN ('nl', 'en')),
    event_name TEXT NOT NULL,
    scope TEXT NOT NULL,
    PRIMARY KEY (group_id, lang)
);

-- One rate per group in force at any time: the row with the latest effective_from not in the
-- future. Rates are decimal strings in percent ('3.5'), read into rust_decimal; never floats.
CREATE TABLE commission_rates (
    id BIGSERIAL PRIMARY KEY,
    group_id BIGINT NOT NULL REFERENCES commission_groups (id),
    rate_percent TEXT NOT NULL,
    effective_from TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (group_id, effective_from)
);

CREATE TABLE programme_policies (
    programme_id BIGINT NOT NULL REFERENCES programmes (id),
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (programme_id, key)
);

CREATE TABLE programme_contacts (
    id BIGSERIAL PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes (id),
    role TEXT NOT NULL CHECK (role IN ('account_manager', 'publisher_team')),
    name TEXT NOT NULL,
    email TEXT,
    position INTEGER NOT NULL
);

-- The Advertising Rules and Policies: sections A-G and their clauses, each with a stable anchor
-- ('E-10-c') so enforcement actions can cite and link them.
CREATE TABLE rule_sections (
    id BIGSERIAL PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes (id),
    letter TEXT NOT NULL,
    title TEXT NOT NULL,
    position INTEGER NOT NULL,
    UNIQUE (programme_id, letter)
);

CREATE TABLE rule_clauses (
    id BIGSERIAL PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes (id),
    section_letter TEXT NOT NULL,
    anchor TEXT NOT NULL,
    label TEXT NOT NULL,
    depth INTEGER NOT NULL CHECK (depth BETWEEN 1 AND 3),
    body TEXT NOT NULL,
    position INTEGER NOT NULL,
    UNIQUE (programme_id, anchor)
);

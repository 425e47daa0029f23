-- Everyone who logs in: participants (publishers and networks) and the network's account managers.
-- The e-mail address is stored normalised (trimmed, lower case) so uniqueness ignores case.
CREATE TABLE accounts (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('participant', 'manager')),
    lang TEXT NOT NULL CHECK (lang IN ('nl', 'en')),
    created_at TIMESTAMP NOT NULL,
    activated_at TIMESTAMP
);

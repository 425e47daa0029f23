-- Money: conversions reported by the advertiser, the commissions they earn, the append-only
-- ledger per participant, bank details and payouts. Amounts are whole minor units (cents) in
-- BIGINT columns, read into rust_decimal through `domain::Money`; never floats.

-- A programme's money settings: the cookie period in days (0: session based, the same UTC day as
-- the click), the validation period after which a commission is final, and the payout threshold.
ALTER TABLE programmes ADD COLUMN cookie_days INTEGER NOT NULL DEFAULT 0 CHECK (cookie_days BETWEEN 0 AND 365);
ALTER TABLE programmes ADD COLUMN validation_days INTEGER NOT NULL DEFAULT 30 CHECK (validation_days BETWEEN 0 AND 365);
ALTER TABLE programmes ADD COLUMN payout_threshold BIGINT NOT NULL DEFAULT 2500 CHECK (payout_threshold > 0);

-- The secret an advertiser signs conversions with. The newest is current; a replaced one keeps
-- working until `retires_at` (24 hours after it was replaced).
CREATE TABLE programme_secrets (
    id INTEGER PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes (id),
    secret TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    retires_at TIMESTAMP
);
CREATE INDEX programme_secrets_programme ON programme_secrets (programme_id, created_at);

-- Signatures of accepted API requests, kept while their timestamp is fresh, so a captured
-- request sent again is refused as a replay.
CREATE TABLE signatures_seen (
    signature TEXT PRIMARY KEY,
    signed_at BIGINT NOT NULL
);
CREATE INDEX signatures_seen_signed_at ON signatures_seen (signed_at);

-- Where a participant's account logged in from (the keyed IP hash of the click log), for the
-- self-purchase check of rule E.10.j.
CREATE TABLE login_addresses (
    account_id BIGINT NOT NULL REFERENCES accounts (id),
    ip_hash BLOB NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    PRIMARY KEY (account_id, ip_hash)
);

CREATE TABLE conversions (
    id INTEGER PRIMARY KEY,
    programme_id BIGINT NOT NULL REFERENCES programmes (id),
    order_ref TEXT NOT NULL,
    click_ref TEXT NOT NULL,
    participant_id BIGINT REFERENCES participants (id),
    channel_id BIGINT REFERENCES channels (id),
    group_id BIGINT NOT NULL REFERENCES commission_groups (id),
    currency TEXT NOT NULL,
    order_amount BIGINT NOT NULL CHECK (order_amount >= 0),
    returned_amount BIGINT NOT NULL CHECK (returned_amount >= 0),
    coupon_redeemed BOOLEAN NOT NULL,
    order_status TEXT NOT NULL CHECK (order_status IN ('pending', 'completed', 'cancelled', 'returned')),
    attribution TEXT NOT NULL CHECK (attribution IN ('credited', 'unknown_click',
        'click_not_credited', 'outside_cookie_period', 'no_rate', 'self_purchase')),
    occurred_at TIMESTAMP NOT NULL,
    received_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (programme_id, order_ref)
);
CREATE INDEX conversions_participant ON conversions (participant_id, occurred_at);

-- The commission on a conversion ('order'), and one row per partial return ('return', a
-- negative amount linked to the original). Final on `locks_at`, fixed when the conversion
-- arrived: later changes of the programme's validation period do not move it.
CREATE TABLE commissions (
    id INTEGER PRIMARY KEY,
    conversion_id BIGINT NOT NULL REFERENCES conversions (id),
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    kind TEXT NOT NULL CHECK (kind IN ('order', 'return')),
    reverses_id BIGINT REFERENCES commissions (id),
    rate_percent TEXT NOT NULL,
    amount BIGINT NOT NULL,
    currency TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'approved', 'rejected', 'reversed')),
    reason TEXT,
    held BOOLEAN NOT NULL,
    locks_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    decided_at TIMESTAMP,
    CHECK ((kind = 'order') = (reverses_id IS NULL))
);
CREATE INDEX commissions_conversion ON commissions (conversion_id);
CREATE INDEX commissions_participant ON commissions (participant_id, created_at);
CREATE INDEX commissions_due ON commissions (state, locks_at);

-- Every change of a commission, dated, with its reason and who made it.
CREATE TABLE commission_events (
    id INTEGER PRIMARY KEY,
    commission_id BIGINT NOT NULL REFERENCES commissions (id),
    state TEXT NOT NULL,
    amount BIGINT NOT NULL,
    reason TEXT,
    source TEXT NOT NULL CHECK (source IN ('advertiser', 'import', 'locking', 'manager')),
    decided_by BIGINT REFERENCES accounts (id),
    at TIMESTAMP NOT NULL
);
CREATE INDEX commission_events_commission ON commission_events (commission_id);

-- Bank details: the newest row is in use; earlier ones stay as the history of changes.
CREATE TABLE bank_accounts (
    id INTEGER PRIMARY KEY,
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    iban TEXT NOT NULL,
    holder TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX bank_accounts_participant ON bank_accounts (participant_id, id);

-- One run per period (`2026-11`); it pays the balance of ledger entries made before the
-- period's end. `finished_at` is set when every payout of the run is stored.
CREATE TABLE payout_runs (
    id INTEGER PRIMARY KEY,
    period TEXT NOT NULL UNIQUE,
    started_at TIMESTAMP NOT NULL,
    started_by BIGINT REFERENCES accounts (id),
    finished_at TIMESTAMP
);

CREATE TABLE payouts (
    id INTEGER PRIMARY KEY,
    run_id BIGINT NOT NULL REFERENCES payout_runs (id),
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    amount BIGINT NOT NULL CHECK (amount > 0),
    currency TEXT NOT NULL,
    iban TEXT NOT NULL,
    holder TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (run_id, participant_id)
);
CREATE INDEX payouts_participant ON payouts (participant_id);

-- The ledger: approved commissions (+), returns and reversals (−), deductions (−), payouts (−).
-- A balance is the sum of its rows; a correction is a new row.
CREATE TABLE ledger_entries (
    id INTEGER PRIMARY KEY,
    participant_id BIGINT NOT NULL REFERENCES participants (id),
    kind TEXT NOT NULL CHECK (kind IN ('commission', 'return', 'reversal', 'deduction', 'payout')),
    amount BIGINT NOT NULL,
    currency TEXT NOT NULL,
    commission_id BIGINT REFERENCES commissions (id),
    payout_id BIGINT UNIQUE REFERENCES payouts (id),
    reason TEXT,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (commission_id, kind)
);
CREATE INDEX ledger_entries_participant ON ledger_entries (participant_id, id);

-- No money row is ever changed or removed: the database itself refuses.
CREATE TRIGGER ledger_entries_no_update BEFORE UPDATE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger_entries rows are append-only: add a correcting row instead'); END;
CREATE TRIGGER ledger_entries_no_delete BEFORE DELETE ON ledger_entries
BEGIN SELECT RAISE(ABORT, 'ledger_entries rows are append-only: add a correcting row instead'); END;
CREATE TRIGGER payouts_no_update BEFORE UPDATE ON payouts
BEGIN SELECT RAISE(ABORT, 'payouts rows are append-only: add a correcting row instead'); END;
CREATE TRIGGER payouts_no_delete BEFORE DELETE ON payouts
BEGIN SELECT RAISE(ABORT, 'payouts rows are append-only: add a correcting row instead'); END;

-- The click log partitioned by month, so that removing a month of clicks at the end of the
-- retention period is dropping a table instead of deleting rows one by one. The partition key
-- is the click id itself: its first 48 bits are the click's time in milliseconds (see the click
-- writer's `ClickIds`), so a month is a range of ids, the primary key stays the click id alone
-- and a lookup by id (a conversion's attribution) reads one partition. `clicks_other` takes
-- what falls in no month created yet (a clock far off, or ids made elsewhere), and
-- `ensure_click_partition` creates a month (the portal keeps two months ahead).

-- The lowest click id of an instant.
CREATE FUNCTION click_id_at(t TIMESTAMPTZ) RETURNS BYTEA LANGUAGE sql IMMUTABLE AS $$
    SELECT decode(lpad(to_hex(floor(extract(epoch FROM t) * 1000)::BIGINT), 12, '0')
                  || repeat('0', 20), 'hex')
$$;

-- The partition of the (UTC) month that `day` is in, created unless it exists. Instances
-- starting together on one database take turns (a transaction-wide advisory lock), so two never
-- create the same month at once.
CREATE FUNCTION ensure_click_partition(day DATE) RETURNS VOID LANGUAGE plpgsql AS $$
DECLARE
    first DATE := date_trunc('month', day)::DATE;
    name TEXT := 'clicks_' || to_char(first, 'YYYY_MM');
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('ensure_click_partition'));
    IF to_regclass(name) IS NULL THEN
        EXECUTE format('CREATE TABLE %I PARTITION OF clicks FOR VALUES FROM (%L) TO (%L)',
                       name,
                       click_id_at(first::TIMESTAMP AT TIME ZONE 'UTC'),
                       click_id_at((first + INTERVAL '1 month')::TIMESTAMP AT TIME ZONE 'UTC'));
    END IF;
END
$$;

ALTER TABLE clicks RENAME TO clicks_unpartitioned;
DROP TRIGGER clicks_roll_up ON clicks_unpartitioned;
CREATE TABLE clicks (
    click_id BYTEA NOT NULL CHECK (length(click_id) = 16),
    clicked_at BIGINT NOT NULL,
    day INTEGER NOT NULL,
    programme_id BIGINT NOT NULL,
    channel_id BIGINT NOT NULL,
    participant_id BIGINT NOT NULL,
    ad_id BIGINT,
    epi TEXT,
    ip_hash BYTEA NOT NULL,
    user_agent_id BIGINT NOT NULL,
    referrer_id BIGINT,
    credited BOOLEAN NOT NULL,
    reason TEXT CHECK (reason IN ('participant_terminated', 'channel_not_approved',
        'membership_not_approved', 'bot', 'duplicate', 'velocity')),
    PRIMARY KEY (click_id)
) PARTITION BY RANGE (click_id);
CREATE TABLE clicks_other PARTITION OF clicks DEFAULT;

-- A month for every month with clicks (since 2020), this month and the next two.
DO $$
DECLARE
    month DATE := LEAST(
        date_trunc('month', now() AT TIME ZONE 'UTC')::DATE,
        COALESCE((SELECT date_trunc('month', to_timestamp(min(clicked_at) / 1000.0)
                                             AT TIME ZONE 'UTC')::DATE
                  FROM clicks_unpartitioned WHERE clicked_at >= 1577836800000),
                 '9999-01-01'));
BEGIN
    WHILE month <= (now() AT TIME ZONE 'UTC')::DATE + INTERVAL '2 months' LOOP
        PERFORM ensure_click_partition(month);
        month := month + INTERVAL '1 month';
    END LOOP;
END
$$;

INSERT INTO clicks SELECT * FROM clicks_unpartitioned;
DROP TABLE clicks_unpartitioned;

-- The rollups' trigger (000011), now on the partitioned table.
CREATE TRIGGER clicks_roll_up AFTER INSERT ON clicks
REFERENCING NEW TABLE AS new_clicks
FOR EACH STATEMENT EXECUTE FUNCTION clicks_roll_up();

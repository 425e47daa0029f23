"""A click log at the size of a network, for bench/stats_scale.sh.

    python3 bench/stats_data.py sqlite PATH CLICKS CHANNELS PROGRAMME CHANNEL PARTICIPANT
    python3 bench/stats_data.py postgres URL CLICKS CHANNELS PROGRAMME CHANNEL PARTICIPANT

CLICKS clicks spread evenly over the last 365 days, with ascending click ids of their time (as
the click writer makes them). Every tenth click is the demo publisher's (CHANNEL, 40 sub-IDs);
the others belong to CHANNELS other channels (ids from 1,000,000; channel k has 1 + k % 8
sub-IDs). One click in ten is not credited (a duplicate). The rollups (`click_days`) are kept by
the database's own trigger, as for every click. SQLite is written through Python's sqlite3
(500,000 rows per transaction); PostgreSQL by `INSERT … SELECT FROM generate_series` statements
of 1,000,000 rows through psql, with its monthly partitions created first.
"""

import subprocess
import sys
import time

DAY_MS = 86_400_000
SQLITE_CHUNK = 500_000
PG_CHUNK = 1_000_000
OTHER_CHANNELS_FROM = 1_000_000


def span():
    now_ms = int(time.time() * 1000)
    start_ms = now_ms - 365 * DAY_MS
    return start_ms, (now_ms - start_ms) / CLICKS


def sqlite_rows(lo, hi, ua):
    start_ms, step = span()
    for i in range(lo, hi):
        ms = start_ms + int(i * step)
        click_id = ((ms << 80) | i).to_bytes(16, "big")
        if i % 10 == 0:
            channel, participant, epi = CHANNEL, PARTICIPANT, f"sub-{(i // 10) % 40}"
        else:
            k = (i * 2654435761) % OTHERS
            channel = participant = OTHER_CHANNELS_FROM + k
            epi = f"e{i % (1 + k % 8)}"
        credited = i % 10 != 3
        yield (
            click_id, ms, ms // DAY_MS, PROGRAMME, channel, participant, None, epi,
            (i * 7919).to_bytes(16, "big"), ua, None, credited,
            None if credited else "duplicate",
        )


def sqlite(path):
    import sqlite3

    c = sqlite3.connect(path, isolation_level=None)
    c.execute("PRAGMA synchronous = OFF")
    c.execute("PRAGMA cache_size = -262144")
    c.execute("INSERT OR IGNORE INTO user_agents (user_agent) VALUES ('Mozilla/5.0 (bench)')")
    ua = c.execute("SELECT id FROM user_agents WHERE user_agent = 'Mozilla/5.0 (bench)'").fetchone()[0]
    for lo in range(0, CLICKS, SQLITE_CHUNK):
        hi = min(CLICKS, lo + SQLITE_CHUNK)
        c.execute("BEGIN")
        c.executemany(
            "INSERT INTO clicks (click_id, clicked_at, day, programme_id, channel_id, participant_id,"
            " ad_id, epi, ip_hash, user_agent_id, referrer_id, credited, reason)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            sqlite_rows(lo, hi, ua),
        )
        c.execute("COMMIT")
        print(f"   {hi:,} clicks", file=sys.stderr, flush=True)
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def postgres(url):
    start_ms, step = span()

    def psql(sql):
        subprocess.run(["psql", "-qtA", "-v", "ON_ERROR_STOP=1", url, "-c", sql], check=True,
                       stdout=subprocess.DEVNULL)

    psql("INSERT INTO user_agents (user_agent) VALUES ('Mozilla/5.0 (bench)') ON CONFLICT DO NOTHING")
    psql(
        "SELECT ensure_click_partition(m::date) FROM generate_series("
        f"date_trunc('month', to_timestamp({start_ms} / 1000.0) AT TIME ZONE 'UTC'),"
        " now() AT TIME ZONE 'UTC', INTERVAL '1 month') m"
    )
    for lo in range(0, CLICKS, PG_CHUNK):
        hi = min(CLICKS, lo + PG_CHUNK) - 1
        psql(f"""
SET synchronous_commit = off;
INSERT INTO clicks (click_id, clicked_at, day, programme_id, channel_id, participant_id, ad_id,
                    epi, ip_hash, user_agent_id, referrer_id, credited, reason)
SELECT decode(lpad(to_hex(ms), 12, '0') || lpad(to_hex(i), 20, '0'), 'hex'), ms,
       (ms / {DAY_MS})::int, {PROGRAMME},
       CASE WHEN i % 10 = 0 THEN {CHANNEL} ELSE {OTHER_CHANNELS_FROM} + k END,
       CASE WHEN i % 10 = 0 THEN {PARTICIPANT} ELSE {OTHER_CHANNELS_FROM} + k END,
       NULL,
       CASE WHEN i % 10 = 0 THEN 'sub-' || ((i / 10) % 40) ELSE 'e' || (i % (1 + k % 8)) END,
       decode(lpad(to_hex(i * 7919), 32, '0'), 'hex'),
       (SELECT id FROM user_agents WHERE user_agent = 'Mozilla/5.0 (bench)'), NULL,
       i % 10 <> 3, CASE WHEN i % 10 = 3 THEN 'duplicate' END
FROM (SELECT i, {start_ms} + floor(i * {step})::bigint AS ms, (i * 2654435761) % {OTHERS} AS k
      FROM generate_series({lo}::bigint, {hi}::bigint) i) s
""")
        print(f"   {hi + 1:,} clicks", file=sys.stderr, flush=True)
    psql("VACUUM ANALYZE clicks")
    psql("VACUUM ANALYZE click_days")


if __name__ == "__main__":
    kind, target = sys.argv[1], sys.argv[2]
    CLICKS, OTHERS = int(sys.argv[3]), int(sys.argv[4])
    PROGRAMME, CHANNEL, PARTICIPANT = (int(a) for a in sys.argv[5:8])
    {"sqlite": sqlite, "postgres": postgres}[kind](target)

"""Data for the money benchmark (bench/money.sh).

  clicks URL CHANNEL N          N credited clicks of CHANNEL, today, straight into the database
  requests SECRET N FILE        N signed conversion reports for those clicks, one per line
  payees URL N                  N participants, each with a bank account and €30.00 approved
"""
import hashlib, hmac, json, os, random, sys, time

def connect(url):
    if url.startswith("sqlite://"):
        import sqlite3
        conn = sqlite3.connect(url[len("sqlite://"):])
        return conn, "?", lambda b: b
    import psycopg2  # noqa: only when PostgreSQL is measured
    conn = psycopg2.connect(url)
    return conn, "%s", psycopg2.Binary

def click_ids(n):
    # The same form as the writer's: 48 bits of milliseconds, then 80 random bits.
    now_ms = int(time.time() * 1000)
    return [((now_ms << 80) | random.getrandbits(80)).to_bytes(16, "big") for _ in range(n)]

def clicks(url, channel, n):
    conn, p, blob = connect(url)
    cur = conn.cursor()
    cur.execute("SELECT participant_id FROM channels WHERE id = %s" % int(channel))
    participant = cur.fetchone()[0]
    cur.execute("SELECT id FROM programmes WHERE slug = 'aliexpress'")
    programme = cur.fetchone()[0]
    cur.execute("SELECT id FROM user_agents LIMIT 1")
    row = cur.fetchone()
    if row is None:
        cur.execute("INSERT INTO user_agents (user_agent) VALUES ('Mozilla/5.0 bench')")
        cur.execute("SELECT id FROM user_agents LIMIT 1")
        row = cur.fetchone()
    ua = row[0]
    now_ms = int(time.time() * 1000)
    day = now_ms // 86_400_000
    ids = click_ids(int(n))
    rows = [(blob(i), now_ms, day, programme, int(channel), participant, blob(os.urandom(16)), ua, True) for i in ids]
    cur.executemany(
        "INSERT INTO clicks (click_id, clicked_at, day, programme_id, channel_id, participant_id, ip_hash, user_agent_id, credited) "
        "VALUES (%s)" % ", ".join([p] * 9), rows)
    conn.commit()
    with open(os.environ.get("CLICK_IDS", "/dev/null"), "w") as out:
        for i in ids:
            out.write(i.hex() + "\n")

def requests(secret, n, path):
    ids = [l.strip() for l in open(os.environ["CLICK_IDS"])]
    t = int(time.time())
    at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ids and int(ids[0][:12], 16) // 1000 or t))
    groups = ["sales", "mobile_phones", "marketplace"]
    with open(path, "w") as out:
        for k in range(int(n)):
            body = json.dumps({
                "programme": "aliexpress", "click_id": ids[k % len(ids)], "order_ref": "BENCH-%d" % k,
                "order_amount": "%d.%02d" % (random.randint(5, 900), random.randint(0, 99)),
                "currency": "EUR", "commission_group": groups[k % 3], "coupon_redeemed": k % 20 == 0,
                "status": "pending", "occurred_at": at,
            }, separators=(",", ":"))
            sig = hmac.new(secret.encode(), ("%d." % t).encode() + body.encode(), hashlib.sha256).hexdigest()
            out.write("t=%d,v1=%s\t%s\n" % (t, sig, body))

def payees(url, n):
    conn, p, blob = connect(url)
    cur = conn.cursor()
    now = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
    ibans = ["NL91ABNA0417164300", "DE89370400440532013000", "BE68539007547034"]
    for k in range(int(n)):
        cur.execute("INSERT INTO accounts (email, password_hash, role, lang, created_at, activated_at) "
                    "VALUES (%s) RETURNING id" % ", ".join([p] * 6),
                    ("payee%d@bench.example" % k, "x", "participant", "nl", now, now))
        account = cur.fetchone()[0]
        cur.execute("INSERT INTO participants (account_id, kind, company_name, contact_name, country, created_at) "
                    "VALUES (%s) RETURNING id" % ", ".join([p] * 6),
                    (account, "publisher", "Payee %d" % k, "Payee", "NL", now))
        participant = cur.fetchone()[0]
        cur.execute("INSERT INTO bank_accounts (participant_id, iban, holder, created_at) VALUES (%s)" % ", ".join([p] * 4),
                    (participant, ibans[k % 3], "Payee %d" % k, now))
        cur.execute("INSERT INTO ledger_entries (participant_id, kind, amount, currency, created_at) VALUES (%s)" % ", ".join([p] * 5),
                    (participant, "deduction" if k % 10 == 9 else "commission", 3000 if k % 10 != 9 else -100, "EUR", now))
    conn.commit()

if __name__ == "__main__":
    {"clicks": clicks, "requests": requests, "payees": payees}[sys.argv[1]](*sys.argv[2:])

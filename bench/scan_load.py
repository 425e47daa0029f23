#!/usr/bin/env python3
"""Scanner-like traffic against a running portal on loopback, for the memory measurement
(bench/scan_memory.sh): what wapiti and sqlmap send, in the proportions they send it —
/click with ever new ids, user agents and referrers; unknown paths with injection payloads;
form posts with and without CSRF tokens; a logged-in publisher's statistics, links and
commissions pages with odd parameters. Every value is new, so nothing is answered from a cache
twice: the worst case for anything that remembers per value.

    scan_load.py BASE_URL PID EMAIL PASSWORD REQUESTS CLICK_PATH

Prints one line per sample: requests sent, VmRSS and VmHWM of PID in kB; then the status
counts. Bounded: REQUESTS requests, 4 threads, no request to anything but BASE_URL.
"""

import http.client
import random
import re
import sys
import threading
import urllib.parse

BASE, PID, EMAIL, PASSWORD, TOTAL, CLICK_PATH = sys.argv[1:7]
TOTAL = int(TOTAL)
HOST = urllib.parse.urlparse(BASE)
THREADS = 4
PAYLOADS = [
    "'", "\"", "' OR '1'='1", "1 AND SLEEP(5)", "<script>alert(1)</script>",
    "\"><svg onload=alert(1)>", "../../../../etc/passwd", "%00", "${7*7}", "{{7*7}}",
    "1;DROP TABLE accounts--", "http://evil.example/", "\u0430dmin", "A" * 5000,
]


def rss():
    fields = {}
    with open(f"/proc/{PID}/status") as status:
        for line in status:
            name, _, value = line.partition(":")
            fields[name] = value.strip()
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


class Client:
    def __init__(self):
        self.conn = http.client.HTTPConnection(HOST.hostname, HOST.port, timeout=30)
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if body is not None:
            body = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.conn.close()
                self.conn = http.client.HTTPConnection(HOST.hostname, HOST.port, timeout=30)
                if attempt == 1:
                    return 0, b""
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";")[0]
        return response.status, data

    def csrf(self, path):
        status, html = self.request("GET", path)
        found = re.search(rb'name="csrf_token" value="([^"]+)"', html)
        return found.group(1).decode() if found else ""


def junk(rng, n=12):
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(n))


def agent(rng):
    # Headers are Latin-1 on the wire: non-ASCII payloads go percent-encoded.
    payload = urllib.parse.quote(rng.choice(PAYLOADS)[:200], safe=" /;()=<>'\"*{}$")
    return f"Mozilla/5.0 (X11; Linux x86_64) scanner/{junk(rng)} {payload}"


def referrer(rng):
    return f"https://{junk(rng, 8)}.example/{junk(rng, rng.randint(10, 900))}"


def address(rng):
    if rng.random() < 0.2:
        return "2001:db8:%x:%x::%x" % (rng.randint(0, 0xFFFF), rng.randint(0, 0xFFFF), rng.randint(1, 0xFFFF))
    return "198.%d.%d.%d" % (rng.randint(18, 19), rng.randint(0, 255), rng.randint(1, 254))


def one(rng, client, session):
    roll = rng.random()
    headers = {"User-Agent": agent(rng), "Referer": referrer(rng), "X-Forwarded-For": address(rng)}
    if roll < 0.30:  # /click with ever new ids
        return client.request(
            "GET", f"/click?p={rng.randint(1, 10**9)}&a={rng.randint(1, 10**9)}&epi={junk(rng)}", headers=headers
        )
    if roll < 0.40:  # a real link with new user agents and referrers (stored clicks)
        return client.request("GET", f"{CLICK_PATH}&epi={junk(rng)}", headers=headers)
    if roll < 0.55:  # unknown paths and odd queries
        payload = urllib.parse.quote(rng.choice(PAYLOADS))
        path = rng.choice(
            [f"/en/programmes/{payload}", f"/nl/{junk(rng)}?q={payload}", f"/{junk(rng)}/{payload}",
             f"/en/login?next={payload}", f"/static/{junk(rng)}.css"]
        )
        return client.request("GET", path, headers=headers)
    if roll < 0.70:  # form posts, half without a token
        path = rng.choice(["/en/login", "/nl/signup", "/en/password/forgot", "/nl/signup/resend"])
        fields = {"email": f"{junk(rng)}@example.org", "password": rng.choice(PAYLOADS)}
        if rng.random() < 0.5:
            fields["csrf_token"] = client.csrf(path)
        return client.request("POST", path, body=fields, headers=headers)
    if roll < 0.85:  # the publisher's own pages with odd parameters
        payload = urllib.parse.quote(rng.choice(PAYLOADS))
        path = rng.choice(
            [f"/en/account/statistics?from=2026-0{rng.randint(1, 9)}-01&to={payload}&group=day",
             f"/nl/account/statistics?from=2025-{rng.randint(10, 12)}-01&to=2026-11-30&group=week",
             f"/en/account/links?epi={payload}&ad={rng.randint(1, 10**6)}",
             "/en/account/commissions", f"/en/account/commissions/ledger?page={payload}"]
        )
        return session.request("GET", path, headers=headers)
    # pages with forms, by new visitors (a nonce cookie each)
    fresh = Client()
    result = fresh.request("GET", rng.choice(["/en/login", "/nl/signup", "/en/password/forgot"]), headers=headers)
    fresh.conn.close()
    return result


def log_in():
    session = Client()
    token = session.csrf("/en/login")
    status, _ = session.request("POST", "/en/login", body={"csrf_token": token, "email": EMAIL, "password": PASSWORD})
    if status != 303:
        sys.exit(f"scan_load: logging in answered {status}")
    return session


def main():
    lock = threading.Lock()
    counts = {}
    sent = [0]
    samples = []

    def worker(seed):
        rng = random.Random(seed)
        client, session = Client(), log_in()
        while True:
            with lock:
                if sent[0] >= TOTAL:
                    return
                sent[0] += 1
                n = sent[0]
            status, _ = one(rng, client, session)
            with lock:
                counts[status] = counts.get(status, 0) + 1
                if n % 1000 == 0:
                    samples.append((n, *rss()))

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for n, now, peak in samples:
        print(f"sample {n} {now} {peak}")
    print("statuses " + " ".join(f"{k}:{v}" for k, v in sorted(counts.items())))


main()

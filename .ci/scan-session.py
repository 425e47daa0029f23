#!/usr/bin/env python3
"""Log in to the portal the way a browser does and print the session's Cookie header.

Used by .ci/scan to hand the scanners a participant's or a manager's session:

    python3 .ci/scan-session.py BASE_URL EMAIL < password   ->  "portal_session=…; portal_csrf=…"

GET /en/login (takes the hidden csrf_token and the portal_csrf nonce cookie), POST /en/login
with csrf_token, email and password: a 303 with a portal_session cookie is a login. A participant
who is sent on to the rules accepts them, so the scanners see the account as a participant does.
An account manager logs in in two steps (issue 21, point 10): at the first login the script
enrols, reading the key shown on the page as a person who cannot scan would, computing the code
(RFC 6238) and keeping the ten recovery codes in a file (SCAN_SECOND_FACTOR_FILE, or one in /tmp
per address); later logins spend one recovery code each, which no clock can make a replay.
Only the standard library: it runs with any python3.
"""
import base64
import hashlib
import hmac
import http.cookiejar
import json
import os
import re
import struct
import time
import sys
import urllib.error
import urllib.parse
import urllib.request


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def totp(secret: str, at: float) -> str:
    """The six-digit code of base32 `secret` at unix time `at` (SHA-1, 30 s steps)."""
    key = secret.replace(" ", "").upper()
    key = base64.b32decode(key + "=" * (-len(key) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(at) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{number % 1_000_000:06d}"


def main() -> int:
    if len(sys.argv) != 3:
        print("usage: scan-session.py BASE_URL EMAIL < password", file=sys.stderr)
        return 2
    base, email = sys.argv[1].rstrip("/"), sys.argv[2]
    password = sys.stdin.readline().rstrip("\n")
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(jar), NoRedirect()
    )

    def get(path: str) -> str:
        with opener.open(base + path, timeout=30) as resp:
            return resp.read().decode("utf-8", "replace")

    def post_page(path: str, fields: dict) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(fields).encode()
        try:
            with opener.open(base + path, data=body, timeout=30) as resp:
                page = resp.read().decode("utf-8", "replace")
                return resp.status, resp.headers.get("Location", ""), page
        except urllib.error.HTTPError as err:  # 3xx/4xx when redirects are not followed
            return err.code, err.headers.get("Location", ""), ""

    def post(path: str, fields: dict) -> tuple[int, str]:
        status, location, _ = post_page(path, fields)
        return status, location

    def token(html: str) -> str:
        m = re.search(r'name="csrf_token" value="([^"]+)"', html)
        if not m:
            raise SystemExit("no csrf_token in the page")
        return m.group(1)

    status, location = post(
        "/en/login",
        {"csrf_token": token(get("/en/login")), "email": email, "password": password},
    )
    cookies = {c.name: c.value for c in jar}
    if status != 303 or not any(n.endswith("portal_session") for n in cookies):
        print(f"login of {email} failed: HTTP {status} -> {location!r}", file=sys.stderr)
        return 1
    state_file = os.environ.get(
        "SCAN_SECOND_FACTOR_FILE",
        "/tmp/portal-scan-second-factor-" + re.sub(r"[^a-z0-9]", "_", email.lower()) + ".json",
    )
    if location.endswith("/login/enrol"):
        page = get("/en/login/enrol")
        secret = re.search(r'id="secret">([A-Z2-7 ]+)<', page)
        if not secret:
            raise SystemExit("no key on the enrolment page")
        status, _, answer = post_page(
            "/en/login/enrol",
            {"csrf_token": token(page), "code": totp(secret.group(1), time.time())},
        )
        # The recovery codes are shown once, on the answer itself.
        codes = re.findall(r'<code class="code">([a-z0-9-]+)</code>', answer)
        if status != 200 or len(codes) != 10:
            print(f"enrolment of {email} failed: HTTP {status}", file=sys.stderr)
            return 1
        with open(state_file, "w", encoding="utf-8") as f:
            json.dump({"recovery_codes": codes}, f)
    if location.endswith("/login/code"):
        with open(state_file, encoding="utf-8") as f:
            state = json.load(f)
        code = state["recovery_codes"].pop(0)
        with open(state_file, "w", encoding="utf-8") as f:
            json.dump(state, f)
        page = get("/en/login/code")
        status, _ = post(
            "/en/login/code", {"csrf_token": token(page), "recovery_code": code}
        )
        if status != 303:
            print(f"second step of {email} failed: HTTP {status}", file=sys.stderr)
            return 1
    if location.endswith(("/login/enrol", "/login/code")):
        # A manager's session counts only past the second step: the console must open.
        try:
            get("/en/manage")
        except urllib.error.HTTPError as err:
            print(f"{email} is not logged in after the second step: HTTP {err.code}", file=sys.stderr)
            return 1
    if location.endswith("/account/rules"):
        page = get("/en/account/rules")
        version = re.search(r'name="version" value="([^"]+)"', page)
        if version:
            post(
                "/en/account/rules",
                {"csrf_token": token(page), "version": version.group(1)},
            )
    # the whole jar: the session and the nonce cookie the anonymous forms' tokens are bound to
    print("; ".join(f"{c.name}={c.value}" for c in jar))
    return 0


if __name__ == "__main__":
    sys.exit(main())

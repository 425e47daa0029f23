#!/usr/bin/env python3
"""Log in to the portal the way a browser does and print the session's Cookie header.

Used by .ci/scan to hand the scanners a participant's or a manager's session:

    python3 .ci/scan-session.py BASE_URL EMAIL < password   ->  "portal_session=…; portal_csrf=…"

GET /en/login (takes the hidden csrf_token and the portal_csrf nonce cookie), POST /en/login
with csrf_token, email and password: a 303 with a portal_session cookie is a login. A participant
who is sent on to the rules accepts them, so the scanners see the account as a participant does.
Only the standard library: it runs with any python3.
"""
import http.cookiejar
import re
import sys
import urllib.error
import urllib.parse
import urllib.request


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


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

    def post(path: str, fields: dict) -> tuple[int, str]:
        body = urllib.parse.urlencode(fields).encode()
        try:
            with opener.open(base + path, data=body, timeout=30) as resp:
                return resp.status, resp.headers.get("Location", "")
        except urllib.error.HTTPError as err:  # 3xx/4xx when redirects are not followed
            return err.code, err.headers.get("Location", "")

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

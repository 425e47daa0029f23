#!/usr/bin/env bash
# The deployment, tested (issue 24; CI runs it after the security scan): deploy/run.sh starts
# nginx and two real portal binaries on one PostgreSQL database, then
# - a CSRF token from instance A's page is good on instance B, and a session made through the
#   balancer works on both instances;
# - the forms' per-address limit holds across the instances;
# - instance A stops with SIGTERM in the middle of a click load: every redirect a client received
#   is a stored click, and no client saw anything but a redirect (nginx moved the traffic to B).
# Not yet here (issue 24 is open): the duplicate and velocity verdicts across instances.
#
#   bash deploy/test.sh        # uses target/release/portal (built when missing) or PORTAL_BIN
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${PORT:-18480}
RUN=$(mktemp -d /tmp/portal-deploy-test.XXXXXX)
DB="portal_deploy_test_$$"
LOG=$RUN/run.log
BASE="http://127.0.0.1:$PORT"
A="http://127.0.0.1:$((PORT + 1))"
B="http://127.0.0.1:$((PORT + 2))"
fail() { echo "FAILED: $*" >&2; echo "--- run.sh:" >&2; tail -20 "$LOG" >&2; exit 1; }

command -v nginx >/dev/null || apt-get install -y -qq nginx-light >/dev/null
RUN_DIR="$RUN" PORT=$PORT PORTAL_DEPLOY_DATABASE=$DB PORTAL_RATE_LIMIT_PER_MINUTE=4 \
  bash deploy/run.sh > "$LOG" 2>&1 &
STACK=$!
cleanup() {
  kill -TERM "$STACK" 2>/dev/null || true
  wait "$STACK" 2>/dev/null || true
  runuser -u postgres -- dropdb --if-exists --force "$DB" 2>/dev/null || true
  rm -rf "$RUN"
}
trap cleanup EXIT
for _ in $(seq 1 600); do
  grep -q "== ready" "$LOG" && break
  kill -0 "$STACK" 2>/dev/null || fail "deploy/run.sh ended before it was ready"
  sleep 0.5
done
grep -q "== ready" "$LOG" || fail "not ready within 5 minutes"
echo "== the stack is up: nginx on $BASE, instances on $A and $B"

token_of() { grep -o 'name="csrf_token" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//'; }
status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

echo "== one instance's CSRF token on the other"
jar=$RUN/jar
token=$(curl -s -c "$jar" "$A/en/login" | token_of)
[ -n "$token" ] || fail "no CSRF token on A's login page"
s=$(status -b "$jar" -H "X-Forwarded-For: 192.0.2.1" -d "csrf_token=$token&email=x@example.org&password=wrong-password" "$B/en/login")
[ "$s" = 422 ] || fail "A's token on B: $s (422, a wrong login, expected)"
s=$(status -b "$jar" -H "X-Forwarded-For: 192.0.2.1" -d "csrf_token=not-the-token&email=x@example.org&password=wrong-password" "$B/en/login")
[ "$s" = 403 ] || fail "a wrong token on B: $s (403 expected)"

echo "== a session made through the balancer works on both instances"
APP_URL="postgres://portal_deploy_app:$(cat "$RUN/app.password")@127.0.0.1:5432/$DB"
BIN=${PORTAL_BIN:-target/release/portal}
PW="Zonnebloem-Kastanje-77"
link=$(echo "$PW" | PORTAL_DATA_DIR="$RUN/shared" PORTAL_SECRET_KEY="$(cat "$RUN/secret.key")" \
  PORTAL_DATABASE_URL="$APP_URL" PORTAL_BASE_URL="$BASE" \
  "$BIN" admin demo-publisher --email deploy@example.org 2>/dev/null | sed -n 's/.*tracking link: //p')
[ -n "$link" ] || fail "the demo publisher was not made"
jar=$RUN/session
token=$(curl -s -c "$jar" -b "$jar" "$BASE/en/login" | token_of)
s=$(status -c "$jar" -b "$jar" -H "X-Forwarded-For: 192.0.2.2" -d "csrf_token=$token&email=deploy@example.org&password=$PW" "$BASE/en/login")
[ "$s" = 303 ] || fail "login through the balancer: $s (303 expected)"
for instance in "$A" "$B"; do
  s=$(status -b "$jar" "$instance/en/account")
  [ "$s" = 200 ] || fail "the session on $instance: $s (200 expected)"
done

echo "== the forms' limit of one address holds across the instances (4 a minute)"
jar=$RUN/limit
token=$(curl -s -c "$jar" "$A/en/login" | token_of)
seen=""
for instance in "$A" "$B" "$A" "$B" "$A" "$B"; do
  seen+="$(status -b "$jar" -H "X-Forwarded-For: 198.51.100.7" -d "csrf_token=$token&email=y@example.org&password=wrong-password" "$instance/en/login") "
done
[ "$seen" = "422 422 422 422 429 429 " ] || fail "alternating posts of one address: $seen"

echo "== SIGTERM to instance A in the middle of a click load through the balancer"
pid_a=""
for p in $(pgrep -f "portal serve"); do
  if tr '\0' '\n' < "/proc/$p/environ" 2>/dev/null | grep -qx "PORTAL_BIND=127.0.0.1:$((PORT + 1))"; then
    pid_a=$p
  fi
done
[ -n "$pid_a" ] || fail "instance A's process not found"
path=${link#"$BASE"}
python3 - "$PORT" "$path" > "$RUN/load.txt" <<'EOF' &
import collections, http.client, random, sys, threading, time
port, path = int(sys.argv[1]), sys.argv[2]
seen = collections.Counter()
stop = time.time() + 8
def visitor(n):
    while time.time() < stop:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            ip = "10.%d.%d.%d" % (n, random.randrange(256), random.randrange(1, 255))
            conn.request("GET", path + "&epi=deploy", headers={
                "X-Forwarded-For": ip, "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"})
            response = conn.getresponse()
            response.read()
            seen[response.status] += 1
            conn.close()
        except Exception as e:
            seen[type(e).__name__] += 1
threads = [threading.Thread(target=visitor, args=(n,)) for n in range(8)]
[t.start() for t in threads]
[t.join() for t in threads]
print(" ".join("%s=%d" % (k, v) for k, v in sorted(seen.items(), key=str)))
EOF
LOAD=$!
sleep 3
kill -TERM "$pid_a"
wait "$LOAD"
while kill -0 "$pid_a" 2>/dev/null; do sleep 0.2; done
answers=$(cat "$RUN/load.txt")
redirects=$(sed -n 's/.*\b302=\([0-9]*\).*/\1/p' "$RUN/load.txt")
stored=$(runuser -u postgres -- psql -tAq -d "$DB" -c "SELECT count(*) FROM clicks WHERE epi = 'deploy'")
echo "   answers: $answers; clicks stored: $stored"
[ "$answers" = "302=$redirects" ] || fail "a client saw something else than a redirect: $answers"
[ "$redirects" -gt 0 ] || fail "no redirect at all"
[ "$stored" = "$redirects" ] || fail "$redirects redirects, $stored clicks stored"
echo "passed"

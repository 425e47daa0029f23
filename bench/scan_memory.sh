#!/usr/bin/env bash
# Memory under scanning (security issue 14, weakness 14): the release binary on SQLite gets
# REQUESTS requests of scanner-like traffic (bench/scan_load.py: /click with ever new ids, user
# agents and referrers, unknown paths with injection payloads, form posts, a publisher's pages
# with odd parameters, new visitors on pages with forms). The baseline in the same run: the
# same binary after the same number of plain clicks on one link (what the click benchmark
# sends). RSS and peak RSS (VmHWM) are sampled every 1,000 requests. Target: under 100 MB.
# Writes bench/scan-memory.md and puts it into BENCHMARKS.md.
#
#   bash bench/scan_memory.sh                     # 15,000 requests
#   SCAN_REQUESTS=30000 SCAN_BIN=/tmp/old-portal bash bench/scan_memory.sh
set -euo pipefail
cd "$(dirname "$0")/.."

REQUESTS=${SCAN_REQUESTS:-15000}
PORT=${SCAN_PORT:-18282}
BIN=${SCAN_BIN:-target/release/portal}
OUT=${SCAN_OUT:-bench/scan-memory.md}
PASSWORD="scan wachtwoord $$ $RANDOM"
EMAIL="uitgever@bench.example.org"

if [ -z "${SCAN_BIN:-}" ]; then
  echo "== building the release binary"
  cargo build --release --locked --quiet
fi
WORK=$(mktemp -d)
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill -9 "$SERVER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

mb() { awk -v f="$1" '$1 == f":" { printf "%.1f", $2 / 1024 }' "/proc/$SERVER_PID/status"; }

start() { # DIR: a fresh database with a demo publisher; sets LINK and SERVER_PID
  local dir=$1
  mkdir -p "$dir"
  LINK=$(echo "$PASSWORD" | PORTAL_DATABASE_URL="sqlite://$dir/portal.db" PORTAL_DATA_DIR="$dir" \
    PORTAL_BASE_URL="http://127.0.0.1:$PORT" RUST_LOG=warn \
    "$BIN" admin demo-publisher --email "$EMAIL" | sed -n 's/.*tracking link: //p')
  LINK="/click?${LINK#*\?}"
  PORTAL_DATABASE_URL="sqlite://$dir/portal.db" PORTAL_DATA_DIR="$dir" PORTAL_BIND="127.0.0.1:$PORT" \
    PORTAL_BASE_URL="http://127.0.0.1:$PORT" RUST_LOG=warn "$BIN" serve >"$dir/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && return
    sleep 0.1
  done
  echo "scan: the server did not start"; cat "$dir/server.log"; exit 1
}

stop() {
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
}

echo "== baseline: $REQUESTS plain clicks on one link"
# One address clicking: without a limit, as in the click benchmark (600 a minute would make
# most of them 429s).
PORTAL_CLICK_LIMIT_PER_MINUTE=0 start "$WORK/baseline"
idle=$(mb VmRSS)
python3 - "$PORT" "$LINK" "$REQUESTS" <<'PY'
import http.client, sys
port, link, total = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
conn = http.client.HTTPConnection("127.0.0.1", port)
ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0.0.0 Safari/537.36"
for n in range(total):
    conn.request("GET", link, headers={"User-Agent": ua, "Referer": "https://www.fietsblog.example/"})
    conn.getresponse().read()
PY
base_rss=$(mb VmRSS); base_peak=$(mb VmHWM)
stop
echo "   idle $idle MB, after the clicks $base_rss MB, peak $base_peak MB"

echo "== scanning: $REQUESTS scanner-like requests"
# The worst case for everything kept per address: every request comes from a new address
# (X-Forwarded-For from a trusted proxy on loopback), so no limit turns the scan away.
PORTAL_TRUSTED_PROXIES=127.0.0.1 start "$WORK/scan"
scan_idle=$(mb VmRSS)
python3 bench/scan_load.py "http://127.0.0.1:$PORT" "$SERVER_PID" "$EMAIL" "$PASSWORD" "$REQUESTS" "$LINK" \
  >"$WORK/scan.txt"
scan_rss=$(mb VmRSS); scan_peak=$(mb VmHWM)
statuses=$(sed -n 's/^statuses //p' "$WORK/scan.txt")
samples=$(awk '/^sample/ { printf "%s%d: %.0f", sep, $2, $3 / 1024; sep = ", " }' "$WORK/scan.txt")
stop
echo "   idle $scan_idle MB, after scanning $scan_rss MB, peak $scan_peak MB"
echo "   RSS every 1,000 requests (MB): $samples"
echo "   statuses: $statuses"

verdict="under 100 MB"
awk -v p="$scan_peak" 'BEGIN { exit !(p >= 100) }' && verdict="**over 100 MB**"
{
  echo "## Memory under scanning (SQLite, $(date -u +%Y-%m-%d))"
  echo
  echo "\`bash bench/scan_memory.sh\`: the release binary, $REQUESTS requests each, on $(nproc) cores."
  echo "Scanner-like traffic (\`bench/scan_load.py\`, 4 connections): /click with ever new ids,"
  echo "user agents and referrers, unknown paths with injection payloads, form posts with and"
  echo "without tokens, a publisher's pages with odd parameters, new visitors on pages with forms;"
  echo "each request from a new address (X-Forwarded-For from a trusted proxy), so no per-address"
  echo "limit turns the scan away and everything kept per address grows as far as it can."
  echo "The baseline is the same binary after as many plain clicks on one link."
  echo
  echo "| run | RSS at start | RSS after | peak RSS (VmHWM) |"
  echo "|---|---:|---:|---:|"
  echo "| $REQUESTS plain clicks (baseline) | $idle MB | $base_rss MB | $base_peak MB |"
  echo "| $REQUESTS scanner requests | $scan_idle MB | $scan_rss MB | $scan_peak MB |"
  echo
  echo "RSS every 1,000 scanner requests (MB): $samples. Answers: $statuses."
  echo "Target (issue 14): under 100 MB whatever the traffic — $verdict."
} >"$OUT"
cat "$OUT"

python3 - "$OUT" <<'PY'
import sys
section = open(sys.argv[1]).read().rstrip() + "\n"
text = open("BENCHMARKS.md").read()
head = "## Memory under scanning"
start = text.find(head)
if start >= 0:
    end = text.find("\n## ", start + len(head))
    text = text[:start] + section + ("\n" + text[end + 1:] if end >= 0 else "")
else:
    text = text.rstrip() + "\n\n" + section
open("BENCHMARKS.md", "w").write(text)
PY

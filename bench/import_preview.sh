#!/usr/bin/env bash
# The conversion import's preview under load (SQLite, loopback only): an account manager
# previews a CSV file of BENCH_IMPORT_LINES lines (10,000 by default) through
# POST /{lang}/manage/conversions/import, alone and again and again while /click is loaded — at a
# constant rate (oha, open loop: its p99 is what a visitor waits) and flat out (wrk, closed
# loop); then the file is confirmed once (one write transaction through the intake). The server
# runs on one core, curl, oha and wrk on the other (taskset). Writes bench/import-preview.md.
#
#   bash bench/import_preview.sh
#   BENCH_IMPORT_LINES=5000 BENCH_DURATION=5 BENCH_ROUNDS=2 bash bench/import_preview.sh
#   BENCH_BIN=target/release/portal bash bench/import_preview.sh   # no build
set -euo pipefail
cd "$(dirname "$0")/.."

LINES=${BENCH_IMPORT_LINES:-10000}
DURATION=${BENCH_DURATION:-10}
ROUNDS=${BENCH_ROUNDS:-3}
CONNECTIONS=${BENCH_CONNECTIONS:-8}
# The open-loop rate of /click (requests a second, whatever the answers).
RATE=${BENCH_RATE:-1000}
SERVER_CPUS=${BENCH_SERVER_CPUS:-1}
LOAD_CPUS=${BENCH_LOAD_CPUS:-0}
LOAD=(taskset -c "$LOAD_CPUS")
PORT=${BENCH_PORT:-18183}
BIN=${BENCH_BIN:-target/release/portal}
OUT=${BENCH_OUT:-bench/import-preview.md}
# BENCH_LABEL: what BENCH_BIN is, when it is not this commit's build (an A/B with an older one).
LABEL=${BENCH_LABEL:-commit \`$(git rev-parse --short HEAD)\`}
PUBLISHER="import-bench@bench.example.org"
MANAGER="import-manager@bench.example.org"
PASSWORD="benchmark wachtwoord $$ $RANDOM"
BROWSER="Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
WRK_HEADERS=(-H "User-Agent: $BROWSER" -H "Referer: https://www.fietsblog.example/")

for tool in wrk python3 curl taskset; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is needed (apt-get install $tool)"; exit 2; }
done
# oha: the open-loop load generator (as bench/run.sh).
command -v oha >/dev/null || cargo install oha --locked --version 1.16.0
if [ -z "${BENCH_BIN:-}" ]; then
  echo "== building the release binary"
  cargo build --release --locked --quiet
fi

WORK=$(mktemp -d)
SERVER_PID=""
LOOP_PID=""
cleanup() {
  [ -n "$LOOP_PID" ] && kill "$LOOP_PID" 2>/dev/null || true
  [ -n "$SERVER_PID" ] && kill -9 "$SERVER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
URL="sqlite://$WORK/portal.db"
BASE="http://127.0.0.1:$PORT"
export PORTAL_DATABASE_URL="$URL" PORTAL_DATA_DIR="$WORK" PORTAL_BIND="127.0.0.1:$PORT" \
  PORTAL_BASE_URL="$BASE" RUST_LOG=warn
# wrk is one address: the per-address click limit and the per-visitor velocity are off.
export PORTAL_CLICK_LIMIT_PER_MINUTE=0 PORTAL_CLICK_VELOCITY_PER_MINUTE=100000000
export PORTAL_RATE_LIMIT_PER_MINUTE=100000

# Other work on the machine shows in the figures: its load is written beside them.
LOADAVG_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "== a demo publisher and an account manager"
link=$(echo "$PASSWORD" | "$BIN" admin demo-publisher --email "$PUBLISHER" | sed -n 's/.*tracking link: //p')
click_path="/click?${link#*\?}"
echo "$PASSWORD" | "$BIN" admin create --email "$MANAGER" --lang en >/dev/null

taskset -c "$SERVER_CPUS" "$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -fs "$BASE/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fs "$BASE/healthz" >/dev/null || { echo "bench: the server did not start"; cat "$WORK/server.log"; exit 1; }

# One real click: the orders of the file are attributed to it.
location=$(curl -s -o /dev/null -w '%{redirect_url}' -A "$BROWSER" "$BASE$click_path")
click_id=${location##*click_id=}
click_id=${click_id%%&*}
[ ${#click_id} = 32 ] || { echo "bench: no click id in $location"; exit 1; }
python3 - "$WORK/import.csv" "$LINES" "$click_id" <<'PY'
import datetime, sys
path, n, click = sys.argv[1], int(sys.argv[2]), sys.argv[3]
at = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
with open(path, "w") as f:
    f.write("programme,click_id,order_ref,order_amount,currency,commission_group,coupon_redeemed,status,returned_amount,occurred_at\n")
    for i in range(n):
        f.write(f"aliexpress,{click},BENCH-IMPORT-{i:06},{10 + i % 500}.{i % 100:02},EUR,sales,false,pending,,{at}\n")
PY
size_kib=$(( $(stat -c %s "$WORK/import.csv") / 1024 ))

echo "== logging in as the account manager"
JAR="$WORK/cookies"
token=$(curl -s -c "$JAR" -b "$JAR" "$BASE/en/login" \
  | grep -o 'name="csrf_token" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
status=$(curl -s -o /dev/null -w '%{http_code}' -c "$JAR" -b "$JAR" \
  --data-urlencode "csrf_token=$token" --data-urlencode "email=$MANAGER" \
  --data-urlencode "password=$PASSWORD" "$BASE/en/login")
[ "$status" = 303 ] || { echo "bench: login answered $status"; exit 1; }
token=$(curl -s -b "$JAR" "$BASE/en/manage/conversions/import" \
  | grep -o 'name="csrf_token" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')

# preview: one upload; prints "status seconds" and keeps the page.
preview() {
  "${LOAD[@]}" curl -s -o "$WORK/preview.html" -w '%{http_code} %{time_total}\n' -b "$JAR" \
    -F "csrf_token=$token" -F "file=@$WORK/import.csv;type=text/csv" \
    "$BASE/en/manage/conversions/import"
}
check_preview() {
  grep -q "Every line is right: $LINES new conversions" "$WORK/preview.html" \
    || { echo "bench: the preview did not accept the file"; grep -o 'error[^<]*' "$WORK/preview.html" | head; exit 1; }
}

echo "== the preview of $LINES lines ($size_kib KiB) alone"
: >"$WORK/alone"
for _ in $(seq 1 5); do
  read -r code seconds < <(preview)
  [ "$code" = 200 ] || { echo "bench: the preview answered $code"; exit 1; }
  check_preview
  echo "$seconds" >>"$WORK/alone"
done
alone=$(sort -n "$WORK/alone" | tr '\n' ' ')
alone_median=$(sort -n "$WORK/alone" | sed -n 3p)
echo "   $alone"

run_wrk() {
  local line
  line=$("${LOAD[@]}" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" -s bench/summary.lua "${WRK_HEADERS[@]}" \
    "$BASE$click_path" | grep '^RESULT')
  for pair in ${line#RESULT }; do eval "r_${pair}"; done
}
# run_oha: /click at RATE requests a second for DURATION; sets o_p50 o_p99 o_max (ms), o_bad.
run_oha() {
  "${LOAD[@]}" oha -z "${DURATION}s" -q "$RATE" -c 64 --latency-correction --no-tui --redirect 0 \
    --output-format json -H "User-Agent: $BROWSER" "$BASE$click_path" >"$WORK/oha.json"
  read -r o_p50 o_p99 o_max o_bad o_answered < <(python3 - "$WORK/oha.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
p = r["latencyPercentiles"]
codes = r.get("statusCodeDistribution", {})
bad = sum(n for code, n in codes.items() if not (200 <= int(code) < 400))
print(f'{(p.get("p50") or 0) * 1000:.2f} {(p.get("p99") or 0) * 1000:.2f} '
      f'{(r["summary"].get("slowest") or 0) * 1000:.2f} {bad} {sum(codes.values())}')
PY
)
}
previews_running() { # FILE [PAUSE]: previews one after the other (PAUSE seconds between them),
  # each line "status seconds", until killed
  ( while :; do preview >>"$1"; [ -z "${2:-}" ] || sleep "$2"; done ) &
  LOOP_PID=$!
  sleep 0.5
}
stop_previews() { # FILE
  kill "$LOOP_PID" 2>/dev/null || true
  wait "$LOOP_PID" 2>/dev/null || true
  LOOP_PID=""
  if grep -v '^200 ' "$1" | grep -q .; then echo "bench: a preview failed"; cat "$1"; exit 1; fi
  cut -d' ' -f2 "$1" >>"$WORK/under-load-all"
}
"${LOAD[@]}" wrk -t1 -c"$CONNECTIONS" -d2s "${WRK_HEADERS[@]}" "$BASE$click_path" >/dev/null

ROWS=()
OPEN_ROWS=()
worst_p99=0
worst_open_p99=0
worst_paced_p99=0
previews=0
: >"$WORK/under-load-all"
for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round of $ROUNDS: /click at $RATE req/s alone, with a preview every second, with previews back to back"
  run_oha
  open_alone="$o_p50 | $o_p99 | $o_max"
  : >"$WORK/paced"
  previews_running "$WORK/paced" 1
  run_oha
  stop_previews "$WORK/paced"
  [ "$o_bad" = 0 ] || { echo "bench: /click answered $o_bad errors"; exit 1; }
  n_paced=$(wc -l <"$WORK/paced")
  open_paced="$o_p50 | $o_p99 | $o_max | $n_paced"
  worst_paced_p99=$(python3 -c "print(max($worst_paced_p99, $o_p99))")
  : >"$WORK/open-load"
  previews_running "$WORK/open-load"
  run_oha
  stop_previews "$WORK/open-load"
  [ "$o_bad" = 0 ] || { echo "bench: /click answered $o_bad errors"; exit 1; }
  n_open=$(wc -l <"$WORK/open-load")
  echo "   p50 | p99 | max ms: alone $open_alone; a preview a second $open_paced previews; back to back $o_p50 | $o_p99 | $o_max ($n_open previews)"
  OPEN_ROWS+=("| $round | $open_alone | $open_paced | $o_p50 | $o_p99 | $o_max | $n_open |")
  worst_open_p99=$(python3 -c "print(max($worst_open_p99, $o_p99))")
  previews=$((previews + n_open + n_paced))

  echo "== round $round of $ROUNDS: /click flat out (wrk) alone, then while the file is previewed again and again"
  run_wrk
  alone_rps=$r_rps alone_p99=$r_p99_ms alone_max=$r_max_ms
  : >"$WORK/under-load"
  previews_running "$WORK/under-load"
  run_wrk
  stop_previews "$WORK/under-load"
  n=$(wc -l <"$WORK/under-load")
  mean=$(awk '{ s += $2 } END { if (NR) printf "%.3f", s / NR; else print "-" }' "$WORK/under-load")
  echo "   alone $alone_rps req/s p99 $alone_p99 ms; with previews $r_rps req/s p99 $r_p99_ms ms (max $r_max_ms); $n previews, $mean s each"
  ROWS+=("| $round | $alone_rps | $alone_p99 | $alone_max | $r_rps | $r_p99_ms | $r_max_ms | $n | $mean s |")
  worst_p99=$(python3 -c "print(max($worst_p99, $r_p99_ms))")
  previews=$((previews + n))
  sleep 1
done
load_max=$(sort -n "$WORK/under-load-all" | tail -1)

echo "== the confirmation of the $LINES lines (one write transaction)"
content_file="$WORK/content"
cp "$WORK/import.csv" "$content_file"
confirm=$("${LOAD[@]}" curl -s -o /dev/null -w '%{http_code} %{time_total}' -b "$JAR" \
  --data-urlencode "csrf_token=$token" --data-urlencode "content@$content_file" \
  "$BASE/en/manage/conversions/import/confirm")
[ "${confirm%% *}" = 303 ] || { echo "bench: the confirmation answered ${confirm%% *}"; exit 1; }
stored=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM conversions').fetchone()[0])" "$WORK/portal.db")
echo "   ${confirm#* } s, $stored conversions stored"

kill -TERM "$SERVER_PID"
wait "$SERVER_PID" || true
SERVER_PID=""

{
  echo "## The import preview beside /click (SQLite)"
  echo
  echo "Produced by \`bash bench/import_preview.sh\` on $(date -u +%Y-%m-%d) with the build of $LABEL"
  echo "($(nproc) cores: the server on core $SERVER_CPUS; curl, oha and wrk on core $LOAD_CPUS; loopback): an account manager"
  echo "uploads a CSV file of $LINES lines ($size_kib KiB, every line a new order of one real click) to"
  echo "\`POST /en/manage/conversions/import\`; the time is curl's, from the upload's first byte to the preview"
  echo "page's last (the page lists the lines with a problem, or the first 20 of a right file). Load average of the machine before the run: $LOADAVG_BEFORE;"
  echo "after it: $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo "| | seconds |"
  echo "|---|---:|"
  echo "| preview alone, 5 times (sorted) | $alone |"
  echo "| preview alone, median | **$alone_median** |"
  echo "| previews while /click is loaded (oha and wrk): count, slowest | $previews, $load_max |"
  echo "| the confirmation (stores the $LINES lines in one transaction; $stored stored) | ${confirm#* } |"
  echo
  echo "/click at a constant $RATE requests a second (\`oha -q $RATE -c 64 --latency-correction -z ${DURATION}s\`:"
  echo "open loop, a late answer does not slow the sender, so p99 is what a visitor waits): alone, while the"
  echo "file is previewed once a second (an upload, its answer, a second's pause: a manager at work), and"
  echo "while it is previewed back to back (one upload after the other: the server's core busy with"
  echo "previews), for $ROUNDS rounds. Worst /click p99 with a preview every second: **$worst_paced_p99 ms**;"
  echo "with previews back to back: **$worst_open_p99 ms**."
  echo
  echo "| round | alone p50 ms | p99 | max | a preview a second: p50 ms | p99 | max | previews | back to back: p50 ms | p99 | max | previews |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${OPEN_ROWS[@]}"
  echo
  echo "Flat out (\`wrk -t1 -c$CONNECTIONS -d${DURATION}s\`, closed loop: the server's whole core is asked for, so"
  echo "the previews' share of that core shows as fewer clicks a second). Worst p99: $worst_p99 ms."
  echo
  echo "| round | alone req/s | alone p99 ms | alone max ms | with previews req/s | with previews p99 ms | with previews max ms | previews | mean preview |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${ROWS[@]}"
} >"$OUT"
cat "$OUT"

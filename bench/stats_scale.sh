#!/usr/bin/env bash
# Statistics at the size of a network (issue 15), on SQLite and PostgreSQL: a click log of
# BENCH_SCALE_CLICKS clicks (50 million) over the last 365 days for BENCH_SCALE_CHANNELS other
# channels (3,000) and a demo publisher with a tenth of them (bench/stats_data.py makes it), and
# a second publisher with BENCH_SCALE_SUBIDS clicks (200,000) in the last 30 days, each with a
# sub-ID of its own. Then, with the server on its own core (taskset, BENCH_SERVER_CPUS) and the
# clients on the other (BENCH_LOAD_CPUS):
#   - the statistics page for 30 and 365 days per day, channel and sub-ID (median and slowest of
#     BENCH_SCALE_REPEAT requests; target under 200 ms);
#   - the CSV export of 200,000 sub-IDs against one of 40: the server's peak memory while it is
#     written (VmHWM, reset before each) must not grow with the file;
#   - /click on the 50-million-click log against /click on an empty one (alternating rounds;
#     target within 10 %), and /click while the 365-day page is asked for again and again (one
#     request after the other, a tenth of a second apart: ten a second).
# Writes bench/stats-scale.md, which bench/run.sh puts into BENCHMARKS.md.
#
#   bash bench/stats_scale.sh
#   BENCH_SCALE_CLICKS=1000000 BENCH_SKIP_PG=1 bash bench/stats_scale.sh   # a quick look
set -euo pipefail
cd "$(dirname "$0")/.."

CLICKS=${BENCH_SCALE_CLICKS:-50000000}
CHANNELS=${BENCH_SCALE_CHANNELS:-3000}
SUBIDS=${BENCH_SCALE_SUBIDS:-200000}
REPEAT=${BENCH_SCALE_REPEAT:-5}
DURATION=${BENCH_DURATION:-10}
ROUNDS=${BENCH_ROUNDS:-2}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
SERVER_CPUS=${BENCH_SERVER_CPUS:-1}
LOAD_CPUS=${BENCH_LOAD_CPUS:-0}
PG_SERVER=${BENCH_PG_URL:-postgres://portal:portal@127.0.0.1:5432}
OUT=${BENCH_SCALE_OUT:-bench/stats-scale.md}
PORT=${BENCH_PORT:-18183}
BIN=${BENCH_BIN:-target/release/portal}
PASSWORD="benchmark wachtwoord $$ $RANDOM"
BROWSER="Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
WRK_HEADERS=(-H "User-Agent: $BROWSER" -H "Referer: https://www.fietsblog.example/")
LOAD=(taskset -c "$LOAD_CPUS")

for tool in wrk python3 curl taskset psql; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is needed"; exit 2; }
done
if [ -z "${BENCH_BIN:-}" ]; then
  echo "== building the release binary"
  cargo build --release --locked --quiet
fi

WORK=$(mktemp -d -p "${BENCH_WORK_DIR:-/var/tmp}")
SERVER_PID=""
LOOP_PID=""
PG_DBS=()
cleanup() {
  [ -n "$LOOP_PID" ] && kill "$LOOP_PID" 2>/dev/null || true
  [ -n "$SERVER_PID" ] && kill -9 "$SERVER_PID" 2>/dev/null || true
  for db in "${PG_DBS[@]}"; do
    psql -q "$PG_SERVER/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

# PostgreSQL on the server's core too, so the clients' core is theirs alone.
pin_postgres() {
  local pid
  for pid in $(pgrep -f 'postgres' || true); do taskset -a -p -c "$SERVER_CPUS" "$pid" >/dev/null 2>&1 || true; done
}

q() { # URL SQL → the first column of the first row
  case "$1" in
    sqlite://*) python3 -c "import sqlite3,sys; r=sqlite3.connect(sys.argv[1], isolation_level=None).execute(sys.argv[2]).fetchone(); print(r[0] if r else '')" "${1#sqlite://}" "$2" ;;
    *) psql -qtA "$1" -c "$2" ;;
  esac
}

size_mb() { # URL
  case "$1" in
    sqlite://*) du -m "${1#sqlite://}" | cut -f1 ;;
    *) q "$1" "SELECT pg_database_size(current_database()) / 1048576" ;;
  esac
}

publisher() { # URL DATA EMAIL → the demo publisher's tracking link
  echo "$PASSWORD" | PORTAL_DATABASE_URL="$1" PORTAL_DATA_DIR="$2" \
    PORTAL_BASE_URL="http://127.0.0.1:$PORT" RUST_LOG=warn \
    "$BIN" admin demo-publisher --email "$3" | sed -n 's/.*tracking link: //p'
}

start_server() { # URL DATA
  PORTAL_DATABASE_URL="$1" PORTAL_DATA_DIR="$2" PORTAL_BIND="127.0.0.1:$PORT" \
    PORTAL_CLICK_LIMIT_PER_MINUTE=0 RUST_LOG=warn taskset -c "$SERVER_CPUS" "$BIN" serve \
    >>"$2/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "bench: the server did not start"; cat "$2/server.log"; exit 1
}

stop_server() {
  kill -TERM "$SERVER_PID"
  wait "$SERVER_PID" || true
  SERVER_PID=""
}

log_in() { # JAR EMAIL
  local token status
  token=$(curl -s -c "$1" -b "$1" "http://127.0.0.1:$PORT/en/login" \
    | grep -o 'name="csrf_token" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
  status=$(curl -s -o /dev/null -w '%{http_code}' -c "$1" -b "$1" \
    --data-urlencode "csrf_token=$token" --data-urlencode "email=$2" \
    --data-urlencode "password=$PASSWORD" "http://127.0.0.1:$PORT/en/login")
  [ "$status" = 303 ] || { echo "bench: login answered $status"; exit 1; }
}

# timed JAR PATH → "median slowest" in ms of REPEAT requests (after one not counted)
timed() {
  local i times=()
  "${LOAD[@]}" curl -s -o /dev/null -b "$1" "http://127.0.0.1:$PORT$2"
  for i in $(seq 1 "$REPEAT"); do
    times+=("$("${LOAD[@]}" curl -s -o "$WORK/page" -w '%{http_code} %{time_total}' -b "$1" "http://127.0.0.1:$PORT$2")")
  done
  printf '%s\n' "${times[@]}" | python3 -c "
import sys, statistics
rows = [l.split() for l in sys.stdin if l.strip()]
assert all(r[0] == '200' for r in rows), rows
ms = sorted(float(r[1]) * 1000 for r in rows)
print(f'{statistics.median(ms):.0f} {ms[-1]:.0f}')"
}

# csv_peak JAR PATH → "lines peak_growth_MB" of one CSV download (VmHWM reset before it)
csv_peak() {
  local before peak lines
  before=$(awk '/VmRSS/ { print $2 }' "/proc/$SERVER_PID/status")
  echo 5 > "/proc/$SERVER_PID/clear_refs"
  "${LOAD[@]}" curl -s -o "$WORK/export.csv" -b "$1" "http://127.0.0.1:$PORT$2"
  peak=$(awk '/VmHWM/ { print $2 }' "/proc/$SERVER_PID/status")
  lines=$(wc -l < "$WORK/export.csv")
  echo "$lines $(python3 -c "print(f'{max(0, $peak - $before) / 1024:.1f}')")"
}

run_wrk() { # PATH → r_* variables
  local line
  line=$("${LOAD[@]}" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" -s bench/summary.lua "${WRK_HEADERS[@]}" \
    "http://127.0.0.1:$PORT$1" | grep '^RESULT')
  for pair in ${line#RESULT }; do eval "r_${pair}"; done
}

TIMING_ROWS=()
CSV_ROWS=()
CLICK_ROWS=()
SIZE_LINES=()
run_backend() { # NAME BIG_URL EMPTY_URL
  local name=$1 big=$2 empty=$3
  local data="$WORK/$name" edata="$WORK/$name-empty"
  mkdir -p "$data" "$edata"
  echo "== $name: $CLICKS clicks over 365 days"
  local link wide_link elink
  link=$(publisher "$big" "$data" "scale-$name@bench.example.org")
  wide_link=$(publisher "$big" "$data" "wide-$name@bench.example.org")
  elink=$(publisher "$empty" "$edata" "scale-$name@bench.example.org")
  local programme channel participant wide_channel wide_participant
  programme=$(sed -n 's/.*[?&]p=\([0-9]*\).*/\1/p' <<<"$link")
  channel=$(sed -n 's/.*[?&]a=\([0-9]*\).*/\1/p' <<<"$link")
  wide_channel=$(sed -n 's/.*[?&]a=\([0-9]*\).*/\1/p' <<<"$wide_link")
  participant=$(q "$big" "SELECT participant_id FROM channels WHERE id = $channel")
  wide_participant=$(q "$big" "SELECT participant_id FROM channels WHERE id = $wide_channel")
  local started=$SECONDS kind=postgres target=$big
  [[ $big == sqlite://* ]] && kind=sqlite target=${big#sqlite://}
  python3 bench/stats_data.py "$kind" "$target" "$CLICKS" "$CHANNELS" "$programme" "$channel" "$participant"
  local made=$((SECONDS - started))
  echo "== $name: $SUBIDS clicks with a sub-ID each for the wide publisher"
  local now_ms=$(( $(date +%s) * 1000 ))
  if [ "$kind" = sqlite ]; then
    q "$big" "WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < $SUBIDS - 1)
      INSERT INTO clicks SELECT randomblob(16), $now_ms - i * 10000, ($now_ms - i * 10000) / 86400000,
      $programme, $wide_channel, $wide_participant, NULL, printf('w%06d', i), randomblob(16),
      (SELECT min(id) FROM user_agents), NULL, 1, NULL FROM k" >/dev/null
  else
    q "$big" "INSERT INTO clicks SELECT decode(lpad(to_hex($now_ms - i * 10000), 12, '0') || lpad(to_hex(i), 20, '0'), 'hex'),
      $now_ms - i * 10000, ($now_ms - i * 10000) / 86400000, $programme, $wide_channel, $wide_participant,
      NULL, 'w' || lpad(i::text, 6, '0'), decode(md5(i::text), 'hex'), (SELECT min(id) FROM user_agents),
      NULL, TRUE, NULL FROM generate_series(0, $SUBIDS - 1) i" >/dev/null
  fi
  local rows rollups
  rows=$(q "$big" "SELECT count(*) FROM clicks")
  rollups=$(q "$big" "SELECT count(*) FROM click_days")
  SIZE_LINES+=("- $name: $rows clicks made in $((SECONDS - started)) s (the 50-million log in $made s); $rollups rollup rows; database $(size_mb "$big") MB.")

  start_server "$big" "$data"
  local jar="$WORK/$name.jar" wide_jar="$WORK/$name-wide.jar"
  log_in "$jar" "scale-$name@bench.example.org"
  log_in "$wide_jar" "wide-$name@bench.example.org"
  local days group from to=$(date -u +%Y-%m-%d) t
  for days in 30 365; do
    from=$(date -u -d "$((days - 1)) days ago" +%Y-%m-%d)
    for group in day channel epi; do
      t=$(timed "$jar" "/en/account/statistics?from=$from&to=$to&group=$group")
      echo "   $days days per $group: median ${t% *} ms, slowest ${t#* } ms"
      TIMING_ROWS+=("| $name | $days days | $group | ${t% *} | ${t#* } |")
    done
  done
  from=$(date -u -d "29 days ago" +%Y-%m-%d)
  local small wide
  small=$(csv_peak "$jar" "/en/account/statistics.csv?from=$from&to=$to&group=epi")
  wide=$(csv_peak "$wide_jar" "/en/account/statistics.csv?from=$from&to=$to&group=epi")
  echo "   CSV per sub-ID: ${small% *} lines +${small#* } MB peak; ${wide% *} lines +${wide#* } MB peak"
  CSV_ROWS+=("| $name | ${small% *} | +${small#* } MB | ${wide% *} | +${wide#* } MB |")

  # /click alone and while the 365-day page per sub-ID is asked for again and again.
  local click_path="/click?${link#*\?}&epi=bench" eclick="/click?${elink#*\?}&epi=bench"
  from=$(date -u -d "364 days ago" +%Y-%m-%d)
  "${LOAD[@]}" wrk -t1 -c8 -d2s "${WRK_HEADERS[@]}" "http://127.0.0.1:$PORT$click_path" >/dev/null
  local round alone_sum=0 during_sum=0 big_sum=0 empty_sum=0 requests
  for round in $(seq 1 "$ROUNDS"); do
    run_wrk "$click_path"
    alone_sum=$((alone_sum + r_rps))
    CLICK_ROWS+=("| $name | $round | 50 M log, alone | $r_rps | $r_p99_ms |")
    ( while :; do "${LOAD[@]}" curl -s -o /dev/null -b "$jar" \
        "http://127.0.0.1:$PORT/en/account/statistics?from=$from&to=$to&group=epi"; sleep 0.1; done ) &
    LOOP_PID=$!
    run_wrk "$click_path"
    kill "$LOOP_PID"; wait "$LOOP_PID" 2>/dev/null || true; LOOP_PID=""
    during_sum=$((during_sum + r_rps))
    CLICK_ROWS+=("| $name | $round | 50 M log, 365-day statistics asked again and again | $r_rps | $r_p99_ms |")
  done
  stop_server
  # The same /click on the big log and on an empty one, the two taking turns.
  for round in $(seq 1 "$ROUNDS"); do
    start_server "$empty" "$edata"
    "${LOAD[@]}" wrk -t1 -c8 -d2s "${WRK_HEADERS[@]}" "http://127.0.0.1:$PORT$eclick" >/dev/null
    run_wrk "$eclick"
    empty_sum=$((empty_sum + r_rps))
    CLICK_ROWS+=("| $name | $round | empty log | $r_rps | $r_p99_ms |")
    stop_server
    start_server "$big" "$data"
    "${LOAD[@]}" wrk -t1 -c8 -d2s "${WRK_HEADERS[@]}" "http://127.0.0.1:$PORT$click_path" >/dev/null
    run_wrk "$click_path"
    big_sum=$((big_sum + r_rps))
    CLICK_ROWS+=("| $name | $round | 50 M log | $r_rps | $r_p99_ms |")
    stop_server
  done
  CLICK_SUMMARY+=("| $name | $((empty_sum / ROUNDS)) | $((big_sum / ROUNDS)) | $(python3 -c "print(f'{$big_sum / $empty_sum:.2f}')")× | $((alone_sum / ROUNDS)) | $((during_sum / ROUNDS)) | $(python3 -c "print(f'{$during_sum / $alone_sum:.2f}')")× |")
  echo "   /click: big ÷ empty ${CLICK_SUMMARY[-1]}"
}
CLICK_SUMMARY=()

pin_postgres
run_backend sqlite "sqlite://$WORK/big.db" "sqlite://$WORK/empty.db"
rm -f "$WORK"/big.db*
if [ -z "${BENCH_SKIP_PG:-}" ]; then
  big_db="portal_scale_$$" empty_db="portal_scale_empty_$$"
  PG_DBS=("$big_db" "$empty_db")
  psql -q "$PG_SERVER/postgres" -c "CREATE DATABASE $big_db" -c "CREATE DATABASE $empty_db" >/dev/null
  run_backend postgresql "$PG_SERVER/$big_db" "$PG_SERVER/$empty_db"
fi

{
  echo "## Statistics at the size of a network"
  echo
  echo "Produced by \`bash bench/stats_scale.sh\` on $(date -u +%Y-%m-%d) at commit \`$(git rev-parse --short HEAD)\`:"
  echo "$CLICKS clicks over the last 365 days ($CHANNELS channels with 1–8 sub-IDs each, and a demo publisher"
  echo "with every tenth click over 40 sub-IDs), plus $SUBIDS clicks of a second publisher in the last 30 days,"
  echo "each with a sub-ID of its own. The server runs on core $SERVER_CPUS (with PostgreSQL), curl and wrk on"
  echo "core $LOAD_CPUS (\`taskset\`); release build."
  echo
  printf '%s\n' "${SIZE_LINES[@]}"
  echo
  echo "The demo publisher's statistics page (milliseconds for the whole request, median and slowest of"
  echo "$REPEAT; target: under 200 ms):"
  echo
  echo "| database | period | per | median ms | slowest ms |"
  echo "|---|---|---|---:|---:|"
  printf '%s\n' "${TIMING_ROWS[@]}"
  echo
  echo "The CSV export per sub-ID of 30 days is written 1,000 sub-IDs at a time: the server's peak memory"
  echo "while it is written (VmHWM, reset before each download, above VmRSS before it):"
  echo
  echo "| database | lines (40 sub-IDs) | peak growth | lines (all sub-IDs) | peak growth |"
  echo "|---|---:|---:|---:|---:|"
  printf '%s\n' "${CSV_ROWS[@]}"
  echo
  echo "/click (wrk -c$CONNECTIONS, ${DURATION} s, flushed mode) on the big click log against an empty one, the two"
  echo "taking turns; and on the big log alone against while the 365-day page per sub-ID is asked for"
  echo "again and again, one request after the other 0.1 s apart (target: within 10 %):"
  echo
  echo "| database | empty log req/s | 50 M log req/s | 50 M ÷ empty | alone req/s | with statistics req/s | with ÷ alone |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${CLICK_SUMMARY[@]}"
  echo
  echo "| database | round | run | /click req/s | p99 ms |"
  echo "|---|---:|---|---:|---:|"
  printf '%s\n' "${CLICK_ROWS[@]}"
} >"$OUT"
echo "== written to $OUT"
cat "$OUT"

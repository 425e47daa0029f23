#!/usr/bin/env bash
# The click benchmark: `/click` against a bare 302 served by the same release binary
# (PORTAL_BENCH_ROUTES=1 adds GET /bench/302), on SQLite and on PostgreSQL, with wrk on
# loopback. Then a crash test: SIGKILL in the middle of the load, and the stored clicks are
# compared with the 302s wrk received. Writes BENCHMARKS.md.
#
#   bash bench/run.sh                 # needs wrk, python3, psql and a PostgreSQL server
#   BENCH_PG_URL=postgres://user:pw@127.0.0.1:5432 BENCH_DURATION=10 BENCH_ROUNDS=3 bash bench/run.sh
#   BENCH_SKIP_PG=1 bash bench/run.sh # SQLite only
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${BENCH_DURATION:-10}
ROUNDS=${BENCH_ROUNDS:-3}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
THREADS=${BENCH_THREADS:-1}
PG_SERVER=${BENCH_PG_URL:-postgres://portal:portal@127.0.0.1:5432}
OUT=${BENCH_OUT:-BENCHMARKS.md}
PORT=${BENCH_PORT:-18181}
# The server (and PostgreSQL) on one core, the load generators on the other (taskset), so a ratio
# measures the server rather than how two processes share two cores.
SERVER_CPUS=${BENCH_SERVER_CPUS:-1}
LOAD_CPUS=${BENCH_LOAD_CPUS:-0}
LOAD=(taskset -c "$LOAD_CPUS")
PAGE_DURATION=${BENCH_PAGE_DURATION:-5}
# BENCH_BIN: another build to measure (an older commit's, for an A/B on the same machine).
BIN=${BENCH_BIN:-target/release/portal}
PASSWORD="benchmark wachtwoord $$ $RANDOM"
# Every request carries what a browser following a link on a publisher's page sends: without
# a user agent a click would be judged a bot at once and skip the bot list, and its row
# would be shorter than a real one. The bare 302 gets the same headers.
BROWSER="Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
REFERRER="https://www.fietsblog.example/reviews/beste-fietsverlichting-2026"
WRK_HEADERS=(-H "User-Agent: $BROWSER" -H "Referer: $REFERRER")

for tool in wrk python3 taskset; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is needed (apt-get install $tool)"; exit 2; }
done
# oha: the open-loop load generator (a constant arrival rate).
command -v oha >/dev/null || cargo install oha --locked --version 1.16.0
if [ -z "${BENCH_SKIP_PG:-}" ]; then
  for pid in $(pgrep -f postgres || true); do taskset -a -p -c "$SERVER_CPUS" "$pid" >/dev/null 2>&1 || true; done
fi
if [ -z "${BENCH_BIN:-}" ]; then
  echo "== building the release binary"
  cargo build --release --locked --quiet
fi

WORK=$(mktemp -d)
SERVER_PID=""
PG_DB="portal_bench_$$"
cleanup() {
  [ -n "$SERVER_PID" ] && kill -9 "$SERVER_PID" 2>/dev/null || true
  if [ -z "${BENCH_SKIP_PG:-}" ]; then
    for mode in flushed committed; do
      psql -q "$PG_SERVER/postgres" -c "DROP DATABASE IF EXISTS ${PG_DB}_$mode WITH (FORCE)" >/dev/null 2>&1 || true
    done
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# count_clicks URL: the number of rows in `clicks`.
count_clicks() {
  case "$1" in
    sqlite://*) python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM clicks').fetchone()[0])" "${1#sqlite://}" ;;
    *) psql -qtA "$1" -c "SELECT count(*) FROM clicks" ;;
  esac
}

start_server() { # URL DATA_DIR
  # wrk is one address: the per-address click limit (600 a minute) is off for the benchmark.
  PORTAL_DATABASE_URL="$1" PORTAL_DATA_DIR="$2" PORTAL_BIND="127.0.0.1:$PORT" \
    PORTAL_CLICK_DURABILITY="$MODE" \
    PORTAL_BENCH_ROUTES=1 PORTAL_CLICK_LIMIT_PER_MINUTE=0 RUST_LOG=warn \
    taskset -c "$SERVER_CPUS" "$BIN" serve >"$2/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
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

# run_wrk PATH → the RESULT line's fields as shell variables (prefixed with r_)
run_wrk() {
  local line
  line=$("${LOAD[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${2:-$DURATION}s" -s bench/summary.lua \
    "${WRK_HEADERS[@]}" "http://127.0.0.1:$PORT$1" | grep '^RESULT')
  for pair in ${line#RESULT }; do eval "r_${pair}"; done
}

peak_mb() { awk '/VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$SERVER_PID/status"; }

ROWS=()
OPEN_ROWS=()
PAGE_ROWS=()
SUMMARY_ROWS=()
CRASH_ROWS=()
WAL_LINES=()
run_backend() { # NAME URL (in durability $MODE)
  local name="$1, $MODE" url=$2 data="$WORK/$1-$MODE"
  mkdir -p "$data"
  echo "== $name: preparing the database and a demo publisher"
  local link
  link=$(echo "$PASSWORD" | PORTAL_DATABASE_URL="$url" PORTAL_DATA_DIR="$data" \
    PORTAL_BASE_URL="http://127.0.0.1:$PORT" RUST_LOG=warn \
    "$BIN" admin demo-publisher --email "bench-$1-$MODE@bench.example.org" | sed -n 's/.*tracking link: //p')
  local click_path="/click?${link#*\?}&epi=bench"
  start_server "$url" "$data"
  # Warm-up, not measured.
  "${LOAD[@]}" wrk -t1 -c8 -d2s "${WRK_HEADERS[@]}" "http://127.0.0.1:$PORT/bench/302" >/dev/null
  "${LOAD[@]}" wrk -t1 -c8 -d2s "${WRK_HEADERS[@]}" "http://127.0.0.1:$PORT$click_path" >/dev/null

  # Bare and /click take turns, ROUNDS times: this shared machine's speed drifts by ±15 %
  # within a minute, and a single pair of runs would put that drift into the ratio.
  local round bare_sum=0 click_sum=0 worst_p99=0 before after stored redirects ratio ratios=()
  for round in $(seq 1 "$ROUNDS"); do
    echo "== $name, round $round of $ROUNDS: bare 302, ${DURATION}s at $CONNECTIONS connections"
    run_wrk /bench/302
    local bare_rps=$r_rps bare_p50=$r_p50_ms bare_p99=$r_p99_ms

    echo "== $name, round $round of $ROUNDS: /click, ${DURATION}s at $CONNECTIONS connections"
    before=$(count_clicks "$url")
    run_wrk "$click_path"
    after=$(count_clicks "$url")
    stored=$((after - before))
    redirects=$((r_requests - r_non3xx))
    ratio=$(python3 -c "print(f'{$r_rps / $bare_rps:.2f}')")
    echo "   bare $bare_rps req/s, click $r_rps req/s ($ratio×), p99 $r_p99_ms ms, 302s $redirects, stored $stored"
    ROWS+=("| $name | $round | $bare_rps | $bare_p50 / $bare_p99 | $r_rps | $r_p50_ms / $r_p99_ms | ${ratio}× | $redirects | $stored | $r_non3xx |")
    ratios+=("$ratio")
    bare_sum=$((bare_sum + bare_rps))
    click_sum=$((click_sum + r_rps))
    worst_p99=$(python3 -c "print(max($worst_p99, $r_p99_ms))")
  done
  local peak spread
  peak=$(peak_mb)
  spread=$(printf '%s\n' "${ratios[@]}" | sort -n | sed -n '1p;$p' | paste -sd ' ' | sed 's/ / to /')

  # Open loop: the highest constant arrival rate with p99 under 10 ms, bare and /click.
  echo "== $name: open loop (oha), bare 302"
  local open_bare open_click
  open_bare=$(python3 bench/open_loop.py --cpus "$LOAD_CPUS" -H "User-Agent: $BROWSER" \
    -H "Referer: $REFERRER" "http://127.0.0.1:$PORT/bench/302")
  echo "== $name: open loop (oha), /click"
  before=$(count_clicks "$url")
  open_click=$(python3 bench/open_loop.py --cpus "$LOAD_CPUS" -H "User-Agent: $BROWSER" \
    -H "Referer: $REFERRER" "http://127.0.0.1:$PORT$click_path")
  OPEN_ROWS+=("| $name | ${open_bare% *} (p99 ${open_bare#* } ms) | ${open_click% *} (p99 ${open_click#* } ms) | **$(python3 -c "print(f'{${open_click% *} / max(1, ${open_bare% *}):.2f}')")×** |")

  # The public pages against the bare 302 (the same in both modes: once, in the first).
  local modes=${BENCH_MODES:-flushed committed}
  if [ "$MODE" = "${modes%% *}" ]; then
    local page page_sum bare_page_sum
    for page in /en/programmes/aliexpress /en/programmes/aliexpress/rules /en/login /en/signup; do
      page_sum=0 bare_page_sum=0
      for round in $(seq 1 "$ROUNDS"); do
        run_wrk /bench/302 "$PAGE_DURATION"
        bare_page_sum=$((bare_page_sum + r_rps))
        run_wrk "$page" "$PAGE_DURATION"
        [ "$r_non3xx" = 0 ] || { echo "bench: $page answered $r_non3xx errors"; exit 1; }
        page_sum=$((page_sum + r_rps))
      done
      echo "   $page: $((page_sum / ROUNDS)) req/s against bare $((bare_page_sum / ROUNDS))"
      PAGE_ROWS+=("| ${1} | \`$page\` | $((bare_page_sum / ROUNDS)) | $((page_sum / ROUNDS)) | **$(python3 -c "print(f'{$page_sum / $bare_page_sum:.2f}')")×** | $r_p99_ms |")
    done
  fi
  if [ -f "$data/portal.db-wal" ]; then
    # The WAL must stay bounded under sustained writing (it starts over past 16 MiB).
    WAL_LINES+=("After the $name rounds ($(count_clicks "$url") clicks stored), the WAL file was $(awk '{ printf "%.1f", $1 / 1048576 }' <<<"$(stat -c %s "$data/portal.db-wal")") MB and the database $(awk '{ printf "%.1f", $1 / 1048576 }' <<<"$(stat -c %s "$data/portal.db")") MB.")
  fi
  stop_server
  ratio=$(python3 -c "print(f'{$click_sum / $bare_sum:.2f}')")
  echo "   all rounds: click ÷ bare $ratio×, worst p99 $worst_p99 ms, peak $peak MB"
  SUMMARY_ROWS+=("| $name | $((bare_sum / ROUNDS)) | $((click_sum / ROUNDS)) | **${ratio}×** | ${spread}× | $worst_p99 ms | $peak MB |")

  echo "== $name: SIGKILL in the middle of ${DURATION}s of load"
  start_server "$url" "$data"
  before=$(count_clicks "$url")
  local out="$data/crash.txt"
  "${LOAD[@]}" wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" -s bench/summary.lua "${WRK_HEADERS[@]}" \
    "http://127.0.0.1:$PORT$click_path" >"$out" 2>&1 &
  local wrk_pid=$!
  sleep "$((DURATION / 2))"
  kill -9 "$SERVER_PID"
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
  wait "$wrk_pid" || true
  local line
  line=$(grep '^RESULT' "$out")
  for pair in ${line#RESULT }; do eval "r_${pair}"; done
  after=$(count_clicks "$url")
  stored=$((after - before))
  redirects=$((r_requests - r_non3xx))
  local verdict="no click lost"
  [ "$stored" -ge "$redirects" ] || verdict="**LOST $((redirects - stored))**"
  echo "   302s received $redirects, clicks stored $stored: $verdict"
  CRASH_ROWS+=("| $name | $redirects | $stored | $((stored - redirects)) | $verdict |")
}

# Both durability modes (PORTAL_CLICK_DURABILITY): flushed (on disk before the 302, the
# default) and committed (committed before the 302, flushed right after).
for MODE in ${BENCH_MODES:-flushed committed}; do
  run_backend sqlite "sqlite://$WORK/sqlite-$MODE/portal.db"
  if [ -z "${BENCH_SKIP_PG:-}" ]; then
    psql -q "$PG_SERVER/postgres" -c "CREATE DATABASE ${PG_DB}_$MODE" >/dev/null
    run_backend postgresql "$PG_SERVER/${PG_DB}_$MODE"
  fi
done

CPU=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)
{
  echo "# Benchmarks"
  echo
  echo "## The click redirect against a bare 302"
  echo
  echo "Produced by \`bash bench/run.sh\` on $(date -u +%Y-%m-%d) at commit \`$(git rev-parse --short HEAD)\`."
  echo "Machine: $(nproc) cores ($CPU), $(awk '/MemTotal/ { printf "%.0f GiB", $2/1048576 }' /proc/meminfo) RAM, $(uname -sr)."
  echo "Load: \`wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s\` on loopback, pinned to core $LOAD_CPUS; the server (and PostgreSQL)"
  echo "pinned to core $SERVER_CPUS (\`taskset\`), so the two never share a core;"
  echo "every request with a browser's User-Agent and a Referer (a click's row is as long as a real one's)"
  echo "(release build, 2 actix workers, \`RUST_LOG=warn\`), after a 2 s warm-up. Both handlers"
  echo "pass the same middleware; \`/click\` stores every click (group commit) and answers once it is on disk"
  echo "(\`flushed\`, the default) or once it is committed (\`committed\`, flushed right after; see the README)."
  echo "\"302s\" are the redirects wrk received, \"stored\" the rows added to \`clicks\` in that run:"
  echo "stored may exceed 302s by at most the $CONNECTIONS requests in flight when wrk stopped (stored, but"
  echo "their 302s not counted). Latencies in ms (p50 / p99), peak memory is the server's VmHWM."
  echo
  echo "| database | bare 302 req/s | /click req/s | click ÷ bare | spread of rounds | worst /click p99 | peak memory |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${SUMMARY_ROWS[@]}"
  echo
  echo "Requests/s are the means of $ROUNDS rounds; bare and /click take turns, ${DURATION} s each. Every round:"
  echo
  echo "| database | round | bare 302 req/s | bare p50 / p99 | /click req/s | /click p50 / p99 | click ÷ bare | 302s | stored | errors |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "Targets (issue 15): /click ≥ 0.7× bare on SQLite in \`committed\` mode and ≥ 0.6× in \`flushed\` mode,"
  echo "≥ 0.5× on PostgreSQL, p99 ≤ 10 ms, peak memory under 100 MB, stored = 302s."
  echo
  echo "### Open loop: the highest constant arrival rate with p99 under 10 ms"
  echo
  echo "\`oha -q RATE --latency-correction -c 64\` (bench/open_loop.py: the rate doubled from 2,000 until p99"
  echo "passes 10 ms or requests fail or fall behind, then bisected to within 5 %; 5 s a step), pinned like wrk."
  echo
  echo "| database | bare 302 req/s | /click req/s | click ÷ bare |"
  echo "|---|---:|---:|---:|"
  printf '%s\n' "${OPEN_ROWS[@]}"
  echo
  echo "### The public pages against the bare 302"
  echo
  echo "\`wrk -c$CONNECTIONS\`, ${PAGE_DURATION} s each, page and bare 302 taking turns for $ROUNDS rounds (means); an"
  echo "anonymous visitor's first view (no cookie). Targets: programme and rules ≥ 0.5×, login and signup ≥ 0.4×."
  echo
  echo "| database | page | bare 302 req/s | page req/s | page ÷ bare | page p99 ms (last round) |"
  echo "|---|---|---:|---:|---:|---:|"
  printf '%s\n' "${PAGE_ROWS[@]}"
  if [ ${#WAL_LINES[@]} -gt 0 ]; then
    echo
    printf '%s\n' "${WAL_LINES[@]}"
  fi
  echo
  echo "## SIGKILL under load"
  echo
  echo "The same load on /click for ${DURATION} s; the server is killed with SIGKILL after $((DURATION / 2)) s."
  echo "Every redirect a client received must be a stored click."
  echo
  echo "| database | 302s received | clicks stored | stored − received | result |"
  echo "|---|---:|---:|---:|---|"
  printf '%s\n' "${CRASH_ROWS[@]}"
  if [ -f bench/stats-scale.md ]; then
    echo
    cat bench/stats-scale.md
  fi
  if [ -f bench/stats-under-load.md ]; then
    echo
    cat bench/stats-under-load.md
  fi
  if [ -f bench/scan-memory.md ]; then
    echo
    cat bench/scan-memory.md
  fi
  if [ -f bench/notes.md ]; then
    echo
    cat bench/notes.md
  fi
} >"$OUT"
echo "== written to $OUT"

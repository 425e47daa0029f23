#!/usr/bin/env bash
# /click while a long statistics request runs (SQLite). A click log of BENCH_STATS_CLICKS clicks
# (3 million by default) over the last 365 days is made for the demo publisher's channel; then
# `wrk` loads /click alone and /click while the publisher's 365-day statistics page is asked for
# again and again (one request after the other), and while a plain CPU burner runs instead (the
# same share of this 2-core machine taken without touching the database), the three taking turns
# for BENCH_ROUNDS rounds. A reader must never hold the click writer up: the rate with the
# statistics running is compared with the rate alone and with the rate beside the burner. Writes bench/stats-under-load.md, which bench/run.sh puts into
# BENCHMARKS.md, and replaces that section of BENCHMARKS.md at once.
#
#   bash bench/stats_under_load.sh
#   BENCH_STATS_CLICKS=5000000 BENCH_DURATION=10 BENCH_ROUNDS=3 bash bench/stats_under_load.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${BENCH_DURATION:-20}
ROUNDS=${BENCH_ROUNDS:-3}
CONNECTIONS=${BENCH_CONNECTIONS:-8}
CLICKS=${BENCH_STATS_CLICKS:-3000000}
PORT=${BENCH_PORT:-18182}
BIN=target/release/portal
OUT=bench/stats-under-load.md
EMAIL="stats-bench@bench.example.org"
PASSWORD="benchmark wachtwoord $$ $RANDOM"
BROWSER="Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
WRK_HEADERS=(-H "User-Agent: $BROWSER" -H "Referer: https://www.fietsblog.example/")

for tool in wrk python3 curl; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is needed (apt-get install $tool)"; exit 2; }
done
echo "== building the release binary"
cargo build --release --locked --quiet

WORK=$(mktemp -d)
SERVER_PID=""
LOOP_PID=""
cleanup() {
  [ -n "$LOOP_PID" ] && kill "$LOOP_PID" 2>/dev/null || true
  [ -n "${BURNER_PID:-}" ] && kill "$BURNER_PID" 2>/dev/null || true
  [ -n "$SERVER_PID" ] && kill -9 "$SERVER_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
DB="$WORK/portal.db"
URL="sqlite://$DB"

echo "== a demo publisher"
link=$(echo "$PASSWORD" | PORTAL_DATABASE_URL="$URL" PORTAL_DATA_DIR="$WORK" \
  PORTAL_BASE_URL="http://127.0.0.1:$PORT" RUST_LOG=warn \
  "$BIN" admin demo-publisher --email "$EMAIL" | sed -n 's/.*tracking link: //p')
click_path="/click?${link#*\?}&epi=bench"

echo "== $CLICKS clicks over the last 365 days"
started=$(date +%s)
python3 - "$DB" "$CLICKS" <<'PY'
import sqlite3, sys, time
db, n = sys.argv[1], int(sys.argv[2])
c = sqlite3.connect(db, isolation_level=None)
programme, channel, participant = c.execute(
    "SELECT m.programme_id, ch.id, ch.participant_id FROM memberships m JOIN channels ch ON ch.id = m.channel_id"
).fetchone()
c.execute("INSERT OR IGNORE INTO user_agents (user_agent) VALUES ('Mozilla/5.0 (bench)')")
ua = c.execute("SELECT id FROM user_agents WHERE user_agent = 'Mozilla/5.0 (bench)'").fetchone()[0]
now_ms = int(time.time() * 1000)
start_ms = now_ms - 365 * 86_400_000
step = max(1, (now_ms - start_ms) // n)
c.execute("BEGIN")
c.execute(f"""
INSERT INTO clicks (click_id, clicked_at, day, programme_id, channel_id, participant_id, ad_id,
                    epi, ip_hash, user_agent_id, referrer_id, credited, reason)
WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < {n} - 1)
SELECT randomblob(16), {start_ms} + i * {step}, ({start_ms} + i * {step}) / 86400000,
       {programme}, {channel}, {participant}, NULL, 'sub-' || (i % 40), randomblob(16), {ua}, NULL,
       i % 10 != 0, CASE WHEN i % 10 = 0 THEN 'duplicate' END
FROM k
""")
c.execute("COMMIT")
print(c.execute("SELECT count(*) FROM clicks").fetchone()[0], "clicks")
PY
echo "   made in $(( $(date +%s) - started )) s; database $(du -m "$DB" | cut -f1) MB"

# wrk is one address: the per-address click limit is off here.
PORTAL_DATABASE_URL="$URL" PORTAL_DATA_DIR="$WORK" PORTAL_BIND="127.0.0.1:$PORT" \
  PORTAL_CLICK_LIMIT_PER_MINUTE=0 RUST_LOG=warn "$BIN" serve >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done

echo "== logging in as the publisher"
JAR="$WORK/cookies"
token=$(curl -s -c "$JAR" -b "$JAR" "http://127.0.0.1:$PORT/en/login" \
  | grep -o 'name="csrf_token" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')
status=$(curl -s -o /dev/null -w '%{http_code}' -c "$JAR" -b "$JAR" \
  --data-urlencode "csrf_token=$token" --data-urlencode "email=$EMAIL" \
  --data-urlencode "password=$PASSWORD" "http://127.0.0.1:$PORT/en/login")
[ "$status" = 303 ] || { echo "bench: login answered $status"; exit 1; }
FROM=$(date -u -d '365 days ago' +%Y-%m-%d)
TO=$(date -u +%Y-%m-%d)
STATS="http://127.0.0.1:$PORT/en/account/statistics?from=$FROM&to=$TO&group=day"
one=$(curl -s -o "$WORK/stats.html" -w '%{http_code} %{time_total}' -b "$JAR" "$STATS")
grep -q 'class="num"' "$WORK/stats.html" || { echo "bench: no statistics table ($one)"; exit 1; }
echo "   one 365-day statistics request alone: ${one#* } s"

run_wrk() {
  local line
  line=$(wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" -s bench/summary.lua "${WRK_HEADERS[@]}" \
    "http://127.0.0.1:$PORT$click_path" | grep '^RESULT')
  for pair in ${line#RESULT }; do eval "r_${pair}"; done
}

wrk -t1 -c"$CONNECTIONS" -d2s "${WRK_HEADERS[@]}" "http://127.0.0.1:$PORT$click_path" >/dev/null
# A statistics request goes on in the server after its client is gone: wait that long after each
# statistics round, so the next round runs alone.
settle=$(python3 -c "print(int(${one#* } * 3) + 1)")
ROWS=()
alone_sum=0
during_sum=0
burner_sum=0
worst_during_p99=0
stats_done=0
for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round of $ROUNDS: /click alone"
  run_wrk
  alone_rps=$r_rps alone_p99=$r_p99_ms

  echo "== round $round of $ROUNDS: /click beside a CPU burner"
  python3 -c 'while True: pass' &
  BURNER_PID=$!
  run_wrk
  kill "$BURNER_PID"; wait "$BURNER_PID" 2>/dev/null || true; BURNER_PID=""
  burner_rps=$r_rps burner_p99=$r_p99_ms

  echo "== round $round of $ROUNDS: /click while the statistics page is asked for"
  : >"$WORK/times"
  ( while :; do curl -s -o /dev/null -w '%{time_total}\n' -b "$JAR" "$STATS" >>"$WORK/times"; done ) &
  LOOP_PID=$!
  sleep 1
  run_wrk
  kill "$LOOP_PID" 2>/dev/null || true
  wait "$LOOP_PID" 2>/dev/null || true
  LOOP_PID=""
  n=$(wc -l <"$WORK/times")
  mean=$(awk '{ s += $1 } END { if (NR) printf "%.2f", s / NR; else print "-" }' "$WORK/times")
  ratio=$(python3 -c "print(f'{$r_rps / $alone_rps:.2f}')")
  burner_ratio=$(python3 -c "print(f'{$burner_rps / $alone_rps:.2f}')")
  echo "   alone $alone_rps req/s (p99 $alone_p99 ms); beside the burner $burner_rps (${burner_ratio}×); with statistics $r_rps req/s (p99 $r_p99_ms ms), ${ratio}×; $n statistics requests, $mean s each"
  ROWS+=("| $round | $alone_rps | $alone_p99 | $burner_rps | $burner_p99 | ${burner_ratio}× | $r_rps | $r_p99_ms | ${ratio}× | $n | $mean s |")
  alone_sum=$((alone_sum + alone_rps))
  burner_sum=$((burner_sum + burner_rps))
  during_sum=$((during_sum + r_rps))
  worst_during_p99=$(python3 -c "print(max($worst_during_p99, $r_p99_ms))")
  stats_done=$((stats_done + n))
  sleep "$settle"
done
kill -TERM "$SERVER_PID"
wait "$SERVER_PID" || true
SERVER_PID=""

ratio=$(python3 -c "print(f'{$during_sum / $alone_sum:.2f}')")
burner_ratio=$(python3 -c "print(f'{$burner_sum / $alone_sum:.2f}')")
{
  echo "## /click while a 365-day statistics request runs (SQLite)"
  echo
  echo "Produced by \`bash bench/stats_under_load.sh\` on $(date -u +%Y-%m-%d) at commit \`$(git rev-parse --short HEAD)\`:"
  echo "$CLICKS clicks of one channel over the last 365 days; \`wrk -t1 -c$CONNECTIONS -d${DURATION}s\` on /click,"
  echo "alone and while the publisher's 365-day statistics page (grouped by day) is requested over and"
  echo "over, one request after the other, and beside a CPU burner (\`python3 -c 'while True: pass'\`, which"
  echo "takes the same share of the 2 cores without touching the database); the three take turns for"
  echo "$ROUNDS rounds. One statistics request alone took ${one#* } s."
  echo
  echo "| | /click alone | beside a CPU burner | with statistics running | burner ÷ alone | statistics ÷ alone | worst p99 with statistics | statistics requests served |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  echo "| mean of $ROUNDS rounds | $((alone_sum / ROUNDS)) req/s | $((burner_sum / ROUNDS)) req/s | $((during_sum / ROUNDS)) req/s | ${burner_ratio}× | **${ratio}×** | $worst_during_p99 ms | $stats_done |"
  echo
  echo "| round | alone req/s | alone p99 ms | burner req/s | burner p99 ms | burner ÷ alone | statistics req/s | statistics p99 ms | statistics ÷ alone | statistics requests | mean statistics time |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  printf '%s\n' "${ROWS[@]}"
} >"$OUT"
cat "$OUT"

# Replace (or add) this section of BENCHMARKS.md; bench/run.sh includes the file when it rewrites it.
python3 - "$OUT" <<'PY'
import re, sys
section = open(sys.argv[1]).read().rstrip() + "\n"
try:
    text = open("BENCHMARKS.md").read()
except FileNotFoundError:
    text = "# Benchmarks\n"
head = "## /click while a 365-day statistics request runs (SQLite)"
start = text.find(head)
if start >= 0:
    end = text.find("\n## ", start + len(head))
    text = text[:start] + section + ("\n" + text[end + 1:] if end >= 0 else "")
else:
    notes = text.find("\n## ", text.find("## SIGKILL under load") + 1) if "## SIGKILL under load" in text else -1
    text = (text[:notes + 1] + section + "\n" + text[notes + 1:]) if notes >= 0 else text.rstrip() + "\n\n" + section
open("BENCHMARKS.md", "w").write(text)
PY
echo "== written to $OUT and BENCHMARKS.md"

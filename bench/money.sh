#!/usr/bin/env bash
# The money benchmark, on SQLite: intake of signed conversions through POST /api/v1/conversions
# (wrk, every request a distinct signed order for a real credited click), against the click
# path measured in the same run with the same binary and connections; then a payout run over
# many participants (`portal payouts run`). Appends its figures to BENCHMARKS.md.
#
#   bash bench/money.sh                       # 100,000 conversions, 10,000 payees
#   BENCH_CONVERSIONS=20000 BENCH_PAYEES=2000 bash bench/money.sh
set -euo pipefail
cd "$(dirname "$0")/.."

N=${BENCH_CONVERSIONS:-100000}
PAYEES=${BENCH_PAYEES:-10000}
CONNECTIONS=${BENCH_CONNECTIONS:-64}
THREADS=${BENCH_THREADS:-1}
DURATION=${BENCH_DURATION:-10}
OUT=${BENCH_OUT:-BENCHMARKS.md}
PORT=${BENCH_PORT:-18182}
BIN=${BENCH_BIN:-target/release/portal}
BROWSER="Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"

for tool in wrk python3 curl; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is needed"; exit 2; }
done
if [ -z "${BENCH_BIN:-}" ]; then
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

export PORTAL_DATA_DIR="$WORK/data" PORTAL_DATABASE_URL="sqlite://$WORK/data/portal.db"
export PORTAL_BIND="127.0.0.1:$PORT" PORTAL_PAYER_IBAN="NL02ABNA0123456789" RUST_LOG=warn
# Clicks of the baseline come from one address: lift the per-visitor limit so they are all
# judged the ordinary way (credited), as the conversions' clicks are.
export PORTAL_CLICK_VELOCITY_PER_MINUTE=100000000

mkdir -p "$WORK/data"
echo "benchmark password $$ $RANDOM" | "$BIN" admin demo-publisher --email bench@example.nl >/dev/null
SECRET=$("$BIN" programme secret --programme aliexpress 2>/dev/null)
# The conversions' clicks: credited, today, straight into the click log.
echo "== $N clicks to convert"
CLICK_IDS="$WORK/clicks.txt" python3 bench/money_data.py clicks "$PORTAL_DATABASE_URL" 1 "$N"

start_server() {
  "$BIN" serve >"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "bench: the server did not start"; cat "$WORK/server.log"; exit 1
}
parse() { for pair in ${1#RESULT }; do eval "$2_${pair}"; done; }

start_server
echo "== baseline: /click for ${DURATION}s"
line=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" -s bench/summary.lua -H "User-Agent: $BROWSER" \
  "http://127.0.0.1:$PORT/click?p=1&a=1" | grep '^RESULT')
parse "$line" c

echo "== $N signed conversions"
CLICK_IDS="$WORK/clicks.txt" python3 bench/money_data.py requests "$SECRET" "$N" "$WORK/conversions.txt"
mkdir -p "$WORK/done"
CONVERSIONS_FILE="$WORK/conversions.txt" BENCH_THREADS="$THREADS" DONE_DIR="$WORK/done" \
  wrk -t"$THREADS" -c"$CONNECTIONS" -d3600s --timeout 30s -s bench/conversions.lua \
  "http://127.0.0.1:$PORT" >"$WORK/wrk.txt" 2>"$WORK/refused.txt" &
WRK_PID=$!
# wrk runs for its whole -d: once every thread has handed out its last line, let the answers
# in flight arrive (the count of stored conversions stands still), then end it.
while [ "$(ls "$WORK/done" | wc -l)" -lt "$THREADS" ] && kill -0 "$WRK_PID" 2>/dev/null; do sleep 0.2; done
count() { python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM conversions').fetchone()[0])" "$WORK/data/portal.db"; }
before=-1; now_count=$(count)
while [ "$now_count" != "$before" ]; do sleep 1; before=$now_count; now_count=$(count); done
kill -INT "$WRK_PID" 2>/dev/null || true
wait "$WRK_PID" || true
line=$(grep '^RESULT' "$WORK/wrk.txt")
parse "$line" v
kill -TERM "$SERVER_PID"; wait "$SERVER_PID" || true; SERVER_PID=""
stored=$(python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); print(c.execute('SELECT count(*) FROM conversions').fetchone()[0], c.execute('SELECT count(*) FROM commissions').fetchone()[0])" "$WORK/data/portal.db")
refused=$(wc -l <"$WORK/refused.txt")

echo "== $PAYEES payees, one payout run"
python3 bench/money_data.py payees "$PORTAL_DATABASE_URL" "$PAYEES"
period=$(date -u +%Y-%m)
start=$(date +%s.%N)
"$BIN" payouts run --period "$period" --file "$WORK/pain001.xml" >"$WORK/run1.txt" 2>/dev/null
mid=$(date +%s.%N)
"$BIN" payouts run --period "$period" --file "$WORK/pain001-again.xml" >"$WORK/run2.txt" 2>/dev/null
end=$(date +%s.%N)
run_s=$(python3 -c "print(f'{$mid - $start:.2f}')")
again_s=$(python3 -c "print(f'{$end - $mid:.2f}')")
xml_tx=$(grep -c '<CdtTrfTxInf>' "$WORK/pain001.xml")
ctrl=$(grep -m1 -o '<CtrlSum>[^<]*' "$WORK/pain001.xml" | cut -d'>' -f2)

per_click_us=$(python3 -c "print(f'{1e6 / $c_rps:.0f}')")
per_conv_us=$(python3 -c "print(f'{1e6 / $v_rps:.0f}')")
ratio=$(python3 -c "print(f'{$c_rps / $v_rps:.1f}')")
per_payee_ms=$(python3 -c "print(f'{1000 * $run_s / $PAYEES:.2f}')")

{
  echo
  echo "## Money: conversion intake and a payout run (SQLite, $(date -u +%Y-%m-%d))"
  echo
  echo "\`bash bench/money.sh\`: one release binary, wrk with $CONNECTIONS connections on loopback, $(nproc) cores."
  echo "The baseline is the click path of the same server in the same run."
  echo
  echo "| | requests | seconds | per second | time per request (1 / rate) | p50 | p99 | refused |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  echo "| \`GET /click\` (baseline) | $c_requests | $c_seconds | $c_rps | ${per_click_us} µs | $c_p50_ms ms | $c_p99_ms ms | $c_non3xx |"
  echo "| \`POST /api/v1/conversions\` | $v_requests | $v_seconds | $v_rps | ${per_conv_us} µs | $v_p50_ms ms | $v_p99_ms ms | $refused |"
  echo
  echo "A conversion takes ${ratio}× the time of a click. $N signed reports prepared; stored afterwards"
  echo "(conversions, commissions): $stored. (wrk drops the request it had prepared for a connection it"
  echo "reconnects, so a report or two may never be sent; none is refused.)"
  echo "Each conversion is its own transaction: the click lookup, the self-purchase check, the rate in force,"
  echo "the conversion, its commission and the commission's first event — where the click writer commits clicks in groups."
  echo
  echo "Payout run over $PAYEES participants with bank details (one in ten below the threshold):"
  echo "$run_s s ($per_payee_ms ms per participant; one transaction each), $xml_tx transfers in the bank file,"
  echo "control sum $ctrl. The same period again: $again_s s, and $(cat "$WORK/run2.txt" | grep -o '[0-9]* paid now' || echo '?')."
} >>"$OUT"
echo "== written to $OUT"
tail -n 20 "$OUT"

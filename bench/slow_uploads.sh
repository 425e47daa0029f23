#!/usr/bin/env bash
# 64 evidence uploads held open against the real server (issue 21, point 2): each announces
# 8 MB and more, sends 8 MB of its file and then nothing; the server streams what it gets to
# disk. Measured: the server's RSS (VmRSS of the `portal` process) before and while the 64 are
# held, and /healthz's answer time meanwhile (20 requests). The work is done by the test
# `tests/it/uploads.rs` `sixty_four_uploads_held_open_keep_the_server_small_and_healthz_answers`
# (it runs the real binary of the test build, and asserts only what does not depend on the
# machine's speed: RSS under 150 MB, /healthz answers); this script runs it BENCH_ROUNDS times
# and writes its figures to bench/slow-uploads.md.
#
#   bash bench/slow_uploads.sh
#   BENCH_ROUNDS=3 bash bench/slow_uploads.sh
#   PORTAL_TEST_DATABASE_URL=postgres://portal:portal@127.0.0.1:5432 bash bench/slow_uploads.sh
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${BENCH_ROUNDS:-5}
OUT=${BENCH_OUT:-bench/slow-uploads.md}
DATABASE=${PORTAL_TEST_DATABASE_URL:+PostgreSQL}
DATABASE=${DATABASE:-SQLite}
TEST=uploads::sixty_four_uploads_held_open_keep_the_server_small_and_healthz_answers

echo "== building the tests (the test build of the portal binary)"
cargo test --locked --quiet --test it --no-run 2>/dev/null
LOADAVG_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
rows=""
for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round of $ROUNDS"
  line=$(cargo test --locked --quiet --test it "$TEST" -- --exact --nocapture 2>/dev/null | grep '^bench: ')
  value() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$line"; }
  rows+="| $round | $(value rss_before_mib) | **$(value rss_held_mib)** | $(value healthz_first_ms) | $(value healthz_p50_ms) | $(value healthz_max_ms) |"$'\n'
done
LOADAVG_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

cat >"$OUT" <<MD
# 64 evidence uploads held open (issue 21, point 2)

Produced by \`bash bench/slow_uploads.sh\` on $(date -u +%Y-%m-%d) with commit \`$(git rev-parse --short HEAD)\`
($DATABASE, the test build of the \`portal\` binary, $(nproc) cores, loopback). Each of 64
connections to one server posts an objection to a termination link (right key, right CSRF token)
whose head announces 8 MB and more, sends its token, its words and 8 MB of one file, and then
nothing. Once the kernel shows the server has read every byte sent (\`/proc/net/tcp\`: nothing
unread, nothing unsent), the server's VmRSS is read and \`/healthz\` is asked 20 times, one after
the other. Before this change the server kept each file in memory until the whole form had come:
these 512 MB were in its RSS: the same test on the commit before (\`68dc359~1\`) stopped at
**597 MiB** (the issue measured 38 → 533 MB with 8 connections). The goal: under 150 MB, and
/healthz under 100 ms.
Load average of the machine before the runs: $LOADAVG_BEFORE; after: $LOADAVG_AFTER.

| round | RSS before, MiB | RSS with 64 uploads held, MiB | /healthz first, ms | p50, ms | max, ms |
|---:|---:|---:|---:|---:|---:|
$rows
The uploads' bytes are on disk, in unnamed temporary files under \`{data_dir}/evidence/incoming\`
(gone with the connection). What stays in memory per upload is a chunk and a write buffer of at
most 256 KB. The server runs with \`PORTAL_UPLOADS_IN_FLIGHT=64\` and
\`PORTAL_UPLOADS_PER_ADDRESS=64\` here, so that all 64 are taken in; with the defaults (16 in all,
2 per address) 62 of these connections would get \`429\` before their body is read.
MD
echo "== written to $OUT"
cat "$OUT"

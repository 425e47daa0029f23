#!/usr/bin/env bash
# Several portal instances on one PostgreSQL behind nginx, all on this machine (issue 24):
#
#   bash deploy/run.sh                      # 2 instances, the balancer on http://127.0.0.1:8080
#   INSTANCES=3 PORT=9000 bash deploy/run.sh
#
# Runs in the foreground; Ctrl-C (or SIGTERM) stops the balancer and every instance. Needs
# Debian's PostgreSQL 15 cluster (started here when stopped) and nginx (`apt-get install
# nginx-light`); builds target/release/portal when it is missing (or give PORTAL_BIN).
#
# What it sets up, as the README's deployment sections say:
# - PostgreSQL: the owner `portal_deploy_owner` owns the database `portal_deploy` and migrates
#   it; the instances connect as `portal_deploy_app`, which owns nothing (the two roles of the
#   README's "Deployment" under names of their own; passwords made once, kept in RUN_DIR);
# - every instance: the same PORTAL_SECRET_KEY (made once), PORTAL_TRUSTED_PROXIES=127.0.0.1
#   (the balancer), a data folder of its own (its click spool, its outbox) sharing one
#   `evidence/` folder (on several machines: a shared filesystem);
# - nginx: round robin over the instances, the client's address in X-Forwarded-For, a request
#   refused by a stopping instance passed to the next.
set -euo pipefail
cd "$(dirname "$0")/.."

INSTANCES=${INSTANCES:-2}
PORT=${PORT:-8080}
RUN=$(mkdir -p "${RUN_DIR:-target/deploy}" && cd "${RUN_DIR:-target/deploy}" && pwd)
BIN=${PORTAL_BIN:-target/release/portal}
DB=${PORTAL_DEPLOY_DATABASE:-portal_deploy}
# Roles of their own, so that this never touches the roles of a real deployment or of the
# tests (`portal_app`) on the same server.
OWNER=${PORTAL_DEPLOY_OWNER:-portal_deploy_owner}
APP=${PORTAL_DEPLOY_APP:-portal_deploy_app}
PIDS=()

stop_all() {
  trap - EXIT INT TERM
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop_all EXIT
trap 'exit 130' INT TERM

if [ ! -x "$BIN" ]; then
  cargo build --release --locked
fi
command -v nginx >/dev/null || { echo "nginx is missing: apt-get install nginx-light" >&2; exit 1; }

# Made once and kept: the passwords of the two roles and the instances' shared secret key.
secret() { # FILE BYTES
  [ -s "$1" ] || { umask 077; od -An -N"$2" -tx1 /dev/urandom | tr -d ' \n' > "$1"; }
  cat "$1"
}
OWNER_PW=$(secret "$RUN/owner.password" 16)
APP_PW=$(secret "$RUN/app.password" 16)
SECRET_KEY=$(secret "$RUN/secret.key" 64)

echo "== PostgreSQL: roles $OWNER and $APP, database $DB"
pg_ctlcluster 15 main start >/dev/null 2>&1 || true
for _ in $(seq 1 30); do runuser -u postgres -- pg_isready -q && break; sleep 1; done
runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -d postgres <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$OWNER') THEN
    CREATE ROLE $OWNER LOGIN;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$APP') THEN
    CREATE ROLE $APP LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
  END IF;
END \$\$;
ALTER ROLE $OWNER PASSWORD '$OWNER_PW';
ALTER ROLE $APP PASSWORD '$APP_PW';
SQL
if ! runuser -u postgres -- psql -tAq -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
  runuser -u postgres -- createdb -O "$OWNER" "$DB"
fi
APP_URL="postgres://$APP:$APP_PW@127.0.0.1:5432/$DB"
OWNER_URL="postgres://$OWNER:$OWNER_PW@127.0.0.1:5432/$DB"

echo "== migrations and the programme, as the owner"
mkdir -p "$RUN/shared/evidence"
PORTAL_DATA_DIR="$RUN/shared" PORTAL_DATABASE_URL="$APP_URL" PORTAL_MIGRATION_DATABASE_URL="$OWNER_URL" \
  PORTAL_SECRET_KEY="$SECRET_KEY" "$BIN" migrate

UPSTREAMS=""
for i in $(seq 1 "$INSTANCES"); do
  port=$((PORT + i))
  data="$RUN/instance-$i"
  mkdir -p "$data"
  ln -sfn "$RUN/shared/evidence" "$data/evidence"
  echo "== instance $i on 127.0.0.1:$port (log: $RUN/instance-$i.log)"
  PORTAL_BIND="127.0.0.1:$port" PORTAL_BASE_URL="http://127.0.0.1:$PORT" \
    PORTAL_DATABASE_URL="$APP_URL" PORTAL_SECRET_KEY="$SECRET_KEY" \
    PORTAL_TRUSTED_PROXIES=127.0.0.1 PORTAL_DATA_DIR="$data" \
    "$BIN" serve > "$RUN/instance-$i.log" 2>&1 &
  PIDS+=($!)
  UPSTREAMS+="        server 127.0.0.1:$port max_fails=1 fail_timeout=5s;"$'\n'
done
for i in $(seq 1 "$INSTANCES"); do
  port=$((PORT + i))
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && break
    sleep 0.1
  done
  curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" || { echo "instance $i did not start" >&2; exit 1; }
done

echo "== nginx on http://127.0.0.1:$PORT (logs in $RUN)"
awk -v run="$RUN" -v port="$PORT" -v up="$UPSTREAMS" \
  '{ gsub("@RUN@", run); gsub("@PORT@", port); if ($0 ~ /^[ \t]*@UPSTREAMS@[ \t]*$/) { printf "%s", up; next } print }' \
  deploy/nginx.conf.in > "$RUN/nginx.conf"
nginx -t -q -p "$RUN" -c "$RUN/nginx.conf"
nginx -p "$RUN" -c "$RUN/nginx.conf" -g 'daemon off;' &
NGINX=$!
PIDS+=("$NGINX")
for _ in $(seq 1 50); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null && break
  sleep 0.1
done
echo "== ready: http://127.0.0.1:$PORT/en/ — Ctrl-C stops everything"
# An instance may be stopped and started again on its own (a rolling restart: SIGTERM finishes
# its requests in flight while nginx sends the new ones to the others); the balancer ending
# ends everything.
wait "$NGINX" || true

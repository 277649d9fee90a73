#!/usr/bin/env bash
# The scale demo on one machine: primary (already running on :5432), a streaming replica on
# :5433, PgBouncer on :6432 in transaction mode, gunicorn and two Celery workers, then the
# load test against them; everything it started is stopped on exit.
#
#   scripts/scale-demo.sh [bench/serve.py options] [-- bench/load.py options]
#   make scale-demo ARGS="--count 200000 -- --duration 60"
#
# DATABASE_URL is the bench database on the primary (default
# postgres://postgres@127.0.0.1:5432/nivaran_scale_bench; its name must contain "bench":
# it is dropped and recreated unless --reuse is given). bench/serve.py prepares it on the
# primary, then starts gunicorn and the workers with DATABASE_URL through PgBouncer,
# DATABASE_POOLED=1 and DATABASE_REPLICA_URL on the replica. Without scripts/pg-replica.sh
# or scripts/pgbouncer.sh (or with SCALE_DIRECT=1) it says so and serves straight from the
# primary on :5432. A replica or PgBouncer already running is used and left running.
#
# Environment: SCALE_COUNT (grievances generated first, 20000), SCALE_QUEUES (the
# workers' -Q), SCALE_MIX, SCALE_CONCURRENCY, SCALE_DURATION (the load), SCALE_DIRECT.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN="${VENV:-.venv}/bin"
DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/nivaran_scale_bench}"
DB_NAME="${DATABASE_URL##*/}"
DB_NAME="${DB_NAME%%\?*}"
PRIMARY_PORT=5432
REPLICA_PORT=5433
POOL_PORT=6432
# The Celery queues both workers consume: one per kind of work, and Celery's default.
SCALE_QUEUES="${SCALE_QUEUES:-celery,sweep,messages,exports,analytics}"
SCALE_COUNT="${SCALE_COUNT:-20000}"
SCALE_MIX="${SCALE_MIX:-register=4,list=1,detail=2,inbox=1,overdue=1}"
SCALE_CONCURRENCY="${SCALE_CONCURRENCY:-8}"
SCALE_DURATION="${SCALE_DURATION:-30}"

SERVE_ARGS=()
LOAD_ARGS=()
while [ $# -gt 0 ]; do
  if [ "$1" = "--" ]; then
    shift
    LOAD_ARGS=("$@")
    break
  fi
  SERVE_ARGS+=("$1")
  shift
done

say() { printf '== %s\n' "$*"; }

STARTED=()
teardown() {
  local status=$?
  for (( i=${#STARTED[@]}-1; i>=0; i-- )); do
    say "stopping: ${STARTED[$i]} down"
    bash "${STARTED[$i]}" down || true
  done
  exit "$status"
}
trap teardown EXIT
trap 'exit 130' INT TERM

pg_isready -q -h 127.0.0.1 -p "$PRIMARY_PORT" || {
  echo "the primary does not answer on 127.0.0.1:$PRIMARY_PORT" >&2
  exit 1
}
say "primary: 127.0.0.1:$PRIMARY_PORT, database $DB_NAME"

SERVER_ARGS=()
if [ "${SCALE_DIRECT:-0}" = "1" ]; then
  say "SCALE_DIRECT=1: no replica, no PgBouncer; gunicorn straight on the primary"
elif [ ! -f scripts/pg-replica.sh ] || [ ! -f scripts/pgbouncer.sh ]; then
  say "scripts/pg-replica.sh or scripts/pgbouncer.sh is missing (branch 'replica' not merged):"
  say "  serving straight from the primary on :$PRIMARY_PORT, without replica or pool"
else
  # What was running before is left running on exit (someone else's replica or pool).
  if bash scripts/pg-replica.sh status >/dev/null 2>&1; then
    say "replica: already up on 127.0.0.1:$REPLICA_PORT (left running on exit)"
  else
    say "replica: scripts/pg-replica.sh up (127.0.0.1:$REPLICA_PORT)"
    bash scripts/pg-replica.sh up
    STARTED+=(scripts/pg-replica.sh)
  fi
  bash scripts/pg-replica.sh status
  if pg_isready -q -h 127.0.0.1 -p "$POOL_PORT"; then
    say "PgBouncer: already up on 127.0.0.1:$POOL_PORT (left running on exit)"
  else
    say "PgBouncer: scripts/pgbouncer.sh up (127.0.0.1:$POOL_PORT, transaction mode)"
    bash scripts/pgbouncer.sh up
    STARTED+=(scripts/pgbouncer.sh)
  fi
  SERVER_ARGS=(
    --server-database-url "postgres://postgres@127.0.0.1:$POOL_PORT/$DB_NAME"
    --replica-url "postgres://postgres@127.0.0.1:$REPLICA_PORT/$DB_NAME"
    --pooled
  )
fi

say "load: $SCALE_CONCURRENCY clients, ${SCALE_DURATION}s, mix $SCALE_MIX; load average: $(cut -d' ' -f1-3 /proc/loadavg)"
DATABASE_URL="$DATABASE_URL" "$BIN/python" bench/serve.py \
  --count "$SCALE_COUNT" --celery-workers 2 --queues "$SCALE_QUEUES" \
  "${SERVER_ARGS[@]}" "${SERVE_ARGS[@]}" -- \
  --concurrency "$SCALE_CONCURRENCY" --duration "$SCALE_DURATION" --mix "$SCALE_MIX" \
  --label "scale-demo" "${LOAD_ARGS[@]}"
say "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

#!/usr/bin/env bash
# PgBouncer in transaction mode in front of the local PostgreSQL: up | down | status.
#
#   scripts/pgbouncer.sh up       # 127.0.0.1:6432 -> 127.0.0.1:5432, every database
#   PGBOUNCER_PORT=6433 PGBOUNCER_TARGET_PORT=5433 scripts/pgbouncer.sh up   # the replica's
#   scripts/pgbouncer.sh down
#   scripts/pgbouncer.sh install  # only install Debian's pgbouncer (as root)
#
# Django behind it needs DATABASE_POOLED=1 (docs/deployment.md, "Read replica and
# pooling"). Local development, CI and the scale demo only: clients are trusted, as the
# local PostgreSQL trusts them. Installs Debian's pgbouncer when it is missing (as root).
set -euo pipefail

PORT="${PGBOUNCER_PORT:-6432}"
TARGET_HOST="${PGBOUNCER_TARGET_HOST:-127.0.0.1}"
TARGET_PORT="${PGBOUNCER_TARGET_PORT:-5432}"
DIR="${PGBOUNCER_DIR:-/tmp/nivaran-pgbouncer-$PORT}"
# Server connections per (database, user): PostgreSQL's max_connections (100) is shared
# with the replica's walsender, the workers and psql sessions.
POOL_SIZE="${PGBOUNCER_POOL_SIZE:-20}"
MAX_CLIENTS="${PGBOUNCER_MAX_CLIENTS:-1000}"

ensure_installed() {
  command -v pgbouncer >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing Debian's pgbouncer..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq pgbouncer >/dev/null
  else
    echo "pgbouncer is not installed and cannot be installed here." >&2
    return 1
  fi
}

running() {
  [ -f "$DIR/pgbouncer.pid" ] && kill -0 "$(cat "$DIR/pgbouncer.pid")" 2>/dev/null
}

answers() {
  psql -X -q -At -h 127.0.0.1 -p "$PORT" -U postgres -d postgres -c "SELECT 1" >/dev/null 2>&1
}

up() {
  ensure_installed
  if running && answers; then
    echo "PgBouncer already on 127.0.0.1:$PORT."
    return 0
  fi
  mkdir -p "$DIR"
  # Trust: the user names must still be listed.
  echo '"postgres" ""' >"$DIR/userlist.txt"
  cat >"$DIR/pgbouncer.ini" <<EOF
[databases]
* = host=$TARGET_HOST port=$TARGET_PORT

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PORT
unix_socket_dir =
auth_type = trust
auth_file = $DIR/userlist.txt
; A server connection serves one transaction, then the next client's: nothing may
; outlive a transaction (session SETs, advisory locks, LISTEN, WITH HOLD cursors,
; prepared statements). TimeZone, DateStyle, client_encoding, standard_conforming_strings
; and application_name are tracked by PgBouncer and restored per client.
pool_mode = transaction
default_pool_size = $POOL_SIZE
max_client_conn = $MAX_CLIENTS
server_reset_query =
ignore_startup_parameters = extra_float_digits
admin_users = postgres
stats_users = postgres
logfile = $DIR/pgbouncer.log
pidfile = $DIR/pgbouncer.pid
EOF
  chown -R postgres:postgres "$DIR" 2>/dev/null || true
  rm -f "$DIR/pgbouncer.pid"
  # PgBouncer refuses to run as root; -u drops to the postgres user.
  if [ "$(id -u)" = "0" ]; then
    pgbouncer -d -u postgres "$DIR/pgbouncer.ini"
  else
    pgbouncer -d "$DIR/pgbouncer.ini"
  fi
  for _ in $(seq 1 50); do
    if answers; then
      echo "PgBouncer (transaction mode) on 127.0.0.1:$PORT -> $TARGET_HOST:$TARGET_PORT."
      return 0
    fi
    sleep 0.1
  done
  echo "PgBouncer did not answer on 127.0.0.1:$PORT; its log:" >&2
  tail -n 20 "$DIR/pgbouncer.log" >&2 || true
  return 1
}

down() {
  if running; then
    kill "$(cat "$DIR/pgbouncer.pid")"
    for _ in $(seq 1 50); do running || break; sleep 0.1; done
  fi
  rm -rf "$DIR"
  echo "PgBouncer on 127.0.0.1:$PORT stopped."
}

status() {
  if running && answers; then
    echo "PgBouncer on 127.0.0.1:$PORT -> $TARGET_HOST:$TARGET_PORT; pools:"
    psql -X -q -h 127.0.0.1 -p "$PORT" -U postgres -d pgbouncer -c "SHOW POOLS"
  else
    echo "No PgBouncer on 127.0.0.1:$PORT."
    return 1
  fi
}

# `install` (the PostgreSQL pass of `make test`): install when we can, else say why the
# pooling test will be skipped.
install() {
  ensure_installed || echo "The PgBouncer test will be skipped." >&2
}

case "${1:-}" in
  up | down | status | install) "$1" ;;
  *)
    echo "usage: $0 up|down|status|install" >&2
    exit 2
    ;;
esac

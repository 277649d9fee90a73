#!/usr/bin/env bash
# A streaming read replica of the local PostgreSQL 15 on this machine: up | down | status.
#
#   scripts/pg-replica.sh up      # a hot standby on 127.0.0.1:5433, streaming from :5432
#   scripts/pg-replica.sh status  # exit 0 when it accepts connections and is in recovery
#   scripts/pg-replica.sh down    # stop it and remove its data directory
#
# For local development, CI and the scale demo only: the primary is told to trust
# replication connections from 127.0.0.1 (docs/deployment.md says what a real deployment
# needs instead). `up` is idempotent: a running replica is left as it is.
set -euo pipefail

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
PRIMARY_HOST="${PRIMARY_HOST:-127.0.0.1}"
PRIMARY_PORT="${PRIMARY_PORT:-5432}"
REPLICA_PORT="${REPLICA_PORT:-5433}"
REPLICA_DIR="${REPLICA_DIR:-/var/lib/postgresql/nivaran-replica}"
SLOT="${REPLICA_SLOT:-nivaran_replica}"
LOG="$REPLICA_DIR.log"
LOCK="${REPLICA_DIR}.lock"

# The server must not run as root: every server command runs as the postgres OS user.
as_postgres() {
  if [ "$(id -un)" = "postgres" ]; then "$@"; else runuser -u postgres -- "$@"; fi
}

primary_sql() {
  psql -X -q -At -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres -d postgres -c "$1"
}

replica_sql() {
  psql -X -q -At -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -d postgres -c "$1"
}

in_recovery() {
  [ "$(replica_sql 'SELECT pg_is_in_recovery()' 2>/dev/null)" = "t" ]
}

# The primary must accept a replication connection from 127.0.0.1. Its pg_hba.conf is
# read top to bottom, first match wins: Debian's default has a scram-sha-256 line for
# replication, so ours goes first. wal_level=replica and max_wal_senders=10 are
# PostgreSQL 15's defaults; they are checked, not changed (changing them needs a restart).
allow_replication() {
  local hba level senders
  hba="$(primary_sql 'SHOW hba_file')"
  level="$(primary_sql 'SHOW wal_level')"
  senders="$(primary_sql 'SHOW max_wal_senders')"
  if [ "$level" = "minimal" ] || [ "$senders" -lt 2 ]; then
    echo "The primary needs wal_level=replica and max_wal_senders>=2 (has $level, $senders)." >&2
    exit 1
  fi
  if ! grep -Eq '^host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32[[:space:]]+trust' "$hba"; then
    echo "Allowing replication from 127.0.0.1 in $hba (local development only)."
    sed -i '1i host replication all 127.0.0.1/32 trust  # scripts/pg-replica.sh (local only)' "$hba"
    primary_sql 'SELECT pg_reload_conf()' >/dev/null
  fi
}

wait_ready() {
  for _ in $(seq 1 60); do
    if in_recovery; then return 0; fi
    sleep 0.5
  done
  echo "The replica did not come up; its log, $LOG:" >&2
  tail -n 30 "$LOG" >&2 || true
  return 1
}

# Debian keeps a cluster's configuration under /etc, so the copy has none: the replica's
# own, written on every `up`. A hot standby needs max_connections (and the other
# max_* settings) at least the primary's: PostgreSQL 15's defaults on both.
configure() {
  as_postgres tee "$REPLICA_DIR/postgresql.conf" >/dev/null <<EOF
port = $REPLICA_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '/var/run/postgresql'
cluster_name = 'nivaran-replica'
max_connections = $(primary_sql 'SHOW max_connections')
shared_buffers = 128MB
hot_standby = on
hot_standby_feedback = on
datestyle = 'iso, mdy'
timezone = 'Etc/UTC'
lc_messages = 'C.UTF-8'
default_text_search_config = 'pg_catalog.english'
EOF
  as_postgres tee "$REPLICA_DIR/pg_hba.conf" >/dev/null <<EOF
local all all trust
host all all 127.0.0.1/32 trust
EOF
  as_postgres tee "$REPLICA_DIR/pg_ident.conf" </dev/null >/dev/null
}

up() {
  if in_recovery; then
    echo "Replica already streaming on 127.0.0.1:$REPLICA_PORT."
    return 0
  fi
  allow_replication
  if [ -f "$REPLICA_DIR/standby.signal" ]; then
    # A replica stopped earlier (a reboot, `pg_ctl stop`): it catches up from its slot.
    echo "Starting the existing replica in $REPLICA_DIR."
  else
    rm -rf "$REPLICA_DIR"
    mkdir -p "$(dirname "$REPLICA_DIR")"
    if [ "$(primary_sql "SELECT count(*) FROM pg_replication_slots WHERE slot_name = '$SLOT'")" = "0" ]; then
      primary_sql "SELECT pg_create_physical_replication_slot('$SLOT')" >/dev/null
    fi
    echo "Copying the primary (127.0.0.1:$PRIMARY_PORT) into $REPLICA_DIR..."
    as_postgres "$PG_BIN/pg_basebackup" -h "$PRIMARY_HOST" -p "$PRIMARY_PORT" -U postgres \
      -D "$REPLICA_DIR" -R -X stream -c fast -S "$SLOT"
  fi
  configure
  mkdir -p /var/run/postgresql && chown postgres:postgres /var/run/postgresql
  as_postgres touch "$LOG"
  # fd 9 (the lock) closed: the server would hold it for as long as it runs.
  as_postgres "$PG_BIN/pg_ctl" -D "$REPLICA_DIR" -l "$LOG" -w -t 60 start >/dev/null 9>&-
  wait_ready
  echo "Replica streaming on 127.0.0.1:$REPLICA_PORT (in recovery: $(replica_sql 'SELECT pg_is_in_recovery()'))."
}

down() {
  if [ -f "$REPLICA_DIR/postmaster.pid" ]; then
    as_postgres "$PG_BIN/pg_ctl" -D "$REPLICA_DIR" -m fast -w stop >/dev/null || true
  fi
  rm -rf "$REPLICA_DIR" "$LOG"
  # A slot nobody reads would keep WAL on the primary for ever. Its walsender may take a
  # moment to notice the replica has gone: the slot is dropped once it is inactive.
  for _ in $(seq 1 20); do
    case "$(primary_sql "SELECT active FROM pg_replication_slots WHERE slot_name = '$SLOT'" 2>/dev/null)" in
      "") break ;;
      f) primary_sql "SELECT pg_drop_replication_slot('$SLOT')" >/dev/null 2>&1 || true ;;
      *) sleep 0.5 ;;
    esac
  done
  echo "Replica removed."
}

status() {
  if in_recovery; then
    echo "Replica streaming on 127.0.0.1:$REPLICA_PORT; last transaction replayed $(replica_sql "SELECT coalesce(now() - pg_last_xact_replay_timestamp(), '0'::interval)") ago."
    primary_sql "SELECT application_name, state, sent_lsn, replay_lsn FROM pg_stat_replication" || true
  else
    echo "No replica on 127.0.0.1:$REPLICA_PORT."
    return 1
  fi
}

case "${1:-}" in
  up | down | status)
    # One at a time: two test sessions calling `up` at once must not both copy the primary.
    exec 9>"$LOCK"
    flock 9
    "$1"
    ;;
  *)
    echo "usage: $0 up|down|status" >&2
    exit 2
    ;;
esac

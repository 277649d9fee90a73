#!/usr/bin/env bash
# Serves the platform and runs the Celery worker (with beat) beside it; Ctrl-C stops both.
set -euo pipefail
BIN="${VENV:-.venv}/bin"
PORT="${PORT:-8000}"
mkdir -p "$NIVARAN_VAR_DIR/broker/processed"
"$BIN/celery" -A nivaran worker --beat --pool=solo --loglevel=INFO \
  -Q celery,sweep,messages,exports,analytics \
  --schedule "$NIVARAN_VAR_DIR/celerybeat-schedule" >"$NIVARAN_VAR_DIR/worker.log" 2>&1 &
WORKER=$!
trap 'kill $WORKER 2>/dev/null || true' EXIT INT TERM
"$BIN/python" manage.py demo_banner --port "$PORT"
exec "$BIN/python" manage.py runserver "127.0.0.1:$PORT" --noreload

#!/usr/bin/env bash
# The local demo (`make run`): SQLite at var/db.sqlite3 and kombu's filesystem
# broker under var/broker unless DATABASE_URL / CELERY_BROKER_URL say otherwise.
# A Celery worker with embedded beat runs in the background (var/log/celery.log)
# and runserver in the foreground; stopping runserver stops the worker.
set -euo pipefail
cd "$(dirname "$0")/.."

BIN=${VENV:-.venv}/bin
ADDR=${RUN_ADDR:-127.0.0.1:8000}
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-contact_service.settings.local}
export PYTHONUNBUFFERED=1

mkdir -p var/log
"$BIN/python" manage.py migrate --noinput
# seed_demo is idempotent. Only skip it if the command does not exist (yet);
# `help --commands` lists commands without importing them, so a broken
# seed_demo still fails loudly below.
if "$BIN/python" manage.py help --commands | grep -qx seed_demo; then
    "$BIN/python" manage.py seed_demo
else
    echo "run-dev: no seed_demo command yet; skipping demo data" >&2
fi

worker_pid=""
server_pid=""
stop_all() {
    local pid
    for pid in $server_pid $worker_pid; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    # A warm Celery shutdown finishes the current task and stops beat: ~10 s.
    echo "run-dev: stopping (waiting up to 30 s for the Celery worker's warm shutdown)"
    for _ in $(seq 1 60); do
        kill -0 $server_pid $worker_pid 2>/dev/null || break
        sleep 0.5
    done
    for pid in $server_pid $worker_pid; do
        kill -KILL "$pid" 2>/dev/null || true
    done
    echo "run-dev: stopped"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

"$BIN/celery" -A contact_service worker -B -l info -c 1 \
    -s var/celerybeat-schedule >>var/log/celery.log 2>&1 &
worker_pid=$!
echo "run-dev: Celery worker + beat started (pid $worker_pid), logging to var/log/celery.log"

# runserver runs as a job too (its output still comes here) so that the traps
# fire at once on Ctrl-C or SIGTERM instead of after runserver exits.
echo "run-dev: serving on http://$ADDR/ (Ctrl-C stops the server and the worker)"
"$BIN/python" manage.py runserver "$ADDR" &
server_pid=$!

# Whichever stops first (server or worker) stops the other.
status=0
wait -n || status=$?
if ! kill -0 "$worker_pid" 2>/dev/null; then
    echo "run-dev: the Celery worker exited; see var/log/celery.log" >&2
fi
exit "$status"

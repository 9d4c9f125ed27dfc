#!/usr/bin/env bash
# Make sure what `make test` needs is running on this machine, installing it
# with apt when we are root and it is missing:
#   - PostgreSQL on 127.0.0.1:5432 with a role contact_service/contact_service
#     (LOGIN CREATEDB: pytest-django creates the test database),
#   - Redis on 127.0.0.1:6379,
#   - Debian's Chromium at /usr/bin/chromium for the Playwright browser tests
#     (never `playwright install`: it downloads browsers at test time).
# Idempotent: when everything is already up it only checks. If TEST_DATABASE_URL
# or TEST_CELERY_BROKER_URL is set (environment or .env), that service is yours
# to run and is skipped. SKIP_CHROMIUM=1 skips the browser.
set -euo pipefail
cd "$(dirname "$0")/.."

# The test settings also read .env (see .env.example); honour it the same way.
dotenv() { [ -f .env ] && sed -n "s/^$1=//p" .env | tail -n 1 | sed -e 's/^["'\'']//' -e 's/["'\'']$//' || true; }
TEST_DATABASE_URL=${TEST_DATABASE_URL:-$(dotenv TEST_DATABASE_URL)}
TEST_CELERY_BROKER_URL=${TEST_CELERY_BROKER_URL:-$(dotenv TEST_CELERY_BROKER_URL)}

PG_HOST=127.0.0.1
PG_PORT=5432
PG_CLUSTER=main
PG_ROLE=contact_service
PG_PASSWORD=contact_service
PG_DB=contact_service
REDIS_HOST=127.0.0.1
REDIS_PORT=6379
CHROMIUM=/usr/bin/chromium

say() { echo "ensure-test-services: $*"; }
die() { echo "ensure-test-services: ERROR: $*" >&2; exit 1; }

is_root() { [ "$(id -u)" = 0 ]; }

apt_updated=0
apt_install() {
    if ! is_root || ! command -v apt-get >/dev/null 2>&1; then
        die "$* is not installed and I can only install it as root with apt-get. Install it (e.g. sudo apt-get install -y $*) and rerun."
    fi
    if [ "$apt_updated" = 0 ]; then
        say "apt-get update"
        apt-get update -qq
        apt_updated=1
    fi
    say "apt-get install -y $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

wait_for() {  # wait_for <what> <seconds> <command...>
    local what=$1 seconds=$2
    shift 2
    for _ in $(seq 1 "$((seconds * 2))"); do
        if "$@" >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.5
    done
    die "$what did not come up within ${seconds}s"
}

# --- PostgreSQL ---------------------------------------------------------------

pg_ready() { command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h "$PG_HOST" -p "$PG_PORT"; }

pg_start() {
    local version
    version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
    [ -n "$version" ] || die "PostgreSQL is installed but has no cluster under /etc/postgresql (try: pg_createcluster <version> main)"
    if is_root || [ "$(id -un)" = postgres ]; then
        say "starting PostgreSQL $version/$PG_CLUSTER"
        # --skip-systemctl-redirect: start the cluster directly, also where systemd is not PID 1.
        pg_ctlcluster --skip-systemctl-redirect "$version" "$PG_CLUSTER" start
    else
        die "PostgreSQL $version is installed but not running; start it (sudo pg_ctlcluster $version $PG_CLUSTER start) and rerun"
    fi
}

# Run SQL as the test role, over TCP with its password, as the tests connect.
pg_as_role() {
    PGPASSWORD=$PG_PASSWORD psql -X -q -w -h "$PG_HOST" -p "$PG_PORT" -U "$PG_ROLE" -d "$PG_DB" -tA "$@"
}

# Run SQL as the PostgreSQL superuser: over the local socket as the postgres OS
# user when we are root (peer auth), else over TCP as postgres (trust auth).
psql_admin() {
    if is_root && id postgres >/dev/null 2>&1 \
        && (cd / && runuser -u postgres -- psql -X -q -p "$PG_PORT" -d postgres -c 'SELECT 1' >/dev/null 2>&1); then
        (cd / && runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$PG_PORT" -d postgres -tA "$@")
    else
        psql -X -q -w -v ON_ERROR_STOP=1 -h "$PG_HOST" -p "$PG_PORT" -U postgres -d postgres -tA "$@"
    fi
}

ensure_postgres() {
    if [ -n "${TEST_DATABASE_URL:-}" ]; then
        say "TEST_DATABASE_URL is set: not managing PostgreSQL"
        return
    fi
    if pg_ready; then
        say "PostgreSQL is accepting connections on $PG_HOST:$PG_PORT"
    else
        if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
            apt_install postgresql
        fi
        # Debian's postinst may already have started it.
        pg_ready || pg_start
        wait_for "PostgreSQL on $PG_HOST:$PG_PORT" 30 pg_ready
        say "PostgreSQL is up on $PG_HOST:$PG_PORT"
    fi

    # Already set up (the usual case): nothing needs the superuser.
    if [ "$(pg_as_role -c 'SELECT rolcreatedb FROM pg_roles WHERE rolname = current_user' 2>/dev/null)" = t ]; then
        say "role $PG_ROLE logs in to database $PG_DB and has CREATEDB"
        return
    fi
    psql_admin -c 'SELECT 1' >/dev/null \
        || die "cannot connect to PostgreSQL as its superuser to create role $PG_ROLE; create it yourself: CREATE ROLE $PG_ROLE LOGIN CREATEDB PASSWORD '$PG_PASSWORD'; CREATE DATABASE $PG_DB OWNER $PG_ROLE;"
    if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$PG_ROLE'")" = 1 ]; then
        psql_admin -c "ALTER ROLE $PG_ROLE WITH LOGIN CREATEDB PASSWORD '$PG_PASSWORD'" >/dev/null
        say "role $PG_ROLE existed: set LOGIN CREATEDB and its password"
    else
        psql_admin -c "CREATE ROLE $PG_ROLE WITH LOGIN CREATEDB PASSWORD '$PG_PASSWORD'" >/dev/null
        say "created role $PG_ROLE (LOGIN CREATEDB)"
    fi
    if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'")" = 1 ]; then
        say "database $PG_DB exists"
    else
        psql_admin -c "CREATE DATABASE $PG_DB OWNER $PG_ROLE" >/dev/null
        say "created database $PG_DB"
    fi
    # Prove the password works over TCP, as the tests connect.
    pg_as_role -c 'SELECT 1' >/dev/null \
        || die "cannot log in as $PG_ROLE on $PG_HOST:$PG_PORT with its password (check pg_hba.conf)"
}

# --- Redis --------------------------------------------------------------------

redis_ready() { command -v redis-cli >/dev/null 2>&1 && [ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; }

ensure_redis() {
    if [ -n "${TEST_CELERY_BROKER_URL:-}" ]; then
        say "TEST_CELERY_BROKER_URL is set: not managing Redis"
        return
    fi
    if redis_ready; then
        say "Redis answers PONG on $REDIS_HOST:$REDIS_PORT"
        return
    fi
    if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
        apt_install redis-server
    fi
    if ! redis_ready; then
        say "starting redis-server on $REDIS_HOST:$REDIS_PORT (no persistence)"
        redis-server --daemonize yes --bind "$REDIS_HOST" --port "$REDIS_PORT" --save "" --appendonly no >/dev/null
    fi
    wait_for "Redis on $REDIS_HOST:$REDIS_PORT" 15 redis_ready
    say "Redis is up on $REDIS_HOST:$REDIS_PORT"
}

# --- Chromium -----------------------------------------------------------------

ensure_chromium() {
    if [ "${SKIP_CHROMIUM:-0}" = 1 ]; then
        say "SKIP_CHROMIUM=1: not checking Chromium (browser tests will fail without it)"
        return
    fi
    if [ -x "$CHROMIUM" ]; then
        say "Chromium present at $CHROMIUM"
        return
    fi
    # fonts-liberation: without a font, pages render as boxes in screenshots.
    apt_install chromium fonts-liberation
    [ -x "$CHROMIUM" ] || die "installed the chromium package but $CHROMIUM is missing (on Ubuntu it is a snap: point the tests at a real binary)"
    say "installed Chromium at $CHROMIUM"
}

ensure_postgres
ensure_redis
ensure_chromium

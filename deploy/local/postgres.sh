#!/usr/bin/env bash
# Local PostgreSQL server for development and tests, without Docker.
#
# Uses Debian's PostgreSQL binaries (/usr/lib/postgresql/<v>/bin; installed with apt-get
# when absent) but runs its own cluster, not Debian's "main" cluster.
#
# Usage: deploy/local/postgres.sh {start|stop|restart|status|createdb NAME...|psql [ARGS...]|reset}
#   start        initdb once, start the server (no-op when running), create the role
#                qsfund/qsfund (LOGIN CREATEDB) and the databases in $QSFUND_DATABASES
#   stop         pg_ctl stop -m fast (no-op when not running)
#   restart      stop + start
#   status       exit 0 when running (prints pid, address, data dir), 3 when not
#   createdb     create each database NAME owned by qsfund unless it exists (server must run)
#   psql         run psql as the superuser on the running server (e.g. psql -c 'select 1')
#   reset        stop and delete the cluster (all databases): next start is fresh
#
# Environment (defaults):
#   QSFUND_HOME=<repo>/.qsfund    state: $QSFUND_HOME/postgres/{data,run,postgres.log}
#   PGPORT=5432                   TCP port, listening on 127.0.0.1 only
#   QSFUND_DATABASES="qsfund_applications qsfund_scoring qsfund_notifications qsfund_payments qsfund_reports qsfund_register"
#                                 databases `start` creates (empty: none)
#   PG_START_TIMEOUT=60           seconds pg_ctl waits for start/stop
#
# Connection URL: postgresql://qsfund:qsfund@127.0.0.1:$PGPORT/<database>
# (SQLAlchemy + asyncpg: postgresql+asyncpg://qsfund:qsfund@127.0.0.1:$PGPORT/<database>)
#
# Several instances can run side by side with different QSFUND_HOME and PGPORT.
#
# Where the files live, and why: Debian's PostgreSQL refuses to run as root, so as root
# this script runs initdb/pg_ctl/psql as the `postgres` user (runuser), and the cluster
# directory ($QSFUND_HOME/postgres: data, socket, log) is owned by `postgres`. That user
# must be able to traverse every directory above it; a repository under /root (mode 700)
# is not. Rather than loosening permissions on the user's directories, the cluster then
# lives in /var/lib/qsfund-postgres/<hash of QSFUND_HOME>/ and $QSFUND_HOME/postgres is a
# symlink to it (reset removes both). Run as a non-root user, everything runs as that
# user and the cluster stays in $QSFUND_HOME/postgres.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"

QSFUND_HOME="$(realpath -m -- "${QSFUND_HOME:-$REPO_ROOT/.qsfund}")"
PGPORT="${PGPORT:-5432}"
QSFUND_DATABASES="${QSFUND_DATABASES-qsfund_applications qsfund_scoring qsfund_notifications qsfund_payments qsfund_reports qsfund_register}"
PG_START_TIMEOUT="${PG_START_TIMEOUT:-60}"
APP_ROLE="qsfund"
APP_PASSWORD="qsfund"
FALLBACK_BASE="/var/lib/qsfund-postgres"

PG_LINK="$QSFUND_HOME/postgres"   # a directory, or a symlink to the fallback location
LOCK_FILE="$QSFUND_HOME/.postgres.lock"

log() { printf '[postgres] %s\n' "$*"; }
die() { printf '[postgres] ERROR: %s\n' "$*" >&2; exit 1; }

usage() {
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

if ! [[ "$PGPORT" =~ ^[1-9][0-9]{0,4}$ ]] || (( PGPORT > 65535 )); then
    die "PGPORT must be a port number, got '$PGPORT'"
fi

if [[ $EUID -eq 0 ]]; then
    PG_OS_USER=postgres
    as_pg() { runuser -u postgres -- "$@"; }
else
    PG_OS_USER="$(id -un)"
    as_pg() { "$@"; }
fi

ensure_installed() {
    if compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null; then
        return 0
    fi
    [[ $EUID -eq 0 ]] || die "PostgreSQL server not installed: run this script as root, or: sudo apt-get install -y postgresql"
    log "PostgreSQL server not found: installing Debian's postgresql (apt-get) ..."
    # Do not let the package create (and possibly start) its default cluster on port 5432.
    mkdir -p /etc/postgresql-common/createcluster.d
    if [[ ! -e /etc/postgresql-common/createcluster.d/qsfund.conf ]]; then
        printf '# written by qsfund deploy/local/postgres.sh\ncreate_main_cluster = false\n' \
            >/etc/postgresql-common/createcluster.d/qsfund.conf
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q postgresql
    compgen -G '/usr/lib/postgresql/*/bin/postgres' >/dev/null || die "apt-get install postgresql did not provide /usr/lib/postgresql/*/bin/postgres"
}

# Sets PG_DIR (the real cluster directory) and the paths inside it.
resolve_paths() {
    if [[ -L "$PG_LINK" ]]; then
        PG_DIR="$(readlink -f -- "$PG_LINK")"
    else
        PG_DIR="$PG_LINK"
    fi
    PGDATA_DIR="$PG_DIR/data"
    SOCK_DIR="$PG_DIR/run"
    LOG_FILE="$PG_DIR/postgres.log"
}

# Creates the cluster directory (first start): in $QSFUND_HOME when the postgres user can
# reach it, else in the fallback location with a symlink (see the header).
create_pg_dir() {
    mkdir -p "$QSFUND_HOME"
    if [[ -e "$PG_LINK" || -L "$PG_LINK" ]]; then
        resolve_paths
        [[ -d "$PG_DIR" ]] || die "$PG_LINK points to $PG_DIR, which does not exist (run: $0 reset)"
    elif [[ $EUID -ne 0 ]] || as_pg test -x "$QSFUND_HOME" 2>/dev/null; then
        mkdir -p "$PG_LINK"
        resolve_paths
    else
        local target
        target="$FALLBACK_BASE/$(printf '%s' "$QSFUND_HOME" | sha256sum | cut -c1-16)"
        log "user postgres cannot reach $QSFUND_HOME: keeping the cluster in $target (symlinked from $PG_LINK)"
        mkdir -p "$target"
        chmod 755 "$FALLBACK_BASE"
        printf '%s\n' "$QSFUND_HOME" >"$target/origin"
        ln -sfn "$target" "$PG_LINK"
        resolve_paths
    fi
    chmod 700 "$PG_DIR"
    chown "$PG_OS_USER:" "$PG_DIR"
    [[ -f "$PG_DIR/origin" ]] && chown "$PG_OS_USER:" "$PG_DIR/origin"
    as_pg mkdir -p "$SOCK_DIR"
    as_pg test -w "$PG_DIR" || die "user $PG_OS_USER cannot write to $PG_DIR"
}

# Sets PG_BIN: the binaries of the version the cluster was created with, else the newest.
find_bin_dir() {
    local version
    if [[ -f "$PGDATA_DIR/PG_VERSION" ]]; then
        version="$(<"$PGDATA_DIR/PG_VERSION")"
        PG_BIN="/usr/lib/postgresql/$version/bin"
        [[ -x "$PG_BIN/postgres" ]] || die "the cluster in $PGDATA_DIR is PostgreSQL $version, but $PG_BIN/postgres is missing (install postgresql-$version, or: $0 reset)"
    else
        # shellcheck disable=SC2012  # version-named directories
        PG_BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)"
    fi
}

pick_locale() {
    if locale -a 2>/dev/null | grep -qixE 'c\.utf-?8'; then
        echo "--locale=C.UTF-8"
    else
        echo "--no-locale"
    fi
}

init_cluster() {
    if [[ -f "$PGDATA_DIR/PG_VERSION" ]]; then
        return 0
    fi
    if [[ -d "$PGDATA_DIR" ]] && [[ -n "$(ls -A "$PGDATA_DIR")" ]]; then
        die "$PGDATA_DIR exists but holds no cluster (run: $0 reset)"
    fi
    log "initdb: new cluster in $PGDATA_DIR ($("$PG_BIN/postgres" --version))"
    # shellcheck disable=SC2046
    as_pg "$PG_BIN/initdb" -D "$PGDATA_DIR" -U postgres -E UTF8 $(pick_locale) \
        --auth=trust --data-checksums >"$PG_DIR/initdb.log" 2>&1 \
        || { tail -n 20 "$PG_DIR/initdb.log" >&2; die "initdb failed (log: $PG_DIR/initdb.log)"; }
    # Superuser on the local socket without password; everyone else, and TCP, with SCRAM.
    as_pg tee "$PGDATA_DIR/pg_hba.conf" >/dev/null <<'EOF'
# Written by deploy/local/postgres.sh.
# TYPE  DATABASE  USER      ADDRESS         METHOD
local   all       postgres                  trust
local   all       all                       scram-sha-256
host    all       all       127.0.0.1/32    scram-sha-256
host    all       all       ::1/128         scram-sha-256
EOF
    printf "\n# Settings for the qsfund local cluster, rewritten on every start by postgres.sh.\ninclude_if_exists = 'qsfund.conf'\n" \
        | as_pg tee -a "$PGDATA_DIR/postgresql.conf" >/dev/null
}

write_settings() {
    as_pg tee "$PGDATA_DIR/qsfund.conf" >/dev/null <<EOF
# Written by deploy/local/postgres.sh on every start; edit the script, not this file.
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = '$SOCK_DIR'
max_connections = 200
shared_buffers = 256MB
# Durability stays on: the databases hold the audit record.
fsync = on
synchronous_commit = on
full_page_writes = on
timezone = 'UTC'
log_timezone = 'UTC'
logging_collector = off
log_line_prefix = '%m [%p] %q%u@%d '
# Statements by count and time per database: the benchmarks report them an application.
shared_preload_libraries = 'pg_stat_statements'
pg_stat_statements.track = top
EOF
}

# Pid, port and socket dir of the running server, from postmaster.pid ("" when not running).
running_info() {
    as_pg "$PG_BIN/pg_ctl" status -D "$PGDATA_DIR" >/dev/null 2>&1 || return 1
    local pid port sock
    { read -r pid; read -r _; read -r _; read -r port; read -r sock; } <"$PGDATA_DIR/postmaster.pid"
    RUN_PID="$pid" RUN_PORT="$port" RUN_SOCK="$sock"
}

port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# psql as the superuser over the unix socket of the running server.
pg_psql() {
    as_pg "$PG_BIN/psql" -X -h "$RUN_SOCK" -p "$RUN_PORT" -U postgres -v ON_ERROR_STOP=1 "$@"
}

ensure_role() {
    pg_psql -d postgres -qtA >/dev/null <<SQL
CREATE EXTENSION IF NOT EXISTS pg_stat_statements;
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = '$APP_ROLE') THEN
    CREATE ROLE $APP_ROLE LOGIN CREATEDB PASSWORD '$APP_PASSWORD';
  END IF;
END
\$\$;
SQL
}

create_databases() {
    local name exists
    for name in "$@"; do
        [[ "$name" =~ ^[A-Za-z_][A-Za-z0-9_]{0,62}$ ]] || die "invalid database name '$name' (letters, digits, _)"
        exists="$(pg_psql -d postgres -qtA -c "SELECT 1 FROM pg_database WHERE datname = '$name'")"
        if [[ "$exists" == 1 ]]; then
            log "database $name exists"
        else
            pg_psql -d postgres -q -c "CREATE DATABASE \"$name\" OWNER $APP_ROLE" >/dev/null
            log "created database $name (owner $APP_ROLE)"
        fi
    done
}

setup() {  # common preamble of the commands that touch the cluster
    ensure_installed
    resolve_paths
    find_bin_dir
}

cmd_start() {
    setup
    create_pg_dir
    find_bin_dir
    if running_info; then
        log "already running: pid $RUN_PID, 127.0.0.1:$RUN_PORT, data $PGDATA_DIR"
    else
        init_cluster
        if port_in_use "$PGPORT"; then
            die "port 127.0.0.1:$PGPORT is already in use by another process (set PGPORT)"
        fi
        write_settings
        as_pg mkdir -p "$SOCK_DIR"
        local start=$SECONDS
        log "starting PostgreSQL on 127.0.0.1:$PGPORT, data $PGDATA_DIR"
        # 9>&-: the server must not inherit (and hold forever) the lock of with_lock.
        if ! as_pg "$PG_BIN/pg_ctl" start -D "$PGDATA_DIR" -l "$LOG_FILE" -w -t "$PG_START_TIMEOUT" -s 9>&-; then
            printf '[postgres] ---- last lines of %s ----\n' "$LOG_FILE" >&2
            tail -n 30 "$LOG_FILE" >&2 || true
            die "PostgreSQL did not start"
        fi
        running_info || die "PostgreSQL started but is not running any more (log: $LOG_FILE)"
        log "ready in $((SECONDS - start)) s: 127.0.0.1:$RUN_PORT (pid $RUN_PID)"
    fi
    ensure_role
    # shellcheck disable=SC2086  # a space-separated list
    create_databases $QSFUND_DATABASES
}

cmd_stop() {
    resolve_paths
    if [[ ! -f "$PGDATA_DIR/PG_VERSION" ]]; then
        log "not running (no cluster in $PGDATA_DIR)"
        return 0
    fi
    setup
    if ! running_info; then
        log "not running (data $PGDATA_DIR)"
        return 0
    fi
    log "stopping PostgreSQL (pid $RUN_PID) ..."
    as_pg "$PG_BIN/pg_ctl" stop -D "$PGDATA_DIR" -m fast -w -t "$PG_START_TIMEOUT" -s \
        || die "pg_ctl stop failed (log: $LOG_FILE)"
    log "stopped"
}

cmd_status() {
    resolve_paths
    if [[ -f "$PGDATA_DIR/PG_VERSION" ]]; then
        setup
        if running_info; then
            log "running: pid $RUN_PID, 127.0.0.1:$RUN_PORT, data $PGDATA_DIR"
            return 0
        fi
    fi
    log "not running (data $PGDATA_DIR)"
    return 3
}

cmd_createdb() {
    (( $# >= 1 )) || die "usage: $0 createdb NAME..."
    resolve_paths
    [[ -f "$PGDATA_DIR/PG_VERSION" ]] || die "no cluster yet: run $0 start"
    setup
    running_info || die "PostgreSQL is not running: run $0 start"
    ensure_role
    create_databases "$@"
}

cmd_psql() {
    resolve_paths
    [[ -f "$PGDATA_DIR/PG_VERSION" ]] || die "no cluster yet: run $0 start"
    setup
    running_info || die "PostgreSQL is not running: run $0 start"
    as_pg "$PG_BIN/psql" -X -h "$RUN_SOCK" -p "$RUN_PORT" -U postgres -d postgres "$@"
}

cmd_reset() {
    cmd_stop
    resolve_paths
    if [[ -L "$PG_LINK" ]]; then
        rm -rf -- "$PG_DIR"
        rm -f -- "$PG_LINK"
        log "deleted $PG_DIR and the link $PG_LINK"
    elif [[ -d "$PG_LINK" ]]; then
        rm -rf -- "$PG_LINK"
        log "deleted $PG_LINK"
    fi
}

with_lock() {  # serialise commands on the same QSFUND_HOME (parallel test runs)
    mkdir -p "$QSFUND_HOME"
    exec 9>"$LOCK_FILE"
    flock 9
    "$@"
}

case "${1:-}" in
    start) with_lock cmd_start ;;
    stop) with_lock cmd_stop ;;
    restart) with_lock cmd_stop; with_lock cmd_start ;;
    status) cmd_status ;;
    createdb) shift; with_lock cmd_createdb "$@" ;;
    psql) shift; cmd_psql "$@" ;;
    reset) with_lock cmd_reset ;;
    -h|--help|help) usage ;;
    *) usage >&2; exit 2 ;;
esac

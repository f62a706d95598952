#!/usr/bin/env bash
# Local single-node Apache Kafka (KRaft, broker+controller in one JVM) without Docker.
#
# The broker and its tools come from Maven Central (deploy/local/pom.xml), are cached
# once per version, and run with the machine's Java (17+).
#
# Usage: deploy/local/kafka.sh {fetch|start|stop|restart|status|reset|run MAIN_CLASS [ARGS...]}
#   fetch    download the jars into the cache (no-op when already cached)
#   start    fetch if needed, format the storage once, start the broker in the
#            background and wait until it serves requests (no-op when running)
#   stop     SIGTERM, wait up to KAFKA_STOP_TIMEOUT s for a clean exit, then SIGKILL
#   restart  stop + start
#   status   exit 0 when running (prints pid and address), 3 when not
#   reset    stop and delete $QSFUND_HOME/kafka (data, logs, config): next start is fresh
#   run      run a Kafka tool on the cached classpath, e.g.
#              kafka.sh run org.apache.kafka.tools.TopicCommand --bootstrap-server 127.0.0.1:9092 --list
#              kafka.sh run org.apache.kafka.tools.consumer.group.ConsumerGroupCommand \
#                  --bootstrap-server 127.0.0.1:9092 --describe --all-groups
#
# Environment (defaults):
#   KAFKA_VERSION=4.4.0                    Kafka release (4.x) to fetch and run
#   LOG4J_VERSION=                         log4j2 version to fetch (default: the pom's, 2.25.5)
#   QSFUND_CACHE=$HOME/.cache/qsfund       jar cache: $QSFUND_CACHE/kafka-$KAFKA_VERSION/libs
#   QSFUND_HOME=<repo>/.qsfund             state: $QSFUND_HOME/kafka/{data,logs,server.properties,kafka.pid,kafka.out}
#   KAFKA_PORT=9092                        client listener, 127.0.0.1 only
#   KAFKA_CONTROLLER_PORT=9093             KRaft controller listener, 127.0.0.1 only
#   KAFKA_HEAP_OPTS="-Xmx1g -Xms256m"
#   KAFKA_JVM_OPTS=                        extra JVM options
#   KAFKA_START_TIMEOUT=90                 seconds to wait for readiness
#   KAFKA_STOP_TIMEOUT=30                  seconds to wait for a clean shutdown
#   JAVA_HOME / JAVA                       java to use (default: java on PATH)
#
# Several instances can run side by side with different QSFUND_HOME and ports.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"

KAFKA_VERSION="${KAFKA_VERSION:-4.4.0}"
QSFUND_CACHE="${QSFUND_CACHE:-${HOME:-/root}/.cache/qsfund}"
QSFUND_HOME="${QSFUND_HOME:-$REPO_ROOT/.qsfund}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xmx1g -Xms256m}"
KAFKA_JVM_OPTS="${KAFKA_JVM_OPTS:-}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"

# Absolute paths: the broker's working directory is not the caller's.
QSFUND_CACHE="$(realpath -m -- "$QSFUND_CACHE")"
QSFUND_HOME="$(realpath -m -- "$QSFUND_HOME")"

DIST_DIR="$QSFUND_CACHE/kafka-$KAFKA_VERSION"
LIBS_DIR="$DIST_DIR/libs"
FETCH_MARKER="$DIST_DIR/.fetch-complete"
KAFKA_DIR="$QSFUND_HOME/kafka"
DATA_DIR="$KAFKA_DIR/data"
LOGS_DIR="$KAFKA_DIR/logs"
PROPS_FILE="$KAFKA_DIR/server.properties"
PID_FILE="$KAFKA_DIR/kafka.pid"
OUT_FILE="$KAFKA_DIR/kafka.out"
TEMPLATE="$SCRIPT_DIR/server.properties.template"
LOG4J_CONFIG="$SCRIPT_DIR/log4j2.yaml"
TOOLS_LOG4J_CONFIG="$SCRIPT_DIR/tools-log4j2.yaml"
PROBE="$SCRIPT_DIR/kafka_probe.py"

log() { printf '[kafka] %s\n' "$*"; }
die() { printf '[kafka] ERROR: %s\n' "$*" >&2; exit 1; }

usage() {
    sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "${BASH_SOURCE[0]}"
}

check_port_number() {
    if ! [[ "$2" =~ ^[1-9][0-9]{0,4}$ ]] || (( $2 > 65535 )); then
        die "$1 must be a port number, got '$2'"
    fi
}

java_bin() {
    if [[ -n "${JAVA:-}" ]]; then
        echo "$JAVA"
    elif [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
        echo "$JAVA_HOME/bin/java"
    else
        command -v java || die "java not found (Kafka 4.x needs Java 17+; set JAVA_HOME)"
    fi
}

check_java() {
    local java version major
    java="$(java_bin)"
    version="$("$java" -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')"
    major="${version%%.*}"
    [[ "$major" == 1 ]] && major="$(cut -d. -f2 <<<"$version")"
    [[ "$major" =~ ^[0-9]+$ ]] || die "cannot read the Java version from '$java -version'"
    (( major >= 17 )) || die "Kafka $KAFKA_VERSION needs Java 17+, $java is $version"
}

cmd_fetch() {
    [[ "$KAFKA_VERSION" == 4.* ]] || die "only Kafka 4.x is supported by this script (KAFKA_VERSION=$KAFKA_VERSION)"
    if [[ -f "$FETCH_MARKER" ]]; then
        log "Kafka $KAFKA_VERSION already fetched: $LIBS_DIR"
        return 0
    fi
    mkdir -p "$QSFUND_CACHE"
    # Serialise concurrent fetches of the same version (parallel test runs).
    exec 8>"$QSFUND_CACHE/kafka-$KAFKA_VERSION.lock"
    flock 8
    if [[ -f "$FETCH_MARKER" ]]; then
        log "Kafka $KAFKA_VERSION already fetched: $LIBS_DIR"
        return 0
    fi
    command -v mvn >/dev/null || die "mvn not found: needed once to fetch Kafka from Maven Central"
    local start tmp njars
    local -a extra=()
    [[ -n "${LOG4J_VERSION:-}" ]] && extra+=("-Dlog4j.version=$LOG4J_VERSION")
    start=$SECONDS
    log "fetching Kafka $KAFKA_VERSION from Maven Central into $LIBS_DIR ..."
    tmp="$(mktemp -d "$QSFUND_CACHE/.kafka-$KAFKA_VERSION.XXXXXX")"
    # shellcheck disable=SC2064
    trap "rm -rf '$tmp'" EXIT
    if ! mvn -B -Dstyle.color=never -f "$SCRIPT_DIR/pom.xml" dependency:copy-dependencies \
            -Dkafka.version="$KAFKA_VERSION" -DoutputDirectory="$tmp/libs" "${extra[@]}" \
            >"$tmp/mvn.log" 2>&1; then
        grep -E 'ERROR|FAIL' "$tmp/mvn.log" | head -n 30 >&2 || tail -n 30 "$tmp/mvn.log" >&2
        die "mvn could not fetch Kafka $KAFKA_VERSION (is it a released version?)"
    fi
    [[ -f "$tmp/libs/kafka_2.13-$KAFKA_VERSION.jar" ]] || die "kafka_2.13-$KAFKA_VERSION.jar missing after mvn"
    rm -rf "$LIBS_DIR"
    mkdir -p "$DIST_DIR"
    mv "$tmp/libs" "$LIBS_DIR"
    njars="$(find "$LIBS_DIR" -name '*.jar' | wc -l)"
    printf 'kafka %s fetched %s (%s jars)\n' "$KAFKA_VERSION" "$(date -u +%FT%TZ)" "$njars" >"$FETCH_MARKER"
    rm -rf "$tmp"
    trap - EXIT
    log "fetched $njars jars ($(du -sh "$LIBS_DIR" | cut -f1)) in $((SECONDS - start)) s"
}

# Prints the pid of the broker of this QSFUND_HOME if it is running.
running_pid() {
    local pid
    [[ -f "$PID_FILE" ]] || return 1
    pid="$(<"$PID_FILE")"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    alive "$pid" || return 1
    # Guard against a recycled pid: it must be our broker with our config.
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "kafka.Kafka $PROPS_FILE" || return 1
    echo "$pid"
}

configured_port() {  # client port in the rendered config of this QSFUND_HOME
    sed -n 's/^advertised\.listeners=.*:\([0-9]*\)$/\1/p' "$PROPS_FILE" 2>/dev/null | head -n1
}

alive() {  # alive PID: running and not a zombie (a broker started by this very script
           # stays our child, and kill -0 succeeds on a zombie)
    local state
    state="$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d' ' -f1)" || return 1
    [[ -n "$state" && "$state" != Z ]]
}

port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

render_config() {
    local esc_data
    esc_data="$(printf '%s' "$DATA_DIR" | sed -e 's/[\\|&]/\\&/g')"
    sed -e "s|@KAFKA_PORT@|$KAFKA_PORT|g" \
        -e "s|@KAFKA_CONTROLLER_PORT@|$KAFKA_CONTROLLER_PORT|g" \
        -e "s|@DATA_DIR@|$esc_data|g" \
        "$TEMPLATE" >"$PROPS_FILE.tmp"
    mv "$PROPS_FILE.tmp" "$PROPS_FILE"
}

kafka_java() {  # runs a Kafka main class (a tool) on the cached classpath
    "$(java_bin)" -Xmx256m -Dlog4j2.configurationFile="$TOOLS_LOG4J_CONFIG" -cp "$LIBS_DIR/*" "$@"
}

format_storage() {
    if [[ -f "$DATA_DIR/meta.properties" ]]; then
        return 0
    fi
    local cluster_id
    cluster_id="$(kafka_java kafka.tools.StorageTool random-uuid 2>>"$OUT_FILE" | tail -n1)"
    [[ -n "$cluster_id" ]] || die "StorageTool random-uuid failed (see $OUT_FILE)"
    log "formatting new storage in $DATA_DIR (cluster id $cluster_id)"
    kafka_java kafka.tools.StorageTool format -t "$cluster_id" -c "$PROPS_FILE" >>"$OUT_FILE" 2>&1 \
        || { tail -n 20 "$OUT_FILE" >&2; die "StorageTool format failed"; }
}

probe_ready() {  # probe_ready PORT
    if command -v python3 >/dev/null; then
        python3 "$PROBE" 127.0.0.1 "$1" 3 >/dev/null 2>&1
    else
        timeout 20 "$(java_bin)" -Xmx128m -Dlog4j2.configurationFile="$TOOLS_LOG4J_CONFIG" \
            -cp "$LIBS_DIR/*" org.apache.kafka.tools.BrokerApiVersionsCommand \
            --bootstrap-server "127.0.0.1:$1" >/dev/null 2>&1
    fi
}

print_log_tail() {
    local f
    for f in "$OUT_FILE" "$LOGS_DIR/server.log"; do
        if [[ -s "$f" ]]; then
            printf '[kafka] ---- last lines of %s ----\n' "$f" >&2
            tail -n 40 "$f" >&2
        fi
    done
}

cmd_start() {
    local pid start
    if pid="$(running_pid)"; then
        log "already running: pid $pid, 127.0.0.1:$(configured_port), home $KAFKA_DIR"
        return 0
    fi
    rm -f "$PID_FILE"
    cmd_fetch
    check_java
    for p in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
        if port_in_use "$p"; then
            die "port 127.0.0.1:$p is already in use by another process (set KAFKA_PORT / KAFKA_CONTROLLER_PORT)"
        fi
    done
    mkdir -p "$DATA_DIR" "$LOGS_DIR"
    render_config
    format_storage
    start=$SECONDS
    log "starting Kafka $KAFKA_VERSION on 127.0.0.1:$KAFKA_PORT (controller $KAFKA_CONTROLLER_PORT), home $KAFKA_DIR"
    printf '\n==== %s start Kafka %s ====\n' "$(date -u +%FT%TZ)" "$KAFKA_VERSION" >>"$OUT_FILE"
    # shellcheck disable=SC2086  # heap/JVM options are word lists
    (
        cd "$KAFKA_DIR"
        exec setsid nohup "$(java_bin)" $KAFKA_HEAP_OPTS \
            -server -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
            -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true \
            -Dlog4j2.configurationFile="$LOG4J_CONFIG" -Dkafka.logs.dir="$LOGS_DIR" \
            $KAFKA_JVM_OPTS \
            -cp "$LIBS_DIR/*" kafka.Kafka "$PROPS_FILE" >>"$OUT_FILE" 2>&1 </dev/null 8>&- 9>&-
    ) &
    pid=$!
    echo "$pid" >"$PID_FILE"
    while :; do
        if ! alive "$pid"; then
            rm -f "$PID_FILE"
            print_log_tail
            die "Kafka exited during startup"
        fi
        if probe_ready "$KAFKA_PORT"; then
            break
        fi
        if (( SECONDS - start >= KAFKA_START_TIMEOUT )); then
            print_log_tail
            log "not ready after ${KAFKA_START_TIMEOUT} s (KAFKA_START_TIMEOUT): stopping it again"
            cmd_stop >&2
            die "Kafka did not become ready on 127.0.0.1:$KAFKA_PORT"
        fi
        sleep 0.5
    done
    log "ready in $((SECONDS - start)) s: bootstrap servers 127.0.0.1:$KAFKA_PORT (pid $pid)"
}

cmd_stop() {
    local pid waited=0
    if ! pid="$(running_pid)"; then
        rm -f "$PID_FILE"
        log "not running (home $KAFKA_DIR)"
        return 0
    fi
    log "stopping Kafka (pid $pid) ..."
    kill -TERM "$pid" 2>/dev/null || true
    while alive "$pid"; do
        if (( waited >= KAFKA_STOP_TIMEOUT * 2 )); then
            log "no clean exit after ${KAFKA_STOP_TIMEOUT} s: sending SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
            sleep 0.5
            break
        fi
        sleep 0.5
        waited=$((waited + 1))
    done
    rm -f "$PID_FILE"
    log "stopped"
}

cmd_status() {
    local pid
    if pid="$(running_pid)"; then
        local port
        port="$(configured_port)"
        if probe_ready "$port"; then
            log "running: pid $pid, 127.0.0.1:$port, home $KAFKA_DIR"
        else
            log "running (pid $pid) but not answering on 127.0.0.1:$port yet, home $KAFKA_DIR"
        fi
        return 0
    fi
    log "not running (home $KAFKA_DIR)"
    return 3
}

cmd_run() {
    (( $# >= 1 )) || die "usage: $0 run MAIN_CLASS [ARGS...]   e.g. $0 run org.apache.kafka.tools.TopicCommand --bootstrap-server 127.0.0.1:$KAFKA_PORT --list"
    cmd_fetch >/dev/null
    check_java
    kafka_java "$@"
}

cmd_reset() {
    cmd_stop
    if [[ -d "$KAFKA_DIR" ]]; then
        rm -rf "$KAFKA_DIR"
        log "deleted $KAFKA_DIR"
    fi
}

check_port_number KAFKA_PORT "$KAFKA_PORT"
check_port_number KAFKA_CONTROLLER_PORT "$KAFKA_CONTROLLER_PORT"
[[ "$KAFKA_PORT" != "$KAFKA_CONTROLLER_PORT" ]] || die "KAFKA_PORT and KAFKA_CONTROLLER_PORT must differ"

with_lock() {  # serialise start/stop/reset on the same QSFUND_HOME (parallel test runs)
    mkdir -p "$QSFUND_HOME"
    exec 9>"$QSFUND_HOME/.kafka.lock"
    flock 9
    "$@"
}

case "${1:-}" in
    fetch) cmd_fetch ;;
    start) with_lock cmd_start ;;
    stop) with_lock cmd_stop ;;
    restart) with_lock cmd_stop; with_lock cmd_start ;;
    status) cmd_status ;;
    reset) with_lock cmd_reset ;;
    run) shift; cmd_run "$@" ;;
    -h|--help|help) usage ;;
    *) usage >&2; exit 2 ;;
esac

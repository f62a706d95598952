#!/usr/bin/env bash
# A Docker engine for the image builds and the Compose test, on a machine that may have none.
#
# Usage: deploy/tools/docker-engine.sh start|stop
#   start  when no engine answers `docker info`: installs Debian's docker.io and debootstrap
#          if missing (as root), starts dockerd in the background and waits until it
#          answers; records its pid in $QSFUND_CACHE/dockerd.pid. No-op when one answers.
#   stop   stops the dockerd this script started (by its recorded pid), nothing else.
set -euo pipefail
CACHE="${QSFUND_CACHE:-${HOME:-/root}/.cache/qsfund}"
PID_FILE="$CACHE/dockerd.pid"
log() { printf '[docker-engine] %s\n' "$*" >&2; }
answers() { docker info --format '{{.ServerVersion}}' >/dev/null 2>&1; }

start() {
    if answers; then
        log "an engine answers already"
        return 0
    fi
    if ! command -v dockerd >/dev/null || ! command -v debootstrap >/dev/null; then
        [[ $(id -u) == 0 ]] || { log "dockerd or debootstrap missing, and installing them needs root"; exit 1; }
        log "installing docker.io and debootstrap from Debian"
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io debootstrap >/dev/null
    fi
    # The package may have started one through its init scripts.
    if answers; then
        return 0
    fi
    mkdir -p "$CACHE"
    dockerd >"$CACHE/dockerd.log" 2>&1 &
    echo $! >"$PID_FILE"
    for _ in $(seq 60); do
        answers && { log "dockerd $(cat "$PID_FILE") answers"; return 0; }
        sleep 1  # polling for the engine's answer
    done
    tail -n 20 "$CACHE/dockerd.log" >&2
    log "dockerd did not answer in 60 s"
    exit 1
}

stop() {
    [[ -f "$PID_FILE" ]] || return 0
    local pid
    pid="$(cat "$PID_FILE")"
    if kill "$pid" 2>/dev/null; then
        for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    fi
    rm -f "$PID_FILE"
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    *) sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0" >&2; exit 2 ;;
esac

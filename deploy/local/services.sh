#!/usr/bin/env bash
# The qsfund services as background processes of the local stack, a local mail
# sink (aiosmtpd) that takes the notification emails and prints them to its log, and the
# finance bureau's stand-in (qsfund-finance-standin, docs/finance-contract.md) that the
# payments service instructs and that calls it back.
#
# Usage: deploy/local/services.sh {start|stop|status}
# Environment (defaults): QSFUND_HOME=<repo>/.qsfund (pids in run/, logs in logs/),
#   VENV=<repo>/.venv, and whatever the services read (KAFKA_BOOTSTRAP_SERVERS,
#   *_DATABASE_URL, *_PORT).
#   QSFUND_TEST_CLOCK_FILE=$QSFUND_HOME/clock-offset-seconds: the development clock.
#   While that file holds a number of seconds, the services' clock runs that far ahead
#   of the system clock (shared/clock.py); absent, they run on the system clock. `make
#   demo` writes it for a moment to end a publicity period, and removes it. Set to empty
#   to keep the services on the system clock whatever the file says; never passed when
#   QSFUND_ENV=production (a production service refuses it anyway).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"
QSFUND_HOME="$(realpath -m -- "${QSFUND_HOME:-$REPO_ROOT/.qsfund}")"
VENV="${VENV:-$REPO_ROOT/.venv}"
RUN_DIR="$QSFUND_HOME/run"
LOG_DIR="$QSFUND_HOME/logs"
SERVICES=(applications scoring notifications payments register reports)
if [[ "${QSFUND_ENV:-development}" == production ]]; then
  unset QSFUND_TEST_CLOCK_FILE
else
  export QSFUND_TEST_CLOCK_FILE="${QSFUND_TEST_CLOCK_FILE-$QSFUND_HOME/clock-offset-seconds}"
  # The demo files and reviews hundreds of applications a minute with a few tokens:
  # development lifts the limits per caller unless told otherwise (production keeps
  # the services' defaults, README "Limits per caller").
  export QSFUND_RATE_LIMIT_PER_SUBJECT="${QSFUND_RATE_LIMIT_PER_SUBJECT-1000000}"
  export QSFUND_RATE_LIMIT_PER_ADDRESS="${QSFUND_RATE_LIMIT_PER_ADDRESS-1000000}"
fi
declare -A PORTS=([applications]="${APPLICATIONS_PORT:-8000}" [scoring]="${SCORING_PORT:-8001}" [notifications]="${NOTIFICATIONS_PORT:-8002}" [payments]="${PAYMENTS_PORT:-8003}" [register]="${REGISTER_PORT:-8004}" [reports]="${REPORTS_PORT:-8005}")

say() { printf '[services] %s\n' "$*"; }

# A moved clock is never silent: start and status say so, and how to undo it.
# The file the running services were started with (recorded by start) is what counts.
say_clock() {
  local file="${QSFUND_TEST_CLOCK_FILE:-}"
  [[ -f "$RUN_DIR/clock-file" ]] && file="$(cat "$RUN_DIR/clock-file")"
  if [[ -z "$file" ]]; then
    say "clock: the system clock"
  elif [[ -s "$file" ]]; then
    say "clock: MOVED $(cat "$file") seconds ahead of the system clock by $file (development only); remove it to return"
  else
    say "clock: the system clock (development: seconds written to $file move it; make demo does, for a moment)"
  fi
}

running() { [[ -f "$RUN_DIR/$1.pid" ]] && kill -0 "$(cat "$RUN_DIR/$1.pid")" 2>/dev/null; }

start_mail_sink() {
  local port="${NOTIFICATIONS_SMTP_PORT:-8025}"
  if running mail-sink; then return; fi
  nohup "$VENV/bin/python" -m aiosmtpd -n -l "127.0.0.1:$port" >>"$LOG_DIR/mail.log" 2>&1 &
  echo $! >"$RUN_DIR/mail-sink.pid"
  say "mail sink on 127.0.0.1:$port (messages in $LOG_DIR/mail.log)"
}

start_finance_standin() {
  local port="${FINANCE_STANDIN_PORT:-8090}"
  if running finance-standin; then return; fi
  FINANCE_STANDIN_CALLBACK_URL="${FINANCE_STANDIN_CALLBACK_URL:-http://127.0.0.1:${PORTS[payments]}/v1/finance/callbacks}" \
    nohup "$VENV/bin/qsfund-finance-standin" >>"$LOG_DIR/finance-standin.log" 2>&1 &
  echo $! >"$RUN_DIR/finance-standin.pid"
  say "finance bureau stand-in on 127.0.0.1:$port (log $LOG_DIR/finance-standin.log)"
}

# The payments service calls the stand-in wherever it was put.
export PAYMENTS_FINANCE_URL="${PAYMENTS_FINANCE_URL:-http://127.0.0.1:${FINANCE_STANDIN_PORT:-8090}}"

start() {
  mkdir -p "$RUN_DIR" "$LOG_DIR"
  running applications || printf '%s' "${QSFUND_TEST_CLOCK_FILE:-}" >"$RUN_DIR/clock-file"
  start_mail_sink
  start_finance_standin
  for service in "${SERVICES[@]}"; do
    if running "$service"; then say "$service already running"; continue; fi
    nohup "$VENV/bin/qsfund-$service" >>"$LOG_DIR/$service.log" 2>&1 &
    echo $! >"$RUN_DIR/$service.pid"
  done
  for service in "${SERVICES[@]}"; do
    local port="${PORTS[$service]}" waited=0
    until curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1; do
      if ! running "$service" || (( waited >= 60 )); then
        say "$service did not come up; the end of $LOG_DIR/$service.log:"
        tail -n 30 "$LOG_DIR/$service.log" >&2
        exit 1
      fi
      sleep 0.5; waited=$((waited + 1))
    done
    say "$service up on http://127.0.0.1:$port (log $LOG_DIR/$service.log)"
  done
  say_clock
}

stop() {
  for service in "${SERVICES[@]}" mail-sink finance-standin; do
    running "$service" || { rm -f "$RUN_DIR/$service.pid"; continue; }
    local pid; pid="$(cat "$RUN_DIR/$service.pid")"
    kill -TERM "$pid"
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    rm -f "$RUN_DIR/$service.pid"
    say "$service stopped"
  done
}

status() {
  local code=0
  for service in "${SERVICES[@]}"; do
    if running "$service"; then say "$service running (pid $(cat "$RUN_DIR/$service.pid"))"; else say "$service stopped"; code=3; fi
  done
  say_clock
  return $code
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 {start|stop|status}" >&2; exit 2 ;;
esac

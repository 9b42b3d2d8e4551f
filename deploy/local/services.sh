# Start/stop of the three services as background processes. Sourced by
# up.sh, down.sh and test.sh after lib.sh.
# shellcheck shell=bash

SERVICES=(ingest aggregator kpi)
# Node flags per service. The aggregator's heap is capped: draining a backlog
# its RSS was about 350 MiB uncapped, 204 MiB with a 160 MiB old space, at the
# same speed (npm run bench); 192 leaves room. The ingest's young generation
# is larger (semi-spaces of 64 MiB, 16 by default): it allocates a few objects
# per event and nearly all die young; with 64, 11% less CPU per event and 12%
# more events/s at batches of 1,000 (medians of three runs each, side by side,
# docs/benchmarks.md). Keep in step with deploy/docker/entrypoint.sh.
declare -A SERVICE_NODE_FLAGS=([ingest]="--max-semi-space-size=64" [aggregator]="--max-old-space-size=192" [kpi]="")
declare -A SERVICE_PORT=([ingest]=${INGEST_PORT:-3001} [aggregator]=${AGGREGATOR_PORT:-3002} [kpi]=${KPI_PORT:-3003})

# The dev credentials and keys `up` generates once, kept in .stack/dev.env.
ensure_dev_env() {
  if [ ! -f "$DEV_ENV" ] || ! grep -q '^PSEUDONYM_KEY=' "$DEV_ENV"; then
    umask 077
    echo "PSEUDONYM_KEY=$(node -e 'console.log(require("crypto").randomBytes(32).toString("hex"))')" >>"$DEV_ENV"
    say "generated a pseudonymization key for this machine in $DEV_ENV"
  fi
}

load_service_env() {
  set -a
  # shellcheck disable=SC1090
  source "$DEV_ENV"
  set +a
  # KAFKA_BROKERS, CLICKHOUSE_URL and DATABASE_URL are passed on only when
  # the user set them: the services' defaults are the local stack's, and a
  # set variable means "an existing server; do not start or stop one".
}

service_ready() { curl -sf -o /dev/null "http://127.0.0.1:${SERVICE_PORT[$1]}/health/ready"; }

# start_services: starts those not running; echoes nothing; records pids.
start_services() {
  local s
  for s in "${SERVICES[@]}"; do
    if running "$s"; then
      say "$s: already running (pid $(pid_of "$s"))"
      continue
    fi
    if port_open 127.0.0.1 "${SERVICE_PORT[$s]}"; then
      die "port ${SERVICE_PORT[$s]} is taken by a process this script did not start (wanted by $s)"
    fi
    # shellcheck disable=SC2086 # the flags are words
    PORT=${SERVICE_PORT[$s]} nohup node --enable-source-maps ${SERVICE_NODE_FLAGS[$s]} "$ROOT/dist/services/$s/src/main.js" \
      </dev/null >>"$LOG_DIR/$s.log" 2>&1 &
    echo $! >"$RUN_DIR/$s.pid"
    say "$s: started (pid $!), log $LOG_DIR/$s.log"
  done
  for s in "${SERVICES[@]}"; do
    if ! wait_until 60 "$s: ready on http://127.0.0.1:${SERVICE_PORT[$s]}" service_ready "$s"; then
      warn "$s is not ready after 60s; the end of its log:"
      tail -n 30 "$LOG_DIR/$s.log" >&2
      # Which check fails, and why, is shown only to an admin key (written to $DEV_ENV by npm run up).
      curl -s -H "Authorization: Bearer ${ADMIN_KEY:-}" "http://127.0.0.1:${SERVICE_PORT[$s]}/health/ready" >&2 || true
      die "$s did not become ready"
    fi
  done
}

stop_services() {
  local s
  for s in "${SERVICES[@]}"; do stop_process "$s" 20; done
}

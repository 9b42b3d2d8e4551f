#!/usr/bin/env bash
# `npm run up`: the whole system on this machine. Starts the stack, applies
# migrations, builds and starts the three services in the background (logs
# in .stack/logs), waits until each is ready, loads the demo region (the
# simulator's region profile) and prints its municipality table and where
# everything is.
set -euo pipefail
# shellcheck source=deploy/local/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=deploy/local/services.sh
source "$ROOT/deploy/local/services.sh"

cd "$ROOT"
ensure_node
bash "$ROOT/deploy/local/stack.sh" up
ensure_dev_env
load_service_env
say "building"
npm run -s build
say "migrating"
node dist/tools/cli/src/migrate.js
node dist/tools/cli/src/sources.js dev-credentials --env-file "$DEV_ENV"
load_service_env
start_services

# The demo: the region profile (Novosibirsk oblast, 4 weeks) through the
# pipeline, unless the last week already has data; SFERUM_DEMO=0 skips it.
if [[ "${SFERUM_DEMO:-1}" != "0" ]]; then
  say "demo data: the region profile, 4 weeks (skipped when already loaded)"
  if ! node dist/tools/simulator/src/main.js --profile region --weeks 4 --if-empty --wait --table \
      --ingest-url "http://127.0.0.1:${SERVICE_PORT[ingest]}" --kpi-url "http://127.0.0.1:${SERVICE_PORT[kpi]}"; then
    warn "the demo load failed (the services are up); rerun it with: npm run simulate -- --profile region --wait --table"
  fi
fi

cat <<INFO

  Sferum KPI pipeline is up.
    KPI API     http://127.0.0.1:${SERVICE_PORT[kpi]}/v1/kpi?region=54&groupBy=municipality   (every read needs the reader key:)
                curl -H "Authorization: Bearer \$READER_KEY" 'http://127.0.0.1:${SERVICE_PORT[kpi]}/v1/kpi?region=54&groupBy=municipality'
                http://127.0.0.1:${SERVICE_PORT[kpi]}/docs   (OpenAPI: KPI, registry, settings)
    report      http://127.0.0.1:${SERVICE_PORT[kpi]}/report?region=54   (the browser asks: any user name, READER_KEY as the password)
    ingest      http://127.0.0.1:${SERVICE_PORT[ingest]}/v1/events   http://127.0.0.1:${SERVICE_PORT[ingest]}/docs
    metrics     http://127.0.0.1:${SERVICE_PORT[ingest]}/metrics  http://127.0.0.1:${SERVICE_PORT[aggregator]}/metrics  http://127.0.0.1:${SERVICE_PORT[kpi]}/metrics
    health      /health/live and /health/ready on each (which check fails: with ADMIN_KEY)
  Keys of this machine (READER_KEY to read, ADMIN_KEY, demo source DEMO_SOURCE_KEY): $DEV_ENV
                (load them into a shell: set -a; . $DEV_ENV; set +a)
  Logs: $LOG_DIR      Stop everything: npm run down

INFO

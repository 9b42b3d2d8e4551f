#!/usr/bin/env bash
# `npm run up`: the whole system on this machine. Starts the stack, applies
# migrations, builds and starts the three services in the background (logs
# in .stack/logs), waits until each is ready and prints where they are.
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

cat <<INFO

  Sferum KPI pipeline is up.
    ingest      http://127.0.0.1:${SERVICE_PORT[ingest]}      /metrics, /health/ready
    aggregator  http://127.0.0.1:${SERVICE_PORT[aggregator]}      /metrics, /health/ready
    kpi         http://127.0.0.1:${SERVICE_PORT[kpi]}      /v1/registry/..., /metrics, /health/ready
  Keys of this machine (demo source DEMO_SOURCE_KEY, ADMIN_KEY): $DEV_ENV
  Logs: $LOG_DIR      Stop everything: npm run down

INFO

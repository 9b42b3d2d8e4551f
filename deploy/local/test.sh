#!/usr/bin/env bash
# The project's test suite. `npm test` runs every tier:
#   lint, type check, unit (no server), alerting rules (promtool), integration
#   (real Kafka, ClickHouse, PostgreSQL), end-to-end (the three services running).
# `test.sh int` and `test.sh e2e` run one tier, starting what it needs.
set -euo pipefail
# shellcheck source=deploy/local/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=deploy/local/services.sh
source "$ROOT/deploy/local/services.sh"
cd "$ROOT"
ensure_node

step() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; }

STARTED_SERVICES=()
cleanup() {
  local s
  for s in "${STARTED_SERVICES[@]}"; do stop_process "$s" 20; done
}
trap cleanup EXIT

run_static() {
  step "lint (eslint, module boundaries)"
  npm run -s lint
  step "type check (tsc --noEmit, strict)"
  npm run -s typecheck
  step "unit tests (no servers)"
  npx jest -c jest.unit.config.js --ci
  step "alerting rules and routes (promtool, amtool)"
  ensure_tools promtool:prometheus amtool:prometheus-alertmanager
  promtool check config deploy/prometheus/prometheus.yml
  promtool check config deploy/prometheus/prometheus.local.yml
  promtool test rules deploy/prometheus/tests/*.test.yml
  amtool check-config deploy/alertmanager/alertmanager.yml
}

prepare_stack() {
  step "local stack"
  bash "$ROOT/deploy/local/stack.sh" up
  ensure_dev_env
  load_service_env
}

run_int() {
  prepare_stack
  step "build (integration tests run the compiled services as processes)"
  npm run -s build
  step "integration tests (real Kafka, ClickHouse, PostgreSQL)"
  npx jest -c jest.int.config.js --ci
}

run_e2e() {
  prepare_stack
  step "build and migrate"
  npm run -s build
  node dist/tools/cli/src/migrate.js
  step "services"
  local s
  for s in "${SERVICES[@]}"; do running "$s" || STARTED_SERVICES+=("$s"); done
  start_services
  step "end-to-end tests (services over HTTP; the report page in headless Chromium)"
  ensure_tools chromium:chromium
  npx jest -c jest.e2e.config.js --ci
}

case "${1:-all}" in
  all) run_static; run_int; run_e2e ;;
  static) run_static ;;
  int) run_int ;;
  e2e) run_e2e ;;
  *) die "usage: test.sh [all|static|int|e2e]" ;;
esac

#!/usr/bin/env bash
# The project's test suite. `npm test` runs every tier:
#   lint, type check, unit (no server), alerting rules (promtool), integration
#   (real Kafka, ClickHouse, PostgreSQL), end-to-end (each suite starts the
#   compiled services it drives, on databases and a topic of its own; the
#   health suite also on a Kafka broker and a ClickHouse server of its own),
#   ClickHouse versions (every statement on 18.16 and on a current ClickHouse).
# `test.sh int`, `test.sh chdb` and `test.sh e2e` run one tier, starting what it needs.
set -euo pipefail
# shellcheck source=deploy/local/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=deploy/local/services.sh
source "$ROOT/deploy/local/services.sh"
cd "$ROOT"
ensure_node

step() { printf '\n\033[1;34m==> %s\033[0m\n' "$*"; }

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

# The same fixtures and ClickHouse statements on the 18.16 server and on a
# current ClickHouse embedded in the test process by chDB (the devDependency
# `chdb`; its engine is the optional dependency @chdb/lib-linux-x64-gnu, from
# the npm registry with the other packages); the answers must be identical.
run_chdb() {
  step "ClickHouse 18.16 server and a current ClickHouse (chDB)"
  bash "$ROOT/deploy/local/stack.sh" up clickhouse
  node -e "require('chdb')" ||
    die "chdb's engine does not load: it is the optional dependency @chdb/lib-<platform> (run npm ci without --omit=optional, on Linux x64 glibc)"
  step "ClickHouse versions: every statement on both, answers compared"
  npx jest -c jest.chdb.config.js --ci
}

run_e2e() {
  # Each suite starts the services it drives from this build (never those
  # `npm run up` may have left running), on a PostgreSQL database, a
  # ClickHouse database and a topic it creates and migrates itself: nothing
  # needs the shared `sferum` databases migrated.
  step "local stack, and what the health suite's own servers need (Java, Kafka jars, ClickHouse)"
  bash "$ROOT/deploy/local/stack.sh" up
  bash "$ROOT/deploy/local/stack.sh" install kafka clickhouse
  step "build (the suites run the compiled services and simulator as processes)"
  npm run -s build
  step "end-to-end tests (services over HTTP; the report page in headless Chromium)"
  ensure_tools chromium:chromium
  npx jest -c jest.e2e.config.js --ci
}

case "${1:-all}" in
  all) run_static; run_int; run_chdb; run_e2e ;;
  static) run_static ;;
  int) run_int ;;
  chdb) run_chdb ;;
  e2e) run_e2e ;;
  *) die "usage: test.sh [all|static|int|chdb|e2e]" ;;
esac

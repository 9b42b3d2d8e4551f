#!/usr/bin/env bash
# npm run bench:against -- <revision> [rounds]
#
# The ingest and aggregation rates of this tree against an earlier revision,
# in one run, on the same servers: the revision is built in a worktree
# (.stack/baseline/<commit>), and the two trees take turns, `rounds` times
# (default 3): this tree's services and `npm run bench -- --only
# ingest,aggregation`, then the revision's services (its own PostgreSQL and
# ClickHouse databases and topics, on the same ports) and its own bench of
# the same parts. Turns, not one after the other, so that a noisy spell of
# the machine falls on both. Writes bench/results/<timestamp>-against-<commit>.md
# (medians of the rounds, ratios) from the rounds' JSON results.
#
# Needs the system up (`npm run up`); leaves this tree's services running.
set -euo pipefail
# shellcheck source=deploy/local/lib.sh
source "$(dirname "$0")/../../deploy/local/lib.sh"
# shellcheck source=deploy/local/services.sh
source "$ROOT/deploy/local/services.sh"

revision=${1:?usage: npm run bench:against -- <revision> [rounds]}
rounds=${2:-3}
[[ "$rounds" =~ ^[1-9][0-9]?$ ]] || die "rounds: expected a number from 1 to 99, got $rounds"
cd "$ROOT"
commit=$(git rev-parse --verify --quiet "$revision^{commit}") || die "not a revision of this repository: $revision"
short=${commit:0:7}
base="$STACK_DIR/baseline/$short"

for s in "${SERVICES[@]}"; do running "$s" || die "$s is not running: start the system with npm run up first"; done

if [ ! -d "$base" ]; then
  say "baseline: a worktree of $short in $base"
  git worktree add --detach "$base" "$commit" >/dev/null
fi
if [ ! -d "$base/node_modules" ]; then
  say "baseline: npm ci"
  (cd "$base" && npm ci --no-audit --no-fund >"$LOG_DIR/baseline-npm.log" 2>&1) || die "npm ci of $short failed, see $LOG_DIR/baseline-npm.log"
fi
# The revision's bench runs Kafka's producer tool from its own .stack/kafka/libs:
# the running broker's jars are this tree's.
mkdir -p "$base/.stack"
[ -e "$base/.stack/kafka" ] || ln -s "$STACK_DIR/kafka" "$base/.stack/kafka"
say "building this tree and $short"
npm run -s build
(cd "$base" && npm run -s build)

# The revision's services run on servers that exist (a set variable means
# "do not start or stop one") with databases and topics of their own.
baseline_env=(
  KAFKA_BROKERS="$DEFAULT_KAFKA_BROKERS"
  CLICKHOUSE_URL="$DEFAULT_CLICKHOUSE_URL"
  DATABASE_URL="${DEFAULT_DATABASE_URL%/*}/sferum_baseline_$short"
  CLICKHOUSE_DATABASE="sferum_baseline_$short"
  ACTIVITY_TOPIC="sferum.activity.baseline-$short"
  ACTIVITY_DLQ_TOPIC="sferum.activity.baseline-$short.dlq"
  AGGREGATOR_GROUP_ID="sferum-aggregator-baseline-$short"
)

newest_result() { ls -t "$1"/bench/results/*.json 2>/dev/null | head -n1; }

# bench_in DIR: runs DIR's bench of the two parts; echoes its JSON result.
bench_in() {
  local dir=$1 before after
  before=$(newest_result "$dir")
  (cd "$dir" && env "${@:2}" node dist/tools/bench/src/main.js --only ingest,aggregation >>"$LOG_DIR/bench-against.log" 2>&1) ||
    die "the bench of $dir failed, see $LOG_DIR/bench-against.log"
  after=$(newest_result "$dir")
  [ -n "$after" ] && [ "$after" != "$before" ] || die "the bench of $dir wrote no result"
  echo "$after"
}

# This tree's services, in a subshell: its keys stay out of the benches' environment.
start_ours() { (load_service_env && start_services) >/dev/null; }
stop_theirs() { (cd "$base" && source deploy/local/lib.sh && source deploy/local/services.sh && stop_services) >/dev/null; }

ours=() theirs=()
restore() {
  # Whatever happened, this tree's services run again at the end.
  stop_theirs 2>&1 || true
  start_ours
}
trap restore EXIT
# The services run what was just built.
stop_services >/dev/null
start_ours

for ((round = 1; round <= rounds; round++)); do
  say "round $round/$rounds: this tree"
  ours+=("$(bench_in "$ROOT")")
  say "round $round/$rounds: $short"
  stop_services
  # The revision's own up: its migrations, keys and demo region (loaded once:
  # --if-empty), its services on the same ports.
  (cd "$base" && env "${baseline_env[@]}" bash deploy/local/up.sh >>"$LOG_DIR/bench-against.log" 2>&1) ||
    die "the services of $short did not start, see $LOG_DIR/bench-against.log"
  theirs+=("$(bench_in "$base" "${baseline_env[@]}")")
  stop_theirs
  start_ours
done

join() { local IFS=,; echo "$*"; }
node dist/tools/bench/src/against.js --revision "$short" --ours "$(join "${ours[@]}")" --baseline "$(join "${theirs[@]}")"

#!/usr/bin/env bash
# `npm run down`: stops what `npm run up` started, by recorded process ids
# (the three services, then Kafka and ClickHouse). Data stays in .stack/.
set -euo pipefail
# shellcheck source=deploy/local/lib.sh
source "$(dirname "$0")/lib.sh"
# shellcheck source=deploy/local/services.sh
source "$ROOT/deploy/local/services.sh"

stop_services
bash "$ROOT/deploy/local/stack.sh" down
say "stopped"

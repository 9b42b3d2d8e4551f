#!/bin/sh
# Runs one part of the system: ingest, aggregator, kpi or migrate; or
# `sources ...`, the key and source commands (npm run sources), for example
#   docker compose run --rm -T migrate sources reader-key
set -e
case "$1" in
  # The aggregator's heap is capped as in deploy/local/services.sh (RSS while draining a backlog).
  aggregator) exec node --enable-source-maps --max-old-space-size=192 dist/services/aggregator/src/main.js ;;
  ingest) exec node --enable-source-maps --max-semi-space-size=64 dist/services/ingest/src/main.js ;;
  kpi) exec node --enable-source-maps dist/services/kpi/src/main.js ;;
  migrate) exec node --enable-source-maps dist/tools/cli/src/migrate.js ;;
  sources) shift; exec node --enable-source-maps dist/tools/cli/src/sources.js "$@" ;;
  *) echo "usage: sferum ingest|aggregator|kpi|migrate|sources ..." >&2; exit 64 ;;
esac

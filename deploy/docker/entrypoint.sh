#!/bin/sh
# Runs one part of the system: ingest, aggregator, kpi or migrate.
set -e
case "$1" in
  ingest|aggregator|kpi) exec node --enable-source-maps "dist/services/$1/src/main.js" ;;
  migrate) exec node --enable-source-maps dist/tools/cli/src/migrate.js ;;
  *) echo "usage: sferum ingest|aggregator|kpi|migrate" >&2; exit 64 ;;
esac

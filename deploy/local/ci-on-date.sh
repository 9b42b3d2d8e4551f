#!/usr/bin/env bash
# Runs CI (.ci/run) on a fresh clone of this repository's HEAD with the
# machine's clock set to another date, to show that no test depends on the
# day it runs:
#
#   bash deploy/local/ci-on-date.sh 2027-01-04      # a Monday after a year boundary
#   bash deploy/local/ci-on-date.sh 2027-06-30
#
# The whole run (tests, services, simulator, Kafka) sees the date through
# libfaketime (Debian package `faketime`), starting at 00:00 UTC of DATE and
# running forward; ClickHouse 18.16 cannot run under libfaketime and keeps
# the real clock, as does PostgreSQL, already running: no answer depends on
# their clocks. What reaches the network with TLS is done first at the
# real date (`npm ci`; a certificate checked on a faked date may look
# expired): run it once on a machine that has run CI, so that Debian
# packages and the Kafka jars in ~/.m2 are already there.
set -euo pipefail
# shellcheck source=deploy/local/lib.sh
source "$(dirname "$0")/lib.sh"

DATE=${1:-}
[[ "$DATE" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] || die "usage: ci-on-date.sh YYYY-MM-DD"
date -u -d "$DATE" >/dev/null 2>&1 || die "not a day: $DATE"
ensure_tools faketime:faketime

CLONE=$(mktemp -d "${TMPDIR:-/tmp}/sferum-ci-$DATE-XXXX")
say "fresh clone of $(git -C "$ROOT" rev-parse --short HEAD) in $CLONE"
git clone -q "$ROOT" "$CLONE"
(cd "$CLONE" && npm ci --no-audit --no-fund --loglevel=error)
say "running .ci/run with the clock at $DATE 00:00:00 UTC"
cd "$CLONE"
CI=true faketime -f "@$DATE 00:00:00" bash .ci/run

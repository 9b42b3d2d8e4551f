# Shared helpers of the local-stack scripts. Sourced, not run.
# shellcheck shell=bash

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
STACK_DIR="$ROOT/.stack"
LOG_DIR="$STACK_DIR/logs"
RUN_DIR="$STACK_DIR/run"
mkdir -p "$LOG_DIR" "$RUN_DIR"

DEFAULT_KAFKA_BROKERS=127.0.0.1:9092
DEFAULT_CLICKHOUSE_URL=http://127.0.0.1:8123
DEFAULT_DATABASE_URL=postgres://postgres@127.0.0.1:5432/sferum

say() { printf '\033[1m[stack]\033[0m %s\n' "$*"; }
warn() { printf '\033[33m[stack]\033[0m %s\n' "$*" >&2; }
die() {
  printf '\033[31m[stack] %s\033[0m\n' "$*" >&2
  exit 1
}

have() { command -v "$1" >/dev/null 2>&1; }
is_root() { [ "$(id -u)" = 0 ]; }

APT_UPDATED=
# apt_install PKG... : installs Debian packages when we are root on Debian;
# otherwise stops with a message naming what is missing and how to get it.
apt_install() {
  if ! is_root || ! have apt-get; then
    die "missing: $* (Debian packages). Install them with: sudo apt-get install -y $*"
  fi
  if [ -z "$APT_UPDATED" ]; then
    say "apt-get update"
    apt-get update -qq >"$LOG_DIR/apt.log" 2>&1 || die "apt-get update failed, see $LOG_DIR/apt.log"
    APT_UPDATED=1
  fi
  say "installing Debian packages: $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >>"$LOG_DIR/apt.log" 2>&1 ||
    die "apt-get install $* failed, see $LOG_DIR/apt.log"
}

# ensure_tools CMD:PKG... : installs the Debian package of each missing command.
ensure_tools() {
  local pair missing=()
  for pair in "$@"; do have "${pair%%:*}" || missing+=("${pair#*:}"); done
  [ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
}

# wait_until SECONDS DESCRIPTION COMMAND... : polls COMMAND until it succeeds.
wait_until() {
  local seconds=$1 what=$2
  shift 2
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    if [ "$SECONDS" -ge "$deadline" ]; then return 1; fi
    sleep 0.5
  done
  say "$what"
}

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

pid_of() { [ -f "$RUN_DIR/$1.pid" ] && cat "$RUN_DIR/$1.pid"; }

running() {
  local pid
  pid=$(pid_of "$1") || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

# stop_process NAME [SECONDS]: SIGTERM, then SIGKILL after SECONDS.
stop_process() {
  local name=$1 seconds=${2:-30} pid
  pid=$(pid_of "$name") || return 0
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    say "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + seconds))
    while kill -0 "$pid" 2>/dev/null; do
      if [ "$SECONDS" -ge "$deadline" ]; then
        warn "$name did not stop within ${seconds}s: SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        break
      fi
      sleep 0.3
    done
  fi
  rm -f "$RUN_DIR/$name.pid"
}

# The dev credentials `npm run up` writes (source key, admin token).
DEV_ENV="$STACK_DIR/dev.env"

# ensure_node: Node.js 20.11+ and the npm packages of package-lock.json.
ensure_node() {
  have node || die "missing: Node.js 20 or newer (https://nodejs.org, or Debian: apt-get install nodejs npm)"
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$major" -ge 20 ] || die "Node.js $(node -v) is too old: 20 or newer is needed"
  if [ ! -f "$ROOT/node_modules/.package-lock.json" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
    say "installing npm packages (npm ci)"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed"
  fi
}

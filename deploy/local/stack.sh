#!/usr/bin/env bash
# The local stack without Docker: Kafka (KRaft, official jars from Maven
# Central), ClickHouse (Debian's package, the project's own config) and
# PostgreSQL (the machine's server; installed when missing and possible).
#
#   stack.sh up [kafka|clickhouse|postgres]...     start (idempotent)
#   stack.sh down [kafka|clickhouse]...            stop what this script started
#   stack.sh status                                one line per component
#   stack.sh install [kafka|clickhouse]...         what they need (Java, jars, binary); starts nothing
#
# KAFKA_BROKERS, CLICKHOUSE_URL and DATABASE_URL point at existing servers
# instead: then nothing is started for them. Data and logs live in .stack/.
#
# Private servers, for tests that stop and restart a server (fault tests)
# without touching the shared one other suites use: the same jars, binary
# and config as the shared server, on other ports, with data in
# .stack/private/NAME, log .stack/logs/private-NAME.log. KAFKA_BROKERS and
# CLICKHOUSE_URL do not apply to them.
#   stack.sh private-up kafka NAME PORT CONTROLLER_PORT     start (formats the log dir once)
#   stack.sh private-up clickhouse NAME HTTP_PORT TCP_PORT  start
#   stack.sh private-down kafka|clickhouse NAME [--purge]   stop; --purge also deletes its data
set -euo pipefail
# shellcheck source=deploy/local/lib.sh
source "$(dirname "$0")/lib.sh"

KAFKA_VERSION=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$ROOT/deploy/kafka/pom.xml")
KAFKA_HOME="$STACK_DIR/kafka"
KAFKA_LIBS="$KAFKA_HOME/libs"

# ---------------------------------------------------------------- Kafka --
kafka_external() { [ -n "${KAFKA_BROKERS:-}" ]; }

ensure_java() {
  local version
  if have java; then
    version=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)
    [ "${version:-0}" -ge 17 ] && return 0
  fi
  apt_install openjdk-17-jre-headless
}

ensure_kafka_jars() {
  if [ -f "$KAFKA_LIBS/.version" ] && [ "$(cat "$KAFKA_LIBS/.version")" = "$KAFKA_VERSION" ]; then return 0; fi
  have mvn || apt_install maven
  say "fetching Apache Kafka $KAFKA_VERSION jars from Maven Central (first run only)"
  rm -rf "$KAFKA_LIBS"
  mvn -B -q -f "$ROOT/deploy/kafka/pom.xml" package -Dkafka.libs.dir="$KAFKA_LIBS" >"$LOG_DIR/kafka-maven.log" 2>&1 ||
    die "Maven could not fetch the Kafka jars, see $LOG_DIR/kafka-maven.log"
  echo "$KAFKA_VERSION" >"$KAFKA_LIBS/.version"
}

kafka_install() {
  ensure_java
  ensure_kafka_jars
}

kafka_java() { java -Dlog4j2.configurationFile="$ROOT/deploy/kafka/log4j2.xml" -cp "$KAFKA_LIBS/*" "$@"; }

# kafka_start NAME DIR PORT CONTROLLER_PORT HEAP: one KRaft broker (its own
# controller) from deploy/kafka/server.properties with these ports (the
# advertised listener too: clients reconnect to what it advertises) and log
# dir DIR/data; formats it on first start. Pid $RUN_DIR/NAME.pid, log
# $LOG_DIR/NAME.log. The shared broker is kafka_start kafka .stack/kafka 9092 9093.
kafka_start() {
  local name=$1 dir=$2 port=$3 controller_port=$4 heap=$5
  if running "$name"; then say "$name: already running (pid $(pid_of "$name"))"; return 0; fi
  local p
  for p in "$port" "$controller_port"; do
    if port_open 127.0.0.1 "$p"; then die "port $p is taken by a process this script did not start (wanted by $name)"; fi
  done
  kafka_install
  mkdir -p "$dir/data"
  sed -e "s:@STACK_DIR@/kafka/data:$dir/data:g" -e "s:@STACK_DIR@:$STACK_DIR:g" \
    -e "s/127\.0\.0\.1:9092/127.0.0.1:$port/g" -e "s/127\.0\.0\.1:9093/127.0.0.1:$controller_port/g" \
    "$ROOT/deploy/kafka/server.properties" >"$dir/server.properties"
  grep -qx "advertised.listeners=PLAINTEXT://127.0.0.1:$port" "$dir/server.properties" && grep -qx "log.dirs=$dir/data" "$dir/server.properties" ||
    die "deploy/kafka/server.properties no longer has the listeners (127.0.0.1:9092, :9093) and log.dirs (@STACK_DIR@/kafka/data) stack.sh rewrites"
  if [ ! -f "$dir/data/meta.properties" ]; then
    local cluster_id
    cluster_id=$(kafka_java kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1)
    kafka_java kafka.tools.StorageTool format -t "$cluster_id" -c "$dir/server.properties" >"$LOG_DIR/$name-format.log" 2>&1 ||
      die "formatting the Kafka log dir of $name failed, see $LOG_DIR/$name-format.log"
  fi
  local log="$LOG_DIR/$name.log" from
  from=$(($(stat -c %s "$log" 2>/dev/null || echo 0) + 1)) # readiness is read from this start's lines only
  say "$name: starting Kafka $KAFKA_VERSION (KRaft) on 127.0.0.1:$port"
  nohup java -Xms256m "-Xmx$heap" -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$ROOT/deploy/kafka/log4j2.xml" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$dir/server.properties" </dev/null >>"$log" 2>&1 &
  echo $! >"$RUN_DIR/$name.pid"
  wait_until 90 "$name: ready on 127.0.0.1:$port" kafka_ready "$name" "$port" "$log" "$from" ||
    die "$name did not start within 90s, see $log"
}

# kafka_ready NAME PORT LOG FROM: the broker listens and its log since byte
# FROM (this start) says it started. Not grep -q: it stops reading, and
# tail's SIGPIPE would fail the pipeline under pipefail.
kafka_ready() {
  local name=$1 port=$2 log=$3 from=$4
  running "$name" && port_open 127.0.0.1 "$port" &&
    tail -c "+$from" "$log" | grep 'Kafka Server started\|KafkaRaftServer.*started\|Transition from STARTING to STARTED' >/dev/null
}

kafka_up() {
  if kafka_external; then say "kafka: external at $KAFKA_BROKERS (not started)"; return 0; fi
  if running kafka; then say "kafka: already running (pid $(pid_of kafka))"; return 0; fi
  if port_open 127.0.0.1 9092; then die "port 9092 is taken by a process this script did not start; stop it or set KAFKA_BROKERS"; fi
  kafka_start kafka "$KAFKA_HOME" 9092 9093 1g
}

kafka_down() {
  if kafka_external; then return 0; fi
  stop_process kafka 60
}

# ----------------------------------------------------------- ClickHouse --
clickhouse_external() { [ -n "${CLICKHOUSE_URL:-}" ]; }

clickhouse_binary() {
  if have clickhouse-server; then command -v clickhouse-server; elif have clickhouse; then echo "$(command -v clickhouse) server"; else return 1; fi
}

clickhouse_install() {
  clickhouse_binary >/dev/null || apt_install clickhouse-server clickhouse-client
  have curl || apt_install curl
}

# clickhouse_start NAME DIR HTTP_PORT TCP_PORT: one server with
# deploy/clickhouse/config.xml on these ports, its data under DIR and its
# server logs $LOG_DIR/NAME-server{,.err}.log. Pid $RUN_DIR/NAME.pid. The
# shared server is clickhouse_start clickhouse .stack/clickhouse 8123 9000.
clickhouse_start() {
  local name=$1 dir=$2 http_port=$3 tcp_port=$4
  if running "$name"; then say "$name: already running (pid $(pid_of "$name"))"; return 0; fi
  local p
  for p in "$http_port" "$tcp_port"; do
    if port_open 127.0.0.1 "$p"; then die "port $p is taken by a process this script did not start (wanted by $name)"; fi
  done
  clickhouse_install
  mkdir -p "$dir/data" "$dir/tmp" "$dir/user_files" "$dir/format_schemas"
  sed -e "s:@STACK_DIR@/clickhouse/:$dir/:g" -e "s:@STACK_DIR@/logs/clickhouse-server:$LOG_DIR/$name-server:g" -e "s:@STACK_DIR@:$STACK_DIR:g" \
    -e "s:<http_port>8123</http_port>:<http_port>$http_port</http_port>:" -e "s:<tcp_port>9000</tcp_port>:<tcp_port>$tcp_port</tcp_port>:" \
    "$ROOT/deploy/clickhouse/config.xml" >"$dir/config.xml"
  grep -q "<http_port>$http_port</http_port>" "$dir/config.xml" && grep -q "<tcp_port>$tcp_port</tcp_port>" "$dir/config.xml" &&
    grep -q "<path>$dir/data/</path>" "$dir/config.xml" ||
    die "deploy/clickhouse/config.xml no longer has the ports (8123, 9000) and paths (@STACK_DIR@/clickhouse/) stack.sh rewrites"
  cp "$ROOT/deploy/clickhouse/users.xml" "$dir/users.xml"
  say "$name: starting ClickHouse on 127.0.0.1:$http_port"
  local binary
  binary=$(clickhouse_binary)
  # Without a preloaded libfaketime (deploy/local/ci-on-date.sh moves the
  # clock of everything else): ClickHouse 18.16's allocator recurses into
  # clock_gettime under it and the server never starts. No answer of the
  # project depends on ClickHouse's own clock.
  # shellcheck disable=SC2086 # "clickhouse server" is two words on purpose
  (cd "$dir" && exec env -u LD_PRELOAD -u FAKETIME $binary --config-file="$dir/config.xml") </dev/null >>"$LOG_DIR/$name.log" 2>&1 &
  echo $! >"$RUN_DIR/$name.pid"
  wait_until 60 "$name: ready on 127.0.0.1:$http_port" clickhouse_ready "$name" "$http_port" ||
    die "$name did not start within 60s, see $LOG_DIR/$name.log and $LOG_DIR/$name-server.err.log"
}

clickhouse_ready() { running "$1" && curl -sf "http://127.0.0.1:$2/ping"; }

clickhouse_up() {
  if clickhouse_external; then say "clickhouse: external at $CLICKHOUSE_URL (not started)"; return 0; fi
  if running clickhouse; then say "clickhouse: already running (pid $(pid_of clickhouse))"; return 0; fi
  if port_open 127.0.0.1 8123; then die "port 8123 is taken by a process this script did not start; stop it or set CLICKHOUSE_URL"; fi
  clickhouse_start clickhouse "$STACK_DIR/clickhouse" 8123 9000
}

clickhouse_down() {
  if clickhouse_external; then return 0; fi
  stop_process clickhouse 30
}

# ----------------------------------------------------------- PostgreSQL --
database_url() { echo "${DATABASE_URL:-$DEFAULT_DATABASE_URL}"; }

postgres_admin_url() { # same server, the maintenance database
  local url
  url=$(database_url)
  echo "${url%/*}/postgres"
}

postgres_answers() { psql "$(postgres_admin_url)" -tAc 'SELECT 1' >/dev/null 2>&1; }

postgres_up() {
  have psql || apt_install postgresql-client
  if ! postgres_answers; then
    if [ -n "${DATABASE_URL:-}" ]; then die "no PostgreSQL answers at DATABASE_URL ($(database_url | sed 's#//[^@]*@#//***@#'))"; fi
    if ! have pg_ctlcluster; then
      apt_install postgresql
    fi
    local version
    version=$(ls /etc/postgresql 2>/dev/null | sort -n | tail -n1)
    [ -n "$version" ] || die "PostgreSQL is installed but has no cluster under /etc/postgresql; create one with pg_createcluster"
    if [ ! -f "/etc/postgresql/$version/main/.sferum-trust" ] && is_root; then
      # A fresh Debian cluster asks for passwords on TCP; the local stack
      # connects as postgres from loopback only, like the CI machines.
      sed -i '1i host all all 127.0.0.1/32 trust' "/etc/postgresql/$version/main/pg_hba.conf"
      touch "/etc/postgresql/$version/main/.sferum-trust"
    fi
    say "postgres: starting cluster $version/main"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start >>"$LOG_DIR/postgres.log" 2>&1 ||
      pg_ctlcluster --skip-systemctl-redirect "$version" main restart >>"$LOG_DIR/postgres.log" 2>&1 ||
      die "could not start PostgreSQL $version/main, see $LOG_DIR/postgres.log"
    wait_until 30 "postgres: answering" postgres_answers || die "PostgreSQL does not answer at $(postgres_admin_url)"
  fi
  local db
  db=$(database_url)
  db=${db##*/}
  db=${db%%\?*}
  if [ "$(psql "$(postgres_admin_url)" -tAc "SELECT 1 FROM pg_database WHERE datname = '$db'")" != 1 ]; then
    psql "$(postgres_admin_url)" -qc "CREATE DATABASE \"$db\"" || die "could not create database $db"
    say "postgres: created database $db"
  fi
  say "postgres: ready ($db)"
}

# ------------------------------------------------------ private servers --
PRIVATE_DIR="$STACK_DIR/private"

# private_name NAME: the process name of a private server (pid file, log);
# the prefix keeps it apart from the shared servers and the services.
private_name() {
  [[ "$1" =~ ^[a-z0-9][a-z0-9-]{0,62}$ ]] || die "a private server's name is lowercase letters, digits and dashes (got '$1')"
  echo "private-$1"
}

port_arg() { [[ "$1" =~ ^[0-9]+$ ]] && [ "$1" -ge 1 ] && [ "$1" -le 65535 ] || die "not a port: '$1'"; }

private_up() {
  [ $# -eq 4 ] || die "usage: stack.sh private-up kafka|clickhouse NAME PORT PORT2"
  local kind=$1 name
  name=$(private_name "$2")
  port_arg "$3"
  port_arg "$4"
  [ "$3" != "$4" ] || die "$name needs two different ports"
  # A fresh server (no data dir) starts a fresh log; a restart appends to it.
  [ -d "$PRIVATE_DIR/$2" ] || rm -f "$LOG_DIR/$name".log "$LOG_DIR/$name"-*.log
  case "$kind" in
    kafka) kafka_start "$name" "$PRIVATE_DIR/$2" "$3" "$4" 512m ;;
    clickhouse) clickhouse_start "$name" "$PRIVATE_DIR/$2" "$3" "$4" ;;
    *) die "unknown private server kind: $kind (kafka, clickhouse)" ;;
  esac
}

private_down() {
  [ $# -ge 2 ] && [ $# -le 3 ] && { [ $# -eq 2 ] || [ "$3" = --purge ]; } || die "usage: stack.sh private-down kafka|clickhouse NAME [--purge]"
  local kind=$1 name
  name=$(private_name "$2")
  case "$kind" in
    kafka) stop_process "$name" 60 ;;
    clickhouse) stop_process "$name" 30 ;;
    *) die "unknown private server kind: $kind (kafka, clickhouse)" ;;
  esac
  # The logs stay for a look after a failed test, until the next fresh start.
  if [ "${3:-}" = --purge ]; then rm -rf "${PRIVATE_DIR:?}/$2"; fi
}

# --------------------------------------------------------------- status --
status_line() {
  local name=$1 external=$2 target=$3
  if $external; then
    printf '%-11s external  %s\n' "$name" "$target"
  elif running "$name"; then
    printf '%-11s running   pid %s, %s\n' "$name" "$(pid_of "$name")" "$target"
  else
    printf '%-11s stopped\n' "$name"
  fi
}

status() {
  status_line kafka "$(kafka_external && echo true || echo false)" "${KAFKA_BROKERS:-$DEFAULT_KAFKA_BROKERS}"
  status_line clickhouse "$(clickhouse_external && echo true || echo false)" "${CLICKHOUSE_URL:-$DEFAULT_CLICKHOUSE_URL}"
  if postgres_answers; then
    printf '%-11s answering %s\n' postgres "$(database_url | sed 's#//[^@]*@#//***@#')"
  else
    printf '%-11s down\n' postgres
  fi
  local pidfile name
  for pidfile in "$RUN_DIR"/private-*.pid; do
    [ -e "$pidfile" ] || continue
    name=$(basename "$pidfile" .pid)
    if running "$name"; then printf '%s running   pid %s (private)\n' "$name" "$(pid_of "$name")"; fi
  done
}

main() {
  local command=${1:-status}
  shift || true
  local components=("$@")
  [ ${#components[@]} -gt 0 ] || components=(postgres clickhouse kafka)
  case "$command" in
    up)
      for c in "${components[@]}"; do
        case "$c" in
          kafka) kafka_up ;; clickhouse) clickhouse_up ;; postgres) postgres_up ;;
          *) die "unknown component: $c (kafka, clickhouse, postgres)" ;;
        esac
      done ;;
    down)
      for c in "${components[@]}"; do
        case "$c" in
          kafka) kafka_down ;; clickhouse) clickhouse_down ;;
          postgres) say "postgres: left running (the machine's own server)" ;;
          *) die "unknown component: $c (kafka, clickhouse, postgres)" ;;
        esac
      done ;;
    status) status ;;
    install)
      local wanted=("$@")
      [ ${#wanted[@]} -gt 0 ] || wanted=(kafka clickhouse)
      for c in "${wanted[@]}"; do
        case "$c" in
          kafka) kafka_install ;; clickhouse) clickhouse_install ;;
          *) die "unknown component: $c (kafka, clickhouse)" ;;
        esac
      done ;;
    private-up) private_up "$@" ;;
    private-down) private_down "$@" ;;
    *) die "usage: stack.sh up|down|status|install [kafka|clickhouse|postgres]..., stack.sh private-up|private-down KIND NAME ..." ;;
  esac
}

main "$@"

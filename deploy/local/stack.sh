#!/usr/bin/env bash
# The local stack without Docker: Kafka (KRaft, official jars from Maven
# Central), ClickHouse (Debian's package, the project's own config) and
# PostgreSQL (the machine's server; installed when missing and possible).
#
#   stack.sh up [kafka|clickhouse|postgres]...     start (idempotent)
#   stack.sh down [kafka|clickhouse]...            stop what this script started
#   stack.sh status                                one line per component
#
# KAFKA_BROKERS, CLICKHOUSE_URL and DATABASE_URL point at existing servers
# instead: then nothing is started for them. Data and logs live in .stack/.
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

kafka_java() { java -Dlog4j2.configurationFile="$ROOT/deploy/kafka/log4j2.xml" -cp "$KAFKA_LIBS/*" "$@"; }

kafka_up() {
  if kafka_external; then say "kafka: external at $KAFKA_BROKERS (not started)"; return 0; fi
  if running kafka; then say "kafka: already running (pid $(pid_of kafka))"; return 0; fi
  if port_open 127.0.0.1 9092; then die "port 9092 is taken by a process this script did not start; stop it or set KAFKA_BROKERS"; fi
  ensure_java
  ensure_kafka_jars
  mkdir -p "$KAFKA_HOME/data"
  sed "s:@STACK_DIR@:$STACK_DIR:g" "$ROOT/deploy/kafka/server.properties" >"$KAFKA_HOME/server.properties"
  if [ ! -f "$KAFKA_HOME/data/meta.properties" ]; then
    local cluster_id
    cluster_id=$(kafka_java kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1)
    kafka_java kafka.tools.StorageTool format -t "$cluster_id" -c "$KAFKA_HOME/server.properties" >"$LOG_DIR/kafka-format.log" 2>&1 ||
      die "formatting the Kafka log dir failed, see $LOG_DIR/kafka-format.log"
  fi
  say "kafka: starting $KAFKA_VERSION (KRaft) on 127.0.0.1:9092"
  nohup java -Xms256m -Xmx1g -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$ROOT/deploy/kafka/log4j2.xml" \
    -cp "$KAFKA_LIBS/*" kafka.Kafka "$KAFKA_HOME/server.properties" </dev/null >>"$LOG_DIR/kafka.log" 2>&1 &
  echo $! >"$RUN_DIR/kafka.pid"
  wait_until 90 "kafka: ready on 127.0.0.1:9092" kafka_ready ||
    die "kafka did not start within 90s, see $LOG_DIR/kafka.log"
}

kafka_ready() {
  running kafka && port_open 127.0.0.1 9092 && grep -q 'Kafka Server started\|KafkaRaftServer.*started\|Transition from STARTING to STARTED' "$LOG_DIR/kafka.log"
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

clickhouse_up() {
  if clickhouse_external; then say "clickhouse: external at $CLICKHOUSE_URL (not started)"; return 0; fi
  if running clickhouse; then say "clickhouse: already running (pid $(pid_of clickhouse))"; return 0; fi
  if port_open 127.0.0.1 8123; then die "port 8123 is taken by a process this script did not start; stop it or set CLICKHOUSE_URL"; fi
  clickhouse_binary >/dev/null || apt_install clickhouse-server clickhouse-client
  have curl || apt_install curl
  local dir="$STACK_DIR/clickhouse"
  mkdir -p "$dir/data" "$dir/tmp" "$dir/user_files" "$dir/format_schemas"
  sed "s:@STACK_DIR@:$STACK_DIR:g" "$ROOT/deploy/clickhouse/config.xml" >"$dir/config.xml"
  cp "$ROOT/deploy/clickhouse/users.xml" "$dir/users.xml"
  say "clickhouse: starting on 127.0.0.1:8123"
  local binary
  binary=$(clickhouse_binary)
  # shellcheck disable=SC2086 # "clickhouse server" is two words on purpose
  (cd "$dir" && exec $binary --config-file="$dir/config.xml") </dev/null >>"$LOG_DIR/clickhouse.log" 2>&1 &
  echo $! >"$RUN_DIR/clickhouse.pid"
  wait_until 60 "clickhouse: ready on 127.0.0.1:8123" curl -sf http://127.0.0.1:8123/ping ||
    die "clickhouse did not start within 60s, see $LOG_DIR/clickhouse.log and $LOG_DIR/clickhouse-server.err.log"
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
    *) die "usage: stack.sh up|down|status [kafka|clickhouse|postgres]..." ;;
  esac
}

main "$@"

# Shared by side-by-side.sh, mqtt-side-by-side.sh, amqp-side-by-side.sh and sqs-side-by-side.sh: sourced, not run.
# The sourcing script sets REPO, BUILD (1 to build), DIST (a directory of jars, or empty), CACHE (downloads) and
# INSTALL (1 to allow downloads), and defines log(). Optional: BROKER_TASKSET and CLIENT_TASKSET, command prefixes
# (such as "taskset -c 0") that pin the brokers and the load generator to their own cores.

ARTEMIS_VERSION=2.56.0

# Every broker under test runs on core $BROKER_CPU (environment; default 0) and the load generator on the other
# cores, the same for FerryMQ and every peer: on a small machine the two otherwise fight for the same cores, and a
# 1x1 figure measures the client as much as the broker.
BROKER_CPU="${BROKER_CPU:-0}"

# The cores the load generator may use: all but $BROKER_CPU.
client_cpus() {
  seq 0 $(( $(nproc) - 1 )) | grep -vx "$BROKER_CPU" | paste -sd, -
}

# Pins every thread of process $1 (a broker that has just started listening) to core $BROKER_CPU; threads it
# starts later inherit that.
pin_broker() {
  if [ "$(nproc)" -lt 2 ]; then
    log "WARNING: one core only: broker and load generator are not pinned apart"
    return 0
  fi
  taskset -a -p -c "$BROKER_CPU" "$1" > /dev/null
}

# Builds FerryMQ and the load generator (when BUILD=1) and copies the jars and conf/log4j2.xml into $1: runs use
# the copy, so that a rebuild in the work tree during the benchmark cannot change what runs.
# shellcheck source=one-at-a-time.sh
. "$(dirname "${BASH_SOURCE[0]}")/one-at-a-time.sh"

prepare_dist() {
  bench_lock "$(basename "$0" .sh)"
  local dest=$1
  if [ "$BUILD" = 1 ]; then
    log "building FerryMQ and the load generator"
    (cd "$REPO" && mvn -B -q -DskipTests package -pl server,bench -am)
  fi
  rm -rf "$dest" && mkdir -p "$dest"
  if [ -n "$DIST" ]; then
    cp -r "$DIST/ferrymq-server.jar" "$DIST/lib" "$DIST/ferrymq-bench.jar" "$dest/"
  else
    cp -r "$REPO/server/target/ferrymq-server.jar" "$REPO/server/target/lib" "$REPO/bench/target/ferrymq-bench.jar" \
      "$dest/"
  fi
  cp "$REPO/conf/log4j2.xml" "$dest/"
}

# Starts FerryMQ from dist $1 in directory $2 with $2/broker.yaml and an empty data directory, in the background
# (output in $2/console.log); its pid is in $!. FERRYMQ_OPTS reaches its JVM.
start_ferrymq() {
  local dist=$1 dir=$2
  rm -rf "$dir/data" "$dir/logs"
  # shellcheck disable=SC2086
  (cd "$dir" && exec ${BROKER_TASKSET:-} java -Xms512m -Xmx2g ${FERRYMQ_OPTS:-} -Dferrymq.home="$dir" \
    -Dlog4j2.configurationFile="$dist/log4j2.xml" -jar "$dist/ferrymq-server.jar" run \
    --config "$dir/broker.yaml") > "$dir/console.log" 2>&1 &
}

# The pid of the process listening on loopback port $1, or nothing.
listener_pid() {
  { ss -ltnpH "( sport = :$1 )" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2; } || true
}

# Stops process $2 (broker $1, for the log) with SIGTERM, and SIGKILL if it is still there after 30 s.
stop_pid() {
  local name=$1 pid=$2
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.5
  done
  log "$name (pid $pid) did not stop within 30 s; killing it"
  kill -KILL "$pid" 2>/dev/null || true
}

# The machine lines every summary starts with.
machine_info() {
  echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "cores: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "java: $(java -version 2>&1 | head -1)"
}

# Unpacks ActiveMQ Artemis from its Maven Central tarball into $CACHE (downloading it once); sets ARTEMIS_HOME.
install_artemis() {
  ARTEMIS_HOME="$CACHE/apache-artemis-$ARTEMIS_VERSION"
  if [ ! -x "$ARTEMIS_HOME/bin/artemis" ]; then
    mkdir -p "$CACHE"
    local tarball="$CACHE/apache-artemis-$ARTEMIS_VERSION-bin.tar.gz"
    if [ ! -f "$tarball" ]; then
      [ "$INSTALL" = 1 ] || { echo "side-by-side: Artemis is not in $CACHE (run without --no-install)" >&2; exit 1; }
      log "downloading Artemis $ARTEMIS_VERSION from Maven Central"
      mvn -B -q dependency:copy -Dartifact="org.apache.artemis:apache-artemis:$ARTEMIS_VERSION:tar.gz:bin" \
        -DoutputDirectory="$CACHE"
    fi
    tar -xzf "$tarball" -C "$CACHE"
  fi
}

# Starts the Artemis instance made by 'artemis create' in $1, with empty data and log directories, in the background.
start_artemis() {
  local dir=$1
  rm -rf "$dir/data" "$dir/log"
  "$dir/bin/artemis" run > "$dir/console.log" 2>&1 &
}

# Makes an instance of Debian's packaged ActiveMQ 5.17 in $1 (its main instance's activemq.xml: KahaDB, no JMX)
# whose one OpenWire connector is replaced by connector $2 with URI $3, e.g. stomp stomp+nio://127.0.0.1:63613.
prepare_activemq() {
  local dir=$1 name=$2 uri=$3
  mkdir -p "$dir"
  sed 's#<transportConnector name="openwire" uri="tcp://127.0.0.1:61616"/>#<transportConnector name="'"$name"'" uri="'"$uri"'"/>#' \
    /etc/activemq/instances-available/main/activemq.xml > "$dir/activemq.xml"
  grep -q "$uri" "$dir/activemq.xml" || { echo "side-by-side: could not add ActiveMQ's $name connector" >&2; exit 1; }
  cp /etc/activemq/instances-available/main/log4j2.properties "$dir/"
}

# Starts the ActiveMQ instance made by prepare_activemq in $1, with an empty data directory, in the background.
start_activemq() {
  local dir=$1
  rm -rf "$dir/data" "$dir/tmp" && mkdir -p "$dir/data" "$dir/tmp"
  # The JVM options of Debian's /usr/share/activemq/activemq-options and /usr/bin/activemq; ACTIVEMQ_HEAP_OPTS
  # replaces the heap's (a script that gives its other brokers a bigger heap gives ActiveMQ the same), and
  # ACTIVEMQ_EXTRA_OPTS adds options (e.g. GC logging).
  # shellcheck disable=SC2086
  java ${ACTIVEMQ_HEAP_OPTS:--Xms512M -Xmx512M} -Dorg.apache.activemq.UseDedicatedTaskRunner=true ${ACTIVEMQ_EXTRA_OPTS:-} \
    --add-reads=java.xml=java.logging --add-opens java.base/java.security=ALL-UNNAMED \
    --add-opens java.base/java.net=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED \
    --add-opens java.base/java.util=ALL-UNNAMED --add-opens java.naming/javax.naming.spi=ALL-UNNAMED \
    --add-opens java.rmi/sun.rmi.transport.tcp=ALL-UNNAMED --add-opens java.base/java.util.concurrent=ALL-UNNAMED \
    --add-opens java.base/java.util.concurrent.atomic=ALL-UNNAMED \
    -Dactivemq.classpath="$dir" -Dactivemq.home=/usr/share/activemq -Dactivemq.base="$dir" \
    -Dactivemq.conf="$dir" -Dactivemq.data="$dir/data" -Djava.io.tmpdir="$dir/tmp" \
    -jar /usr/share/activemq/bin/activemq.jar start "xbean:file:$dir/activemq.xml" > "$dir/console.log" 2>&1 &
}

# Starts Debian's RabbitMQ server as its own node (ferrybench@localhost, distribution port 45673) with the
# rabbitmq.conf and enabled_plugins files of directory $1 and an empty database, in the background.
start_rabbitmq() {
  local dir=$1
  rm -rf "$dir/mnesia" "$dir/log"
  # shellcheck disable=SC2086
  (export HOME="$dir" RABBITMQ_NODENAME=ferrybench@localhost RABBITMQ_DIST_PORT=45673 ERL_EPMD_ADDRESS=127.0.0.1 \
     RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf" \
     RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" RABBITMQ_PID_FILE="$dir/rabbit.pid"
   exec ${BROKER_TASKSET:-} /usr/lib/rabbitmq/bin/rabbitmq-server) > "$dir/console.log" 2>&1 &
}

# Installs, from Debian, the packages named in the arguments after $1 (the script's name, for messages) and
# what every run needs (a JDK, Maven, ss) when missing. With INSTALL=0 it names what is missing and stops.
install_missing_packages() {
  local script=$1; shift
  local need=("$@")
  command -v java >/dev/null || need+=(openjdk-17-jdk-headless)
  command -v mvn >/dev/null || need+=(maven)
  command -v ss >/dev/null || need+=(iproute2)
  command -v taskset >/dev/null || need+=(util-linux)
  [ ${#need[@]} -gt 0 ] || return 0
  [ "$INSTALL" = 1 ] || { echo "$script: missing ${need[*]} (run without --no-install)" >&2; exit 1; }
  [ "$(id -u)" = 0 ] || { echo "$script: installing ${need[*]} needs root" >&2; exit 1; }
  log "installing ${need[*]}"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${need[@]}"
}

# Warns about each named system service that is running: it competes with the brokers for the cores.
warn_running_services() {
  local svc
  for svc in "$@"; do
    if command -v systemctl >/dev/null && systemctl is-active --quiet "$svc" 2>/dev/null; then
      log "WARNING: the system service $svc is running and will compete for the cores; stop it for clean numbers"
    fi
  done
}

# The options every side-by-side script takes (--rounds, --duration, --warmup, --out, --no-install, --no-build,
# --dist): sets their variable and OPTION_ARGS to the number of arguments used, or OPTION_ARGS=0 for another option.
common_option() {
  OPTION_ARGS=2
  case "$1" in
    --rounds) ROUNDS="${2:?--rounds needs a value}" ;;
    --duration) DURATION="${2:?--duration needs a value}" ;;
    --warmup) WARMUP="${2:?--warmup needs a value}" ;;
    --out) OUT="${2:?--out needs a directory}" ;;
    --dist) DIST="$(cd "${2:?--dist needs a directory}" && pwd)"; BUILD=0 ;;
    --no-install) INSTALL=0; OPTION_ARGS=1 ;;
    --no-build) BUILD=0; OPTION_ARGS=1 ;;
    *) OPTION_ARGS=0 ;;
  esac
}

# The load generator from the private dist in $WORK/dist, on the cores the broker does not use. BENCH_JAVA_OPTS
# reaches its JVM.
bench() {
  local cpus
  cpus=$(client_cpus)
  # shellcheck disable=SC2086
  taskset -c "${cpus:-0}" java ${BENCH_JAVA_OPTS:--Xmx1g} -jar "$WORK/dist/ferrymq-bench.jar" "$@"
}

# Stops broker $1 of $BROKERS: the process listening on its port ${PORT[$1]}.
stop_broker() {
  stop_pid "$1" "$(listener_pid "${PORT[$1]}")"
}

# Fails unless every port of $BROKERS is free.
require_free_ports() {
  local b
  for b in $BROKERS; do
    [ -z "$(listener_pid "${PORT[$b]}")" ] || { echo "side-by-side: port ${PORT[$b]} ($b) is already in use" >&2; exit 1; }
  done
}

# For every scenario of $SCENARIOS and round, runs 'run_one SCENARIO BROKER ROUND' (defined by the script, writing
# $OUT/SCENARIO/BROKER-ROUND.json) for each broker of $BROKERS in turn; then prints $OUT/machine.txt, the median
# per scenario and broker and the ratio lines FerryMQ / peer (also kept in $OUT/summary.txt).
run_rounds_and_compare() {
  local scenario round b f files=()
  for scenario in $SCENARIOS; do
    for round in $(seq 1 "$ROUNDS"); do
      for b in $BROKERS; do
        run_one "$scenario" "$b" "$round"
      done
    done
  done
  cat "$OUT/machine.txt"
  echo
  for scenario in $SCENARIOS; do
    for b in $BROKERS; do
      for f in "$OUT/$scenario/$b"-*.json; do [ -f "$f" ] && files+=("$f"); done
    done
  done
  [ ${#files[@]} -gt 0 ] || { echo "side-by-side: no results in $OUT" >&2; exit 1; }
  bench compare --baseline ferrymq "${files[@]}" | tee "$OUT/summary.txt"
}

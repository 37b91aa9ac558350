#!/usr/bin/env bash
# MQTT side by side: the MQTT scenarios run alternately against FerryMQ, Mosquitto (Debian package),
# HiveMQ Community Edition (its embedded jar from Maven Central) and ActiveMQ 5.17 (Debian package), then the
# median per scenario and broker and ratio lines such as "mqtt topic 10x10 on 10 persistent: ferrymq/mosquitto = 0.9".
#
#   bench/mqtt-side-by-side.sh                                   # 3 rounds of 30 s per scenario and broker
#   bench/mqtt-side-by-side.sh --rounds 3 --duration 10s --warmup 3s --peers mosquitto
#
# Options:
#   --peers LIST       comma-separated, from: mosquitto, hivemq, activemq       (default: all three)
#   --scenarios LIST   MQTT scenario names from 'ferrymq-bench scenarios'       (default: all three mqtt-*)
#   --rounds N, --duration D, --warmup D, --out DIR, --no-install, --no-build, --dist DIR: as in side-by-side.sh
#
# Peer settings. Each runs its packaged defaults plus only what the comparison needs:
#   all        listen on 127.0.0.1 only: FerryMQ 11883, Mosquitto 21883, HiveMQ CE 31883, ActiveMQ 51883;
#              pinned to one core, the load generator to the others (see side-by-side.sh); MQTT 3.1.1 clients
#              (the HiveMQ client library), clean sessions, guest/guest credentials.
#   FerryMQ    the MQTT listener alone, heap -Xms512m -Xmx2g, default durability: a QoS 1 message is
#              fsynced to the journal before its PUBACK.
#   Mosquitto  Debian's mosquitto 2.0 with 'listener 21883 127.0.0.1' and 'allow_anonymous true' (it has no
#              user database by default; the credentials are ignored) and its default in-memory operation:
#              it never fsyncs a message, so QoS 1 costs it no disk write (FerryMQ's QoS 1 figures include one).
#   HiveMQ CE  bench/peers/hivemq-ce/HiveMqCe.java: the embedded broker with a 127.0.0.1 listener on 31883 and
#              anonymous usage statistics off; default file persistence (no fsync per message), no
#              authentication extension (so credentials are accepted as given), the JVM's default heap.
#   ActiveMQ   Debian's packaged instance and JVM options, as in side-by-side.sh, with its one connector replaced
#              by mqtt+nio://127.0.0.1:51883; no authentication plugin (credentials accepted as given); QoS 1
#              messages are persistent in KahaDB, which syncs its journal by default.
# Environment: BENCH_RUN_OPTS (extra options for every 'ferrymq-bench run', e.g. "--rate 20000" for an open-loop
# latency run at a fixed total rate); BROKER_CPU (the core brokers are pinned to; default 0).
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$BENCH_DIR")"
CACHE="${FERRYMQ_BENCH_CACHE:-$HOME/.cache/ferrymq-bench}"
WORK="$BENCH_DIR/target/mqtt-side-by-side"

PEERS="mosquitto,hivemq,activemq"
SCENARIOS="mqtt-qos0-10x10 mqtt-qos1-10x10 mqtt-qos0-1x100"
ROUNDS=3
DURATION=30s
WARMUP=5s
OUT=""
INSTALL=1
BUILD=1
DIST=""

log() { echo "[mqtt-side-by-side $(date +%H:%M:%S)] $*" >&2; }
# shellcheck source=lib/side-by-side-common.sh
. "$BENCH_DIR/lib/side-by-side-common.sh"

while [ $# -gt 0 ]; do
  case "$1" in
    --peers) PEERS="$2"; shift 2 ;;
    --scenarios) SCENARIOS="${2//,/ }"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) common_option "$@"
       [ "$OPTION_ARGS" -gt 0 ] || { echo "mqtt-side-by-side: unknown option $1 (see --help)" >&2; exit 2; }
       shift "$OPTION_ARGS" ;;
  esac
done

declare -A PORT=([ferrymq]=11883 [mosquitto]=21883 [hivemq]=31883 [activemq]=51883)
BROKERS="ferrymq ${PEERS//,/ }"
for b in $BROKERS; do
  [ -n "${PORT[$b]:-}" ] || { echo "mqtt-side-by-side: unknown peer '$b' (mosquitto, hivemq, activemq)" >&2; exit 2; }
done


install_peers() {
  local need=()
  case " $BROKERS " in *" mosquitto "*) command -v mosquitto >/dev/null || [ -x /usr/sbin/mosquitto ] || need+=(mosquitto) ;; esac
  case " $BROKERS " in *" activemq "*) dpkg -s activemq >/dev/null 2>&1 || need+=(activemq) ;; esac
  install_missing_packages mqtt-side-by-side "${need[@]}"
  warn_running_services mosquitto activemq
  case " $BROKERS " in *" hivemq "*)
    HIVEMQ_LIB="$CACHE/hivemq-ce/lib"
    if [ ! -d "$HIVEMQ_LIB" ] || [ -z "$(ls "$HIVEMQ_LIB"/hivemq-community-edition-embedded-*.jar 2>/dev/null)" ]; then
      [ "$INSTALL" = 1 ] || { echo "mqtt-side-by-side: HiveMQ CE is not in $CACHE (run without --no-install)" >&2; exit 1; }
      log "downloading HiveMQ CE (embedded) from Maven Central"
      mkdir -p "$HIVEMQ_LIB"
      mvn -B -q -f "$BENCH_DIR/peers/hivemq-ce/pom.xml" dependency:copy-dependencies -DoutputDirectory="$HIVEMQ_LIB"
    fi
  ;; esac
}

build() {
  prepare_dist "$WORK/dist"
}

prepare_instances() {
  mkdir -p "$WORK/ferrymq" "$WORK/mosquitto" "$WORK/hivemq"
  cat > "$WORK/ferrymq/broker.yaml" <<CONF
listeners:
  - name: mqtt
    protocols: [mqtt]
    host: 127.0.0.1
    port: ${PORT[ferrymq]}
CONF
  cat > "$WORK/mosquitto/mosquitto.conf" <<CONF
listener ${PORT[mosquitto]} 127.0.0.1
allow_anonymous true
CONF
  case " $BROKERS " in *" activemq "*)
    prepare_activemq "$WORK/activemq" mqtt "mqtt+nio://127.0.0.1:${PORT[activemq]}"
  ;; esac
}

start_broker() {
  local b=$1 dir="$WORK/$1"
  case $b in
    ferrymq)
      start_ferrymq "$WORK/dist" "$dir"
      ;;
    mosquitto)
      (exec "$(command -v mosquitto || echo /usr/sbin/mosquitto)" -c "$dir/mosquitto.conf") > "$dir/console.log" 2>&1 &
      ;;
    hivemq)
      rm -rf "$dir/home"
      (exec java -cp "$HIVEMQ_LIB/*" "$BENCH_DIR/peers/hivemq-ce/HiveMqCe.java" "$dir/home" "${PORT[hivemq]}") \
        > "$dir/console.log" 2>&1 &
      ;;
    activemq)
      start_activemq "$dir"
      ;;
  esac
  local port=${PORT[$b]}
  for _ in $(seq 1 120); do
    BROKER_PID=$(listener_pid "$port")
    if [ -n "$BROKER_PID" ] && bench connections --protocol mqtt -P "$port" -n 1 --hold 0s -q >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.5
  done
  echo "mqtt-side-by-side: $b did not accept an MQTT connection on port $port within 60 s; see $dir/console.log" >&2
  tail -20 "$dir/console.log" >&2 || true
  exit 1
}

cleanup() {
  set +e
  for b in $BROKERS; do stop_broker "$b"; done
}

run_one() {
  local scenario=$1 b=$2 round=$3 file="$OUT/$1/$2-$3.json" status=0
  mkdir -p "$OUT/$scenario" "$OUT/logs/$scenario"
  start_broker "$b"
  log "$scenario round $round: $b (pid $BROKER_PID)"
  pin_broker "$BROKER_PID"
  bench run -P "${PORT[$b]}" --broker-pid "$BROKER_PID" ${BENCH_RUN_OPTS:-} --scenario "$scenario" --duration "$DURATION" --warmup "$WARMUP" --label "$b" \
    --json "$file" -q >> "$OUT/runs.log" 2>&1 || status=$?
  stop_broker "$b"
  cp "$WORK/$b/console.log" "$OUT/logs/$scenario/$b-$round.log" 2>/dev/null || true
  [ "$status" = 0 ] || log "WARNING: $scenario on $b (round $round) exited with $status; see $OUT/runs.log"
}

main() {
  install_peers
  build
  prepare_instances
  require_free_ports
  trap cleanup EXIT
  trap 'exit 143' INT TERM
  OUT="${OUT:-$WORK/results-$(date +%Y%m%d-%H%M%S)}"
  mkdir -p "$OUT"
  {
    machine_info
    echo "brokers: $BROKERS; rounds $ROUNDS; duration $DURATION; warm-up $WARMUP"
    dpkg-query -W -f='${Package} ${Version}\n' mosquitto 2>/dev/null || true
    echo "hivemq-community-edition-embedded 2025.5"
  } > "$OUT/machine.txt"
  log "results in $OUT"
  run_rounds_and_compare
}

main

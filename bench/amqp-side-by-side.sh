#!/usr/bin/env bash
# AMQP 1.0 side by side: the AMQP scenarios run alternately against FerryMQ, ActiveMQ Artemis (its Maven Central
# tarball) and RabbitMQ (Debian's package with its rabbitmq_amqp1_0 plugin), all driven by Qpid JMS, then the
# median per scenario and broker and ratio lines such as "amqp queue 10x10 persistent: ferrymq/artemis = 1.4".
#
#   bench/amqp-side-by-side.sh                                   # 3 rounds of 30 s per scenario and broker
#   bench/amqp-side-by-side.sh --rounds 3 --duration 10s --warmup 3s --peers artemis
#
# Options:
#   --peers LIST       comma-separated, from: artemis, rabbitmq                 (default: both)
#   --scenarios LIST   AMQP scenario names from 'ferrymq-bench scenarios'       (default: all four amqp-*)
#   --rounds N, --duration D, --warmup D, --out DIR, --no-install, --no-build, --dist DIR: as in side-by-side.sh
#
# Peer settings. Each runs its packaged defaults plus only what the comparison needs:
#   all        listen on 127.0.0.1 only: FerryMQ 5772, Artemis 6672, RabbitMQ 45672; guest/guest over SASL PLAIN;
#              the same client (Qpid JMS 2.10) with the same settings: addresses /queue/NAME (RabbitMQ's form,
#              which FerryMQ reads the same way and Artemis takes as an address name), link credit (prefetch)
#              1000, durable messages in the persistent scenarios (each broker syncs them to disk before it
#              accepts them, by default), pre-settled consumers otherwise.
#   FerryMQ    the AMQP listener alone, heap -Xms512m -Xmx2g, the same as Artemis' packaged artemis.profile.
#   Artemis    'artemis create' with --user guest --password guest --require-login (authentication as the
#              others), --host 127.0.0.1 --port-offset 1000 (AMQP acceptor on 6672), --no-web
#              --no-stomp-acceptor --no-mqtt-acceptor --no-hornetq-acceptor (listeners nobody uses); libaio
#              installed so that it picks its AIO journal, as on a Linux production host. Queues are
#              auto-created (its default address settings) when the first link attaches.
#   RabbitMQ   Debian's 3.10 server as its own node (ferrybench@localhost, data in the work directory) with only
#              rabbitmq_amqp1_0 enabled, which serves AMQP 1.0 on the AMQP port (45672 here). A consumer's
#              source /queue/NAME declares the queue, as the load generator's consumers attach before producers.
#              Caveat, measured: the plugin declares that queue non-durable (Qpid JMS asks for no terminus
#              durability on a queue consumer), and RabbitMQ keeps even durable messages of a non-durable queue
#              in memory only, so its "persistent" runs write nothing to disk while FerryMQ's and Artemis' do.
# Environment: BENCH_RUN_OPTS (extra options for every 'ferrymq-bench run', e.g. "--rate 20000" for an open-loop
# latency run at a fixed total rate); BROKER_CPU (the core brokers are pinned to; default 0).
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$BENCH_DIR")"
CACHE="${FERRYMQ_BENCH_CACHE:-$HOME/.cache/ferrymq-bench}"
WORK="$BENCH_DIR/target/amqp-side-by-side"

PEERS="artemis,rabbitmq"
SCENARIOS="amqp-queue-1x1 amqp-queue-1x1-persistent amqp-queue-10x10 amqp-queue-10x10-persistent"
ROUNDS=3
DURATION=30s
WARMUP=5s
OUT=""
INSTALL=1
BUILD=1
DIST=""

log() { echo "[amqp-side-by-side $(date +%H:%M:%S)] $*" >&2; }
# shellcheck source=lib/side-by-side-common.sh
. "$BENCH_DIR/lib/side-by-side-common.sh"

while [ $# -gt 0 ]; do
  case "$1" in
    --peers) PEERS="$2"; shift 2 ;;
    --scenarios) SCENARIOS="${2//,/ }"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) common_option "$@"
       [ "$OPTION_ARGS" -gt 0 ] || { echo "amqp-side-by-side: unknown option $1 (see --help)" >&2; exit 2; }
       shift "$OPTION_ARGS" ;;
  esac
done

declare -A PORT=([ferrymq]=5772 [artemis]=6672 [rabbitmq]=45672)
BROKERS="ferrymq ${PEERS//,/ }"
for b in $BROKERS; do
  [ -n "${PORT[$b]:-}" ] || { echo "amqp-side-by-side: unknown peer '$b' (artemis, rabbitmq)" >&2; exit 2; }
done


install_peers() {
  local need=()
  case " $BROKERS " in *" rabbitmq "*) dpkg -s rabbitmq-server >/dev/null 2>&1 || need+=(rabbitmq-server) ;; esac
  case " $BROKERS " in *" artemis "*) dpkg -s libaio1 >/dev/null 2>&1 || need+=(libaio1) ;; esac
  install_missing_packages amqp-side-by-side "${need[@]}"
  warn_running_services rabbitmq-server
  case " $BROKERS " in *" artemis "*) install_artemis ;; esac
}

prepare_instances() {
  mkdir -p "$WORK/ferrymq"
  cat > "$WORK/ferrymq/broker.yaml" <<CONF
listeners:
  - name: amqp
    protocols: [amqp]
    host: 127.0.0.1
    port: ${PORT[ferrymq]}
CONF
  case " $BROKERS " in *" artemis "*)
    rm -rf "$WORK/artemis"
    "$ARTEMIS_HOME/bin/artemis" create "$WORK/artemis" --silent --user guest --password guest --require-login \
      --host 127.0.0.1 --port-offset 1000 --no-web --no-stomp-acceptor --no-mqtt-acceptor --no-hornetq-acceptor >/dev/null
    grep -q "<acceptor name=\"amqp\">tcp://127.0.0.1:${PORT[artemis]}" "$WORK/artemis/etc/broker.xml" \
      || { echo "amqp-side-by-side: Artemis' AMQP acceptor is not on port ${PORT[artemis]}" >&2; exit 1; }
  ;; esac
  case " $BROKERS " in *" rabbitmq "*)
    mkdir -p "$WORK/rabbitmq"
    echo "listeners.tcp.default = 127.0.0.1:${PORT[rabbitmq]}" > "$WORK/rabbitmq/rabbitmq.conf"
    echo '[rabbitmq_amqp1_0].' > "$WORK/rabbitmq/enabled_plugins"
  ;; esac
}

start_broker() {
  local b=$1 dir="$WORK/$1"
  case $b in
    ferrymq) start_ferrymq "$WORK/dist" "$dir" ;;
    artemis) start_artemis "$dir" ;;
    rabbitmq) start_rabbitmq "$dir" ;;
  esac
  local port=${PORT[$b]}
  for _ in $(seq 1 120); do
    BROKER_PID=$(listener_pid "$port")
    # Ready means an AMQP client can log in: some brokers open the port before they finish booting.
    if [ -n "$BROKER_PID" ] && bench connections --protocol amqp -P "$port" -n 1 --hold 0s -q >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.5
  done
  echo "amqp-side-by-side: $b did not accept an AMQP connection on port $port within 60 s; see $dir/console.log" >&2
  tail -20 "$dir/console.log" >&2 || true
  exit 1
}

cleanup() {
  set +e
  for b in $BROKERS; do stop_broker "$b"; done
  if [ -n "${EPMD_STARTED:-}" ] && command -v epmd >/dev/null; then epmd -kill >/dev/null 2>&1 || true; fi
}

run_one() {
  local scenario=$1 b=$2 round=$3 file="$OUT/$1/$2-$3.json" status=0
  mkdir -p "$OUT/$scenario" "$OUT/logs/$scenario"
  start_broker "$b"
  log "$scenario round $round: $b (pid $BROKER_PID)"
  pin_broker "$BROKER_PID"
  bench run --protocol amqp -P "${PORT[$b]}" --broker-pid "$BROKER_PID" ${BENCH_RUN_OPTS:-} --scenario "$scenario" --duration "$DURATION" --warmup "$WARMUP" \
    --label "$b" --json "$file" -q >> "$OUT/runs.log" 2>&1 || status=$?
  stop_broker "$b"
  cp "$WORK/$b/console.log" "$OUT/logs/$scenario/$b-$round.log" 2>/dev/null || true
  [ "$status" = 0 ] || log "WARNING: $scenario on $b (round $round) exited with $status; see $OUT/runs.log"
}

main() {
  install_peers
  prepare_dist "$WORK/dist"
  prepare_instances
  require_free_ports
  pgrep -x epmd >/dev/null || EPMD_STARTED=1
  trap cleanup EXIT
  trap 'exit 143' INT TERM
  OUT="${OUT:-$WORK/results-$(date +%Y%m%d-%H%M%S)}"
  mkdir -p "$OUT"
  {
    machine_info
    echo "brokers: $BROKERS; rounds $ROUNDS; duration $DURATION; warm-up $WARMUP"
    dpkg-query -W -f='${Package} ${Version}\n' rabbitmq-server 2>/dev/null || true
    echo "artemis $ARTEMIS_VERSION"
  } > "$OUT/machine.txt"
  log "results in $OUT"
  run_rounds_and_compare
}

main

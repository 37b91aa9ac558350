#!/usr/bin/env bash
# OpenWire side by side: the OpenWire scenarios run alternately against FerryMQ, ActiveMQ 5.17 (Debian's package)
# and ActiveMQ Artemis (its Maven Central tarball), all driven by the ActiveMQ JMS client (activemq-client 6.3.1)
# through the load generator, then the median per scenario and broker and ratio lines such as
# "openwire queue 10x10 persistent: ferrymq/activemq = 2.1". The broker under test runs pinned to its own core(s)
# (taskset), the load generator to the others, so the two do not take each other's CPU.
#
#   bench/openwire-side-by-side.sh                                # 3 rounds of 30 s per scenario and broker
#   bench/openwire-side-by-side.sh --rounds 1 --duration 3s --warmup 1s --peers activemq   # a quick check
#
# Options:
#   --peers LIST       comma-separated, from: activemq, artemis ("" for FerryMQ alone)    (default: both)
#   --scenarios LIST   OpenWire scenario names from 'ferrymq-bench scenarios'   (default: all four openwire-*)
#   --broker-cpu LIST  the cores the broker runs on (taskset -c); the load generator gets the rest (default: 0)
#   --rounds N, --duration D, --warmup D, --out DIR, --no-install, --no-build, --dist DIR: as in side-by-side.sh
#
# Peer settings. Each runs its packaged defaults plus only what the comparison needs:
#   all        listen on 127.0.0.1 only: FerryMQ 61716, Artemis 62616, ActiveMQ 63616; guest/guest; the same
#              client (activemq-client 6.3.1, OpenWire 12) with the same settings: prefetch 1000, up to 100 sends
#              per producer awaiting the broker's Response (AsyncCallback), persistent messages in the persistent
#              scenarios (each broker syncs them to disk before it answers, by default) with CLIENT_ACKNOWLEDGE
#              every 100, AUTO_ACKNOWLEDGE (optimized acks) otherwise.
#   FerryMQ    the OpenWire listener alone, heap -Xms512m -Xmx2g, the same as Artemis' packaged artemis.profile.
#   Artemis    'artemis create' with --user guest --password guest --require-login, --host 127.0.0.1
#              --port-offset 1000 (its all-protocols acceptor, which speaks OpenWire, on 62616), --no-web
#              --no-amqp-acceptor --no-stomp-acceptor --no-mqtt-acceptor --no-hornetq-acceptor; libaio installed
#              so that it picks its AIO journal, as on a Linux production host.
#   ActiveMQ   Debian's packaged instance (/etc/activemq/instances-available/main: KahaDB, no JMX) and Debian's
#              JVM options (UseDedicatedTaskRunner) but the others' heap, -Xms512m -Xmx2g (ACTIVEMQ_HEAP_OPTS),
#              its OpenWire connector moved to 63616, and one destination policy: queues keep pending messages
#              in memory (vmQueueCursor) with producer flow control at 64 MB per queue. Debian's instance has no
#              users: any login is accepted, guest/guest included.
#              Why: at 10x10 ActiveMQ confirmed 49k sends/s but dispatched 3.3k/s (2026-12-07, 512 MB heap): ten
#              producer connections' threads outrun the queue's one dispatch thread on the broker's core, so a
#              backlog builds. With Debian's 512 MB heap its memory limit is cut to 70% of the heap (358 MB); once
#              the backlog reaches it, the default store cursor spools non-persistent messages to the temp store
#              (its documented behaviour; Debian's instance logs nothing to confirm it) rather than holding
#              producers back, and dispatch collapsed (2-3k msg/s, 240-460 µs/msg, 0.4 million confirmed
#              messages still queued after the drain, reported as lost) in every 10x10 run of the fifth, sixth
#              and seventh stops. A larger heap alone would only delay that. With the policy, ActiveMQ's producers
#              wait for room as FerryMQ's and Artemis' do at their limits; persistent messages are still written
#              to KahaDB before the Response, the cursor only keeps them in memory too (if anything, in its favour).
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$BENCH_DIR")"
CACHE="${FERRYMQ_BENCH_CACHE:-$HOME/.cache/ferrymq-bench}"
WORK="$BENCH_DIR/target/openwire-side-by-side"

PEERS="activemq,artemis"
SCENARIOS="openwire-queue-1x1 openwire-queue-1x1-persistent openwire-queue-10x10 openwire-queue-10x10-persistent"
ROUNDS=3
DURATION=30s
WARMUP=5s
OUT=""
INSTALL=1
BUILD=1
DIST=""
BROKER_CPU=0
export ACTIVEMQ_HEAP_OPTS="${ACTIVEMQ_HEAP_OPTS:--Xms512m -Xmx2g}"

log() { echo "[openwire-side-by-side $(date +%H:%M:%S)] $*" >&2; }
# shellcheck source=lib/side-by-side-common.sh
. "$BENCH_DIR/lib/side-by-side-common.sh"

while [ $# -gt 0 ]; do
  case "$1" in
    --peers) PEERS="$2"; shift 2 ;;
    --scenarios) SCENARIOS="${2//,/ }"; shift 2 ;;
    --broker-cpu) BROKER_CPU="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) common_option "$@"
       [ "$OPTION_ARGS" -gt 0 ] || { echo "openwire-side-by-side: unknown option $1 (see --help)" >&2; exit 2; }
       shift "$OPTION_ARGS" ;;
  esac
done

declare -A PORT=([ferrymq]=61716 [artemis]=62616 [activemq]=63616)
BROKERS="ferrymq ${PEERS//,/ }"
for b in $BROKERS; do
  [ -n "${PORT[$b]:-}" ] || { echo "openwire-side-by-side: unknown peer '$b' (activemq, artemis)" >&2; exit 2; }
done

command -v taskset >/dev/null || { echo "openwire-side-by-side: taskset (util-linux) is needed" >&2; exit 1; }
CLIENT_CPUS=$(seq 0 $(($(nproc) - 1)) | grep -vxF -f <(echo "${BROKER_CPU//,/$'\n'}") | paste -sd, -)
[ -n "$CLIENT_CPUS" ] || { echo "openwire-side-by-side: no core left for the load generator" >&2; exit 1; }

# The load generator, pinned away from the broker's cores.
bench() {
  # shellcheck disable=SC2086
  taskset -c "$CLIENT_CPUS" java ${BENCH_JAVA_OPTS:--Xmx1g} -jar "$WORK/dist/ferrymq-bench.jar" "$@"
}

install_peers() {
  local need=()
  case " $BROKERS " in *" activemq "*) dpkg -s activemq >/dev/null 2>&1 || need+=(activemq) ;; esac
  case " $BROKERS " in *" artemis "*) dpkg -s libaio1 >/dev/null 2>&1 || need+=(libaio1) ;; esac
  install_missing_packages openwire-side-by-side "${need[@]}"
  warn_running_services activemq
  case " $BROKERS " in *" artemis "*) install_artemis ;; esac
}

prepare_instances() {
  mkdir -p "$WORK/ferrymq"
  cat > "$WORK/ferrymq/broker.yaml" <<CONF
listeners:
  - name: openwire
    protocols: [openwire]
    host: 127.0.0.1
    port: ${PORT[ferrymq]}
CONF
  case " $BROKERS " in *" artemis "*)
    rm -rf "$WORK/artemis"
    "$ARTEMIS_HOME/bin/artemis" create "$WORK/artemis" --silent --user guest --password guest --require-login \
      --host 127.0.0.1 --port-offset 1000 --no-web --no-amqp-acceptor --no-stomp-acceptor --no-mqtt-acceptor \
      --no-hornetq-acceptor >/dev/null
    grep -q "<acceptor name=\"artemis\">tcp://127.0.0.1:${PORT[artemis]}" "$WORK/artemis/etc/broker.xml" \
      || { echo "openwire-side-by-side: Artemis' acceptor is not on port ${PORT[artemis]}" >&2; exit 1; }
  ;; esac
  case " $BROKERS " in *" activemq "*)
    prepare_activemq "$WORK/activemq" openwire "tcp://127.0.0.1:${PORT[activemq]}"
    # Producer flow control instead of spooling (see the header): queues keep their pending messages in memory,
    # and a producer waits for its Response once a queue holds 64 MB of them.
    sed -i 's#^\( *\)<persistenceAdapter>#\1<destinationPolicy><policyMap><policyEntries>\
\1  <policyEntry queue=">" producerFlowControl="true" memoryLimit="64mb">\
\1    <pendingQueuePolicy><vmQueueCursor/></pendingQueuePolicy>\
\1  </policyEntry>\
\1</policyEntries></policyMap></destinationPolicy>\
\1<persistenceAdapter>#' "$WORK/activemq/activemq.xml"
    grep -q "<vmQueueCursor/>" "$WORK/activemq/activemq.xml" \
      || { echo "openwire-side-by-side: could not add ActiveMQ's destination policy" >&2; exit 1; }
  ;; esac
}

start_broker() {
  local b=$1 dir="$WORK/$1"
  # Started on the broker's cores: every thread it makes inherits them.
  case $b in
    ferrymq) taskset_self start_ferrymq "$WORK/dist" "$dir" ;;
    artemis) taskset_self start_artemis "$dir" ;;
    activemq) taskset_self start_activemq "$dir" ;;
  esac
  local port=${PORT[$b]}
  for _ in $(seq 1 120); do
    BROKER_PID=$(listener_pid "$port")
    # Ready means an OpenWire client can log in: some brokers open the port before they finish booting.
    if [ -n "$BROKER_PID" ] && bench connections --protocol openwire -P "$port" -n 1 --hold 0s -q >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.5
  done
  echo "openwire-side-by-side: $b did not accept an OpenWire connection on port $port within 60 s; see $dir/console.log" >&2
  tail -20 "$dir/console.log" >&2 || true
  exit 1
}

# Runs a start function with this shell pinned to the broker's cores, then unpins the shell: the broker started in
# the background keeps the affinity it was born with.
taskset_self() {
  local all
  all=$(seq -s, 0 $(($(nproc) - 1)))
  taskset -cp "$BROKER_CPU" $$ >/dev/null
  "$@"
  taskset -cp "$all" $$ >/dev/null
}

cleanup() {
  set +e
  for b in $BROKERS; do stop_broker "$b"; done
}

run_one() {
  local scenario=$1 b=$2 round=$3 file="$OUT/$1/$2-$3.json" status=0
  mkdir -p "$OUT/$scenario" "$OUT/logs/$scenario"
  start_broker "$b"
  log "$scenario round $round: $b (pid $BROKER_PID, cores $(taskset -cp "$BROKER_PID" | awk '{print $NF}'))"
  bench run --protocol openwire -P "${PORT[$b]}" --broker-pid "$BROKER_PID" ${BENCH_RUN_OPTS:-} --scenario "$scenario" --duration "$DURATION" --warmup "$WARMUP" \
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
  trap cleanup EXIT
  trap 'exit 143' INT TERM
  OUT="${OUT:-$WORK/results-$(date +%Y%m%d-%H%M%S)}"
  mkdir -p "$OUT"
  {
    machine_info
    echo "brokers: $BROKERS; rounds $ROUNDS; duration $DURATION; warm-up $WARMUP; broker cores $BROKER_CPU," \
      "load generator cores $CLIENT_CPUS"
    dpkg-query -W -f='${Package} ${Version}\n' activemq 2>/dev/null || true
    case " $BROKERS " in *" artemis "*) echo "artemis $ARTEMIS_VERSION" ;; esac
  } > "$OUT/machine.txt"
  log "results in $OUT"
  run_rounds_and_compare
}

main

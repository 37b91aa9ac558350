#!/usr/bin/env bash
# Side-by-side benchmark: the same scenarios, run alternately against FerryMQ and peer brokers
# (FerryMQ, peer 1, peer 2, ..., FerryMQ, peer 1, ... for each round), then the median per scenario and
# broker and the ratio lines "stomp queue 10x10 persistent: ferrymq/artemis = 1.7".
#
# One command on a fresh Debian machine, as root (it installs packages):
#
#   bench/side-by-side.sh                                  # everything: 3 rounds, 30 s per run (about an hour)
#   bench/side-by-side.sh --rounds 3 --duration 10s --warmup 3s --peers artemis,activemq
#   bench/side-by-side.sh --scenarios stomp-queue-1x1,stomp-connections-10k --connections 2000
#
# Options:
#   --peers LIST       comma-separated, from: artemis, activemq, rabbitmq      (default: all three)
#   --scenarios LIST   names from 'ferrymq-bench scenarios', or 'all'           (default: all)
#   --rounds N         runs of each scenario on each broker                     (default: 3)
#   --duration D       measured time per run (500ms, 30s, 2m)                   (default: 30s)
#   --warmup D         unmeasured time before it                                (default: 5s)
#   --connections N    idle connections in the connection-scale scenario        (default: 10000)
#   --out DIR          where the JSON results and summary.txt go      (default: bench/target/side-by-side/results-DATE)
#   --no-install       do not apt-get / download anything (everything is already there)
#   --no-build         use the jars already built (server/target, bench/target)
#   --dist DIR         use the jars in DIR (ferrymq-server.jar, lib/, ferrymq-bench.jar) instead of building,
#                      e.g. to benchmark an earlier build
#
# Environment: BROKER_CPU (the core brokers are pinned to; default 0), BENCH_RUN_OPTS (extra options for every
# 'ferrymq-bench run', e.g. "--rate 20000" for an open-loop latency run at a fixed total rate), FERRYMQ_OPTS (extra
# JVM options for FerryMQ, e.g. a JFR recording), BENCH_JAVA_OPTS (for the load generator), FERRYMQ_BENCH_CACHE (downloads; default ~/.cache/ferrymq-bench).
#
# Every broker runs alone: it is started with an empty data directory before each run and stopped after it, so
# no run inherits another's journal, heap or page cache of queues, and no idle broker competes for the cores.
#
# Peer settings. Each peer runs its packaged defaults plus only what a fair comparison needs:
#   all        listen on 127.0.0.1 only, on ports that do not clash: FerryMQ 61713, Artemis 62613,
#              ActiveMQ 63613, RabbitMQ 64613 (STOMP). Every broker persists 'persistent:true' messages with its
#              default durability (fsync before the receipt); every client asks for the same prefetch of 1000
#              (activemq.prefetchSize / prefetch-count, which FerryMQ, ActiveMQ and RabbitMQ honour).
#   FerryMQ    the STOMP listener alone (the WebSocket and unified listeners are not used);
#              heap -Xms512m -Xmx2g, the same as Artemis' packaged artemis.profile.
#   Artemis    'artemis create' with --user guest --password guest --require-login (the same authentication
#              as the others), --host 127.0.0.1 --port-offset 1000 (ports), --no-web --no-amqp-acceptor
#              --no-mqtt-acceptor --no-hornetq-acceptor (listeners nobody uses); the STOMP acceptor gets
#              anycastPrefix=/queue/;multicastPrefix=/topic/ so that /queue/x is a queue and /topic/x a topic,
#              as in the other brokers (without it a SEND to /queue/x goes to a multicast address with no queue,
#              and is dropped). libaio is installed so 'artemis create' picks its AIO journal, as on any Linux
#              production host. Client side: no prefetch headers and consumer-window-size:-1 on SUBSCRIBE,
#              because Artemis reads activemq.prefetchSize (and consumer-window-size) as a window in bytes and,
#              measured here, stops delivering to an auto-ack subscription once that window is used up; with
#              its default window (about 10 KiB) a subscription acking every 100 messages stalls after 8.
#   ActiveMQ   Debian's packaged instance (/etc/activemq/instances-available/main: KahaDB, no JMX) and
#              Debian's JVM options (-Xms512M -Xmx512M, UseDedicatedTaskRunner), with its single OpenWire
#              connector replaced by stomp+nio://127.0.0.1:63613: Debian enables no STOMP connector, and the
#              NIO one is ActiveMQ's recommendation for many connections (plain stomp:// uses a thread per
#              connection, which the 10,000-connection scenario would turn into 10,000 threads).
#   RabbitMQ   Debian's packaged server, own node name (ferrybench@localhost) and data directory, plugins
#              rabbitmq_stomp (used now), rabbitmq_mqtt and rabbitmq_amqp1_0 (enabled for later scenarios);
#              AMQP on 45672, distribution port 45673, MQTT on 41883. guest may connect from loopback (default).
set -euo pipefail

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$BENCH_DIR")"
CACHE="${FERRYMQ_BENCH_CACHE:-$HOME/.cache/ferrymq-bench}"
WORK="$BENCH_DIR/target/side-by-side"

PEERS="artemis,activemq,rabbitmq"
SCENARIOS="all"
ROUNDS=3
DURATION=30s
WARMUP=5s
CONNECTIONS=10000
OUT=""
INSTALL=1
BUILD=1
DIST=""

log() { echo "[side-by-side $(date +%H:%M:%S)] $*" >&2; }
# shellcheck source=lib/side-by-side-common.sh
. "$BENCH_DIR/lib/side-by-side-common.sh"

while [ $# -gt 0 ]; do
  case "$1" in
    --peers) PEERS="$2"; shift 2 ;;
    --scenarios) SCENARIOS="$2"; shift 2 ;;
    --connections) CONNECTIONS="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) common_option "$@"
       [ "$OPTION_ARGS" -gt 0 ] || { echo "side-by-side: unknown option $1 (see --help)" >&2; exit 2; }
       shift "$OPTION_ARGS" ;;
  esac
done

declare -A PORT=([ferrymq]=61713 [artemis]=62613 [activemq]=63613 [rabbitmq]=64613)
# Load-generator options per broker (see "Peer settings" above).
declare -A CLIENT_OPTS=([ferrymq]="" [artemis]="--prefetch 0 --subscribe-header consumer-window-size=-1"
                        [activemq]="" [rabbitmq]="")
STD_SCENARIOS="stomp-queue-1x1 stomp-queue-1x1-persistent stomp-queue-10x10 stomp-queue-10x10-persistent stomp-topic-1x50 stomp-connections-10k"
[ "$SCENARIOS" = all ] && SCENARIOS="$STD_SCENARIOS"
SCENARIOS="${SCENARIOS//,/ }"
BROKERS="ferrymq ${PEERS//,/ }"
for b in $BROKERS; do
  [ -n "${PORT[$b]:-}" ] || { echo "side-by-side: unknown peer '$b' (artemis, activemq, rabbitmq)" >&2; exit 2; }
done


# ------------------------------------------------------------------ installation

install_packages() {
  local need=()
  case " $BROKERS " in *" activemq "*) dpkg -s activemq >/dev/null 2>&1 || need+=(activemq) ;; esac
  case " $BROKERS " in *" rabbitmq "*) dpkg -s rabbitmq-server >/dev/null 2>&1 || need+=(rabbitmq-server) ;; esac
  case " $BROKERS " in *" artemis "*) dpkg -s libaio1 >/dev/null 2>&1 || need+=(libaio1) ;; esac
  install_missing_packages side-by-side "${need[@]}"
  warn_running_services rabbitmq-server activemq
}

# ------------------------------------------------------------------ build

build() {
  prepare_dist "$WORK/dist"
}

# ------------------------------------------------------------------ brokers

prepare_instances() {
  local dir
  # FerryMQ: only the STOMP listener, on its own port.
  dir="$WORK/ferrymq" && mkdir -p "$dir"
  cat > "$dir/broker.yaml" <<EOF
listeners:
  - name: stomp
    protocols: [stomp]
    host: 127.0.0.1
    port: ${PORT[ferrymq]}
EOF
  case " $BROKERS " in *" artemis "*)
    dir="$WORK/artemis"
    rm -rf "$dir"
    "$ARTEMIS_HOME/bin/artemis" create "$dir" --silent --user guest --password guest --require-login \
      --host 127.0.0.1 --port-offset 1000 --no-web --no-amqp-acceptor --no-mqtt-acceptor --no-hornetq-acceptor >/dev/null
    sed -i 's#\(<acceptor name="stomp">tcp://127.0.0.1:'"${PORT[artemis]}"'?[^<]*\)</acceptor>#\1;anycastPrefix=/queue/;multicastPrefix=/topic/</acceptor>#' \
      "$dir/etc/broker.xml"
    grep -q 'anycastPrefix=/queue/' "$dir/etc/broker.xml" || { echo "side-by-side: could not set Artemis' STOMP prefixes" >&2; exit 1; }
  ;; esac
  case " $BROKERS " in *" activemq "*)
    prepare_activemq "$WORK/activemq" stomp "stomp+nio://127.0.0.1:${PORT[activemq]}"
  ;; esac
  case " $BROKERS " in *" rabbitmq "*)
    dir="$WORK/rabbitmq" && mkdir -p "$dir"
    cat > "$dir/rabbitmq.conf" <<EOF
listeners.tcp.default = 127.0.0.1:45672
stomp.listeners.tcp.1 = 127.0.0.1:${PORT[rabbitmq]}
mqtt.listeners.tcp.default = 127.0.0.1:41883
EOF
    echo '[rabbitmq_stomp,rabbitmq_mqtt,rabbitmq_amqp1_0].' > "$dir/enabled_plugins"
  ;; esac
}

start_broker() {
  local b=$1 dir="$WORK/$1"
  case $b in
    ferrymq)
      start_ferrymq "$WORK/dist" "$dir"
      ;;
    artemis)
      start_artemis "$dir"
      ;;
    activemq)
      start_activemq "$dir"
      ;;
    rabbitmq)
      start_rabbitmq "$dir"
      ;;
  esac
  local port=${PORT[$b]} i
  for i in $(seq 1 120); do
    BROKER_PID=$(listener_pid "$port")
    # Ready means a STOMP client can log in: some brokers open the port before they finish booting.
    if [ -n "$BROKER_PID" ] && bench connections -P "$port" -n 1 --hold 0s -q >/dev/null 2>&1; then
      return 0
    fi
    sleep 0.5
  done
  echo "side-by-side: $b did not accept a STOMP login on port $port within 60 s; see $dir/console.log" >&2
  tail -20 "$dir/console.log" >&2 || true
  exit 1
}

# Keeps a run's broker logs beside its result, since the next start of that broker clears them.
keep_logs() {
  local b=$1 dest=$2 dir="$WORK/$1"
  mkdir -p "$dest"
  cp "$dir/console.log" "$dest/" 2>/dev/null || true
  case $b in
    ferrymq) cp -r "$dir/logs" "$dest/" 2>/dev/null || true ;;
    artemis) cp -r "$dir/log" "$dest/" 2>/dev/null || true ;;
    activemq) cp "$dir/data/activemq.log" "$dest/" 2>/dev/null || true ;;
    rabbitmq) cp -r "$dir/log" "$dest/" 2>/dev/null || true ;;
  esac
}

cleanup() {
  set +e
  for b in $BROKERS; do stop_broker "$b"; done
  if [ -n "${EPMD_STARTED:-}" ] && command -v epmd >/dev/null; then epmd -kill >/dev/null 2>&1 || true; fi
}

# ------------------------------------------------------------------ runs

run_one() {
  local scenario=$1 b=$2 round=$3 file="$OUT/$1/$2-$3.json"
  mkdir -p "$OUT/$scenario"
  start_broker "$b"
  log "$scenario round $round: $b (pid $BROKER_PID)"
  pin_broker "$BROKER_PID"
  local status=0
  if [ "$scenario" = stomp-connections-10k ]; then
    bench connections -P "${PORT[$b]}" -n "$CONNECTIONS" --broker-pid "$BROKER_PID" --label "$b" --json "$file" -q \
      >> "$OUT/runs.log" 2>&1 || status=$?
  else
    # shellcheck disable=SC2086
    bench run -P "${PORT[$b]}" --broker-pid "$BROKER_PID" ${BENCH_RUN_OPTS:-} --scenario "$scenario" --duration "$DURATION" --warmup "$WARMUP" --label "$b" \
      --json "$file" -q ${CLIENT_OPTS[$b]} >> "$OUT/runs.log" 2>&1 || status=$?
  fi
  stop_broker "$b"
  keep_logs "$b" "$OUT/logs/$scenario/$b-$round"
  [ "$status" = 0 ] || log "WARNING: $scenario on $b (round $round) exited with $status; see $OUT/runs.log"
}

main() {
  [ "$INSTALL" = 1 ] && install_packages
  case " $BROKERS " in *" artemis "*) install_artemis ;; esac
  build
  prepare_instances
  require_free_ports
  pgrep -x epmd >/dev/null || EPMD_STARTED=1
  trap cleanup EXIT
  trap 'exit 143' INT TERM
  # The connection-scale scenario needs a descriptor per connection in the client and in the broker.
  ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
  if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt $((CONNECTIONS + 1000)) ]; then
    log "WARNING: ulimit -n is $(ulimit -n), below the $((CONNECTIONS + 1000)) the connection scenario needs"
  fi

  OUT="${OUT:-$WORK/results-$(date +%Y%m%d-%H%M%S)}"
  mkdir -p "$OUT"
  {
    machine_info
    echo "memory: $(free -g | awk '/Mem:/ {print $2}') GiB"
    echo "brokers: $BROKERS; rounds $ROUNDS; duration $DURATION; warm-up $WARMUP; connections $CONNECTIONS"
    dpkg-query -W -f='${Package} ${Version}\n' activemq rabbitmq-server 2>/dev/null || true
    echo "artemis $ARTEMIS_VERSION"
  } > "$OUT/machine.txt"
  log "results in $OUT"

  run_rounds_and_compare
}

main
